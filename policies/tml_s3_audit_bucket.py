"""CKV_TML_2: an S3 audit bucket is created with Object Lock enabled.

An audit bucket is an aws_s3_bucket whose `bucket` or `bucket_prefix` has an `audit` segment (trademl names
it `<platform>-<environment>-audit-...`). Object Lock can only be turned on when a bucket is created, so a
bucket missing it cannot later be made WORM; other buckets are not judged.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tml_conf import has_segment, is_true, value

CHECK_ID = "CKV_TML_2"
NAME = "S3 audit bucket is created with Object Lock enabled"
CONTROL = "audit-worm"
SATISFIED_BY = {
    "aws-eks": "aws_s3_bucket named *-audit-* (object_lock_enabled = true)",
    "aws-ecs": "aws_s3_bucket named *-audit-* (object_lock_enabled = true)",
}


class S3AuditBucketObjectLock(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=NAME,
            id=CHECK_ID,
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=["aws_s3_bucket"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        name = value(conf, "bucket") or value(conf, "bucket_prefix")
        if not has_segment(name, "audit"):
            return CheckResult.UNKNOWN
        self.evaluated_keys = ["object_lock_enabled"]
        return CheckResult.PASSED if is_true(value(conf, "object_lock_enabled")) else CheckResult.FAILED


check = S3AuditBucketObjectLock()
