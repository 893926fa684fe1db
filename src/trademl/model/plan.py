"""The stack plan: which stacks a profile yields on a target, computed without loading any cloud SDK.

Stacks are named <profile>-<target>-<layer>. Later layers read earlier ones through cross-stack references.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from trademl.model.profile import Profile
from trademl.model.targets import TargetName


class Layer(StrEnum):
    FOUNDATION = "foundation"  # network, keys, artifact stores
    AUDIT = "audit"  # WORM archive and trail: its own layer, a locked store can never be destroyed
    PLATFORM = "platform"  # cluster, registry, pipelines, serving, monitoring
    WORKLOADS = "workloads"  # what runs inside the cluster (helm, manifests): after the cluster exists
    DESK = "desk"  # one stack per desk: desk-<name>
    FAILOVER = "failover"  # the secondary region's serving path and the failover DNS
    CICD = "cicd"  # keyless CI identities


ORDER = (
    Layer.FOUNDATION,
    Layer.AUDIT,
    Layer.PLATFORM,
    Layer.WORKLOADS,
    Layer.DESK,
    Layer.FAILOVER,
    Layer.CICD,
)


@dataclass(frozen=True, slots=True)
class StackPlan:
    profile: str
    target: TargetName
    layer: Layer
    desk: str | None = None

    @property
    def layer_name(self) -> str:
        return f"desk-{self.desk}" if self.desk else self.layer.value

    @property
    def name(self) -> str:
        return f"{self.profile}-{self.target.value}-{self.layer_name}"


def plan_stacks(profile: Profile, target: TargetName, layers: Sequence[Layer]) -> list[StackPlan]:
    """The stacks for one target, in dependency order, given the layers the target implements."""
    out: list[StackPlan] = []
    for layer in ORDER:
        if layer not in layers:
            continue
        if layer is Layer.DESK:
            out.extend(StackPlan(profile.name, target, layer, d.name) for d in profile.desks)
        elif (layer is Layer.FAILOVER and not profile.failover.enabled) or (
            layer is Layer.CICD and not (profile.cicd and profile.cicd.enabled)
        ):
            continue
        else:
            out.append(StackPlan(profile.name, target, layer))
    return out
