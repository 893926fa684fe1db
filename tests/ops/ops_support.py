"""Helpers for the operations tests: run the real click commands and render profile fixtures."""

from __future__ import annotations

import string
from pathlib import Path

import click
from click.testing import CliRunner, Result

from trademl.ops.command import bootstrap, doctor

PROFILES = Path(__file__).parent / "profiles"
# The ids the fixture profiles use.
SUBSCRIPTION = "00000000-0000-4000-8000-000000000001"
TENANT = "00000000-0000-4000-8000-0000000000aa"
GCP_PROJECT, GCP_NUMBER = "opsgcp-trading-dev", "424242424242"
CLI = click.Group("trademl", commands=[bootstrap, doctor])


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(CLI, [str(a) for a in args])


def profile(name: str, out: Path | None = None, **values: str) -> Path:
    """A fixture profile; with values, its ${...} placeholders filled in and written under out."""
    path = PROFILES / f"{name}.yaml"
    if not values:
        return path
    assert out is not None
    rendered = out / f"{name}.yaml"
    rendered.write_text(string.Template(path.read_text()).substitute(values))
    return rendered


def lines(result: Result, prefix: str) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith(prefix)]
