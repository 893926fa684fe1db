"""Bring your own on gcp: the adopted VPC network, subnet, GKE cluster and Cloud KMS key are not created;
node pools join the adopted cluster, disks and stores encrypt with the given key, service agents are granted
on it, and the workloads layer's providers read the adopted cluster."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from trademl.model import TargetName

from tfjson import resources, stack

KEY = "projects/kms-project-sec/locations/asia-northeast1/keyRings/ml/cryptoKeys/data"
CLUSTER = "projects/beta-trading-prd/locations/asia-northeast1/clusters/shared-ml"
# The primary region's layers; failover adds its region's subnet, keys and cluster.
PRIMARY = ("foundation", "audit", "platform", "workloads", "desk-rates")


@pytest.fixture(scope="module")
def out(brownfield: Callable[[TargetName], Path]) -> Path:
    return brownfield(TargetName.GCP)


def layer(out: Path, name: str) -> dict[str, Any]:
    return stack(out, f"beta-gcp-{name}")


@pytest.mark.parametrize(
    "kind",
    [
        "google_compute_network",
        "google_compute_subnetwork",
        "google_container_cluster",
        "google_kms_key_ring",
        "google_kms_crypto_key",
    ],
)
def test_adopted_kinds_are_not_created(out: Path, kind: str) -> None:
    for name in PRIMARY:
        assert not resources(layer(out, name), kind), f"{kind} created in {name}"


def test_adopted_cluster_is_read_by_name(out: Path) -> None:
    (cluster,) = layer(out, "platform")["data"]["google_container_cluster"].values()
    assert (cluster["name"], cluster["location"], cluster["project"]) == (
        "shared-ml",
        "asia-northeast1",
        "beta-trading-prd",
    )


def test_node_pools_join_the_adopted_cluster_with_the_adopted_key(out: Path) -> None:
    pools = resources(layer(out, "platform"), "google_container_node_pool")
    assert pools
    for pool in pools.values():
        assert pool["cluster"] == CLUSTER
        assert pool["location"] == "asia-northeast1"
        assert pool["node_config"]["boot_disk_kms_key"] == KEY


def test_service_agents_are_granted_on_the_adopted_key(out: Path) -> None:
    grants = resources(layer(out, "foundation"), "google_kms_crypto_key_iam_member")
    assert grants
    assert {g["crypto_key_id"] for g in grants.values()} == {KEY}


def test_workloads_providers_read_the_adopted_cluster(out: Path) -> None:
    host = layer(out, "workloads")["provider"]["kubernetes"][0]["host"]
    assert "datagoogle_container_cluster" in host
