"""CKV_TML_4: Azure audit storage has a time-based immutability policy, locked in prod.

Rule: an azurerm_storage_container_immutability_policy sets a period above zero and, in prod, `locked = true`
(an unlocked policy can be shortened or deleted, so it is not non-erasable). A storage account that declares
an account-level `immutability_policy` block is held to the same rule: a period and `state = "Locked"` in
prod, `Unlocked` or `Locked` elsewhere; accounts without the block are not judged. The container policy
carries no tags, so its environment is the stack's (see tml_conf.environment); unknown means prod.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tml_conf import is_prod, is_true, positive, value

CHECK_ID = "CKV_TML_4"
NAME = "Azure audit container immutability policy is locked in prod"
CONTROL = "audit-worm"
SATISFIED_BY = {
    "azure": "azurerm_storage_container_immutability_policy (immutability_period_in_days, locked = true)",
}
CONTAINER_POLICY = "azurerm_storage_container_immutability_policy"


class AzureImmutabilityLocked(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=NAME,
            id=CHECK_ID,
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=[CONTAINER_POLICY, "azurerm_storage_account"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        if self.entity_type == CONTAINER_POLICY:
            self.evaluated_keys = ["immutability_period_in_days", "locked"]
            period = value(conf, "immutability_period_in_days")
            locked = is_true(value(conf, "locked"))
        else:
            if value(conf, "immutability_policy") is None:
                return CheckResult.UNKNOWN
            self.evaluated_keys = ["immutability_policy"]
            period = value(conf, "immutability_policy", "period_since_creation_in_days")
            state = value(conf, "immutability_policy", "state")
            if state not in ("Locked", "Unlocked"):
                return CheckResult.FAILED
            locked = state == "Locked"
        if not positive(period):
            return CheckResult.FAILED
        if is_prod(conf, "name") and not locked:
            return CheckResult.FAILED
        return CheckResult.PASSED


check = AzureImmutabilityLocked()
