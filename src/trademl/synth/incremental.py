"""Incremental synth of one target: re-synthesize the stacks whose keys changed, reuse the rest.

Stacks read each other only through cdktn cross-stack references: the consumer gets a remote-state data
source and expressions `...cross-stack-reference-input-<producer>.outputs.<output>`, the producer one
output per referenced value. So a previous entry's stack can be reused when its own key is unchanged
and, for a producer, when its resources are unchanged and its outputs are exactly the ones its
consumers (fresh or reused) read. Every other case raises CannotReuseError and the worker synthesizes the
whole target, so the result is always byte-identical to a full synth (tests/synth/test_incremental.py).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

REFERENCE = re.compile(r"cross-stack-reference-input-([\w.-]+?)\.outputs\.(cross-stack-output-[\w.-]+)")
OUTPUT_PREFIX = "cross-stack-output-"
STACK_FILE = "cdk.tf.json"


class CannotReuseError(Exception):
    """The previous entry cannot serve this synth; the message says why."""


def _manifest(folder: Path) -> dict[str, dict[str, object]]:
    try:
        stacks = json.loads((folder / "manifest.json").read_text())["stacks"]
    except (OSError, ValueError, KeyError) as exc:
        raise CannotReuseError(f"unreadable manifest in {folder.name}") from exc
    return {str(k): dict(v) for k, v in stacks.items()}


def _dependencies(entry: dict[str, object]) -> list[str]:
    deps = entry.get("dependencies", [])
    return [str(d) for d in deps] if isinstance(deps, list) else []


def _closure(start: Iterable[str], edges: dict[str, list[str]]) -> set[str]:
    seen, todo = set(start), list(start)
    while todo:
        for nxt in edges.get(todo.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def expand_dirty(previous: Path, dirty: Iterable[str]) -> frozenset[str]:
    """A stack that reads from a dirty stack is dirty too: the producer's outputs must be built from all
    of its consumers."""
    manifest = _manifest(previous)
    readers: dict[str, list[str]] = {}
    for name, entry in manifest.items():
        for dep in _dependencies(entry):
            readers.setdefault(dep, []).append(name)
    return frozenset(_closure(dirty, readers))


def needed_stacks(previous: Path, dirty: frozenset[str]) -> frozenset[str]:
    """The dirty stacks and, transitively, every stack they read from."""
    manifest = _manifest(previous)
    return frozenset(_closure(dirty, {n: _dependencies(e) for n, e in manifest.items()}))


def _stack(folder: Path, name: str) -> dict[str, object]:
    return dict(json.loads((folder / "stacks" / name / STACK_FILE).read_text()))


def _references(text: str) -> set[tuple[str, str]]:
    return set(REFERENCE.findall(text))


def _pop_outputs(stack: dict[str, object]) -> dict[str, object]:
    """Remove the outputs and cdktn's metadata listing them; return the outputs."""
    meta = stack.get("//")
    if isinstance(meta, dict):
        stack["//"] = {k: v for k, v in meta.items() if k != "outputs"}
    outputs = stack.pop("output", {})
    return dict(outputs) if isinstance(outputs, dict) else {}


def assemble(previous: Path, fresh: Path, dirty: frozenset[str], out: Path) -> tuple[tuple[str, ...], int]:
    """Write the target's part to `out`: dirty stacks from `fresh`, the others from `previous`.
    Returns the stack names (previous order) and how many were reused."""
    old, new = _manifest(previous), _manifest(fresh)
    if not dirty <= new.keys():
        raise CannotReuseError("a changed stack was not synthesized")
    wanted: set[tuple[str, str]] = set()
    for name in old:
        source = fresh if name in dirty else previous
        wanted |= _references((source / "stacks" / name / STACK_FILE).read_text())
    for producer in new.keys() - dirty:
        before, after = _stack(previous, producer), _stack(fresh, producer)
        outputs, fresh_outputs = _pop_outputs(before), _pop_outputs(after)
        if before != after:
            raise CannotReuseError(f"{producer} changed beyond its outputs")
        own = {k: v for k, v in outputs.items() if not k.startswith(OUTPUT_PREFIX)}
        if own != {k: v for k, v in fresh_outputs.items() if not k.startswith(OUTPUT_PREFIX)}:
            raise CannotReuseError(f"the outputs of {producer} changed")
        have = outputs.keys() - own.keys()
        if have != {o for p, o in wanted if p == producer}:
            raise CannotReuseError(f"the values read from {producer} changed")
        if any(outputs[k] != v for k, v in fresh_outputs.items() if k in outputs):
            raise CannotReuseError(f"an output of {producer} changed")
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(previous, out)
    for name in sorted(dirty):
        shutil.rmtree(out / "stacks" / name, ignore_errors=True)
        shutil.copytree(fresh / "stacks" / name, out / "stacks" / name)
    data = json.loads((previous / "manifest.json").read_text())
    data["stacks"] = {name: (new[name] if name in dirty else entry) for name, entry in old.items()}
    (out / "manifest.json").write_text(json.dumps(data, indent=2) + "\n")
    shutil.rmtree(fresh, ignore_errors=True)
    return tuple(old), len(old) - len(dirty)
