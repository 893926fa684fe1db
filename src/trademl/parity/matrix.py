"""The parity matrix: capability x target for one profile, each cell judged from the synthesized JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from trademl.model import Profile, TargetName
from trademl.model.capabilities import CATALOGUE, Capability
from trademl.parity.evidence import Ctx, Evidence, Recogniser
from trademl.parity.graph import Json, TargetIndex, index_target
from trademl.parity.recognisers import RECOGNISERS


class Status(StrEnum):
    PRESENT = "present"  # requested and proven by the output
    ADOPTED = "adopted"  # requested; rests on an adopted (bring-your-own) resource the output uses
    MISSING = "missing"  # requested and not proven: fails the target
    OFF = "off"  # not requested by the profile (evidence still shown when the output has it)


@dataclass(frozen=True, slots=True)
class Cell:
    capability: Capability
    target: TargetName
    status: Status
    evidence: Evidence
    adopted: tuple[str, ...] = ()  # adopt.<field>=<id> the cell rests on

    @property
    def failing(self) -> bool:
        return self.status is Status.MISSING


@dataclass(frozen=True, slots=True)
class Matrix:
    profile: Profile
    targets: tuple[TargetName, ...]
    cells: Mapping[tuple[str, TargetName], Cell] = field(default_factory=dict)
    stacks: Mapping[TargetName, int] = field(default_factory=dict)  # stacks found per target
    indexes: Mapping[TargetName, TargetIndex] = field(default_factory=dict)

    def cell(self, capability: str, target: TargetName) -> Cell:
        return self.cells[(capability, target)]

    @property
    def failures(self) -> list[Cell]:
        return [c for c in self.cells.values() if c.failing]

    def rows(self) -> list[Capability]:
        return list(CATALOGUE)


def adopted_ids(profile: Profile, target: TargetName, capability: Capability) -> list[tuple[str, str]]:
    """(adopt field, id) pairs of this target that the capability may rest on."""
    spec = profile.targets.get(target)
    if spec is None:
        return []
    out: list[tuple[str, str]] = []
    for name in capability.adoptable:
        value = getattr(spec.adopt, name, None)
        if value is None:
            continue
        ids = (
            [str(value)]
            if isinstance(value, str)
            else [str(v) for v in value.model_dump().values() if isinstance(v, str)]
        )
        out.extend((name, i) for i in ids)
    return out


def judge(capability: Capability, ctx: Ctx, recogniser: Recogniser | None) -> Cell:
    wanted = capability.requested(ctx.profile)
    if recogniser is None:
        evidence = Evidence(False, missing=f"no recogniser for {capability.id} on {ctx.target.value}")
    else:
        evidence = recogniser(ctx)
    adopted = adopted_ids(ctx.profile, ctx.target, capability)
    used = [(name, i) for name, i in adopted if _used(ctx.index, i)]
    labels = tuple(f"adopt.{name}={i}" for name, i in used)
    if not wanted:
        return Cell(capability, ctx.target, Status.OFF, evidence, labels)
    if evidence.found:
        return Cell(capability, ctx.target, Status.ADOPTED if labels else Status.PRESENT, evidence, labels)
    if used and len(used) == len(adopted):
        # The created part is absent because the profile adopts it; the output must still use the id.
        proof = Evidence(
            True,
            tuple(r.address for _, i in used for r in ctx.index.mentioning(_tail(i))[:3]),
            {"adopted": ", ".join(n for n, _ in used)},
        )
        return Cell(capability, ctx.target, Status.ADOPTED, proof, labels)
    return Cell(capability, ctx.target, Status.MISSING, evidence, labels)


def _tail(ident: str) -> str:
    """The part of an adopted id Terraform JSON carries (a bucket ARN's name, a key's id...)."""
    for prefix in ("arn:aws:s3:::", "projects/_/buckets/"):
        if ident.startswith(prefix):
            return ident[len(prefix) :]
    if ident.startswith("arn:aws"):
        # Other ARNs: the resource's own id (vpc-..., subnet-..., a key id, a cluster or zone name).
        return ident.rsplit("/", 1)[-1]
    return ident


def _used(index: TargetIndex, ident: str) -> bool:
    return bool(index.mentioning(_tail(ident)))


def build(
    profile: Profile, stacks: Mapping[str, Mapping[str, Json]], targets: Sequence[TargetName] | None = None
) -> Matrix:
    """Judge every catalogue capability on every target the profile lists (or `targets`)."""
    chosen = tuple(t for t in profile.targets.names() if not targets or t in targets)
    cells: dict[tuple[str, TargetName], Cell] = {}
    counts: dict[TargetName, int] = {}
    indexes: dict[TargetName, TargetIndex] = {}
    for target in chosen:
        index = index_target(stacks, profile.name, target.value)
        counts[target] = len(index.stacks)
        indexes[target] = index
        ctx = Ctx(index=index, profile=profile, target=target)
        table = RECOGNISERS.get(target, {})
        for capability in CATALOGUE:
            cells[(capability.id, target)] = judge(capability, ctx, table.get(capability.id))
    return Matrix(profile=profile, targets=chosen, cells=cells, stacks=counts, indexes=indexes)
