"""Bring your own on aws-eks: the adopted VPC, subnets, EKS cluster, platform key and hosted zone are not
created; node groups join the adopted cluster in the given subnets, IRSA trusts its OIDC provider, stores
encrypt with the given key and the failover records go into the given zone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from trademl.model import TargetName

from tfjson import resources, sse_kms_keys, stack

KEY = "arn:aws:kms:ap-northeast-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SUBNETS = [f"subnet-0a1b2c3d4e5f6001{i}" for i in (1, 2, 3)]
ZONE = "Z0123456789BETAZONE01"
# The primary region's layers; failover builds its own network and cluster in the secondary region.
PRIMARY = ("foundation", "audit", "platform", "workloads", "desk-rates")


@pytest.fixture(scope="module")
def out(brownfield: Callable[[TargetName], Path]) -> Path:
    return brownfield(TargetName.AWS_EKS)


def layer(out: Path, name: str) -> dict[str, Any]:
    return stack(out, f"beta-aws-eks-{name}")


@pytest.mark.parametrize(
    "kind",
    [
        "aws_vpc",
        "aws_subnet",
        "aws_nat_gateway",
        "aws_eks_cluster",
        "aws_iam_openid_connect_provider",
        "aws_eks_addon",
        "aws_route53_zone",
    ],
)
def test_adopted_kinds_are_not_created(out: Path, kind: str) -> None:
    for name in PRIMARY:
        assert not resources(layer(out, name), kind), f"{kind} created in {name}"


def test_platform_key_is_not_created(out: Path) -> None:
    for name in PRIMARY:
        aliases = [a["name"] for a in resources(layer(out, name), "aws_kms_alias").values()]
        assert "alias/beta-prod-platform" not in aliases
        assert "alias/beta-prod-eks" not in aliases  # the cluster's secrets key is the owner's


def test_adopted_cluster_is_read_by_name(out: Path) -> None:
    platform = layer(out, "platform")
    (cluster,) = platform["data"]["aws_eks_cluster"].values()
    assert cluster["name"] == "shared-ml"
    (oidc,) = platform["data"]["aws_iam_openid_connect_provider"].values()
    assert "data.aws_eks_cluster." in oidc["url"]


def test_node_groups_join_the_adopted_cluster_in_the_given_subnets(out: Path) -> None:
    groups = resources(layer(out, "platform"), "aws_eks_node_group")
    assert groups
    for group in groups.values():
        assert "data.aws_eks_cluster." in group["cluster_name"]
        assert group["subnet_ids"] == SUBNETS


def test_irsa_roles_trust_the_adopted_clusters_provider(out: Path) -> None:
    roles = resources(layer(out, "platform"), "aws_iam_role")
    trusts = [r["assume_role_policy"] for r in roles.values() if "Federated" in r["assume_role_policy"]]
    assert trusts
    assert all("data.aws_iam_openid_connect_provider." in t for t in trusts)


def test_alb_reaches_pods_through_the_adopted_clusters_security_group(out: Path) -> None:
    rules = resources(layer(out, "platform"), "aws_vpc_security_group_ingress_rule")
    assert any("data.aws_eks_cluster." in r["security_group_id"] for r in rules.values())


def test_workloads_providers_read_the_adopted_cluster(out: Path) -> None:
    workloads = layer(out, "workloads")
    assert "aws_eks_cluster" in workloads["provider"]["kubernetes"][0]["host"]
    (auth,) = workloads["data"]["aws_eks_cluster_auth"].values()
    assert "aws_eks_cluster" in auth["name"] or auth["name"] == "shared-ml"


def test_stores_encrypt_with_the_adopted_key(out: Path) -> None:
    keyed = sse_kms_keys(layer(out, "foundation"))
    assert keyed and set(keyed) == {KEY}


def test_failover_records_go_into_the_adopted_zone(out: Path) -> None:
    records = resources(layer(out, "failover"), "aws_route53_record")
    assert records
    assert {r["zone_id"] for r in records.values()} == {ZONE}
