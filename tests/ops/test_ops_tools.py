"""Local tool preflight, against real executables (small scripts) on a PATH of the test's own."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from ops_support import lines, profile, run

from trademl.ops.report import Status
from trademl.ops.tools import check_cli, check_node, check_terraform, project_root


def script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_good_tools_pass(tools: Path, tmp_path: Path) -> None:
    assert [
        c.status for c in (check_node(tmp_path), check_cli(tmp_path), check_terraform(tmp_path, True))
    ] == [Status.OK] * 3


def test_old_node_fails_with_the_fix(tools: Path, tmp_path: Path) -> None:
    script(tools / "node", "echo v20.20.2")
    check = check_node(tmp_path)
    assert check.status is Status.FAIL
    assert check.line == (
        f"FAIL tools/node: node v20.20.2 at {tools / 'node'} (from PATH) is older than 22; fix: run `make setup` "
        "(installs Node 22 under .tools/node) or set JSII_NODE"
    )


def test_jsii_node_wins_then_the_project_node_then_path(
    tools: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script(tools / "node", "echo v20.20.2")
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    (project / "cdktf.json").write_text("{}")
    local = script(project / ".tools/node/node_modules/.bin/node", "echo v22.1.0")
    assert project_root(project / "sub") == project
    assert check_node(project).message == f"node v22.1.0 at {local} (from .tools)"
    chosen = script(tmp_path / "elsewhere/node", "echo v23.0.0")
    monkeypatch.setenv("JSII_NODE", str(chosen))
    assert check_node(project).message == f"node v23.0.0 at {chosen} (from JSII_NODE)"
    monkeypatch.setenv("JSII_NODE", str(tmp_path / "missing-node"))
    assert check_node(project).status is Status.FAIL


def test_missing_node_and_cli_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert check_node(tmp_path).message.startswith("node not found; fix: run `make setup`")
    assert check_cli(tmp_path).line.startswith(
        "FAIL tools/cdk-cli: neither the cdktn nor the cdktf CLI was found"
    )


def test_cdktf_cli_is_accepted(tools: Path, tmp_path: Path) -> None:
    (tools / "cdktn").unlink()
    script(tmp_path / ".tools/cdktf/node_modules/.bin/cdktf", "exit 0")
    assert check_cli(tmp_path).message == f"cdktf at {tmp_path / '.tools/cdktf/node_modules/.bin/cdktf'}"


def test_terraform_must_lock_s3_state(tools: Path, tmp_path: Path) -> None:
    script(tools / "terraform", """echo '{"terraform_version": "1.9.8"}'""")
    assert check_terraform(tmp_path, needs_lockfile=False).status is Status.OK
    old = check_terraform(tmp_path, needs_lockfile=True)
    assert old.status is Status.FAIL and "predates 1.10, which S3-native state locking needs" in old.message
    (tools / "terraform").unlink()
    assert check_terraform(tmp_path, needs_lockfile=False).message.startswith(
        "terraform not found on PATH; fix:"
    )


def test_doctor_reports_every_failing_tool_on_its_own_line(aws: str, tools: Path) -> None:
    script(tools / "node", "echo v20.20.2")
    (tools / "terraform").unlink()
    result = run("doctor", "--profile", profile("aws-local"))
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in lines(result, "FAIL")] == [
        "FAIL tools/node",
        "FAIL tools/terraform",
    ]
    assert "skip aws-ecs/state: local state: nothing to check (not shared, not locked)" in result.output
    assert result.output.splitlines()[-1] == "doctor: 2 ok, 2 failed, 2 skipped"
