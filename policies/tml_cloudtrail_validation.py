"""CKV_TML_3: CloudTrail writes digest files so log tampering can be proven.

Rule: every aws_cloudtrail sets `enable_log_file_validation = true` (it defaults to false).
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tml_conf import is_true, value

CHECK_ID = "CKV_TML_3"
NAME = "CloudTrail log file validation is enabled"
CONTROL = "audit-integrity"
SATISFIED_BY = {
    "aws-eks": "aws_cloudtrail (enable_log_file_validation = true)",
    "aws-ecs": "aws_cloudtrail (enable_log_file_validation = true)",
}


class CloudTrailLogValidation(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=NAME,
            id=CHECK_ID,
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_cloudtrail"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = ["enable_log_file_validation"]
        ok = is_true(value(conf, "enable_log_file_validation"))
        return CheckResult.PASSED if ok else CheckResult.FAILED


check = CloudTrailLogValidation()
