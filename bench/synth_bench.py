"""Synth benchmark (`make bench`): the jsii floor, cold, warm, one desk changed, desk slope and memory.

Every scenario runs `python -m trademl synth` as a user would, in a fresh process tree whose resident
memory is sampled from /proc every 50 ms. "Cold" means an empty jsii package cache (HOME and
XDG_CACHE_HOME point at an empty folder) and an empty project cache. The machine may be shared, so each
scenario runs --runs times and min/median/max are printed; ratios use medians.

- floor: import cdktn and every provider binding the example's targets need, eagerly (every resource
  module, as any cdktn app loads them), in fresh processes grouped and run the way synth runs its
  workers; with an empty and with a warm jsii cache. "floor lazy" is the same with trademl's hook.
- cold / warm: synth of profiles/example.yaml with empty caches / with nothing changed.
- one desk changed: the first desk's replicas and description edited after the cold synth; each target
  re-synthesizes that desk's stacks (and what they read from) and reuses the rest. "desk changed/full,
  <target>" compares that target's job after the edit with its job in a full synth of the same run;
  "4-target desk change/aws-eks alone" compares the whole edit with synthesizing aws-eks by itself.
- desk slope: synths with 1, 5 and 20 generated desks, least-squares seconds per desk.

    .venv/bin/python bench/synth_bench.py [--runs 3] [--slope-runs 3]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "profiles" / "example.yaml"
PY = sys.executable
PAGE = os.sysconf("SC_PAGE_SIZE")
TARGETS_GOAL = {
    "cold/floor": 1.3,
    "warm s": 1.0,
    **{f"desk changed/full, {t}": 1.0 for t in ("aws-eks", "aws-ecs", "azure", "gcp")},
    "desk slope % of cold synth": 2.0,
    "tree RSS GB": 4.0,
}


@dataclass
class Measure:
    seconds: float
    tree_peak: int = 0  # bytes, the whole process tree at one instant
    proc_peak: dict[str, int] = field(default_factory=dict)  # bytes, per process kind
    output: str = ""
    cpu: float = 0.0  # user + system seconds of the tree: less sensitive than wall time to a busy machine


class TreeSampler(threading.Thread):
    """Samples VmRSS of a process and all its descendants every 50 ms."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root, self.stop = root, threading.Event()
        self.tree_peak, self.proc_peak = 0, {}

    def _tree(self) -> list[tuple[int, str, int]]:
        parent: dict[int, int] = {}
        info: dict[int, tuple[str, int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
                with open(f"/proc/{entry}/statm") as f:
                    rss = int(f.read().split()[1]) * PAGE
            except OSError:
                continue
            comm = stat[stat.index("(") + 1 : stat.rindex(")")]
            parent[int(entry)] = int(stat[stat.rindex(")") + 2 :].split()[1])
            info[int(entry)] = (comm, rss)
        keep, frontier = {self.root}, [self.root]
        children: dict[int, list[int]] = {}
        for pid, ppid in parent.items():
            children.setdefault(ppid, []).append(pid)
        while frontier:
            for child in children.get(frontier.pop(), []):
                if child not in keep:
                    keep.add(child)
                    frontier.append(child)
        return [(pid, *info[pid]) for pid in keep if pid in info]

    def run(self) -> None:
        while not self.stop.is_set():
            tree = self._tree()
            self.tree_peak = max(self.tree_peak, sum(rss for _, _, rss in tree))
            for pid, comm, rss in tree:
                kind = "node (jsii)" if comm.startswith("node") else ("parent" if pid == self.root else comm)
                self.proc_peak[kind] = max(self.proc_peak.get(kind, 0), rss)
            self.stop.wait(0.05)


def measure(cmd: Sequence[str], env: dict[str, str], check: bool = True) -> Measure:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    sampler = TreeSampler(proc.pid)
    sampler.start()
    output, _ = proc.communicate()
    seconds = time.perf_counter() - start
    sampler.stop.set()
    sampler.join()
    if check and proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{output}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Measure(seconds, sampler.tree_peak, sampler.proc_peak, output, cpu)


def environment(home: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("JSII_RUNTIME_PACKAGE_CACHE_ROOT", None)
    if home is not None:  # an empty jsii package cache
        env["HOME"] = str(home)
        env["XDG_CACHE_HOME"] = str(home / ".cache")
    return env


def synth(profile: Path, out: Path, env: dict[str, str], cache: Path | None, *targets: str) -> Measure:
    cmd = [PY, "-m", "trademl", "synth", "--profile", str(profile), "--out", str(out)]
    cmd += ["--no-cache"] if cache is None else ["--cache-dir", str(cache)]
    for target in targets:
        cmd += ["--target", target]
    return measure(cmd, env)


def floor(env: dict[str, str], lazy: bool = False) -> Measure:
    """Import cdktn and the provider bindings of the example's targets in fresh processes laid out the
    way synth lays out its workers (same groups, all at once). Eager by default: every resource module of
    every binding, what any cdktn app pays to load them; `lazy` preloads trademl's hook instead."""
    sys.path.insert(0, str(ROOT / "src"))
    from trademl.model import load_profile
    from trademl.synth import lazy as lazy_hook
    from trademl.synth.groups import plan_groups
    from trademl.targets.registry import TARGETS, stacks_for

    env = {k: v for k, v in env.items() if k != "NODE_OPTIONS"}
    if lazy:
        lazy_hook.enable(env)
    profile = load_profile(EXAMPLE)
    weights = {t: len(stacks_for(profile, t)) for t in profile.targets.names()}
    scripts = []
    for group in plan_groups(weights, os.cpu_count() or 1):
        packages = sorted({p for t in group for p in TARGETS[t].providers})
        lines = ["import importlib, cdktn"] + [f"importlib.import_module('{p}.provider')" for p in packages]
        scripts.append("; ".join(lines))
    start = time.perf_counter()
    with ThreadPoolExecutor(len(scripts)) as pool:
        peaks = list(pool.map(lambda code: measure([PY, "-c", code], env), scripts))
    return Measure(time.perf_counter() - start, tree_peak=sum(m.tree_peak for m in peaks))


def profile_copy(folder: Path, desks: list[dict[str, object]] | None = None, edit: str | None = None) -> Path:
    """The example profile in `folder`, extension paths made absolute, optionally with other desks."""
    data = yaml.safe_load(EXAMPLE.read_text())
    for desk in data.get("desks", []):
        if desk.get("extension"):
            desk["extension"] = str((EXAMPLE.parent / desk["extension"]).resolve())
    if desks is not None:
        data["desks"] = desks
    if edit is not None:  # a change that reaches the output: the desk's serving replicas and description
        data["desks"][0]["description"] = edit
        data["desks"][0]["serving_min_replicas"] = 3
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "profile.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def generated_desks(count: int) -> list[dict[str, object]]:
    return [{"name": f"desk{i:02d}", "description": f"generated desk {i}"} for i in range(1, count + 1)]


def stats(values: Sequence[float], fmt: str = "{:.2f}") -> str:
    lo, med, hi = min(values), statistics.median(values), max(values)
    return f"{fmt.format(med)} (min {fmt.format(lo)}, max {fmt.format(hi)})"


def all_cached(m: Measure) -> bool:
    return "synthesizing" not in m.output and "from the cache" in m.output


def once(work: Path, run: int, slope: bool) -> dict[str, float]:
    r: dict[str, float] = {}
    say: Callable[[str], None] = lambda msg: print(f"  run {run}: {msg}", flush=True)  # noqa: E731
    base = profile_copy(work / "base")
    warm_env = environment(None)
    f = floor(warm_env)
    r["floor warm-jsii s"] = f.seconds
    say(f"floor (warm jsii cache) {f.seconds:.1f}s")
    r["floor lazy s"] = floor(warm_env, lazy=True).seconds
    home = work / f"home-floor-{run}"
    f = floor(environment(home))
    shutil.rmtree(home, ignore_errors=True)
    r["floor s"] = f.seconds
    r["floor RSS GB"] = f.tree_peak / 1e9
    say(f"floor (empty jsii cache) {f.seconds:.1f}s")

    home, cache = work / f"home-{run}", work / f"cache-{run}"
    cold = synth(base, work / "out", environment(home), cache)
    shutil.rmtree(home, ignore_errors=True)
    r["cold s"], r["cold/floor"] = cold.seconds, cold.seconds / r["floor s"]
    r["cold cpu s"] = cold.cpu
    r["tree RSS GB"] = cold.tree_peak / 1e9
    for kind, peak in cold.proc_peak.items():
        r[f"RSS {kind} GB"] = peak / 1e9
    say(f"cold {cold.seconds:.1f}s, tree peak {cold.tree_peak / 1e9:.2f} GB")

    for _attempt in range(3):  # a teammate's edit to src/trademl between runs is a legitimate miss
        warm = synth(base, work / "out", warm_env, cache)
        if all_cached(warm):
            break
        say("warm run missed the cache (source changed meanwhile?); again")
    r["warm s"], r["warm cpu s"] = warm.seconds, warm.cpu
    say(f"warm {warm.seconds:.2f}s")

    changed = profile_copy(work / "changed", edit=f"edited in run {run}")
    desk = synth(changed, work / "out", warm_env, cache)
    r["one desk changed s"] = desk.seconds
    say(f"one desk changed {desk.seconds:.1f}s (every target re-synthesizes that desk's stacks)")
    full = synth(base, work / "full", warm_env, None)  # warm jsii cache, no project cache
    r["warm-jsii full synth s"] = full.seconds
    r["warm-jsii synth/floor"] = full.seconds / r["floor warm-jsii s"]
    say(f"full synth, warm jsii cache, no project cache {full.seconds:.1f}s")
    # Per target, in the same conditions: its work after the desk edit against its whole synth.
    after, whole = job_seconds(desk.output), job_seconds(full.output)
    for target in whole:
        r[f"desk changed/full, {target}"] = after[target] / whole[target]
    alone = synth(base, work / "alone", warm_env, None, "aws-eks")
    r["aws-eks alone s"] = alone.seconds
    r["4-target desk change/aws-eks alone"] = desk.seconds / alone.seconds
    say(
        f"aws-eks alone {alone.seconds:.1f}s; per target {', '.join(f'{t} {after[t]:.1f}/{whole[t]:.1f}s' for t in whole)}"
    )

    if slope:
        # A desk's marginal work does not touch the jsii cache (its bindings are loaded either way), so
        # the slope is measured with a warm one, where a cold synth's disk-bound extraction cannot drown
        # it, and is then set against this run's cold synth as the goal states it.
        points = []
        for count in (1, 5, 20):
            m = synth(
                profile_copy(work / f"desks{count}", generated_desks(count)), work / "out", warm_env, None
            )
            points.append((count, m.seconds))
            say(f"{count} desks {m.seconds:.1f}s")
        n = len(points)
        mx, my = sum(c for c, _ in points) / n, sum(s for _, s in points) / n
        per_desk = sum((c - mx) * (s - my) for c, s in points) / sum((c - mx) ** 2 for c, _ in points)
        r["per-desk s"] = per_desk
        r["desk slope % of cold synth"] = 100 * per_desk / r["cold s"]
        r["desk slope % of warm-jsii synth"] = 100 * per_desk / points[0][1]
    return r


JOB_LINE = re.compile(r"^\s+(\S+)\s+\d+ stacks.* in ([\d.]+)s \(elapsed", re.MULTILINE)


def job_seconds(output: str) -> dict[str, float]:
    """Seconds each target's job took, from synth's progress lines."""
    return {target: float(seconds) for target, seconds in JOB_LINE.findall(output)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slope-runs", type=int, default=3, help="runs that include the 1/5/20-desk synths")
    args = parser.parse_args()
    print(
        f"synth bench on {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, {args.runs} run(s)",
        flush=True,
    )
    results: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="trademl-bench-") as tmp:
        for run in range(1, args.runs + 1):
            results.append(once(Path(tmp) / f"run{run}", run, slope=run <= args.slope_runs))
    print(f"\nmedian (min, max) over {len(results)} run(s); load now {os.getloadavg()[0]:.1f}")
    for name in results[0]:
        values = [r[name] for r in results if name in r]
        goal = TARGETS_GOAL.get(name)
        verdict = "" if goal is None else ("  ok" if statistics.median(values) <= goal else "  MISSED")
        print(f"  {name:<36} {stats(values)}{'' if goal is None else f'  (goal <= {goal})'}{verdict}")


if __name__ == "__main__":
    main()
