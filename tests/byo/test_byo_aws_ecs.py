"""Bring your own on aws-ecs: the adopted VPC, private subnets and platform KMS key are not created; ECS
services run in the given subnets and the artifact stores encrypt with the given key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from trademl.model import TargetName

from tfjson import resources, sse_kms_keys, stack

KEY = "arn:aws:kms:ap-northeast-1:444444444444:key/2234abcd-12ab-34cd-56ef-1234567890ab"
SUBNETS = [f"subnet-0a1b2c3d4e5f6002{i}" for i in (1, 2, 3)]
# The primary region's layers; failover builds its own network and key in the secondary region.
PRIMARY = ("foundation", "audit", "platform", "desk-rates")


@pytest.fixture(scope="module")
def out(brownfield: Callable[[TargetName], Path]) -> Path:
    return brownfield(TargetName.AWS_ECS)


def layer(out: Path, name: str) -> dict[str, Any]:
    return stack(out, f"beta-aws-ecs-{name}")


@pytest.mark.parametrize("kind", ["aws_vpc", "aws_subnet", "aws_nat_gateway", "aws_flow_log"])
def test_adopted_network_is_not_created(out: Path, kind: str) -> None:
    for name in PRIMARY:
        assert not resources(layer(out, name), kind), f"{kind} created in {name}"


def test_platform_key_is_not_created(out: Path) -> None:
    # Purpose-bound keys (alerts, edge logs) stay: their key policies name services the adopted key's owner
    # does not grant. The platform key itself is the adopted one.
    for name in PRIMARY:
        aliases = [a["name"] for a in resources(layer(out, name), "aws_kms_alias").values()]
        assert "alias/beta-prod-platform" not in aliases


def test_stores_encrypt_with_the_adopted_key(out: Path) -> None:
    keyed = sse_kms_keys(layer(out, "foundation"))
    assert keyed and set(keyed) == {KEY}


def test_services_run_in_the_adopted_subnets(out: Path) -> None:
    services = resources(layer(out, "platform"), "aws_ecs_service")
    assert services
    for service in services.values():
        assert service["network_configuration"]["subnets"] == SUBNETS
        assert service["network_configuration"]["assign_public_ip"] is False
