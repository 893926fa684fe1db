"""Runs in its own process: synthesizes every profile for one target, importing only that target's
provider bindings. Returns plain data so the parent never loads jsii."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

TARGET_VERSIONS = {"terraform": ">=1.10.0", "opentofu": ">=1.10.0"}


@dataclass(frozen=True, slots=True)
class Job:
    target: str
    profiles: tuple[str, ...]
    outdir: str


@dataclass(frozen=True, slots=True)
class JobResult:
    target: str
    stacks: tuple[str, ...]
    seconds: float
    error: str | None = None


def run_group(jobs: tuple[Job, ...]) -> list[JobResult]:
    """Targets that share provider bindings run in one process: the bindings load into jsii once."""
    return [run(job) for job in jobs]


def run(job: Job) -> JobResult:
    start = time.perf_counter()
    try:
        stacks = _synth(job)
    except Exception as exc:  # reported by the parent as one line per target
        message = "\n".join(getattr(exc, "lines", [])) or f"{type(exc).__name__}: {exc}"
        return JobResult(job.target, (), time.perf_counter() - start, message)
    return JobResult(job.target, stacks, time.perf_counter() - start)


def _synth(job: Job) -> tuple[str, ...]:
    from cdktn import App

    from trademl.model import TargetName, load_profile
    from trademl.targets.registry import load_builder

    target = TargetName(job.target)
    builder_cls = load_builder(target)
    # S3 native state locking needs Terraform/OpenTofu >= 1.10: declare it so cdktn validates against it.
    app = App(outdir=job.outdir, stack_traces=False, context={"targetVersions": TARGET_VERSIONS})
    names: list[str] = []
    for path in job.profiles:
        profile = load_profile(path)
        builder = builder_cls(app, profile, Path(path))
        names.extend(stack.plan.name for stack in builder.build())
    app.synth()
    return tuple(names)
