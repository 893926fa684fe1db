"""CKV_TML_6: Key Vault keys rotate automatically.

Rule: an azurerm_key_vault_key has `rotation_policy.automatic` with `time_before_expiry` or
`time_after_creation` set. A rotation policy without the automatic action only notifies.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tml_conf import is_set, value

CHECK_ID = "CKV_TML_6"
NAME = "Key Vault key has an automatic rotation policy"
CONTROL = "key-rotation"
SATISFIED_BY = {
    "azure": "azurerm_key_vault_key (rotation_policy.automatic.time_before_expiry or time_after_creation)",
}


class KeyVaultKeyRotation(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=NAME,
            id=CHECK_ID,
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["azurerm_key_vault_key"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = ["rotation_policy/[0]/automatic"]
        before = value(conf, "rotation_policy", "automatic", "time_before_expiry")
        after = value(conf, "rotation_policy", "automatic", "time_after_creation")
        return CheckResult.PASSED if is_set(before) or is_set(after) else CheckResult.FAILED


check = KeyVaultKeyRotation()
