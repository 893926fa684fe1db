"""Runs in its own process: synthesizes every profile for one target, importing only that target's
provider bindings. Returns plain data so the parent never loads jsii."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from trademl.synth.incremental import CannotReuseError, assemble

TARGET_VERSIONS = {"terraform": ">=1.10.0", "opentofu": ">=1.10.0"}


@dataclass(frozen=True, slots=True)
class Job:
    target: str
    profiles: tuple[str, ...]
    outdir: str
    reuse: str | None = None  # a previous cache entry of this target: re-synthesize `dirty` only,
    dirty: tuple[str, ...] = ()  # building `build` (the dirty stacks and what they read from)
    build: tuple[str, ...] = ()
    weight: int = 1  # stacks to build: how synth balances targets over its worker processes


@dataclass(frozen=True, slots=True)
class JobResult:
    target: str
    stacks: tuple[str, ...]
    seconds: float
    error: str | None = None
    reused: int = 0  # stacks taken from the previous entry
    note: str = ""


def run_group(jobs: tuple[Job, ...]) -> list[JobResult]:
    """The targets dealt to one worker process, one after the other in one jsii kernel."""
    from trademl.synth import lazy

    lazy.enable(os.environ)  # before jsii starts its node
    return [run(job) for job in jobs]


def run(job: Job) -> JobResult:
    start = time.perf_counter()
    try:
        if job.reuse is not None:
            try:
                stacks, reused = _synth_incremental(job, Path(job.reuse))
                return JobResult(job.target, stacks, time.perf_counter() - start, reused=reused)
            except CannotReuseError as why:
                note = f"full synth: {why}"
            except Exception as exc:  # e.g. a layer that reads one left out; the full synth will tell
                note = f"full synth: incremental build failed ({type(exc).__name__})"
        else:
            note = ""
        stacks = _synth(job, Path(job.outdir))
    except Exception as exc:  # reported by the parent as one line per target
        message = "\n".join(getattr(exc, "lines", [])) or f"{type(exc).__name__}: {exc}"
        return JobResult(job.target, (), time.perf_counter() - start, message)
    return JobResult(job.target, stacks, time.perf_counter() - start, note=note)


def _synth(job: Job, outdir: Path, only: frozenset[str] | None = None) -> tuple[str, ...]:
    from cdktn import App

    from trademl.model import TargetName, load_profile
    from trademl.targets.registry import load_builder

    target = TargetName(job.target)
    builder_cls = load_builder(target)
    # S3 native state locking needs Terraform/OpenTofu >= 1.10: declare it so cdktn validates against it.
    app = App(outdir=str(outdir), stack_traces=False, context={"targetVersions": TARGET_VERSIONS})
    names: list[str] = []
    for path in job.profiles:
        profile = load_profile(path)
        builder = builder_cls(app, profile, Path(path))
        names.extend(stack.plan.name for stack in builder.build(only))
    app.synth()
    return tuple(names)


def _synth_incremental(job: Job, previous: Path) -> tuple[tuple[str, ...], int]:
    """Build the dirty stacks and what they read from into a scratch folder, then assemble the part
    from those and the previous entry; anything that does not check out falls back to a full synth."""
    dirty = frozenset(job.dirty)
    scratch = Path(job.outdir).with_name(Path(job.outdir).name + ".fresh")
    built = _synth(job, scratch, frozenset(job.build))
    if not dirty <= set(built):
        raise CannotReuseError("the plan changed")
    return assemble(previous, scratch, dirty, Path(job.outdir))
