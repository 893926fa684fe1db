"""Cross-region replication of a store to the failover region: a replica bucket encrypted with that
region's key, and a replication rule with S3 Replication Time Control when the RPO asks for it."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationA,
    S3BucketReplicationConfigurationRule,
    S3BucketReplicationConfigurationRuleDeleteMarkerReplication,
    S3BucketReplicationConfigurationRuleDestination,
    S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration,
    S3BucketReplicationConfigurationRuleDestinationMetrics,
    S3BucketReplicationConfigurationRuleDestinationMetricsEventThreshold,
    S3BucketReplicationConfigurationRuleDestinationReplicationTime,
    S3BucketReplicationConfigurationRuleDestinationReplicationTimeTime,
    S3BucketReplicationConfigurationRuleFilter,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteria,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects,
)
from constructs import Construct

from trademl.constructs.aws.bucket import BucketRef, SecureBucket, SecureBucketProps, Tiering
from trademl.constructs.aws.identity import (
    LeastPrivilegeRole,
    LeastPrivilegeRoleProps,
    account_of,
    service_trust,
)
from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.context import BuildContext

RTC_MINUTES = 15  # S3 Replication Time Control replicates 99.99% of objects within 15 minutes


@dataclass(frozen=True, kw_only=True, slots=True)
class StoreReplicaProps:
    ctx: BuildContext
    source: BucketRef
    source_key: KeyRef
    replica_key: KeyRef
    """A key in the replica region."""
    store: str
    """Store name (models, data): names the replica."""
    access_logs: BucketRef | None = None
    """The replica region's access-log bucket. Default: None, the replica is not access-logged."""


class StoreReplica(Construct):
    def __init__(self, scope: Construct, id: str, props: StoreReplicaProps) -> None:
        super().__init__(scope, id)
        ctx = props.ctx
        spec = ctx.profile.aws(ctx.target)
        region = spec.secondary_region
        # Server access logs stay in-region: access_logs must be the replica region's log bucket.
        self.replica = SecureBucket(
            self,
            "Replica",
            SecureBucketProps(
                ctx=ctx,
                name=ctx.name(props.store, "replica", spec.account_id),
                key=props.replica_key,
                tiering=Tiering.INTELLIGENT,
                region=region,
                access_logs=props.access_logs,
            ),
        )
        src, dst = props.source.arn, self.replica.arn
        self.role = LeastPrivilegeRole(
            self,
            "Role",
            LeastPrivilegeRoleProps(
                ctx=ctx,
                name=ctx.name("replicate", props.store),
                trust_policy=service_trust(["s3.amazonaws.com"], account_of(ctx)),
                statements=(
                    {
                        "Effect": "Allow",
                        "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                        "Resource": src,
                    },
                    {
                        "Effect": "Allow",
                        "Resource": f"{src}/*",
                        "Action": [
                            "s3:GetObjectVersionAcl",
                            "s3:GetObjectVersionForReplication",
                            "s3:GetObjectVersionTagging",
                        ],
                    },
                    {
                        "Effect": "Allow",
                        "Resource": f"{dst}/*",
                        "Action": ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"],
                    },
                    {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": props.source_key.arn},
                    {
                        "Effect": "Allow",
                        "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
                        "Resource": props.replica_key.arn,
                    },
                ),
            ),
        )
        rtc = ctx.profile.failover.rpo_minutes <= RTC_MINUTES
        self.configuration = S3BucketReplicationConfigurationA(
            self,
            "Replication",
            bucket=props.source.name,
            role=self.role.arn,
            depends_on=[self.role.policy],
            rule=[
                S3BucketReplicationConfigurationRule(
                    id="to-failover-region",
                    status="Enabled",
                    filter=S3BucketReplicationConfigurationRuleFilter(prefix=""),
                    delete_marker_replication=S3BucketReplicationConfigurationRuleDeleteMarkerReplication(
                        status="Enabled"
                    ),
                    source_selection_criteria=S3BucketReplicationConfigurationRuleSourceSelectionCriteria(
                        sse_kms_encrypted_objects=S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects(
                            status="Enabled"
                        )
                    ),
                    destination=S3BucketReplicationConfigurationRuleDestination(
                        bucket=dst,
                        storage_class="STANDARD",
                        encryption_configuration=S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration(
                            replica_kms_key_id=props.replica_key.arn
                        ),
                        replication_time=S3BucketReplicationConfigurationRuleDestinationReplicationTime(
                            status="Enabled",
                            time=S3BucketReplicationConfigurationRuleDestinationReplicationTimeTime(
                                minutes=RTC_MINUTES
                            ),
                        )
                        if rtc
                        else None,
                        metrics=S3BucketReplicationConfigurationRuleDestinationMetrics(
                            status="Enabled",
                            event_threshold=S3BucketReplicationConfigurationRuleDestinationMetricsEventThreshold(
                                minutes=RTC_MINUTES
                            ),
                        )
                        if rtc
                        else None,
                    ),
                )
            ],
        )
