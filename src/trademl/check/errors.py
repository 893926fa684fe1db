"""The one error the gate raises for problems that are not findings: bad usage or a broken setup."""

from __future__ import annotations


class CheckSetupError(Exception):
    """The gate cannot run (exit 2). The message is one line naming the file and the fix."""
