"""Drive the worker processes (one per core), merge their manifests, and swap the output in atomically."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

from trademl.model import Profile, TargetName, load_profile
from trademl.synth.cache import Cache, Previous, keys_for, run_inputs, stack_keys
from trademl.synth.groups import plan_groups
from trademl.synth.incremental import CannotReuseError, expand_dirty, needed_stacks
from trademl.synth.node import resolve_node
from trademl.synth.worker import TARGET_VERSIONS, Job, JobResult, run_group
from trademl.targets.registry import stacks_for


class SynthError(Exception):
    """Synthesis failed; the previous output folder is untouched."""


@dataclass(frozen=True, slots=True)
class SynthResult:
    out: Path
    stacks: tuple[str, ...]
    seconds: dict[str, float] = field(default_factory=dict)


Progress = Callable[[str], None]


def select(
    profiles: Sequence[Path], targets: Sequence[TargetName]
) -> dict[TargetName, list[tuple[Path, Profile]]]:
    """Validate every profile first (no jsii), then group profiles by the targets they list."""
    jobs: dict[TargetName, list[tuple[Path, Profile]]] = {}
    for path in profiles:
        profile = load_profile(path)
        for target in profile.targets.names():
            if not targets or target in targets:
                jobs.setdefault(target, []).append((path, profile))
    return jobs


def synthesize(
    profiles: Sequence[Path],
    targets: Sequence[TargetName] = (),
    out: Path = Path("cdktf.out"),
    jobs: int | None = None,
    progress: Progress | None = None,
    *,
    cache_dir: Path | None = None,
) -> SynthResult:
    """Synthesize every selected target into `out`; with `cache_dir`, unchanged targets are copied."""
    selected = select(profiles, targets)
    if not selected:
        raise SynthError(
            "no stack to synthesize: no profile lists the requested targets; "
            "fix: check --target against the profiles' targets"
        )
    say = progress or (lambda _msg: None)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Absolute: the jsii kernel resolves paths from its own working directory.
    staging = out.resolve().with_name(f"{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        (staging / "parts").mkdir(parents=True)
        cache = Cache(cache_dir) if cache_dir is not None else None
        inputs = run_inputs(TARGET_VERSIONS) if cache else None
        keys = keys_for(selected, inputs) if inputs else {}
        results: list[JobResult] = []
        todo: dict[TargetName, Job] = {}
        per_stack: dict[TargetName, dict[str, str]] = {}
        for target, items in selected.items():
            part = staging / "parts" / target.value
            weight = sum(len(stacks_for(profile, target)) for _, profile in items)
            job = Job(target.value, tuple(str(p) for p, _ in items), str(part), weight=weight)
            if cache is None or inputs is None:
                todo[target] = job
            elif cache.load(keys[target], part):
                names = json.loads((part / "manifest.json").read_text())["stacks"]
                results.append(JobResult(target.value, tuple(names), 0.0))
                say(f"  {target.value:<8} unchanged: {len(names)} stacks from the cache")
            else:
                per_stack[target] = stack_keys(target, items, inputs)
                previous = cache.previous(target, _names(items))
                todo[target] = _incremental(job, per_stack[target], previous)
        if todo:  # a warm no-change synth never gets here: no node lookup, no process pool
            _use_node()
            fresh = _run_workers(todo, jobs, say)
            if cache is not None:
                for result in fresh:
                    if not result.error:
                        target = TargetName(result.target)
                        cache.store(keys[target], staging / "parts" / result.target)
                        cache.remember(target, _names(selected[target]), keys[target], per_stack[target])
            results.extend(fresh)
        failed = [r for r in results if r.error]
        if failed:
            raise SynthError("\n".join(f"{r.target}: {r.error}" for r in failed))
        order = [p.name for t in selected for _, prof in selected[t] for p in stacks_for(prof, t)]
        _merge(staging, sorted(results, key=lambda r: r.target), order)
        _swap(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SynthResult(out, tuple(order), {r.target: r.seconds for r in results})


def _names(items: Sequence[tuple[Path, Profile]]) -> list[str]:
    return [profile.name for _, profile in items]


def _incremental(job: Job, now: dict[str, str], previous: Previous | None) -> Job:
    """The job re-synthesizing only the stacks whose keys differ from the previous entry's, when that
    is fewer than all of them; otherwise the full job."""
    if previous is None or previous.stacks.keys() != now.keys():
        return job
    dirty = tuple(sorted(name for name, key in now.items() if previous.stacks[name] != key))
    if not dirty or len(dirty) == len(now):
        return job
    try:
        dirty = tuple(sorted(expand_dirty(previous.entry, dirty)))
        build = tuple(sorted(needed_stacks(previous.entry, frozenset(dirty))))
    except CannotReuseError:
        return job
    return replace(job, reuse=str(previous.entry), dirty=dirty, build=build, weight=len(build))


def _use_node() -> None:
    node = resolve_node()
    if node is None:
        raise SynthError(
            "no Node.js >= 22 for jsii; fix: run `make setup` (installs one under .tools/) "
            "or set JSII_NODE to a node >= 22"
        )
    os.environ["JSII_NODE"] = node


def _run_workers(work: dict[TargetName, Job], jobs: int | None, say: Progress) -> list[JobResult]:
    groups = plan_groups({t: job.weight for t, job in work.items()}, jobs or os.cpu_count() or 1)
    results: list[JobResult] = []
    start = time.perf_counter()
    ctx = multiprocessing.get_context("spawn")
    # One process per group, all at once: the groups already match the cores.
    with ProcessPoolExecutor(max_workers=len(groups), mp_context=ctx, max_tasks_per_child=1) as pool:
        futures = [pool.submit(run_group, tuple(work[t] for t in group)) for group in groups]
        for group in groups:
            for t in group:
                what = f"{len(work[t].dirty)} changed stack(s)" if work[t].reuse else "every stack"
                say(f"  {t.value:<8} synthesizing {what} of {len(work[t].profiles)} profile(s)")
        for future in as_completed(futures):
            for result in future.result():
                status = "FAILED" if result.error else f"{len(result.stacks)} stacks"
                if result.reused:
                    status += f" ({result.reused} reused from the previous entry)"
                if result.note:
                    status += f" ({result.note})"
                say(
                    f"  {result.target:<8} {status} in {result.seconds:.1f}s "
                    f"(elapsed {time.perf_counter() - start:.1f}s)"
                )
                results.append(result)
    return sorted(results, key=lambda r: r.target)


def _merge(staging: Path, results: list[JobResult], order: list[str]) -> None:
    manifest: dict[str, object] = {}
    stacks: dict[str, object] = {}
    (staging / "stacks").mkdir(parents=True)
    for result in results:
        part = staging / "parts" / result.target
        data = json.loads((part / "manifest.json").read_text())
        manifest.setdefault("version", data["version"])
        stacks.update(data["stacks"])
        for name in data["stacks"]:
            (part / "stacks" / name).rename(staging / "stacks" / name)
    manifest["stacks"] = {name: stacks[name] for name in order}
    shutil.rmtree(staging / "parts")
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def _swap(staging: Path, out: Path) -> None:
    """Replace `out` with `staging` so a reader never sees a half-written folder."""
    old = out.with_name(f"{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
