"""Which targets share a worker process, and in which order the workers start.

With provider modules loaded on first use (lazy_providers.cjs), a target costs what it constructs (its
stacks, ~0.1-1 s each) plus a fixed ~1.5-2 s per worker process (Python, jsii's node, cdktn). So synth
starts one process per core, not one per target. Targets whose main binding is the same (aws-eks and
aws-ecs) stay together, so a cold jsii cache extracts that binding (~0.4 GB for AWS) in one process
only; those units are then dealt out heaviest first (longest-processing-time scheduling). Each process
still imports only the bindings of its own targets.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from trademl.model import TargetName
from trademl.targets.registry import TARGETS


@cache
def binding_size(package: str) -> int:
    """Size of the jsii tarball a binding ships (no import): tells a target's main binding."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return 0
    return sum(
        tgz.stat().st_size
        for folder in spec.submodule_search_locations
        for tgz in (Path(folder) / "_jsii").glob("*.jsii.tgz")
    )


def heaviest(target: TargetName) -> str:
    return max(TARGETS[target].providers, key=lambda p: (binding_size(p), p), default=target.value)


def plan_groups(weights: Mapping[TargetName, int], workers: int) -> list[tuple[TargetName, ...]]:
    """At most `workers` groups of similar total weight (stacks to build), heaviest group first;
    within a group, targets keep the registry's order."""
    order = list(TargetName)
    units: dict[str, list[TargetName]] = {}
    for target in sorted(weights, key=order.index):
        units.setdefault(heaviest(target), []).append(target)
    bins: list[list[TargetName]] = [[] for _ in range(max(1, min(workers, len(units))))]
    loads = [0] * len(bins)

    def weight(unit: list[TargetName]) -> int:
        return sum(weights[t] for t in unit)

    for unit in sorted(units.values(), key=lambda u: (-weight(u), order.index(u[0]))):
        lightest = loads.index(min(loads))
        bins[lightest].extend(unit)
        loads[lightest] += weight(unit)
    ranked = sorted(range(len(bins)), key=lambda i: -loads[i])
    return [tuple(sorted(bins[i], key=order.index)) for i in ranked if bins[i]]
