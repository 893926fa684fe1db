"""The azure foundation, audit and desk layers, asserted on the synthesized JSON."""

from __future__ import annotations

import json

import pytest

from tfjson import assert_resource_like, one, resources, stack

PREFIX = "alpha-azure"


@pytest.fixture(scope="module")
def foundation(synth_out):
    return stack(synth_out, f"{PREFIX}-foundation")


@pytest.fixture(scope="module")
def audit(synth_out):
    return stack(synth_out, f"{PREFIX}-audit")


def test_provider_registers_only_listed_resource_providers(foundation):
    provider = foundation["provider"]["azurerm"][0]
    assert provider["resource_provider_registrations"] == "none"
    assert {"Microsoft.KeyVault", "Microsoft.Storage", "Microsoft.Network"} <= set(
        provider["resource_providers_to_register"]
    )
    assert provider["subscription_id"] == "00000000-0000-4000-8000-000000000001"
    assert provider["tenant_id"] == "00000000-0000-4000-8000-0000000000aa"
    assert provider["storage_use_azuread"] is True
    assert provider["features"][0]["key_vault"][0]["purge_soft_delete_on_destroy"] is False


def test_one_resource_group_per_layer(synth_out, foundation, audit):
    assert one(foundation, "azurerm_resource_group")["name"] == "alpha-prod-rg-foundation"
    assert one(audit, "azurerm_resource_group")["name"] == "alpha-prod-rg-audit"
    desk = stack(synth_out, f"{PREFIX}-desk-momentum")
    assert one(desk, "azurerm_resource_group")["name"] == "alpha-prod-rg-desk-momentum"


def test_key_vault_is_rbac_purge_protected_and_private(foundation):
    assert_resource_like(
        foundation,
        "azurerm_key_vault",
        {
            "rbac_authorization_enabled": True,
            "purge_protection_enabled": True,
            "soft_delete_retention_days": 90,
            "public_network_access_enabled": False,
            "network_acls": {"default_action": "Deny", "bypass": "AzureServices"},
            "lifecycle": {"prevent_destroy": True},
        },
    )


def test_key_rotates_on_the_profile_schedule_and_expires(foundation):
    key = one(foundation, "azurerm_key_vault_key")
    assert key["key_type"] == "RSA-HSM"
    assert key["rotation_policy"]["automatic"] == {"time_after_creation": "P90D"}
    assert key["rotation_policy"]["expire_after"] == "P180D"


def test_storage_identity_may_use_only_the_key(foundation):
    key_id = next(iter(resources(foundation, "azurerm_key_vault_key")))
    assert_resource_like(
        foundation,
        "azurerm_role_assignment",
        {
            "role_definition_name": "Key Vault Crypto Service Encryption User",
            "scope": f"${{azurerm_key_vault_key.{key_id}.resource_versionless_id}}",
        },
    )


def test_network_subnets_each_have_an_nsg_denying_internet_inbound(foundation):
    vnet = one(foundation, "azurerm_virtual_network")
    assert vnet["address_space"] == ["10.40.0.0/16"]
    subnets = resources(foundation, "azurerm_subnet")
    assert {s["name"] for s in subnets.values()} == {"aks", "ml", "endpoints", "ingress"}
    assert all(s["default_outbound_access_enabled"] is False for s in subnets.values())
    assert len(resources(foundation, "azurerm_subnet_network_security_group_association")) == len(subnets)
    for nsg in resources(foundation, "azurerm_network_security_group").values():
        rule = nsg["security_rule"][0]
        assert (rule["direction"], rule["access"], rule["source_address_prefix"]) == (
            "Inbound",
            "Deny",
            "Internet",
        )


