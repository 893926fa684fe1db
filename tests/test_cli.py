"""The CLI: exit codes, one-line errors, fast commands that never start jsii, and atomic output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner

from trademl.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "profiles" / "example.yaml"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def bad_profile(tmp_path: Path) -> Path:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["targets"]["aws-eks"]["network"]["cidr"] = "10.0.0.0/33"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_validate_ok():
    result = run("validate", str(EXAMPLE))
    assert result.exit_code == 0
    assert "ok (alpha, prod, targets: aws-eks, aws-ecs, azure, gcp)" in result.output


def test_validate_fails_with_one_line(tmp_path):
    result = run("validate", str(bad_profile(tmp_path)))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {tmp_path / 'bad.yaml'}: targets.aws-eks.network.cidr: ")
    assert "fix:" in lines[0]


def test_list_json_is_in_dependency_order():
    result = run("list", "--profile", str(EXAMPLE), "--json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    names = [r["name"] for r in rows]
    assert "alpha-gcp-foundation" in names
    for row in rows:
        for dep in row["depends_on"]:
            assert names.index(dep) < names.index(row["name"])
    desk = next(r for r in rows if r["name"] == "alpha-azure-desk-momentum")
    assert desk["depends_on"][:2] == ["alpha-azure-foundation", "alpha-azure-audit"]
    assert "alpha-azure-desk-stat-arb" not in desk["depends_on"]


def test_list_and_validate_never_start_jsii():
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom trademl.cli import main\n"
        f"r = CliRunner().invoke(main, ['list', '--profile', {str(EXAMPLE)!r}])\nassert r.exit_code == 0\n"
        f"r = CliRunner().invoke(main, ['validate', {str(EXAMPLE)!r}])\nassert r.exit_code == 0\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('jsii', 'cdktn', 'constructs') "
        "or m.startswith('cdktn_provider')]\nassert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_unknown_target_is_a_usage_error():
    result = CliRunner().invoke(main, ["synth", "--target", "oracle"])
    assert result.exit_code == 2
    assert "Invalid value for '--target'" in result.output


def test_schema_file_is_up_to_date():
    result = run("schema", "--out", str(ROOT / "profiles" / "schema.json"), "--check")
    assert result.exit_code == 0, result.output


def test_synth_with_bad_profile_changes_nothing(tmp_path):
    out = tmp_path / "cdktf.out"
    out.mkdir()
    (out / "previous.txt").write_text("previous synth")
    result = run("synth", "--profile", str(bad_profile(tmp_path)), "--out", str(out))
    assert result.exit_code == 1
    assert "targets.aws-eks.network.cidr" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "cdktf.out"]
    assert [p.name for p in out.iterdir()] == ["previous.txt"]


def test_failed_synth_leaves_previous_output_untouched(tmp_path):
    """A construct that fails inside the worker: the error is reported and the old output survives."""
    data = yaml.safe_load(EXAMPLE.read_text())
    data["targets"] = {"aws-eks": data["targets"]["aws-eks"]}
    data["desks"] = [{"name": "broken", "extension": "broken.py"}]
    (tmp_path / "broken.py").write_text(
        "from trademl.constructs.aws.desk import AwsDesk as Stock\n\n"
        "class AwsDesk(Stock):\n"
        "    def _create_store(self):\n"
        "        raise ValueError('desk broken: store refused; fix: repair broken.py')\n"
    )
    profile = tmp_path / "p.yaml"
    profile.write_text(yaml.safe_dump(data))
    out = tmp_path / "cdktf.out"
    out.mkdir()
    (out / "previous.txt").write_text("previous synth")
    result = run("synth", "--profile", str(profile), "--out", str(out))
    assert result.exit_code == 1
    assert "error: aws-eks: ValueError: desk broken: store refused; fix: repair broken.py" in result.output
    assert [p.name for p in out.iterdir()] == ["previous.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.py", "cdktf.out", "p.yaml"]
