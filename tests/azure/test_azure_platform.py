"""The azure platform layer: ML workspace, training, AKS serving, monitoring and security."""

from __future__ import annotations

import json

import pytest

from tfjson import assert_resource_like, one, resources, stack


@pytest.fixture(scope="module")
def platform(synth_out):
    return stack(synth_out, "alpha-azure-platform")


def azapi(platform, type_prefix):
    return [r for r in resources(platform, "azapi_resource").values() if r["type"].startswith(type_prefix)]


def test_workspace_is_private_cmk_encrypted_and_identity_based(platform):
    ws = one(platform, "azurerm_machine_learning_workspace")
    assert ws["public_network_access_enabled"] is False
    assert ws["high_business_impact"] is True
    assert ws["managed_network"] == {"isolation_mode": "AllowOnlyApprovedOutbound"}
    assert ws["storage_account_access_type"] == "identity"
    assert set(ws["encryption"]) == {"key_vault_id", "key_id", "user_assigned_identity_id"}
    assert_resource_like(
        platform,
        "azurerm_container_registry",
        {
            "sku": "Premium",
            "admin_enabled": False,
            "public_network_access_enabled": False,
            "anonymous_pull_enabled": False,
        },
    )
    assert one(platform, "azurerm_machine_learning_datastore_datalake_gen2")["service_data_identity"] == (
        "WorkspaceSystemAssignedIdentity"
    )


def test_notebook_instance_shuts_down_when_idle_without_public_ip(platform):
    (nb,) = [
        c
        for c in azapi(platform, "Microsoft.MachineLearningServices/workspaces/computes@2025-09-01")
        if c["body"]["properties"]["computeType"] == "ComputeInstance"
    ]
    props = nb["body"]["properties"]["properties"]
    assert props["idleTimeBeforeShutdown"] == "PT60M" and props["enableNodePublicIp"] is False


def test_training_clusters_low_priority_first_with_dedicated_fallback(platform):
    clusters = {
        c["name"]: c for c in resources(platform, "azurerm_machine_learning_compute_cluster").values()
    }
    assert clusters["gpu-spot"]["vm_priority"] == "LowPriority"
    assert clusters["gpu-dedicated"]["vm_priority"] == "Dedicated"
    for c in clusters.values():
        assert c["scale_settings"]["min_node_count"] == 0
        assert c["local_auth_enabled"] is False and c["node_public_ip_enabled"] is False


def test_schedules_submit_the_retraining_pipeline(platform):
    schedules = azapi(platform, "Microsoft.MachineLearningServices/workspaces/schedules@")
    crons = {s["body"]["properties"]["trigger"].get("expression") for s in schedules}
    assert {"30 21 * * 1-5", "0 3 * * 6"} <= crons
    jobs = [s for s in schedules if s["body"]["properties"]["action"]["actionType"] == "CreateJob"]
    assert all(s["body"]["properties"]["action"]["jobDefinition"]["jobType"] == "Pipeline" for s in jobs)
    triggers = resources(platform, "azurerm_data_factory_trigger_schedule")
    assert_resource_like(
        platform,
        "azurerm_data_factory_trigger_schedule",
        {
            "frequency": "Week",
            "schedule": {
                "hours": [21],
                "minutes": [30],
                "days_of_week": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
            },
        },
    )
    assert len(triggers) == 2
    assert_resource_like(
        platform,
        "azurerm_eventhub_namespace",
        {"local_authentication_enabled": False, "public_network_access_enabled": False},
    )


def test_aks_is_private_entra_rbac_with_workload_identity(platform):
    aks = one(platform, "azurerm_kubernetes_cluster")
    assert aks["private_cluster_enabled"] is True and aks["local_account_disabled"] is True
    assert aks["azure_active_directory_role_based_access_control"]["azure_rbac_enabled"] is True
    assert aks["oidc_issuer_enabled"] is True and aks["workload_identity_enabled"] is True
    assert aks["default_node_pool"]["zones"] == ["1", "2", "3"]
    assert "node_provisioning_profile" in aks and "monitor_metrics" in aks
    pools = {p["name"]: p for p in resources(platform, "azurerm_kubernetes_cluster_node_pool").values()}
    assert pools["gpuspot"]["priority"] == "Spot" and pools["gpuspot"]["gpu_driver"] == "Install"
    assert pools["gpu"]["priority"] == "Regular"
    assert (
        one(platform, "azurerm_kubernetes_cluster_extension")["extension_type"]
        == "Microsoft.AzureML.Kubernetes"
    )
    (attach,) = [
        r
        for r in azapi(platform, "Microsoft.MachineLearningServices/workspaces/computes@")
        if r["body"]["properties"]["computeType"] == "Kubernetes"
    ]
    assert attach["depends_on"]


def test_canary_split_is_applied_after_both_deployments_and_sums_to_100(platform):
    deployments = azapi(platform, "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments@")
    assert {d["name"] for d in deployments} == {"blue", "green"}
    split = one(platform, "azapi_update_resource")
    assert split["body"]["properties"]["traffic"] == {"blue": 90, "green": 10}
    assert len(split["depends_on"]) == 2
    (endpoint,) = azapi(platform, "Microsoft.MachineLearningServices/workspaces/onlineEndpoints@")
    assert endpoint["body"]["properties"]["publicNetworkAccess"] == "Disabled"


def test_managed_prometheus_and_grafana(platform):
    assocs = {
        a["name"] for a in resources(platform, "azurerm_monitor_data_collection_rule_association").values()
    }
    assert assocs == {"configurationAccessEndpoint", "prometheus"}
    assert_resource_like(
        platform, "azurerm_role_assignment", {"role_definition_name": "Monitoring Data Reader"}
    )
    assert one(platform, "azurerm_dashboard_grafana")["public_network_access_enabled"] is False


