"""ALB access logs into an access-log bucket of the balancer's region (SSE-S3: the only encryption ELB log
delivery supports).

ELB writes only where the bucket policy lets it, and a load balancer whose bucket refuses it fails to
apply. So logging turns on only for buckets made by `access_logs.access_log_bucket`, whose policy carries
the delivery statements for ELB_LOG_PREFIX (see `bucket.log_delivery_statements`).
"""

from __future__ import annotations

from cdktn_provider_aws.lb import Lb

from trademl.constructs.aws.bucket import ELB_LOG_PREFIX, BucketRef, SecureBucket

ELB_DELIVERY_SIDS = frozenset({"ElbAccessLogsRegionalAccount", "ElbAccessLogsService"})


def elb_log_bucket(bucket: BucketRef | None) -> BucketRef | None:
    """The bucket if its policy admits ELB log delivery, else None."""
    if isinstance(bucket, SecureBucket) and any(
        s.get("Sid") in ELB_DELIVERY_SIDS for s in bucket.props.policy_statements
    ):
        return bucket
    return None


def log_access(lb: Lb, bucket: BucketRef | None, name: str) -> None:
    """Turn on access logs for lb when a bucket accepts them (the file names carry the balancer's name)."""
    del name  # every balancer shares the delivery prefix the bucket policy admits
    if bucket is not None:
        lb.put_access_logs(bucket=bucket.name, prefix=ELB_LOG_PREFIX, enabled=True)
