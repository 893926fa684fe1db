"""CKV_TML_1: an S3 Object Lock default retention is set, and is COMPLIANCE mode in prod.

trademl object-locks only its WORM archives (the audit trail), so every
aws_s3_bucket_object_lock_configuration is judged as an audit bucket. Rule: a default retention with a mode
and a literal `days` or `years` above zero; in prod the mode must be COMPLIANCE, because GOVERNANCE can be
lifted by anyone holding s3:BypassGovernanceRetention and so is not non-erasable. Outside prod GOVERNANCE is
accepted (the profile's `lock_mode: auto`). The configuration names its bucket by reference and carries no
tags, so the environment is the stack's (see tml_conf.environment); when it cannot be shown, prod is assumed.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tml_conf import is_prod, positive, value

CHECK_ID = "CKV_TML_1"
NAME = "S3 Object Lock default retention is COMPLIANCE mode in prod (GOVERNANCE elsewhere)"
CONTROL = "audit-worm"
SATISFIED_BY = {
    "aws-eks": "aws_s3_bucket_object_lock_configuration (rule.default_retention: mode COMPLIANCE, years)",
    "aws-ecs": "aws_s3_bucket_object_lock_configuration (rule.default_retention: mode COMPLIANCE, years)",
}


class S3ObjectLockCompliance(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=NAME,
            id=CHECK_ID,
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=["aws_s3_bucket_object_lock_configuration"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = ["rule/[0]/default_retention/[0]"]
        mode = value(conf, "rule", "default_retention", "mode")
        days = value(conf, "rule", "default_retention", "days")
        years = value(conf, "rule", "default_retention", "years")
        if mode not in ("COMPLIANCE", "GOVERNANCE") or not (positive(days) or positive(years)):
            return CheckResult.FAILED
        if is_prod(conf, "bucket") and mode != "COMPLIANCE":
            return CheckResult.FAILED
        return CheckResult.PASSED


check = S3ObjectLockCompliance()
