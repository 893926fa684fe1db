"""The stacks a synth produced, read from cdktf.out/manifest.json, each with the target its name encodes."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trademl.check.errors import CheckSetupError

TARGETS = ("aws-eks", "aws-ecs", "azure", "gcp")
OTHER_TARGET = "other"
# Stack names are `<profile>-<target>-<layer>`; profile names may hold dashes, targets are a fixed set.
_STACK_NAME = re.compile(rf"^(?P<profile>.+?)-(?P<target>{'|'.join(TARGETS)})-(?P<layer>.+)$")


class _ManifestStack(BaseModel):
    model_config = ConfigDict(extra="ignore")
    synthesized_stack_path: str = Field(alias="synthesizedStackPath")


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    stacks: dict[str, _ManifestStack]


@dataclass(frozen=True, slots=True)
class Stack:
    name: str
    target: str
    profile: str
    path: Path

    @property
    def layer(self) -> str:
        match = _STACK_NAME.match(self.name)
        return match["layer"] if match else self.name


def split_name(name: str) -> tuple[str, str]:
    """(profile, target) of a stack name; target is "other" when the name does not follow the format."""
    match = _STACK_NAME.match(name)
    if match is None:
        return name, OTHER_TARGET
    return match["profile"], match["target"]


def load_stacks(out: Path, only: Sequence[str] = ()) -> list[Stack]:
    """Every stack in out's manifest (or just those named in only), sorted by name."""
    manifest_path = out / "manifest.json"
    if not manifest_path.is_file():
        raise CheckSetupError(f"{manifest_path}: not found; fix: run `trademl synth` first or pass --out DIR")
    try:
        manifest = _Manifest.model_validate(json.loads(manifest_path.read_text()))
    except (ValueError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise CheckSetupError(
            f"{manifest_path}: not a cdktf manifest ({first}); fix: re-run `trademl synth`"
        ) from exc
    unknown = sorted(set(only) - set(manifest.stacks))
    if unknown:
        raise CheckSetupError(
            f"{manifest_path}: no stack named {', '.join(unknown)}; "
            f"fix: pick --stack from {', '.join(manifest.stacks)}"
        )
    stacks = []
    for name, entry in sorted(manifest.stacks.items()):
        if only and name not in only:
            continue
        profile, target = split_name(name)
        stacks.append(
            Stack(name=name, target=target, profile=profile, path=out / entry.synthesized_stack_path)
        )
    return stacks
