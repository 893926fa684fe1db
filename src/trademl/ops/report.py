"""What operations report: one line per check or change, and the one-line error that stops a command."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class OpsError(Exception):
    """A command cannot go on. The line names what is wrong and the fix."""

    def __init__(self, line: str) -> None:
        super().__init__(line)
        self.line = line


class Status(StrEnum):
    OK = "ok"
    FAIL = "FAIL"
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class Check:
    scope: str
    status: Status
    message: str

    @property
    def line(self) -> str:
        return f"{self.status.value:<4} {self.scope}: {self.message}"


def ok(scope: str, message: str) -> Check:
    return Check(scope, Status.OK, message)


def fail(scope: str, message: str) -> Check:
    return Check(scope, Status.FAIL, message)


def skip(scope: str, message: str) -> Check:
    return Check(scope, Status.SKIP, message)


class Action(StrEnum):
    CREATED = "created"
    SET = "set"
    EXISTS = "exists"


@dataclass(frozen=True, slots=True)
class Change:
    action: Action
    what: str

    @property
    def line(self) -> str:
        return f"{self.action.value:<7} {self.what}"


def settle(what: str, present: bool, changed: bool) -> Change:
    """The change a step made: created when it was absent, set when it differed, else exists."""
    if not present:
        return Change(Action.CREATED, what)
    return Change(Action.SET if changed else Action.EXISTS, what)


@dataclass(frozen=True, slots=True)
class Bootstrapped:
    """What a bootstrap did, step by step, and what the reader should know beyond it."""

    changes: tuple[Change, ...]
    notes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return any(c.action is not Action.EXISTS for c in self.changes)
