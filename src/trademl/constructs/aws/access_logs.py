"""The access-log bucket of a region: destination of S3 server access logs and load balancer access logs.

SSE-S3 (neither S3 server access logging nor ELB log delivery can write to an SSE-KMS bucket), archived as
it ages, and a bucket policy that admits exactly the two log writers (bucket.log_delivery_statements)."""

from __future__ import annotations

from cdktn_provider_aws.data_aws_elb_service_account import DataAwsElbServiceAccount
from constructs import Construct

from trademl.constructs.aws.bucket import SecureBucket, SecureBucketProps, Tiering, log_delivery_statements
from trademl.constructs.context import BuildContext


def access_log_bucket(
    scope: Construct, id: str, ctx: BuildContext, *, name: str, region: str | None = None
) -> SecureBucket:
    """An access-log bucket named `name` in `region` (default: the provider's), construct id `id`."""
    account = ctx.profile.aws(ctx.target).account_id
    elb = DataAwsElbServiceAccount(scope, f"{id}ElbAccount", region=region)
    return SecureBucket(
        scope,
        id,
        SecureBucketProps(
            ctx=ctx,
            name=name,
            key=None,
            tiering=Tiering.ARCHIVE,
            region=region,
            policy_statements=log_delivery_statements(name, account, elb.arn),
        ),
    )


def secondary_access_log_bucket(scope: Construct, ctx: BuildContext) -> SecureBucket:
    """The failover region's access-log bucket: ELB and S3 deliver logs only within their own region."""
    spec = ctx.profile.aws(ctx.target)
    assert spec.secondary_region is not None
    return access_log_bucket(
        scope,
        "AccessLogs",
        ctx,
        name=ctx.name("access-logs", "secondary", spec.account_id),
        region=spec.secondary_region,
    )
