"""Create the S3 state backend: a private, versioned, SSE-KMS bucket that refuses plain HTTP.

Locking is S3-native (Terraform >= 1.10 writes a .tflock object beside the state), so no DynamoDB
table is created. Encryption uses the AWS-managed key aws/s3: a customer key would need a key policy
naming every future CI role before the first deploy, which the platform's own stacks manage later.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import ClientError

from trademl.model import AwsTarget
from trademl.model.targets import S3State
from trademl.ops.aws_checks import error_code, error_text, state_region
from trademl.ops.clients import AwsClients
from trademl.ops.context import TargetContext
from trademl.ops.report import Action, Bootstrapped, Change, OpsError, settle

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.literals import BucketLocationConstraintType
    from mypy_boto3_s3.type_defs import (
        CreateBucketConfigurationTypeDef,
        PublicAccessBlockConfigurationTypeDef,
        ServerSideEncryptionRuleTypeDef,
    )

TLS_SID = "DenyInsecureTransport"
NOTES = (
    "locking: S3-native lock file beside the state (backend use_lockfile, Terraform >= 1.10); "
    "nothing else to create",
    "encryption: SSE-KMS with the AWS-managed key aws/s3 (no KMS key created)",
)


def bootstrap_aws(ctx: TargetContext, clients: AwsClients) -> Bootstrapped:
    spec = ctx.spec
    assert isinstance(spec, AwsTarget) and isinstance(spec.state, S3State)
    region = state_region(spec, spec.state)
    bucket = spec.state.bucket
    s3 = clients.s3(region)
    partition = clients.session.get_partition_for_region(region)
    try:
        changes = (
            _bucket(s3, bucket, region, spec.account_id),
            _versioning(s3, bucket),
            _encryption(s3, bucket),
            _public_access(s3, bucket),
            _ownership(s3, bucket),
            _tls_only(s3, bucket, partition),
        )
    except ClientError as exc:
        raise OpsError(
            f"S3 bucket {bucket}: {error_text(exc)}; fix: grant the caller s3:* on it "
            "(or s3:CreateBucket and s3:Put*Bucket*)"
        ) from None
    return Bootstrapped(changes, NOTES)


def _bucket(s3: S3Client, bucket: str, region: str, account: str) -> Change:
    what = f"S3 bucket {bucket} in {region}"
    try:
        s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=account)
    except ClientError as exc:
        if error_code(exc) not in ("404", "NoSuchBucket", "NotFound"):
            raise OpsError(
                f"S3 bucket name {bucket} is taken by another account ({error_text(exc)}); "
                "fix: choose another state.bucket, e.g. with the account id in it"
            ) from None
    else:
        actual = s3.get_bucket_location(Bucket=bucket).get("LocationConstraint") or "us-east-1"
        if actual != region:
            raise OpsError(
                f"S3 bucket {bucket} exists in {actual}, the profile expects {region}; "
                f"fix: set state.region: {actual}"
            )
        return Change(Action.EXISTS, what)
    if region == "us-east-1":  # the one region that rejects an explicit LocationConstraint
        s3.create_bucket(Bucket=bucket, ObjectOwnership="BucketOwnerEnforced")
    else:
        where: CreateBucketConfigurationTypeDef = {
            "LocationConstraint": cast("BucketLocationConstraintType", region)
        }
        s3.create_bucket(
            Bucket=bucket, ObjectOwnership="BucketOwnerEnforced", CreateBucketConfiguration=where
        )
    return Change(Action.CREATED, what)


def _versioning(s3: S3Client, bucket: str) -> Change:
    on = s3.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled"
    if not on:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return settle("versioning Enabled", True, not on)


def _encryption(s3: S3Client, bucket: str) -> Change:
    what = "default encryption SSE-KMS (aws/s3 key, bucket key on)"
    try:
        rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    except ClientError as exc:
        if error_code(exc) != "ServerSideEncryptionConfigurationNotFoundError":
            raise
        rules = []
    algorithms = [r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm") for r in rules]
    if "aws:kms" in algorithms:  # a customer key someone chose already is kept
        return Change(Action.EXISTS, "default encryption SSE-KMS")
    rule: ServerSideEncryptionRuleTypeDef = {
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"},
        "BucketKeyEnabled": True,
    }
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]})
    return Change(Action.SET, what)


def _public_access(s3: S3Client, bucket: str) -> Change:
    wanted: PublicAccessBlockConfigurationTypeDef = {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    try:
        found = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        current: dict[str, Any] = dict(found)
    except ClientError as exc:
        if error_code(exc) != "NoSuchPublicAccessBlockConfiguration":
            raise
        current = {}
    same = all(current.get(k) is True for k in wanted)
    if not same:
        s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=wanted)
    return settle("public access block (all four settings on)", True, not same)


def _ownership(s3: S3Client, bucket: str) -> Change:
    try:
        rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    except ClientError as exc:
        if error_code(exc) != "OwnershipControlsNotFoundError":
            raise
        rules = []
    same = [r.get("ObjectOwnership") for r in rules] == ["BucketOwnerEnforced"]
    if not same:
        s3.put_bucket_ownership_controls(
            Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        )
    return settle("object ownership BucketOwnerEnforced (ACLs off)", True, not same)


def _tls_only(s3: S3Client, bucket: str, partition: str) -> Change:
    """Add a deny-without-TLS statement, keeping any statements someone else put there."""
    try:
        policy: dict[str, Any] = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    except ClientError as exc:
        if error_code(exc) != "NoSuchBucketPolicy":
            raise
        policy = {"Version": "2012-10-17", "Statement": []}
    statements: list[dict[str, Any]] = list(policy.get("Statement", []))
    if any(s.get("Sid") == TLS_SID for s in statements):
        return Change(Action.EXISTS, "bucket policy denying requests without TLS")
    arn = f"arn:{partition}:s3:::{bucket}"
    statements.append(
        {
            "Sid": TLS_SID,
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [arn, f"{arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    )
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({**policy, "Statement": statements}))
    return Change(Action.SET, "bucket policy denying requests without TLS")
