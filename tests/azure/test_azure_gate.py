"""Fixes for the security gate (issue 4) on the azure stacks: AKS hardening, ACR replication, private
endpoints and blob logs for the audit and desk accounts."""

from __future__ import annotations

import pytest

from tfjson import one, resources, stack


@pytest.fixture(scope="module")
def platform(synth_out):
    return stack(synth_out, "alpha-azure-platform")


def test_aks_nodes_host_encrypted_ephemeral_and_cmk_disks(platform):
    aks = one(platform, "azurerm_kubernetes_cluster")
    pool = aks["default_node_pool"]
    assert pool["os_disk_type"] == "Ephemeral"
    assert pool["host_encryption_enabled"] is True
    assert pool["max_pods"] >= 50
    assert aks["key_vault_secrets_provider"]["secret_rotation_enabled"] is True
    assert "azurerm_disk_encryption_set" in aks["disk_encryption_set_id"]
    for p in resources(platform, "azurerm_kubernetes_cluster_node_pool").values():
        assert p["host_encryption_enabled"] is True and p["max_pods"] >= 50
    des = one(platform, "azurerm_disk_encryption_set")
    assert des["auto_key_rotation_enabled"] is True
    assert des["identity"]["type"] == "UserAssigned"


def test_registry_replicates_to_the_secondary_region(platform):
    acr = one(platform, "azurerm_container_registry")
    assert [g["location"] for g in acr["georeplications"]] == ["japanwest"]
    assert acr["georeplications"][0]["zone_redundancy_enabled"] is True


def test_audit_blob_logs_in_platform(platform):
    targets = [
        d["target_resource_id"] for d in resources(platform, "azurerm_monitor_diagnostic_setting").values()
    ]
    assert any("alpha-azure-audit" in t and t.endswith("/blobServices/default") for t in targets)


@pytest.mark.parametrize("name", ["alpha-azure-audit", "alpha-azure-desk-momentum"])
def test_private_blob_endpoint_in_the_foundation_zone(synth_out, name):
    s = stack(synth_out, name)
    pe = one(s, "azurerm_private_endpoint")
    assert pe["private_service_connection"]["subresource_names"] == ["blob"]
    # A network links one zone per name: reuse the foundation's instead of creating another.
    assert "alpha-azure-foundation" in pe["private_dns_zone_group"]["private_dns_zone_ids"][0]
    assert not resources(s, "azurerm_private_dns_zone")
