"""The one registry of targets: adding a target is a package under constructs/ plus one row here.

Importing this module loads no provider binding, so `trademl list` and `validate` stay instant.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trademl.model import Layer, Profile, StackPlan, TargetName, plan_stacks

if TYPE_CHECKING:
    from trademl.targets.base import TargetBuilder


@dataclass(frozen=True, slots=True)
class TargetInfo:
    name: TargetName
    layers: tuple[Layer, ...]
    builder: str  # "module:Class", imported only inside the worker that synthesizes the target
    providers: tuple[str, ...]  # provider binding packages the worker imports


# Every target has a cicd layer, which writes GitHub environments: github is loaded everywhere.
_AWS = ("cdktn_provider_aws", "cdktn_provider_github")
_K8S = ("cdktn_provider_kubernetes", "cdktn_provider_helm")
TARGETS: dict[TargetName, TargetInfo] = {
    TargetName.AWS_EKS: TargetInfo(
        TargetName.AWS_EKS,
        (
            Layer.FOUNDATION,
            Layer.AUDIT,
            Layer.PLATFORM,
            Layer.WORKLOADS,
            Layer.DESK,
            Layer.FAILOVER,
            Layer.CICD,
        ),
        "trademl.targets.aws_eks:AwsEksTarget",
        _AWS + _K8S,
    ),
    TargetName.AWS_ECS: TargetInfo(
        TargetName.AWS_ECS,
        (Layer.FOUNDATION, Layer.AUDIT, Layer.PLATFORM, Layer.DESK, Layer.FAILOVER, Layer.CICD),
        "trademl.targets.aws_ecs:AwsEcsTarget",
        _AWS,
    ),
    TargetName.AZURE: TargetInfo(
        TargetName.AZURE,
        (
            Layer.FOUNDATION,
            Layer.AUDIT,
            Layer.PLATFORM,
            Layer.WORKLOADS,
            Layer.DESK,
            Layer.FAILOVER,
            Layer.CICD,
        ),
        "trademl.targets.azure:AzureTarget",
        (
            "cdktn_provider_azurerm",
            "cdktn_provider_azapi",
            *_K8S,
            "cdktn_provider_github",
        ),
    ),
    TargetName.GCP: TargetInfo(
        TargetName.GCP,
        (
            Layer.FOUNDATION,
            Layer.AUDIT,
            Layer.PLATFORM,
            Layer.WORKLOADS,
            Layer.DESK,
            Layer.FAILOVER,
            Layer.CICD,
        ),
        "trademl.targets.gcp:GcpTarget",
        ("cdktn_provider_google", *_K8S, "cdktn_provider_github"),
    ),
}


def stacks_for(profile: Profile, target: TargetName) -> list[StackPlan]:
    return plan_stacks(profile, target, TARGETS[target].layers)


def load_builder(target: TargetName) -> type[TargetBuilder]:
    module, _, cls = TARGETS[target].builder.partition(":")
    builder: type[TargetBuilder] = getattr(importlib.import_module(module), cls)
    return builder
