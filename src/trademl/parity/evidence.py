"""Evidence: what a recogniser found in the synthesized JSON, and small builders for it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from trademl.model import Profile, TargetName
from trademl.parity.graph import Resource, TargetIndex, strings

Fact = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Evidence:
    """found: the capability is real in the output; resources: the addresses that prove it;
    facts: measured values (share on spot, zones, retention...); missing: why not, naming the absent link."""

    found: bool
    resources: tuple[str, ...] = ()
    facts: Mapping[str, Fact] = field(default_factory=dict)
    missing: str = ""


@dataclass(frozen=True, slots=True)
class Ctx:
    """What a recogniser reads: the target's index and the profile (for the settings it must honour)."""

    index: TargetIndex
    profile: Profile
    target: TargetName


Recogniser = Callable[[Ctx], Evidence]


class Proof:
    """Collects the resources of a chain as it is followed; `fail` names the first broken link."""

    def __init__(self) -> None:
        self.resources: list[str] = []
        self.facts: dict[str, Fact] = {}

    def add(self, *items: Resource | Iterable[Resource]) -> None:
        for item in items:
            for res in [item] if isinstance(item, Resource) else item:
                if res.address not in self.resources:
                    self.resources.append(res.address)

    def ok(self, **facts: Fact) -> Evidence:
        return Evidence(True, tuple(self.resources), {**self.facts, **facts})

    def fail(self, missing: str) -> Evidence:
        return Evidence(False, tuple(self.resources), dict(self.facts), missing)

    def schedules(self, count: int, want: int, why: str) -> Evidence:
        """The scheduled-retraining verdict on every cloud: `count` schedules that start a pipeline they
        may start, against the `want` that training.schedules asks for; `why` names what was missing."""
        if count < want:
            return self.fail(f"{count} of {want} schedules start a pipeline they may start; {why}")
        return self.ok(schedules=count)


def truthy(value: object) -> bool:
    return value is True or value in ("true", "Enabled", "ENABLED")


def number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def pick(resources: Iterable[Resource], test: Callable[[Resource], bool]) -> list[Resource]:
    return [r for r in resources if test(r)]


def text_of(res: Resource) -> str:
    """Every string of a resource joined: for matching chart names, manifests and policy documents."""
    return "\n".join(s for _, s in strings(res.body))


def reaches_secret(index: TargetIndex, start: Resource, variable: str, depth: int = 3) -> list[Resource]:
    """The path from start to a resource whose value uses var.<variable> (a sensitive webhook/key)."""
    frontier: list[list[Resource]] = [[start]]
    seen = {start.address}
    for _ in range(depth):
        nxt: list[list[Resource]] = []
        for path in frontier:
            if f"var.{variable}" in text_of(path[-1]):
                return path
            for ref in index.refs(path[-1]):
                if ref.target.address not in seen:
                    seen.add(ref.target.address)
                    nxt.append([*path, ref.target])
        frontier = nxt
    for path in frontier:
        if f"var.{variable}" in text_of(path[-1]):
            return path
    return []


def sensitive_variable(index: TargetIndex, stack: str, name: str) -> bool:
    var = index.stacks.get(stack, {}).get("variable")
    body = var.get(name) if isinstance(var, dict) else None
    return isinstance(body, dict) and body.get("sensitive") is True
