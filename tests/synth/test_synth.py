"""The compiler's output: every target's stacks, backends from the profile, cross-stack references,
and byte-identical output from any checkout folder."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

from trademl.model import TargetName
from trademl.synth import synthesize

from tfjson import stack

ROOT = Path(__file__).resolve().parents[2]


def test_foundation_audit_and_desk_stacks_for_all_four_targets(synth_out):
    manifest = json.loads((synth_out / "manifest.json").read_text())
    for target in ("aws-eks", "aws-ecs", "azure", "gcp"):
        for layer in ("foundation", "audit", "desk-momentum", "desk-stat-arb"):
            name = f"alpha-{target}-{layer}"
            assert name in manifest["stacks"], name
            assert (synth_out / "stacks" / name / "cdk.tf.json").is_file()


def test_backends_come_from_the_profile(synth_out):
    s3 = stack(synth_out, "alpha-aws-eks-foundation")["terraform"]["backend"]["s3"]
    assert s3 == {
        "bucket": "alpha-tfstate-111111111111",
        "encrypt": True,
        "key": "trademl/alpha-aws-eks-foundation.tfstate",
        "region": "ap-northeast-1",
        "use_lockfile": True,
    }
    ecs = stack(synth_out, "alpha-aws-ecs-audit")["terraform"]["backend"]["s3"]
    assert ecs["bucket"] == "alpha-tfstate-222222222222"
    assert ecs["key"] == "trademl/alpha-aws-ecs-audit.tfstate"
    az = stack(synth_out, "alpha-azure-foundation")["terraform"]["backend"]["azurerm"]
    assert az == {
        "container_name": "tfstate",
        "key": "alpha-azure-foundation.tfstate",
        "resource_group_name": "alpha-tfstate",
        "storage_account_name": "alphatfstate01",
        "use_azuread_auth": True,
    }
    gcs = stack(synth_out, "alpha-gcp-foundation")["terraform"]["backend"]["gcs"]
    assert gcs == {"bucket": "alpha-tfstate-prod", "prefix": "trademl/alpha-gcp-foundation"}


def test_later_layers_read_earlier_ones_through_remote_state(synth_out):
    manifest = json.loads((synth_out / "manifest.json").read_text())
    for target in ("aws-eks", "azure", "gcp"):
        desk = f"alpha-{target}-desk-momentum"
        assert f"alpha-{target}-foundation" in manifest["stacks"][desk]["dependencies"]
        remote = stack(synth_out, desk)["data"]["terraform_remote_state"]
        assert f"cross-stack-reference-input-alpha-{target}-foundation" in remote


def test_output_has_no_host_or_folder_specific_text(synth_out):
    # Short host names ("vm") are ordinary words in resource names: only distinctive ones are checked.
    host = socket.gethostname()
    needles = [str(ROOT), str(synth_out.parent), "/tmp/", "/home/", "/root/"] + (
        [host] if len(host) >= 6 else []
    )
    for path in synth_out.rglob("*.json"):
        text = path.read_text()
        for needle in needles:
            assert needle not in text, f"{needle!r} leaks into {path}"


def test_byte_identical_from_another_checkout_folder(synth_out, tmp_path, monkeypatch):
    """Same profile, copied to another folder and synthesized from there: the same bytes."""
    copy = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "profiles", copy / "profiles")
    shutil.copytree(ROOT / "constructs", copy / "constructs")
    monkeypatch.chdir(copy)
    out = copy / "out"
    synthesize([Path("profiles/example.yaml")], [TargetName.AWS_EKS], out=out)
    produced = sorted(p.relative_to(out / "stacks") for p in (out / "stacks").rglob("*") if p.is_file())
    assert produced
    for rel in produced:
        assert (out / "stacks" / rel).read_bytes() == (synth_out / "stacks" / rel).read_bytes(), rel
    ours = json.loads((out / "manifest.json").read_text())["stacks"]
    theirs = json.loads((synth_out / "manifest.json").read_text())["stacks"]
    assert all(ours[name] == theirs[name] for name in ours)
