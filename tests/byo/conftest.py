"""profiles/brownfield.yaml synthesized once per target per session, on demand (each module needs one)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from trademl.model import TargetName

ROOT = Path(__file__).resolve().parents[2]
BROWNFIELD = ROOT / "profiles" / "brownfield.yaml"

Synth = Callable[[TargetName], Path]


@pytest.fixture(scope="session")
def brownfield(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    from trademl.synth import synthesize

    done: dict[TargetName, Path] = {}

    def synth(target: TargetName) -> Path:
        if target not in done:
            out = tmp_path_factory.mktemp(f"brownfield-{target.value}") / "cdktf.out"
            synthesize([BROWNFIELD], [target], out=out)
            done[target] = out
        return done[target]

    return synth
