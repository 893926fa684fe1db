"""Incremental synth: after a desk changes, only its stacks (and the layers that read every desk) are
re-synthesized, the rest come from the previous cache entry, and the result is byte-identical to a full
synth. The per-stack keys and the reuse checks are tested on their own too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from trademl.model import DeskSpec, Layer, Profile, TargetName
from trademl.synth import compiler, synthesize
from trademl.synth.cache import DESK_DEPENDENT, Inputs, run_inputs, stack_keys
from trademl.synth.incremental import CannotReuseError, assemble, expand_dirty, needed_stacks
from trademl.synth.worker import TARGET_VERSIONS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "profiles" / "example.yaml"
INPUTS = Inputs(source="0" * 64, versions=(("cdktn", "0.24.0"),), python="3.11", target_versions=())
# Every field of a desk but its name, changed: a new DeskSpec field must be added here.
DESK_EDIT = {
    "description": "Equity statistical arbitrage, rewritten",
    "gpu": "h100",
    "schedules": [{"name": "hourly", "cron": "0 * * * 1-5"}],
    "serving_min_replicas": 3,
    "extension": "ext.py",
}


def example(tmp_path: Path, edit: bool = False) -> Path:
    """The example profile in `tmp_path` (extension paths absolute), optionally with stat-arb edited."""
    data = yaml.safe_load(EXAMPLE.read_text())
    for desk in data["desks"]:
        if desk.get("extension"):
            desk["extension"] = str((EXAMPLE.parent / desk["extension"]).resolve())
    tmp_path.mkdir(parents=True, exist_ok=True)
    if edit:
        (tmp_path / "ext.py").write_text('"""Stat-arb keeps the stock desks."""\n')
        data["desks"][1].update(DESK_EDIT)
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def load(path: Path) -> Profile:
    return Profile.model_validate(yaml.safe_load(path.read_text()))


def test_the_edit_covers_every_desk_field() -> None:
    assert set(DESK_EDIT) == set(DeskSpec.model_fields) - {"name"}


def test_a_desk_edit_moves_only_that_desk_and_the_desk_dependent_layers(tmp_path: Path) -> None:
    before_path, after_path = example(tmp_path / "a"), example(tmp_path / "b", edit=True)
    for target in TargetName:
        before = stack_keys(target, [(before_path, load(before_path))], INPUTS)
        after = stack_keys(target, [(after_path, load(after_path))], INPUTS)
        moved = {name for name in before if before[name] != after[name]}
        expected = {f"alpha-{target.value}-desk-stat-arb"} | {
            name for name in before if any(name.endswith(f"-{layer.value}") for layer in DESK_DEPENDENT)
        }
        assert moved == expected, target


def test_a_platform_edit_moves_every_stack(tmp_path: Path) -> None:
    path = example(tmp_path)
    data = yaml.safe_load(path.read_text())
    data["training"]["retries"] = 5
    before = stack_keys(TargetName.GCP, [(path, load(path))], INPUTS)
    after = stack_keys(TargetName.GCP, [(path, Profile.model_validate(data))], INPUTS)
    assert all(before[name] != after[name] for name in before)


def test_an_extension_file_edit_moves_that_desk_and_the_workloads_layer(tmp_path: Path) -> None:
    path = example(tmp_path, edit=True)
    before = stack_keys(TargetName.AZURE, [(path, load(path))], INPUTS)
    (tmp_path / "ext.py").write_text('"""Edited."""\n')
    after = stack_keys(TargetName.AZURE, [(path, load(path))], INPUTS)
    assert {name for name in before if before[name] != after[name]} == {
        "alpha-azure-desk-stat-arb",
        "alpha-azure-workloads",
    }


# --- the reuse checks, on hand-made entries -------------------------------------------------------

REF = "${data.terraform_remote_state.cross-stack-reference-input-p.outputs.cross-stack-output-x}"


def entry(folder: Path, stacks: dict[str, dict[str, object]], deps: dict[str, list[str]]) -> Path:
    for name, body in stacks.items():
        (folder / "stacks" / name).mkdir(parents=True)
        (folder / "stacks" / name / "cdk.tf.json").write_text(json.dumps(body))
    manifest = {
        "version": "0.24.0",
        "stacks": {n: {"name": n, "dependencies": deps.get(n, [])} for n in stacks},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


PRODUCER = {"resource": {"r": {}}, "output": {"cross-stack-output-x": {"value": "${r.x}"}}}


def previous(tmp_path: Path) -> Path:
    return entry(
        tmp_path / "prev",
        {"p": PRODUCER, "c": {"locals": {"v": REF}}, "d": {"locals": {"v": REF, "old": 1}}, "e": {}},
        {"c": ["p"], "d": ["p"]},
    )


def test_closures_follow_the_manifest(tmp_path: Path) -> None:
    prev = previous(tmp_path)
    assert needed_stacks(prev, frozenset({"d"})) == {"d", "p"}
    assert expand_dirty(prev, {"p"}) == {"p", "c", "d"}


def test_reuse_takes_dirty_stacks_fresh_and_the_rest_from_the_entry(tmp_path: Path) -> None:
    prev = previous(tmp_path)
    fresh_d = {"locals": {"v": REF, "new": 2}}
    fresh = entry(tmp_path / "fresh", {"p": {**PRODUCER}, "d": fresh_d}, {"d": ["p"]})
    names, reused = assemble(prev, fresh, frozenset({"d"}), tmp_path / "out")
    assert (names, reused) == (("p", "c", "d", "e"), 3)
    assert json.loads((tmp_path / "out/stacks/d/cdk.tf.json").read_text()) == fresh_d
    assert json.loads((tmp_path / "out/stacks/c/cdk.tf.json").read_text()) == {"locals": {"v": REF}}


@pytest.mark.parametrize(
    ("producer", "reason"),
    [
        ({"resource": {"r": {"changed": True}}, "output": PRODUCER["output"]}, "beyond its outputs"),
        ({**PRODUCER, "output": {**PRODUCER["output"], "own": {"value": 1}}}, "outputs of p changed"),
    ],
)
def test_a_producer_that_differs_is_not_reused(
    tmp_path: Path, producer: dict[str, object], reason: str
) -> None:
    fresh = entry(tmp_path / "fresh", {"p": producer, "d": {"locals": {"v": REF}}}, {"d": ["p"]})
    with pytest.raises(CannotReuseError, match=reason):
        assemble(previous(tmp_path), fresh, frozenset({"d"}), tmp_path / "out")


def test_a_consumer_reading_a_new_value_is_not_served_a_stale_producer(tmp_path: Path) -> None:
    new_ref = REF.replace("output-x", "output-y")
    fresh = entry(tmp_path / "fresh", {"p": PRODUCER, "d": {"locals": {"v": new_ref}}}, {"d": ["p"]})
    with pytest.raises(CannotReuseError, match="values read from p"):
        assemble(previous(tmp_path), fresh, frozenset({"d"}), tmp_path / "out")


# --- end to end -----------------------------------------------------------------------------------


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_a_desk_edit_resynthesizes_few_stacks_and_matches_a_full_synth(tmp_path: Path, monkeypatch) -> None:
    inputs = run_inputs(TARGET_VERSIONS)  # fixed: an edit to src/ meanwhile must not defeat the reuse
    monkeypatch.setattr(compiler, "run_inputs", lambda _versions: inputs)
    cache = tmp_path / "cache"
    base, edited = example(tmp_path / "base"), example(tmp_path / "edited", edit=True)
    synthesize([base], out=tmp_path / "before", cache_dir=cache)
    said: list[str] = []
    incremental = synthesize([edited], out=tmp_path / "incremental", cache_dir=cache, progress=said.append)
    full = synthesize([edited], out=tmp_path / "full")
    assert files(tmp_path / "incremental") == files(tmp_path / "full")
    assert incremental.stacks == full.stacks
    reused = [line for line in said if "reused from the previous entry" in line]
    assert len(reused) == len(TargetName), said  # every target, none fell back to a full synth

    # The declaration behind the keys: between the two full synths, a stack outside the edited desk and
    # the desk-dependent layers differs in its cross-stack outputs at most.
    before, after = tmp_path / "before" / "stacks", tmp_path / "full" / "stacks"
    for name in full.stacks:
        old = json.loads((before / name / "cdk.tf.json").read_text())
        new = json.loads((after / name / "cdk.tf.json").read_text())
        if old == new or name.endswith("-desk-stat-arb"):
            continue
        layer = name.split("-")[-1]
        if layer in {lay.value for lay in DESK_DEPENDENT}:
            continue
        old.pop("output", None)
        new.pop("output", None)
        assert old == new, f"{name} depends on a desk's spec: add its layer to DESK_DEPENDENT"
    assert Layer.WORKLOADS in DESK_DEPENDENT
