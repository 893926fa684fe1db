"""The synth cache: cached output is byte-identical to a fresh synth, and the key moves with profile, code and pins,
but not with another target's section."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from trademl.model import Profile, TargetName, load_profile
from trademl.synth import compiler, synthesize
from trademl.synth.cache import Inputs, job_key, package_versions, run_inputs, source_hash
from trademl.synth.worker import TARGET_VERSIONS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "profiles" / "example.yaml"
INPUTS = Inputs(
    source="0" * 64,
    versions=(("cdktn", "0.24.0"), ("cdktn-provider-google", "21.1.0"), ("jsii", "1.142.0")),
    python="3.11.9",
    target_versions=(("terraform", ">=1.10.0"),),
)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def key(data: dict[str, object], target: TargetName = TargetName.GCP, inputs: Inputs = INPUTS) -> str:
    return job_key(target, [(EXAMPLE, Profile.model_validate(data))], inputs)


@pytest.fixture
def example() -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(EXAMPLE.read_text())
    return data


def test_cached_output_is_byte_identical_and_starts_no_worker(tmp_path, monkeypatch):
    # Fixed key inputs: a teammate editing src/ between the two synths must not turn the hit into a miss.
    inputs = run_inputs(TARGET_VERSIONS)
    monkeypatch.setattr(compiler, "run_inputs", lambda _versions: inputs)
    cache = tmp_path / "cache"
    cold, warm = tmp_path / "cold", tmp_path / "warm"
    synthesize([EXAMPLE], [TargetName.GCP], out=cold, cache_dir=cache)
    assert len([p for p in cache.iterdir() if not p.name.startswith(".")]) == 1

    def no_workers(*_args: object) -> None:
        raise AssertionError("a cache hit must not look for node or start workers")

    monkeypatch.setattr(compiler, "_run_workers", no_workers)
    monkeypatch.setattr(compiler, "resolve_node", no_workers)
    result = synthesize([EXAMPLE], [TargetName.GCP], out=warm, cache_dir=cache)
    assert result.seconds == {"gcp": 0.0}
    produced = files(warm)
    assert produced == files(cold)
    assert "manifest.json" in produced
    assert any(name.endswith("/cdk.tf.json") for name in produced)
    stacks = json.loads(produced["manifest.json"])["stacks"]
    assert stacks and all(name.startswith("alpha-gcp-") for name in stacks)


def test_key_changes_with_a_relevant_profile_field(example):
    before = key(example)
    example["training"]["retries"] = 1  # type: ignore[index]
    assert key(example) != before


def test_key_ignores_another_targets_section(example):
    gcp, eks = key(example), key(example, TargetName.AWS_EKS)
    example["targets"]["azure"]["region"] = "westeurope"  # type: ignore[index]
    example["targets"]["aws-eks"]["region"] = "eu-west-1"  # type: ignore[index]
    assert key(example) == gcp
    assert key(example, TargetName.AWS_EKS) != eks


def test_key_changes_with_package_versions_and_python(example):
    before = key(example)
    bumped = Inputs(
        INPUTS.source,
        (("cdktn", "0.24.0"), ("cdktn-provider-google", "21.2.0"), ("jsii", "1.142.0")),
        INPUTS.python,
        INPUTS.target_versions,
    )
    assert key(example, inputs=bumped) != before
    other_python = Inputs(INPUTS.source, INPUTS.versions, "3.12.1", INPUTS.target_versions)
    assert key(example, inputs=other_python) != before
    names = dict(package_versions())
    assert {"cdktn", "constructs", "jsii", "cdktn-provider-google"} <= set(names)


def test_source_hash_changes_with_any_source_file_but_not_bytecode(tmp_path):
    tree = tmp_path / "trademl"
    shutil.copytree(ROOT / "src" / "trademl", tree, ignore=shutil.ignore_patterns("__pycache__"))
    before = source_hash(tree)
    (tree / "__pycache__").mkdir()
    (tree / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"bytecode")
    assert source_hash(tree) == before
    target = tree / "targets" / "gcp.py"
    target.write_text(target.read_text() + "\n# changed\n")
    assert source_hash(tree) != before
    inputs = Inputs(source_hash(tree), INPUTS.versions, INPUTS.python, INPUTS.target_versions)
    data = yaml.safe_load(EXAMPLE.read_text())
    assert key(data, inputs=inputs) != key(data)


def test_key_changes_with_desk_extension_bytes(tmp_path):
    data = yaml.safe_load(EXAMPLE.read_text())
    data["desks"] = [{"name": "momentum", "extension": "ext.py"}]
    profile = tmp_path / "p.yaml"
    profile.write_text(yaml.safe_dump(data))
    (tmp_path / "ext.py").write_text("# v1\n")

    def current() -> str:
        return job_key(TargetName.GCP, [(profile, load_profile(profile))], INPUTS)

    before = current()
    (tmp_path / "ext.py").write_text("# v2\n")
    assert current() != before
