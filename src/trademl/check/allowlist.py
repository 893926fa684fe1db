"""The reviewed allowlist (policies/checkov-allowlist.yaml): which failures are accepted, why, until when."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trademl.check.errors import CheckSetupError
from trademl.check.findings import Finding, Status


class AllowlistEntry(BaseModel):
    """One accepted failure. Without a reason or an expiry date, or once expired, it accepts nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    check: str = Field(pattern=r"^[A-Za-z0-9_]+$", description="A check id; patterns are refused.")
    resource: str = Field(
        min_length=1, description="`type.name`, `<stack>/type.name`, a glob over either, or `*`."
    )
    reason: str | None = None
    expires: date | None = None

    def inactive_because(self, today: date) -> str | None:
        if not (self.reason or "").strip():
            return "it has no reason"
        if self.expires is None:
            return "it has no expires date"
        if self.expires < today:
            return f"it expired on {self.expires.isoformat()}"
        return None

    def matches(self, finding: Finding) -> bool:
        if finding.check_id != self.check:
            return False
        return fnmatchcase(finding.resource, self.resource) or fnmatchcase(
            f"{finding.stack}/{finding.resource}", self.resource
        )


class Allowlist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    entries: tuple[AllowlistEntry, ...] = ()


def load_allowlist(path: Path) -> Allowlist:
    if not path.is_file():
        raise CheckSetupError(
            f"{path}: not found; fix: create it with `entries: []` or pass --allowlist FILE"
        )
    try:
        raw = yaml.safe_load(path.read_text()) or {}
        return Allowlist.model_validate(raw)
    except yaml.YAMLError as exc:
        raise CheckSetupError(
            f"{path}: not valid YAML ({str(exc).splitlines()[0]}); fix: correct the syntax"
        ) from exc
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "top level"
        raise CheckSetupError(
            f"{path}: {where}: {error['msg']}; "
            "fix: give each entry check, resource, reason and expires (YYYY-MM-DD)"
        ) from exc


@dataclasses.dataclass(frozen=True, slots=True)
class Applied:
    findings: list[Finding]
    notes: list[str]  # one line per entry that allows nothing or matched nothing


def apply_allowlist(allowlist: Allowlist, findings: Sequence[Finding], today: date, source: str) -> Applied:
    """Mark failures accepted by a live entry as allowlisted; explain every entry that did no work."""
    live: list[tuple[int, AllowlistEntry]] = []
    notes: list[str] = []
    for number, entry in enumerate(allowlist.entries, start=1):
        label = f"{source}: entry {number} ({entry.check} {entry.resource})"
        why = entry.inactive_because(today)
        if why:
            notes.append(
                f"{label} allows nothing: {why}; fix: add a reason and a future expires after review"
            )
        else:
            live.append((number, entry))
    used: set[int] = set()
    out = []
    for finding in findings:
        match = next(
            ((n, e) for n, e in live if finding.status is Status.FAILED and e.matches(finding)), None
        )
        if match is None:
            out.append(finding)
            continue
        used.add(match[0])
        out.append(dataclasses.replace(finding, status=Status.ALLOWLISTED, reason=match[1].reason))
    for number, entry in live:
        if number not in used:
            notes.append(
                f"{source}: entry {number} ({entry.check} {entry.resource}) matched no failure in the scanned "
                "stacks; fix: delete it if no other stack needs it"
            )
    return Applied(findings=out, notes=notes)
