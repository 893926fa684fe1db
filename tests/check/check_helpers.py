"""Build a cdktf.out from the hand-written fixture stacks, the way `trademl synth` lays one out."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
POLICIES = ROOT / "policies"


def make_out(where: Path, names: Iterable[str] | None = None) -> Path:
    """A cdktf.out under where holding the named fixture stacks (default: all of them)."""
    chosen = sorted(names) if names is not None else sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
    out = where / "cdktf.out"
    stacks = {}
    for name in chosen:
        shutil.copytree(FIXTURES / name, out / "stacks" / name)
        stacks[name] = {
            "name": name,
            "synthesizedStackPath": f"stacks/{name}/cdk.tf.json",
            "workingDirectory": f"stacks/{name}",
        }
    (out / "manifest.json").write_text(json.dumps({"version": "0.24.0", "stacks": stacks}, indent=2))
    return out


def empty_allowlist(where: Path) -> Path:
    path = where / "allowlist.yaml"
    path.write_text("entries: []\n")
    return path