SECURE_ACCOUNT = {
    "account_kind": "StorageV2",
    "account_replication_type": "GZRS",
    "https_traffic_only_enabled": True,
    "min_tls_version": "TLS1_2",
    "allow_nested_items_to_be_public": False,
    "shared_access_key_enabled": False,
    "infrastructure_encryption_enabled": True,
    "public_network_access_enabled": False,
    "network_rules": {"default_action": "Deny"},
    "identity": {"type": "UserAssigned"},
    "lifecycle": {"prevent_destroy": True},
}


def test_artifact_account_is_versioned_private_and_cmk_encrypted(foundation):
    account = assert_resource_like(
        foundation,
        "azurerm_storage_account",
        {**SECURE_ACCOUNT, "blob_properties": {"versioning_enabled": True}},
    )
    assert account["blob_properties"]["delete_retention_policy"]["days"] >= 7
    accounts = resources(foundation, "azurerm_storage_account")
    cmks = resources(foundation, "azurerm_storage_account_customer_managed_key")
    assert {c["storage_account_id"] for c in cmks.values()} == {
        f"${{azurerm_storage_account.{k}.id}}" for k in accounts
    }
    assert all(c["key_vault_key_id"].endswith(".versionless_id}") for c in cmks.values())


def test_data_store_is_a_data_lake_and_other_stores_are_containers(foundation):
    lake_id, _ = next(
        (k, v) for k, v in resources(foundation, "azurerm_storage_account").items() if v.get("is_hns_enabled")
    )
    containers = {c["name"]: c for c in resources(foundation, "azurerm_storage_container").values()}
    assert set(containers) == {"data", "models", "logs"}
    assert containers["data"]["storage_account_id"] == f"${{azurerm_storage_account.{lake_id}.id}}"
    assert all(c["container_access_type"] == "private" for c in containers.values())


def test_audit_container_is_immutable_for_the_retention_and_locked_in_prod(audit):
    policies = resources(audit, "azurerm_storage_container_immutability_policy").values()
    assert all(p["immutability_period_in_days"] == 7 * 365 and p["locked"] is True for p in policies)
    assert_resource_like(
        audit, "azurerm_storage_account", {**SECURE_ACCOUNT, "blob_properties": {"versioning_enabled": True}}
    )
    containers = {k: c["name"] for k, c in resources(audit, "azurerm_storage_container").items()}
    assert "audit" in containers.values()
    # Every container Azure writes logs into exists up front, each under its own policy.
    covered = {containers[p["storage_container_resource_manager_id"].split(".")[1]]: p for p in policies}
    assert set(covered) == set(containers.values())
    assert covered["audit"]["protected_append_writes_enabled"] is True
    sinks = {"insights-activity-logs", "insights-logs-flowlogflowevent", "am-containerlogv2"}
    assert sinks <= set(covered)
    assert all(covered[n]["protected_append_writes_all_enabled"] is True for n in sinks)


def test_artifact_accounts_tier_down_and_never_delete(synth_out, foundation):
    policies = resources(foundation, "azurerm_storage_management_policy").values()
    assert len(policies) == len(resources(foundation, "azurerm_storage_account"))
    for p in policies:
        (rule,) = p["rule"]
        assert rule["actions"]["base_blob"]["tier_to_cool_after_days_since_modification_greater_than"] == 30
        assert "delete" not in json.dumps(rule)


@pytest.mark.parametrize("desk", ["momentum", "stat-arb"])
def test_desk_account_is_encrypted_with_the_foundation_key(synth_out, desk):
    desk_stack = stack(synth_out, f"{PREFIX}-desk-{desk}")
    assert_resource_like(desk_stack, "azurerm_storage_account", SECURE_ACCOUNT)
    cmk = one(desk_stack, "azurerm_storage_account_customer_managed_key")
    # Cross-stack references into the foundation layer's outputs.
    assert (
        "terraform_remote_state.cross-stack-reference-input-alpha-azure-foundation" in cmk["key_vault_key_id"]
    )
    assert {c["name"] for c in resources(desk_stack, "azurerm_storage_container").values()} == {
        "features",
        "models",
        "results",
    }
