"""Content-addressed cache of synthesized targets: an unchanged target is copied, not re-synthesized.

The key of one target's job covers everything its output depends on: the profile content relevant to
that target (other targets' sections left out), every desk extension file it names, trademl's own
source, the installed cdktn/jsii/provider versions, the Python version and the Terraform versions
declared to cdktn. Entries are written to a temporary folder and renamed, so a reader sees whole
entries only.

Each stack also gets a key of its own (`stack_keys`): a desk stack depends on its desk's spec, the
workloads layer on every desk's spec, the other layers on the desks' names only. When a target misses
the cache but its previous entry differs in a few stacks only, the worker re-synthesizes just those
(and, to resolve references, the stacks they read from) and takes the rest from that entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from trademl.model import Layer, Profile, TargetName
from trademl.model.loader import extension_path
from trademl.targets.registry import stacks_for

DEFAULT_DIR = Path(".trademl-cache")
ENV_DIR = "TRADEML_CACHE_DIR"
SCHEMA = "2"  # bump when the entry layout or the key recipe changes
PINNED = ("cdktn", "constructs", "jsii")
MAX_ENTRIES = 256  # beyond this the least recently used entries go
# Layers that read every desk's spec (tenant namespaces, quotas, per-desk jobs); the others read only
# the desks' names. tests/synth/test_incremental.py changes every desk field to keep this honest.
DESK_DEPENDENT = frozenset({Layer.WORKLOADS})


@dataclass(frozen=True, slots=True)
class Inputs:
    """What every key of one run shares: computed once per run."""

    source: str  # sha256 of trademl's own source tree
    versions: tuple[tuple[str, str], ...]  # (distribution, version), sorted
    python: str
    target_versions: tuple[tuple[str, str], ...]


def resolve_dir(given: Path | None = None) -> Path:
    """--cache-dir, else $TRADEML_CACHE_DIR, else .trademl-cache in the current (project) folder."""
    if given is not None:
        return given
    env = os.environ.get(ENV_DIR)
    return Path(env) if env else DEFAULT_DIR


def source_hash(root: Path) -> str:
    """sha256 over every file under `root` (path and bytes, sorted); bytecode caches are not source."""
    digest = hashlib.sha256()
    files = sorted(
        p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def package_versions() -> tuple[tuple[str, str], ...]:
    """The installed versions of the jsii runtime, cdktn, constructs and every cdktn-provider-*.

    Provider wheels are found by their dist-info folder names (name-version.dist-info): listing every
    installed distribution's metadata costs ~0.4 s, this ~10 ms.
    """
    found = {name: metadata.version(name) for name in PINNED}
    for entry in sys.path:
        folder = Path(entry or ".")
        if not folder.is_dir():
            continue
        for info in folder.glob("cdktn_provider_*.dist-info"):
            name, _, version = info.name.removesuffix(".dist-info").partition("-")
            found.setdefault(name.replace("_", "-").lower(), version)
    return tuple(sorted(found.items()))


def run_inputs(target_versions: Mapping[str, str]) -> Inputs:
    import trademl

    return Inputs(
        source=source_hash(Path(trademl.__file__).parent),
        versions=package_versions(),
        python=sys.version,
        target_versions=tuple(sorted(target_versions.items())),
    )


def profile_for_target(profile: Profile, target: TargetName) -> dict[str, object]:
    """The validated profile with only `target` under `targets`: another cloud's edit is not a change."""
    data = profile.model_dump(mode="json", by_alias=True)
    targets = data["targets"]
    assert isinstance(targets, dict)
    data["targets"] = {target.value: targets.get(target.value)}
    return data


class _Digest:
    def __init__(self) -> None:
        self.sha = hashlib.sha256()

    def add(self, label: str, value: object) -> _Digest:
        self.sha.update(json.dumps([label, value], sort_keys=True, separators=(",", ":")).encode() + b"\n")
        return self

    def hex(self) -> str:
        return self.sha.hexdigest()


def _run_digest(target: TargetName, inputs: Inputs) -> _Digest:
    d = _Digest().add("schema", SCHEMA).add("target", target.value).add("source", inputs.source)
    return d.add("versions", inputs.versions).add("python", inputs.python).add("tv", inputs.target_versions)


