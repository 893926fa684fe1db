"""The gcp failover layer: the serving path in the secondary region, the replicated models store and the
Cloud DNS failover routing with its SOA negative-cache TTL, asserted on the JSON."""

from __future__ import annotations

import pytest

from tfjson import assert_resource_like, one, resources, stack

SECONDARY = "asia-northeast2"
FOUNDATION = "${data.terraform_remote_state.cross-stack-reference-input-alpha-gcp-foundation.outputs."
PLATFORM = "${data.terraform_remote_state.cross-stack-reference-input-alpha-gcp-platform.outputs."


@pytest.fixture(scope="module")
def failover(synth_out):
    return stack(synth_out, "alpha-gcp-failover")


def test_secondary_subnet_joins_the_foundation_vpc_with_the_secondary_range(failover):
    subnet = one(failover, "google_compute_subnetwork")
    assert subnet["region"] == SECONDARY
    assert subnet["network"].startswith(FOUNDATION)
    assert subnet["ip_cidr_range"] == "10.51.0.0/17"  # first half of network.region_cidr(secondary=True)
    assert subnet["private_ip_google_access"] is True
    assert {r["range_name"] for r in subnet["secondary_ip_range"]} == {"pods", "services"}


def test_secondary_keys_live_in_the_secondary_region_and_rotate(failover):
    assert one(failover, "google_kms_key_ring")["location"] == SECONDARY
    keys = resources(failover, "google_kms_crypto_key").values()
    assert {k["name"] for k in keys} == {"storage", "compute"}
    assert all(k["rotation_period"] == f"{90 * 86400}s" for k in keys)


def test_secondary_gke_is_regional_private_cmek_with_auto_repaired_serving_pool(failover):
    cluster = one(failover, "google_container_cluster")
    assert cluster["location"] == SECONDARY and cluster["name"] == "alpha-prod-gke-secondary"
    assert cluster["private_cluster_config"]["enable_private_nodes"] is True
    assert (
        cluster["database_encryption"]["key_name"]
        == "${google_kms_crypto_key.Failover_Keys_Key-compute_F2F9C1F3.id}"
    )
    assert cluster["datapath_provider"] == "ADVANCED_DATAPATH"
    pools = {p["name"]: p for p in resources(failover, "google_container_node_pool").values()}
    assert set(pools) == {"system", "serving"}  # training stays in the primary region
    serving = pools["serving"]
    assert serving["location"] == SECONDARY
    assert serving["management"] == {"auto_repair": True, "auto_upgrade": True}
    assert serving["autoscaling"]["location_policy"] == "BALANCED"  # spread over the region's zones
    assert serving["autoscaling"]["total_min_node_count"] == 2


def test_models_replica_is_cmek_in_the_secondary_region_and_replicated(failover):
    bucket = one(failover, "google_storage_bucket")
    assert bucket["location"] == SECONDARY
    assert bucket["encryption"]["default_kms_key_name"].startswith(
        "${google_kms_crypto_key.Failover_Keys_Key-storage"
    )
    assert bucket["public_access_prevention"] == "enforced" and bucket["versioning"]["enabled"] is True
    job = one(failover, "google_storage_transfer_job")["replication_spec"]
    assert job["gcs_data_source"]["bucket_name"] == "alpha-prod-models-alpha-trading-prod"
    assert job["gcs_data_sink"]["bucket_name"].startswith("${google_storage_bucket.Failover_ModelsReplica")
    assert job["transfer_options"]["delete_objects_from_source_after_transfer"] is False


def test_dns_failover_routes_between_internal_load_balancers(failover):
    record = assert_resource_like(
        failover,
        "google_dns_record_set",
        {
            "type": "A",
            "name": "api.alpha-prod.trademl.internal.",
            "managed_zone": "alpha-prod-serving",
            "ttl": 30,
        },
    )
    policy = record["routing_policy"]["primary_backup"]
    primary = policy["primary"]["internal_load_balancers"][0]
    assert primary["ip_address"].startswith(PLATFORM) and primary["region"] == "asia-northeast1"
    assert primary["load_balancer_type"] == "regionalL4ilb" and primary["port"] == "8080"
    backup = policy["backup_geo"][0]
    assert backup["location"] == SECONDARY
    target = backup["health_checked_targets"]["internal_load_balancers"][0]
    assert target["ip_address"] == "${google_compute_address.Failover_ServingAddress_F8C6943F.address}"
    assert target["region"] == SECONDARY and target["network_url"].startswith(FOUNDATION)
    address = one(failover, "google_compute_address")
    assert address["address_type"] == "INTERNAL" and address["region"] == SECONDARY


def test_apex_soa_sets_the_negative_cache_ttl(failover):
    soa = assert_resource_like(
        failover, "google_dns_record_set", {"type": "SOA", "name": "alpha-prod.trademl.internal."}
    )
    assert soa["ttl"] == 30
    assert soa["rrdatas"][0].split()[-1] == "30"  # SOA minimum = negative-caching TTL (dns_ttl_seconds)


def test_global_health_check_probes_the_serving_health_path(failover):
    check = one(failover, "google_compute_health_check")
    assert check["http_health_check"] == {"port": 8080, "request_path": "/healthz"}
    assert check["check_interval_sec"] == 10 and check["log_config"]["enable"] is True
