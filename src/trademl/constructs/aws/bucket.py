"""S3 buckets that are private, versioned and encrypted with the stack's customer-managed key."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from cdktn_provider_aws.s3_bucket import S3Bucket
from cdktn_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
    S3BucketLifecycleConfigurationRuleTransition,
)
from cdktn_provider_aws.s3_bucket_logging import S3BucketLoggingA
from cdktn_provider_aws.s3_bucket_object_lock_configuration import (
    S3BucketObjectLockConfigurationA,
    S3BucketObjectLockConfigurationRuleA,
    S3BucketObjectLockConfigurationRuleDefaultRetentionA,
)
from cdktn_provider_aws.s3_bucket_ownership_controls import S3BucketOwnershipControls
from cdktn_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktn_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktn_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from cdktn_provider_aws.s3_bucket_versioning import S3BucketVersioningA
from constructs import Construct

from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.context import BuildContext

# Load balancer access logs land under this prefix of an access-log bucket (see log_delivery_statements).
ELB_LOG_PREFIX = "elb"


def log_delivery_statements(
    bucket_name: str, account: str, elb_account_arn: str
) -> tuple[Mapping[str, object], ...]:
    """Bucket-policy statements of an access-log bucket (SSE-S3, owner-enforced, so no ACLs): S3 server
    access logging from this account's buckets, and ELB access logs under ELB_LOG_PREFIX. Regions opened
    before August 2022 deliver ELB logs as the regional ELB account (data.aws_elb_service_account), newer
    ones as the log-delivery service principal: both are allowed, only into this account's prefix."""
    arn = f"arn:aws:s3:::{bucket_name}"
    return (
        {
            "Sid": "S3ServerAccessLogs",
            "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"{arn}/s3/*",
            "Condition": {"StringEquals": {"aws:SourceAccount": account}},
        },
        {
            "Sid": "ElbAccessLogsRegionalAccount",
            "Effect": "Allow",
            "Principal": {"AWS": elb_account_arn},
            "Action": "s3:PutObject",
            "Resource": f"{arn}/{ELB_LOG_PREFIX}/AWSLogs/{account}/*",
        },
        {
            "Sid": "ElbAccessLogsService",
            "Effect": "Allow",
            "Principal": {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"{arn}/{ELB_LOG_PREFIX}/AWSLogs/{account}/*",
        },
    )


class Tiering(StrEnum):
    """Where objects go as they age."""

    NONE = "none"
    INTELLIGENT = "intelligent"  # data and models: S3 Intelligent-Tiering from day 0
    ARCHIVE = "archive"  # logs: Glacier after 90 days, Deep Archive after 365


class BucketRef:
    """A bucket, created here or adopted: name and ARN are all dependents need."""

    name: str
    arn: str
    adopted: bool = False


class AdoptedBucket(BucketRef):
    def __init__(self, arn: str) -> None:
        self.arn = arn
        self.name = arn.rsplit(":", 1)[1]
        self.adopted = True


@dataclass(frozen=True, kw_only=True, slots=True)
class ObjectLock:
    mode: Literal["COMPLIANCE", "GOVERNANCE"]
    years: int


@dataclass(frozen=True, kw_only=True, slots=True)
class SecureBucketProps:
    ctx: BuildContext
    name: str
    """Globally unique bucket name (derive it with ctx.name(...))."""
    key: KeyRef | None
    """Customer-managed key. None only for targets that cannot use one (S3 access-log targets)."""
    access_logs: BucketRef | None = None
    """Where server access logs go. None: no access logging (only for the access-log bucket itself)."""
    tiering: Tiering = Tiering.NONE
    object_lock: ObjectLock | None = None
    """WORM retention. Implies versioning; noncurrent versions are then never expired."""
    noncurrent_days: int = 90
    region: str | None = None
    policy_statements: tuple[Mapping[str, object], ...] = ()
    """Extra bucket-policy statements (service writers such as CloudTrail). Default: TLS-only alone."""


class SecureBucket(Construct, BucketRef):
    """Versioning on, SSE-KMS with a bucket key, public access blocked, owner-enforced, TLS-only policy."""

    def __init__(self, scope: Construct, id: str, props: SecureBucketProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.bucket = self._create_bucket()
        self.name = props.name
        self.arn = f"arn:aws:s3:::{props.name}"
        region = props.region
        S3BucketVersioningA(
            self,
            "Versioning",
            bucket=self.bucket.id,
            region=region,
            versioning_configuration={"status": "Enabled"},
        )
        sse = S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
            sse_algorithm="aws:kms" if props.key is not None else "AES256",
            kms_master_key_id=props.key.arn if props.key is not None else None,
        )
        S3BucketServerSideEncryptionConfigurationA(
            self,
            "Encryption",
            bucket=self.bucket.id,
            region=region,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=sse, bucket_key_enabled=props.key is not None
                )
            ],
        )
        S3BucketPublicAccessBlock(
            self,
            "PublicAccessBlock",
            bucket=self.bucket.id,
            region=region,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        S3BucketOwnershipControls(
            self,
            "Ownership",
            bucket=self.bucket.id,
            region=region,
            rule={"object_ownership": "BucketOwnerEnforced"},
        )
        self.policy = S3BucketPolicy(
            self, "TlsOnly", bucket=self.bucket.id, policy=self._policy(), region=region
        )
        if props.access_logs is not None:
            S3BucketLoggingA(
                self,
                "AccessLogs",
                bucket=self.bucket.id,
                region=region,
                target_bucket=props.access_logs.name,
                target_prefix=f"s3/{props.name}/",
            )
        S3BucketLifecycleConfiguration(
            self, "Lifecycle", bucket=self.bucket.id, region=region, rule=self._lifecycle_rules()
        )
        if props.object_lock is not None:
            S3BucketObjectLockConfigurationA(
                self,
                "ObjectLock",
                bucket=self.bucket.id,
                region=region,
                rule=S3BucketObjectLockConfigurationRuleA(
                    default_retention=S3BucketObjectLockConfigurationRuleDefaultRetentionA(
                        mode=props.object_lock.mode, years=props.object_lock.years
                    )
                ),
            )

    def _create_bucket(self) -> S3Bucket:
        """Extension point: override to add bucket-level settings."""
        ctx = self.props.ctx
        return S3Bucket(
            self,
            "Bucket",
            bucket=self.props.name,
            object_lock_enabled=self.props.object_lock is not None or None,
            force_destroy=ctx.force_destroy and self.props.object_lock is None,
            region=self.props.region,
            **ctx.stateful(),
        )

    def _policy(self) -> str:
        arn = f"arn:aws:s3:::{self.props.name}"
        return json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [arn, f"{arn}/*"],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    },
                    *self.props.policy_statements,
                ],
            },
            sort_keys=True,
        )

    def _lifecycle_rules(self) -> list[S3BucketLifecycleConfigurationRule]:
        """Extension point: the lifecycle rules of this bucket."""
        every = [S3BucketLifecycleConfigurationRuleFilter(prefix="")]

        def rule(name: str, **kwargs: object) -> S3BucketLifecycleConfigurationRule:
            return S3BucketLifecycleConfigurationRule(id=name, status="Enabled", filter=every, **kwargs)  # type: ignore[arg-type]

        def move(days: int, storage_class: str) -> S3BucketLifecycleConfigurationRuleTransition:
            return S3BucketLifecycleConfigurationRuleTransition(days=days, storage_class=storage_class)

        rules = [
            rule(
                "abort-incomplete-uploads",
                abort_incomplete_multipart_upload=[
                    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=7)
                ],
            )
        ]
        if self.props.object_lock is None:
            rules.append(
                rule(
                    "expire-noncurrent",
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                            noncurrent_days=self.props.noncurrent_days
                        )
                    ],
                )
            )
        if self.props.tiering is Tiering.INTELLIGENT:
            rules.append(rule("intelligent-tiering", transition=[move(0, "INTELLIGENT_TIERING")]))
        elif self.props.tiering is Tiering.ARCHIVE:
            rules.append(rule("archive", transition=[move(90, "GLACIER"), move(365, "DEEP_ARCHIVE")]))
        return rules