def _desk_specs(path: Path, profile: Profile) -> dict[str, object]:
    """Each desk's validated spec, plus the hash of its extension file when it names one."""
    specs: dict[str, object] = {}
    for desk in profile.desks:
        spec: dict[str, object] = desk.model_dump(mode="json")
        if desk.extension:
            data = extension_path(path, desk.extension).read_bytes()
            spec["extension_sha256"] = hashlib.sha256(data).hexdigest()
        specs[desk.name] = spec
    return specs


def job_key(target: TargetName, profiles: Iterable[tuple[Path, Profile]], inputs: Inputs) -> str:
    digest = _run_digest(target, inputs)
    for path, profile in profiles:
        digest.add("profile", profile_for_target(profile, target))
        digest.add("desks", _desk_specs(path, profile))
    return digest.hex()


def stack_keys(
    target: TargetName, profiles: Iterable[tuple[Path, Profile]], inputs: Inputs
) -> dict[str, str]:
    """A key per stack: what that stack's own content depends on (see the module docstring)."""
    keys: dict[str, str] = {}
    for path, profile in profiles:
        shared = profile_for_target(profile, target)
        shared["desks"] = [desk.name for desk in profile.desks]
        common = _run_digest(target, inputs).add("profile", shared).hex()
        desks = _desk_specs(path, profile)
        for plan in stacks_for(profile, target):
            digest = _Digest().add("common", common).add("stack", plan.name)
            if plan.desk is not None:
                digest.add("desk", desks[plan.desk])
            elif plan.layer in DESK_DEPENDENT:
                digest.add("desks", desks)
            keys[plan.name] = digest.hex()
    return keys


@dataclass(frozen=True, slots=True)
class Previous:
    """The last entry stored for the same target and profiles, with the key of each of its stacks."""

    entry: Path
    stacks: dict[str, str]


class Cache:
    """A folder of entries, one per key: `<dir>/<key>/` holding a worker's part (manifest + stacks)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _entry(self, key: str) -> Path:
        return self.root / key

    def load(self, key: str, dest: Path) -> bool:
        """Copy the entry for `key` into `dest` (which must not exist); False on a miss."""
        entry = self._entry(key)
        if not (entry / "manifest.json").is_file():
            return False
        try:
            shutil.copytree(entry, dest)
            os.utime(entry)  # recently used: kept by prune()
        except OSError:
            shutil.rmtree(dest, ignore_errors=True)
            return False
        return True

    def _index(self, target: TargetName, profiles: Sequence[str]) -> Path:
        label = hashlib.sha256("\0".join(sorted(profiles)).encode()).hexdigest()[:16]
        return self.root / ".index" / f"{target.value}-{label}.json"

    def previous(self, target: TargetName, profiles: Sequence[str]) -> Previous | None:
        """The last entry for `target` with the same profile names (a starting point, never a hit)."""
        try:
            data = json.loads(self._index(target, profiles).read_text())
            entry = self._entry(str(data["entry"]))
            stacks = {str(k): str(v) for k, v in dict(data["stacks"]).items()}
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return Previous(entry, stacks) if (entry / "manifest.json").is_file() else None

    def remember(self, target: TargetName, profiles: Sequence[str], key: str, stacks: dict[str, str]) -> None:
        index = self._index(target, profiles)
        tmp = index.with_name(f".{index.name}.{os.getpid()}")
        try:
            index.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps({"entry": key, "stacks": stacks}, sort_keys=True))
            tmp.rename(index)
        except OSError:
            tmp.unlink(missing_ok=True)

    def store(self, key: str, part: Path) -> None:
        """Copy a worker's part in as the entry for `key`, atomically; a concurrent writer may win."""
        entry = self._entry(key)
        if entry.exists():
            return
        tmp = self.root / f".tmp-{key}-{os.getpid()}"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.copytree(part, tmp)
            tmp.rename(entry)
        except OSError:
            pass  # another synth stored the same key, or the cache is unwritable: not an error
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self.prune()

    def prune(self, keep: int = MAX_ENTRIES) -> None:
        try:
            entries = [p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")]
        except OSError:
            return
        if len(entries) <= keep:
            return
        entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[keep:]:
            shutil.rmtree(old, ignore_errors=True)


def keys_for(
    selected: Mapping[TargetName, Sequence[tuple[Path, Profile]]], inputs: Inputs
) -> dict[TargetName, str]:
    return {target: job_key(target, items, inputs) for target, items in selected.items()}
