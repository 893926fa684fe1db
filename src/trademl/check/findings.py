"""What the gate reports: one finding per (check, resource), and stack problems that fail it outright."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ALLOWLISTED = "allowlisted"  # failed, but a live allowlist entry accepts it
    SKIPPED = "skipped"  # skipped by checkov itself


class IssueKind(StrEnum):
    INVALID_JSON = "invalid-json"
    PARSE_ERROR = "parse-error"
    ZERO_RESOURCES = "zero-resources"


@dataclass(frozen=True, slots=True)
class Finding:
    check_id: str
    check_name: str
    stack: str
    target: str
    resource: str  # `type.name`, `data.type.name`, `provider.name`; trademl's stack checks may name a type
    status: Status
    file: str  # the synthesized stack file, as reached from the working directory
    start_line: int
    end_line: int
    guideline: str | None = None
    severity: str | None = None
    reason: str | None = None  # the allowlist entry's reason when allowlisted
    source: str = "checkov"  # or "trademl" for the stack-level checks checkov cannot express


@dataclass(frozen=True, slots=True)
class StackIssue:
    """The stack was not (fully) scanned: this fails the gate whatever the allowlist says."""

    stack: str
    target: str
    file: str
    kind: IssueKind
    message: str  # one line: what happened and the fix

    @property
    def rule_id(self) -> str:
        return f"TML_{self.kind.name}"
