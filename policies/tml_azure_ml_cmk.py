"""CKV_TML_5: the Azure Machine Learning workspace encrypts with a customer-managed key.

Rule: an azurerm_machine_learning_workspace has an `encryption` block naming both `key_vault_id` and
`key_id`. The stock checks only look at public access, not at who holds the key.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tml_conf import is_set, value

CHECK_ID = "CKV_TML_5"
NAME = "Azure ML workspace is encrypted with a customer-managed key"
CONTROL = "customer-keys"
SATISFIED_BY = {
    "azure": "azurerm_machine_learning_workspace (encryption.key_vault_id and encryption.key_id)",
}


class AzureMlWorkspaceCmk(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=NAME,
            id=CHECK_ID,
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["azurerm_machine_learning_workspace"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = ["encryption/[0]/key_vault_id", "encryption/[0]/key_id"]
        vault = value(conf, "encryption", "key_vault_id")
        key = value(conf, "encryption", "key_id")
        return CheckResult.PASSED if is_set(vault) and is_set(key) else CheckResult.FAILED


check = AzureMlWorkspaceCmk()
