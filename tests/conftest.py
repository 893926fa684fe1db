"""Shared fixtures. The slow part, synthesizing the example profile through jsii, runs once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from trademl.synth import lazy

lazy.enable(os.environ)  # tests that start jsii in-process load provider bindings lazily, as synth does

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "profiles" / "example.yaml"


@pytest.fixture(scope="session")
def synth_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """profiles/example.yaml synthesized for all four targets, once per test session."""
    from trademl.synth import synthesize

    out = tmp_path_factory.mktemp("synth") / "cdktf.out"
    synthesize([EXAMPLE], out=out)
    return out
