"""Which targets share a worker process, and in which order the workers start.

Loading a provider binding into jsii is most of a synth (cdktn-provider-aws: ~2,400 JavaScript modules,
4-20 s), so targets whose main binding is the same (aws-eks and aws-ecs) run in one process and load it
once. Groups start largest first (longest-processing-time scheduling), so on a 2-core machine the
aws group runs on one core while azure and gcp share the other.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from trademl.model import TargetName
from trademl.targets.registry import TARGETS

PER_TARGET = 15_000_000  # binding-equivalent bytes of work per target (construct + synth)


@cache
def binding_size(package: str) -> int:
    """Size of the jsii tarball a binding ships: a cheap proxy for its load time (no import)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return 0
    return sum(
        tgz.stat().st_size
        for folder in spec.submodule_search_locations
        for tgz in (Path(folder) / "_jsii").glob("*.jsii.tgz")
    )


def cost(group: Sequence[TargetName]) -> int:
    packages = {p for t in group for p in TARGETS[t].providers}
    return sum(binding_size(p) for p in packages) + PER_TARGET * len(group)


def heaviest(target: TargetName) -> str:
    return max(TARGETS[target].providers, key=lambda p: (binding_size(p), p), default=target.value)


def plan_groups(targets: Sequence[TargetName]) -> list[tuple[TargetName, ...]]:
    """Targets whose heaviest binding is the same (aws-eks, aws-ecs) go together: sharing only a small
    one (kubernetes, helm, github) is not worth serializing two clouds. Largest estimated cost first."""
    groups: dict[str, list[TargetName]] = {}
    for target in sorted(targets, key=list(TargetName).index):
        groups.setdefault(heaviest(target), []).append(target)
    return sorted((tuple(g) for g in groups.values()), key=lambda g: (-cost(g), g[0].value))
