"""bootstrap and doctor against a fake Azure Resource Manager served over TLS on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
from ops_fakes import AzureFake
from ops_support import SUBSCRIPTION, TENANT, lines, profile, run

RG = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/opsaz-tfstate"
ACCOUNT = f"{RG}/providers/Microsoft.Storage/storageAccounts/opsaztfstate01"
CONTAINER = f"{ACCOUNT}/blobServices/default/containers/tfstate"
ADOPTED = [
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/hub",
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/hub/subnets/ml",
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/aks/providers/Microsoft.ContainerService/managedClusters/shared",
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/keys/providers/Microsoft.KeyVault/vaults/corp-kv/keys/ml",
]


def bootstrap() -> str:
    result = run("bootstrap", "--profile", profile("azure"), "--target", "azure")
    assert result.exit_code == 0, result.output
    return result.output


def test_bootstrap_creates_a_locked_down_backend(azure: AzureFake) -> None:
    output = bootstrap()
    assert "created resource group opsaz-tfstate in japaneast" in output
    assert "created storage account opsaztfstate01" in output
    assert "created container tfstate (private)" in output
    group = azure.get(RG)
    assert group is not None and group["location"] == "japaneast" and group["tags"]["managed-by"] == "trademl"
    account = azure.get(ACCOUNT)
    assert account is not None
    assert account["kind"] == "StorageV2"
    assert account["properties"]["minimumTlsVersion"] == "TLS1_2"
    assert account["properties"]["allowBlobPublicAccess"] is False
    assert account["properties"]["supportsHttpsTrafficOnly"] is True
    assert account["properties"]["allowSharedKeyAccess"] is False
    blob = azure.get(f"{ACCOUNT}/blobServices/default")
    assert blob is not None and blob["properties"]["isVersioningEnabled"] is True
    container = azure.get(CONTAINER)
    assert container is not None and container["properties"]["publicAccess"] == "None"


def test_second_bootstrap_changes_nothing_and_says_so(azure: AzureFake) -> None:
    bootstrap()
    azure.calls.clear()
    output = bootstrap()
    assert "nothing changed: all 4 parts already existed as required" in output
    assert len([line for line in output.splitlines() if line.startswith("exists")]) == 4
    assert azure.writes() == []


def test_bootstrap_hardens_an_existing_account(azure: AzureFake) -> None:
    bootstrap()
    azure.get(ACCOUNT)["properties"]["minimumTlsVersion"] = "TLS1_0"  # type: ignore[index]
    output = bootstrap()
    assert "set     storage account opsaztfstate01" in output
    assert azure.get(ACCOUNT)["properties"]["minimumTlsVersion"] == "TLS1_2"  # type: ignore[index]


def test_bootstrap_refuses_a_taken_account_name(azure: AzureFake) -> None:
    azure.taken_names.add("opsaztfstate01")
    result = run("bootstrap", "--profile", profile("azure"), "--target", "azure")
    assert result.exit_code == 1
    assert "storage account name opsaztfstate01 is taken (AlreadyExists" in result.output
    assert "fix: choose another state.storage_account" in result.output


@pytest.mark.parametrize("state", ["Disabled", "PastDue", "Deleted"])
def test_bootstrap_and_doctor_refuse_a_subscription_not_enabled(
    azure: AzureFake, tools: Path, state: str
) -> None:
    azure.add_subscription(SUBSCRIPTION, TENANT, state=state)
    result = run("bootstrap", "--profile", profile("azure"), "--target", "azure")
    assert result.exit_code == 1
    assert f"subscription {SUBSCRIPTION} is {state}, not Enabled; fix:" in result.output
    assert azure.writes() == []
    doctor = run("doctor", "--profile", profile("azure"))
    assert doctor.exit_code == 1
    (failed,) = lines(doctor, "FAIL")
    assert failed.startswith(f"FAIL azure/subscription: subscription {SUBSCRIPTION} is {state}")


def test_doctor_fails_on_a_missing_subscription(azure: AzureFake, tools: Path) -> None:
    azure.subscriptions.clear()
    result = run("doctor", "--profile", profile("azure"))
    assert result.exit_code == 1
    assert (
        f"FAIL azure/subscription: subscription {SUBSCRIPTION} does not exist or the caller cannot see it"
        in (result.output)
    )


def test_doctor_fails_on_another_tenant(azure: AzureFake, tools: Path) -> None:
    azure.add_subscription(SUBSCRIPTION, "00000000-0000-4000-8000-0000000000bb")
    result = run("doctor", "--profile", profile("azure"))
    assert result.exit_code == 1
    assert "is in tenant 00000000-0000-4000-8000-0000000000bb, the profile says" in result.output


def test_doctor_passes_after_bootstrap(azure: AzureFake, tools: Path) -> None:
    bootstrap()
    result = run("doctor", "--profile", profile("azure"))
    assert result.exit_code == 0, result.output
    assert f"ok   azure/subscription: subscription {SUBSCRIPTION} (trading) is Enabled" in result.output
    assert "ok   azure/state: state container opsaz-tfstate/opsaztfstate01/tfstate exists" in result.output


def test_doctor_fails_on_a_missing_state_container(azure: AzureFake, tools: Path) -> None:
    bootstrap()
    del azure.resources[CONTAINER.lower()]
    result = run("doctor", "--profile", profile("azure"))
    assert result.exit_code == 1
    (failed,) = lines(result, "FAIL")
    assert failed == (
        "FAIL azure/state: state container opsaz-tfstate/opsaztfstate01/tfstate does not exist; fix: run "
        f"`trademl bootstrap --profile {profile('azure')} --target azure`"
    )


def test_doctor_checks_adopted_resources(azure: AzureFake, tools: Path) -> None:
    bootstrap()
    for rid in ADOPTED:
        azure.seed(rid)
    result = run("doctor", "--profile", profile("azure-adopt"))
    assert result.exit_code == 0, result.output
    assert len(lines(result, "ok   azure/adopt.")) == 4
    del azure.resources[ADOPTED[2].lower()]
    missing = run("doctor", "--profile", profile("azure-adopt"))
    assert missing.exit_code == 1
    (failed,) = lines(missing, "FAIL")
    assert failed.startswith(
        f"FAIL azure/adopt.cluster: {ADOPTED[2]} does not exist; fix: create it or correct"
    )


def test_missing_credentials_are_one_line_not_a_traceback(
    azure: AzureFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRADEML_AZURE_ACCESS_TOKEN")
    monkeypatch.setenv("PATH", "/nonexistent")  # no az, azd or pwsh to ask
    result = run("bootstrap", "--profile", profile("azure"), "--target", "azure")
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"bootstrap opsaz/azure: no Azure credentials found; fix: run `az login --tenant {TENANT}` (in CI: "
        "azure/login with client-id, tenant-id, subscription-id) or set TRADEML_AZURE_ACCESS_TOKEN"
    )
    assert azure.calls == []
