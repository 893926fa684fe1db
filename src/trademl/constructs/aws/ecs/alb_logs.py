"""ALB access logs into the foundation's access-log bucket (SSE-S3: the only encryption ELB log delivery
supports; same region as the load balancer).

ELB writes only where the bucket policy lets it, and a load balancer whose bucket refuses it fails to
apply. So logging turns on only once the foundation's bucket carries the delivery statement (Sid
ELB_LOG_SID, see statement()); until then the balancers stay unlogged and the gate's allowlist says why.
"""

from __future__ import annotations

from cdktn_provider_aws.lb import Lb

from trademl.constructs.aws.bucket import BucketRef, SecureBucket

ELB_LOG_SID = "ElbLogDelivery"
ALB_LOG_PREFIX = "alb"
ELB_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"


def statement(bucket: str, account_id: str, elb_principal: dict[str, str]) -> dict[str, object]:
    """The bucket-policy statement ELB log delivery needs. elb_principal: {"AWS": <the region's ELB
    account, data.aws_elb_service_account.arn>} in regions opened before August 2022, else
    {"Service": ELB_SERVICE}."""
    return {
        "Sid": ELB_LOG_SID,
        "Effect": "Allow",
        "Principal": elb_principal,
        "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{bucket}/{ALB_LOG_PREFIX}/*/AWSLogs/{account_id}/*",
    }


def elb_log_bucket(bucket: BucketRef | None) -> BucketRef | None:
    """The bucket if its policy admits ELB log delivery, else None."""
    if isinstance(bucket, SecureBucket) and any(
        s.get("Sid") == ELB_LOG_SID for s in bucket.props.policy_statements
    ):
        return bucket
    return None


def log_access(lb: Lb, bucket: BucketRef | None, name: str) -> None:
    """Turn on access logs for lb under alb/<name>/ when a bucket accepts them."""
    if bucket is not None:
        lb.put_access_logs(bucket=bucket.name, prefix=f"{ALB_LOG_PREFIX}/{name}", enabled=True)
