"""Find a Node.js >= 22 for jsii: JSII_NODE, then `node` on PATH, then the project-local copy."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

MIN_MAJOR = 22
LOCAL = Path(".tools/node/node_modules/.bin/node")


def node_major(node: str) -> int | None:
    try:
        out = subprocess.run(
            [node, "-p", "process.versions.node"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
        return int(out.strip().split(".")[0])
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def _project_roots() -> list[Path]:
    here = Path(__file__).resolve()
    return [Path.cwd(), *[p for p in here.parents if (p / "cdktf.json").is_file()][:1]]


def resolve_node() -> str | None:
    """The node executable jsii should use, or None when no Node.js >= 22 is available."""
    explicit = os.environ.get("JSII_NODE")
    if explicit:
        return explicit if (node_major(explicit) or 0) >= MIN_MAJOR else None
    on_path = shutil.which("node")
    if on_path and (node_major(on_path) or 0) >= MIN_MAJOR:
        return on_path
    for root in _project_roots():
        local = root / LOCAL
        if local.exists() and (node_major(str(local)) or 0) >= MIN_MAJOR:
            return str(local)
    return None