def test_alerts_use_profile_thresholds_and_secrets_come_from_sensitive_variables(platform):
    thresholds = {
        a["name"]: a["criteria"][0]["threshold"]
        for a in resources(platform, "azurerm_monitor_scheduled_query_rules_alert_v2").values()
    }
    assert thresholds == {
        "alpha-prod-alert-latency-p99": 250,
        "alpha-prod-alert-error-rate": 1.0,
        "alpha-prod-alert-accuracy-drop": 5.0,
    }
    assert platform["variable"]["slack_webhook_url"]["sensitive"] is True
    assert platform["variable"]["pagerduty_routing_key"]["sensitive"] is True
    text = json.dumps(platform)
    assert "hooks.slack.com" not in text
    receivers = {
        r["name"]
        for g in resources(platform, "azurerm_monitor_action_group").values()
        for r in g.get("webhook_receiver", []) + g.get("logic_app_receiver", [])
    }
    assert {"slack-relay", "pagerduty", "retrain"} <= receivers
    (drift,) = [
        s
        for s in azapi(platform, "Microsoft.MachineLearningServices/workspaces/schedules@")
        if s["body"]["properties"]["action"]["actionType"] == "CreateMonitor"
    ]
    assert drift["name"] == "data-drift"


def test_security_private_endpoints_diagnostics_activity_log_sentinel_purview(platform):
    subresources = {
        e["private_service_connection"]["subresource_names"][0]
        for e in resources(platform, "azurerm_private_endpoint").values()
    }
    assert {"amlworkspace", "registry", "dataFactory", "namespace", "account", "grafana"} <= subresources
    diag = resources(platform, "azurerm_monitor_diagnostic_setting")
    assert any(
        d["target_resource_id"] == "/subscriptions/00000000-0000-4000-8000-000000000001"
        for d in diag.values()
    )
    assert len(diag) >= 10
    assert one(platform, "azurerm_sentinel_log_analytics_workspace_onboarding")
    assert one(platform, "azurerm_purview_account")["public_network_enabled"] is False


def test_foundation_links_vault_and_storage_privately(synth_out):
    foundation = stack(synth_out, "alpha-azure-foundation")
    subresources = sorted(
        e["private_service_connection"]["subresource_names"][0]
        for e in resources(foundation, "azurerm_private_endpoint").values()
    )
    assert subresources == ["blob", "blob", "dfs", "vault"]


def _key(platform, type_, ref):
    """The resource key a ${type.key.attr} reference names."""
    assert ref.startswith(f"${{{type_}."), ref
    return ref[len(type_) + 3 :].split(".")[0]


def test_accuracy_alert_group_starts_retraining_logic_app_allowed_to_submit(platform):
    """accuracy alert -> action group's logic_app_receiver -> Logic App whose identity may submit jobs."""
    alert = next(
        a
        for a in resources(platform, "azurerm_monitor_scheduled_query_rules_alert_v2").values()
        if a["name"].endswith("accuracy-drop")
    )
    groups = resources(platform, "azurerm_monitor_action_group")
    (retrain,) = [
        groups[_key(platform, "azurerm_monitor_action_group", ref)]
        for ref in alert["action"]["action_groups"]
        if groups[_key(platform, "azurerm_monitor_action_group", ref)].get("logic_app_receiver")
    ]
    (receiver,) = retrain["logic_app_receiver"]
    assert receiver["use_common_alert_schema"] is True
    assert receiver["callback_url"].endswith(".callback_url}")
    app = _key(platform, "azurerm_logic_app_workflow", receiver["resource_id"])
    assert resources(platform, "azurerm_logic_app_workflow")[app]["identity"]["type"] == "SystemAssigned"
    assert_resource_like(
        platform,
        "azurerm_role_assignment",
        {
            "role_definition_name": "AzureML Data Scientist",
            "principal_id": f"${{azurerm_logic_app_workflow.{app}.identity[0].principal_id}}",
        },
    )


def test_workload_tables_export_into_the_audit_archive(platform):
    rule = one(platform, "azurerm_log_analytics_data_export_rule")
    assert rule["enabled"] is True
    assert {"ContainerLogV2", "AmlComputeJobEvent", "AppRequests"} <= set(rule["table_names"])
    assert "azurerm_storage_accountAudit_Archive_Account" in rule["destination_resource_id"]
    assert rule["workspace_resource_id"].startswith("${azurerm_log_analytics_workspace.")


def test_defender_plans_standard_and_serialised(platform):
    plans = resources(platform, "azurerm_security_center_subscription_pricing")
    assert {p["resource_type"] for p in plans.values()} == {
        "Containers",
        "StorageAccounts",
        "KeyVaults",
        "Arm",
    }
    assert all(p["tier"] == "Standard" for p in plans.values())
    # The pricing API rejects concurrent updates: every plan but the first waits for another.
    assert sum(1 for p in plans.values() if not p.get("depends_on")) == 1


def test_vnet_flow_logs_into_the_audit_archive_with_traffic_analytics(platform):
    log = one(platform, "azurerm_network_watcher_flow_log")
    assert log["enabled"] is True and log["version"] == 2
    assert "azurerm_virtual_network" in log["target_resource_id"]
    assert "azurerm_storage_accountAudit_Archive_Account" in log["storage_account_id"]
    assert log["retention_policy"] == {"enabled": True, "days": 0}
    assert log["traffic_analytics"]["enabled"] is True
    assert log["network_watcher_name"] == "NetworkWatcher_" + log["location"]
