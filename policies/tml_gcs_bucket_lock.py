"""CKV_TML_9: the GCS audit bucket has a retention policy, locked in prod.

An audit bucket is a google_storage_bucket whose `name` has an `audit` segment (trademl names it
`<platform>-<environment>-audit-...`); other buckets are not judged. Rule: `retention_policy.retention_period`
above zero and, in prod, `retention_policy.is_locked = true` (Bucket Lock: the policy can no longer be
shortened or removed). The environment is the bucket's `environment` label, else the stack's, else its name;
unknown means prod.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tml_conf import has_segment, is_prod, is_true, positive, value

CHECK_ID = "CKV_TML_9"
NAME = "GCS audit bucket retention policy is locked in prod"
CONTROL = "audit-worm"
SATISFIED_BY = {
    "gcp": "google_storage_bucket named *-audit-* (retention_policy.retention_period, is_locked = true)",
}


class GcsAuditBucketLock(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=NAME,
            id=CHECK_ID,
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=["google_storage_bucket"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        if not has_segment(value(conf, "name"), "audit"):
            return CheckResult.UNKNOWN
        self.evaluated_keys = ["retention_policy/[0]/retention_period", "retention_policy/[0]/is_locked"]
        if not positive(value(conf, "retention_policy", "retention_period")):
            return CheckResult.FAILED
        if is_prod(conf, "name") and not is_true(value(conf, "retention_policy", "is_locked")):
            return CheckResult.FAILED
        return CheckResult.PASSED


check = GcsAuditBucketLock()
