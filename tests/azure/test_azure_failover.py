"""The azure failover layer: secondary-region serving path behind Traffic Manager priority routing."""

from __future__ import annotations

import pytest

from tfjson import assert_resource_like, one, resources, stack


@pytest.fixture(scope="module")
def failover(synth_out):
    return stack(synth_out, "alpha-azure-failover")


def test_secondary_region_network_and_group(failover):
    assert one(failover, "azurerm_resource_group")["location"] == "japanwest"
    vnet = one(failover, "azurerm_virtual_network")
    assert vnet["name"].endswith("secondary")
    assert all(
        s["default_outbound_access_enabled"] is False for s in resources(failover, "azurerm_subnet").values()
    )
    assert len(resources(failover, "azurerm_network_security_group")) == 4


def test_secondary_aks_is_private_zone_redundant_and_encrypted(failover):
    aks = one(failover, "azurerm_kubernetes_cluster")
    assert aks["private_cluster_enabled"] is True
    assert aks["local_account_disabled"] is True
    assert aks["default_node_pool"]["zones"] == ["1", "2", "3"]
    assert aks["network_profile"]["pod_cidr"] == "100.65.0.0/16"
    assert "disk_encryption_set_id" in aks
    pools = {p["name"]: p for p in resources(failover, "azurerm_kubernetes_cluster_node_pool").values()}
    assert "inference" in pools
    assert any(p.get("gpu_driver") == "Install" for p in pools.values())
    assert all(p["zones"] == ["1", "2", "3"] for p in pools.values())
    des = one(failover, "azurerm_disk_encryption_set")
    assert des["auto_key_rotation_enabled"] is True
    assert "Failover_Group" in des["location"]  # the secondary region's group


def test_secondary_online_endpoint_on_secondary_compute(failover):
    azapi = resources(failover, "azapi_resource").values()
    compute = [r for r in azapi if "/computes@" in r["type"]]
    assert len(compute) == 1 and compute[0]["body"]["properties"]["computeType"] == "Kubernetes"
    endpoints = [r for r in azapi if r["type"].split("@")[0].endswith("/onlineEndpoints")]
    assert len(endpoints) == 1
    assert endpoints[0]["body"]["properties"]["publicNetworkAccess"] == "Disabled"
    # The runtime environment is the platform's, not a second copy.
    assert not [r for r in azapi if "/environments/" in r["type"]]


def test_traffic_manager_priority_routing_with_health_probes(failover):
    tm = assert_resource_like(
        failover,
        "azurerm_traffic_manager_profile",
        {
            "traffic_routing_method": "Priority",
            "dns_config": {"ttl": 30},
            "monitor_config": {"path": "/healthz", "protocol": "HTTPS", "interval_in_seconds": 10},
        },
    )
    assert tm["monitor_config"]["timeout_in_seconds"] < tm["monitor_config"]["interval_in_seconds"]
    endpoints = {
        e["name"]: e for e in resources(failover, "azurerm_traffic_manager_external_endpoint").values()
    }
    assert endpoints["primary"]["priority"] == 1
    assert endpoints["secondary"]["priority"] == 2
    assert "alpha-azure-platform" in endpoints["primary"]["target"]  # cross-stack: the primary endpoint
    assert endpoints["secondary"]["endpoint_location"] == "japanwest"
