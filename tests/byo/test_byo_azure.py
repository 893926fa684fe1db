"""Bring your own on azure: the adopted network, AKS cluster, Key Vault key, DNS zone and registry are not
created; what trademl builds references their ids."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from trademl.model import TargetName

from tfjson import assert_resource_like, resources, stack

SUB = "/subscriptions/00000000-0000-4000-8000-000000000002/resourceGroups"
VNET = f"{SUB}/hub-net/providers/Microsoft.Network/virtualNetworks/spoke-ml"
AKS = f"{SUB}/aks/providers/Microsoft.ContainerService/managedClusters/shared-ml"
KEY = f"{SUB}/keys/providers/Microsoft.KeyVault/vaults/corp-kv-ml/keys/trademl"
ACR = f"{SUB}/acr/providers/Microsoft.ContainerRegistry/registries/corpacrml"
# The primary region's layers; failover builds its own network and cluster in the secondary region.
PRIMARY = ("foundation", "audit", "platform", "workloads", "desk-rates")


@pytest.fixture(scope="module")
def out(brownfield: Callable[[TargetName], Path]) -> Path:
    return brownfield(TargetName.AZURE)


def layer(out: Path, name: str) -> dict[str, Any]:
    return stack(out, f"beta-azure-{name}")


@pytest.mark.parametrize(
    "kind",
    [
        "azurerm_virtual_network",
        "azurerm_subnet",
        "azurerm_kubernetes_cluster",
        "azurerm_disk_encryption_set",
        "azurerm_key_vault",
        "azurerm_key_vault_key",
        "azurerm_container_registry",
        "azurerm_dns_zone",
    ],
)
def test_adopted_kinds_are_not_created(out: Path, kind: str) -> None:
    for name in PRIMARY:
        assert not resources(layer(out, name), kind), f"{kind} created in {name}"


def test_node_pools_join_the_adopted_cluster_and_subnet(out: Path) -> None:
    pools = resources(layer(out, "platform"), "azurerm_kubernetes_cluster_node_pool")
    assert pools
    for pool in pools.values():
        assert pool["kubernetes_cluster_id"] == AKS
        assert pool["vnet_subnet_id"] == f"{VNET}/subnets/aks"


def test_adopted_cluster_is_read_by_id_and_wired(out: Path) -> None:
    platform = layer(out, "platform")
    data = platform["data"]["azurerm_kubernetes_cluster"]
    assert [(d["name"], d["resource_group_name"]) for d in data.values()] == [("shared-ml", "aks")]
    assert_resource_like(platform, "azurerm_kubernetes_cluster_extension", {"cluster_id": AKS})
    pull = assert_resource_like(platform, "azurerm_role_assignment", {"role_definition_name": "AcrPull"})
    assert pull["scope"] == ACR
    assert "data.azurerm_kubernetes_cluster." in pull["principal_id"]


def test_workloads_providers_and_federation_read_the_adopted_cluster(out: Path) -> None:
    workloads = layer(out, "workloads")
    assert "AdoptedCluster" in workloads["provider"]["kubernetes"][0]["host"]
    for cred in resources(workloads, "azurerm_federated_identity_credential").values():
        assert "AdoptedCluster" in cred["issuer"] and "oidc_issuer_url" in cred["issuer"]


def test_storage_encrypts_with_the_adopted_key(out: Path) -> None:
    foundation = layer(out, "foundation")
    cmks = resources(foundation, "azurerm_storage_account_customer_managed_key")
    assert cmks
    for cmk in cmks.values():
        assert cmk["key_vault_key_id"] == "https://corp-kv-ml.vault.azure.net/keys/trademl"
    assert_resource_like(foundation, "azurerm_role_assignment", {"scope": KEY})


def test_ml_workspace_pins_the_adopted_keys_current_version(out: Path) -> None:
    platform = layer(out, "platform")
    (workspace,) = resources(platform, "azurerm_machine_learning_workspace").values()
    # The version is read in the foundation (data source keyed by the id) and passed across stacks.
    assert "dataazurerm_key_vault_key" in workspace["encryption"]["key_id"]
    (key,) = layer(out, "foundation")["data"]["azurerm_key_vault_key"].values()
    assert (key["name"], key["key_vault_id"]) == ("trademl", KEY.rsplit("/keys/", 1)[0])
    assert workspace["container_registry_id"] == ACR


def test_failover_writes_a_record_in_the_adopted_zone(out: Path) -> None:
    record = assert_resource_like(
        layer(out, "failover"),
        "azurerm_dns_cname_record",
        {"zone_name": "beta.example.com", "resource_group_name": "dns", "ttl": 30},
    )
    assert "azurerm_traffic_manager_profile." in record["record"]


def test_vault_of_the_adopted_key_is_its_parent(out: Path) -> None:
    # The brownfield key's resource group is called "keys": the vault id must still end at the vault.
    (workspace,) = resources(layer(out, "platform"), "azurerm_machine_learning_workspace").values()
    assert workspace["key_vault_id"] == KEY.rsplit("/keys/", 1)[0]
    assert workspace["encryption"]["key_vault_id"] == KEY.rsplit("/keys/", 1)[0]
