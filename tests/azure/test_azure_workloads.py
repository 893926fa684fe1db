"""The azure workloads layer and the desk pieces that plug into the platform."""

from __future__ import annotations

import pytest

from tfjson import one, resources, stack


@pytest.fixture(scope="module")
def workloads(synth_out):
    return stack(synth_out, "alpha-azure-workloads")


@pytest.fixture(scope="module")
def desk(synth_out):
    return stack(synth_out, "alpha-azure-desk-stat-arb")


def test_kubernetes_providers_read_the_platform_cluster_with_kubelogin(workloads):
    for provider in (workloads["provider"]["kubernetes"][0], workloads["provider"]["helm"][0]["kubernetes"]):
        assert "alpha-azure-platform" in provider["host"]
        assert "base64decode" in provider["cluster_ca_certificate"]
        exec_ = provider["exec"][0] if isinstance(provider["exec"], list) else provider["exec"]
        assert exec_["command"] == "kubelogin"
        assert "6dae42f8-4368-4678-94ff-3960e28e3630" in exec_["args"]
    assert not resources(workloads, "azurerm_kubernetes_cluster")


def test_desk_namespaces_pod_security_and_default_deny(workloads):
    namespaces = {
        n["metadata"][0]["name"]: n for n in resources(workloads, "kubernetes_namespace_v1").values()
    }
    assert set(namespaces) == {"desk-momentum", "desk-stat-arb"}
    labels = namespaces["desk-stat-arb"]["metadata"][0]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    policies = [p for p in resources(workloads, "kubernetes_network_policy_v1").values()]
    deny = [p for p in policies if p["metadata"]["name"] == "default-deny"]
    assert len(deny) == 2 and deny[0]["spec"]["policy_types"] == ["Ingress", "Egress"]
    assert len(resources(workloads, "kubernetes_resource_quota_v1")) == 2


def test_desk_service_account_federated_with_its_identity(workloads):
    accounts = list(resources(workloads, "kubernetes_service_account_v1").values())
    assert len(accounts) == 2
    meta = accounts[0]["metadata"]
    assert "azure.workload.identity/client-id" in meta["annotations"]
    assert meta["labels"] == {"azure.workload.identity/use": "true"}
    creds = {c["subject"]: c for c in resources(workloads, "azurerm_federated_identity_credential").values()}
    assert set(creds) == {
        "system:serviceaccount:desk-momentum:desk",
        "system:serviceaccount:desk-stat-arb:desk",
    }
    cred = creds["system:serviceaccount:desk-stat-arb:desk"]
    assert cred["audience"] == ["api://AzureADTokenExchange"]
    assert "oidc_issuer_url" in cred["issuer"]


def test_desk_datastore_endpoint_and_grants(desk):
    azapi = list(resources(desk, "azapi_resource").values())
    store = [r for r in azapi if "/datastores@" in r["type"]]
    assert len(store) == 1
    props = store[0]["body"]["properties"]
    assert props["datastoreType"] == "AzureBlob"
    assert props["credentials"] == {"credentialsType": "None"}
    assert props["serviceDataAccessAuthIdentity"] == "WorkspaceSystemAssignedIdentity"
    endpoints = [r for r in azapi if r["type"].split("@")[0].endswith("/onlineEndpoints")]
    assert len(endpoints) == 1 and endpoints[0]["body"]["properties"]["authMode"] == "AADToken"
    roles = [r for r in resources(desk, "azurerm_role_assignment").values()]
    assert {r["role_definition_name"] for r in roles} == {"Storage Blob Data Contributor"}
    assert any("alpha-azure-workloads" in r["principal_id"] for r in roles)
    diag = [d["target_resource_id"] for d in resources(desk, "azurerm_monitor_diagnostic_setting").values()]
    assert any(t.endswith("/blobServices/default") for t in diag)
    assert one(desk, "azurerm_private_endpoint")
