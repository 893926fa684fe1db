"""The matrix, the command's exit code, the reports, and a profile turning capabilities off."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from parity.fixtures import EXAMPLE, aws_stacks, profile
from trademl.model import Profile, TargetName
from trademl.model.capabilities import BY_ID, CATALOGUE, requested
from trademl.parity.command import parity
from trademl.parity.matrix import Status, build
from trademl.parity.report import render


def _write(tmp_path: Path, stacks: dict) -> Path:
    for name, doc in stacks.items():
        (tmp_path / "stacks" / name).mkdir(parents=True)
        (tmp_path / "stacks" / name / "cdk.tf.json").write_text(json.dumps(doc))
    return tmp_path


def _off() -> Profile:
    data = profile().model_dump(mode="json", by_alias=True)
    data["training"]["drift_retraining"] = False
    data["monitoring"]["notifications"]["slack"] = None
    data["failover"]["enabled"] = False
    return Profile.model_validate(data)


def test_catalogue_ties_each_capability_to_a_stage_and_setting():
    assert len({c.id for c in CATALOGUE}) == len(CATALOGUE)
    assert all(c.setting and c.stage for c in CATALOGUE)
    assert BY_ID["drift-retraining"] in requested(profile())


def test_profile_turning_capabilities_off_removes_them_from_every_target():
    prof = _off()
    matrix = build(prof, aws_stacks())
    for cap in ("drift-retraining", "alert-slack", "failover"):
        assert BY_ID[cap] not in requested(prof)
        assert {matrix.cell(cap, t).status for t in matrix.targets} == {Status.OFF}
    assert not any(
        c.capability.id in ("drift-retraining", "alert-slack", "failover") for c in matrix.failures
    )


def test_missing_target_stacks_fail_honestly():
    matrix = build(profile(), aws_stacks())
    cell = matrix.cell("artifact-store", TargetName.GCP)
    assert cell.status is Status.MISSING and matrix.stacks[TargetName.GCP] == 0
    assert matrix.cell("artifact-store", TargetName.AWS_EKS).status is Status.PRESENT


def test_command_exits_non_zero_when_a_requested_capability_is_missing(tmp_path):
    out = _write(tmp_path / "out", aws_stacks())
    result = CliRunner().invoke(parity, ["--out", str(out), "--profile", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    cell = next(c for c in data[0]["capabilities"] if c["id"] == "drift-retraining")["cells"]["aws-eks"]
    assert cell["status"] == "present" and cell["resources"]


def test_command_usage_error_without_output(tmp_path):
    result = CliRunner().invoke(parity, ["--out", str(tmp_path / "nope"), "--profile", str(EXAMPLE)])
    assert result.exit_code == 2
    assert "trademl synth" in result.output


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_every_format_renders(fmt):
    text = render([build(profile(), aws_stacks())], fmt)
    assert "aws-eks" in text


def test_html_is_self_contained():
    page = render([build(profile(), aws_stacks())], "html")
    assert "<script" not in page and "src=" not in page and "<link" not in page
    assert "alpha-aws-eks-platform/aws_iam_role_policy.StarterStarts" in page  # per-cell proof


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="chromium not installed (apt-get install -y chromium)")
def test_html_report_renders_in_headless_chromium(tmp_path):
    page = tmp_path / "parity.html"
    page.write_text(render([build(profile(), aws_stacks())], "html"), encoding="utf-8")
    shot = tmp_path / "parity.png"
    cmd = [
        str(_chromium()),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1600,2400",
        f"--screenshot={shot}",
        page.as_uri(),
    ]
    subprocess.run(cmd, check=True, timeout=120, capture_output=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
