"""The gate itself: what fails it besides findings, how results are named, and the command's exit codes."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from check_helpers import FIXTURES, POLICIES, ROOT, empty_allowlist, make_out
from click.testing import CliRunner

from trademl.check import CheckSetupError, ScanResult, scan
from trademl.check.command import check
from trademl.check.findings import IssueKind
from trademl.check.prepare import block_spans, scan_copy, stack_environment
from trademl.check.runner import CHECKOV_VERSION
from trademl.check.stacks import load_stacks, split_name
from trademl.check.summary import summary_lines


def issue_kinds(result: ScanResult, stack: str) -> set[IssueKind]:
    return {i.kind for i in result.issues if i.stack == stack}


def test_parse_error_fails_the_gate(fixture_scan: ScanResult) -> None:
    assert issue_kinds(fixture_scan, "fx-aws-eks-unparseable") == {IssueKind.PARSE_ERROR}
    assert not [f for f in fixture_scan.findings if f.stack == "fx-aws-eks-unparseable"]
    assert not fixture_scan.ok


def test_zero_resources_fails_the_gate(fixture_scan: ScanResult) -> None:
    assert issue_kinds(fixture_scan, "fx-aws-eks-empty") == {IssueKind.ZERO_RESOURCES}


def test_unreadable_json_fails_the_gate(fixture_scan: ScanResult) -> None:
    assert issue_kinds(fixture_scan, "fx-aws-eks-broken") == {IssueKind.INVALID_JSON}


def test_terraform_import_and_moved_blocks_do_not_stop_the_scan(fixture_scan: ScanResult) -> None:
    # Every fixture has terraform.required_version, which alone makes checkov drop the whole file.
    assert issue_kinds(fixture_scan, "fx-aws-eks-imports") == set()
    assert issue_kinds(fixture_scan, "fx-aws-eks-tml1-pass") == set()
    assert {f.check_id for f in fixture_scan.findings if f.stack == "fx-aws-eks-imports"} >= {"CKV_TML_3"}


def test_results_name_resources_by_type_and_point_into_the_synthesized_file(fixture_scan: ScanResult) -> None:
    assert not [f for f in fixture_scan.findings if f.resource.startswith("resource.")]
    for finding in fixture_scan.findings:
        if finding.resource.startswith(("provider.", "data.")) or finding.source != "checkov":
            continue
        line = Path(finding.file).read_text().splitlines()[finding.start_line - 1]
        assert line.strip() == f'"{finding.resource.split(".")[1]}": {{', finding


def test_every_stack_is_summarised_under_its_target(fixture_scan: ScanResult) -> None:
    summaries = {s.target: s for s in fixture_scan.summaries()}
    assert list(summaries) == ["aws-eks", "aws-ecs", "azure", "gcp"]
    assert sum(s.stacks for s in summaries.values()) == len(list(FIXTURES.iterdir()))
    assert summaries["aws-eks"].issues == 3
    assert all(s.resources > 0 and s.passed > 0 for s in summaries.values())


def test_checkov_pin_matches_pyproject() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["dev"]
    assert f"checkov=={CHECKOV_VERSION}" in extras


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("alpha-aws-eks-foundation", ("alpha", "aws-eks")),
        ("my-desk-co-gcp-desk-stat-arb", ("my-desk-co", "gcp")),
        ("alpha-azure-audit", ("alpha", "azure")),
        ("lonely", ("lonely", "other")),
    ],
)
def test_stack_names_give_profile_and_target(name: str, expected: tuple[str, str]) -> None:
    assert split_name(name) == expected


def test_scan_copy_drops_unparseable_blocks_and_notes_environment() -> None:
    doc = json.loads((FIXTURES / "fx-aws-eks-imports" / "cdk.tf.json").read_text())
    copy = scan_copy(doc)
    assert not {"terraform", "import", "moved"} & set(copy)
    trail = copy["resource"]["aws_cloudtrail"]["Audit_Trail_1"]  # type: ignore[index]
    assert trail["//"]["trademl"] == {"environment": "prod"}
    assert trail["//"]["metadata"]["uniqueId"] == "Audit_Trail_1"
    assert "terraform" in doc  # the original is untouched
    assert stack_environment({"resource": {"x": {"a": {"labels": {"environment": "dev"}}}}}) == "dev"


def test_block_spans_follow_cdktf_layout() -> None:
    text = (FIXTURES / "fx-aws-eks-tml1-pass" / "cdk.tf.json").read_text()
    spans = block_spans(text)
    lines = text.splitlines()
    lock = spans["aws_s3_bucket_object_lock_configuration.Audit_Lock_1"]
    assert lines[lock.start - 1].strip() == '"Audit_Lock_1": {'
    assert lines[lock.end - 1].strip() in ("}", "},")
    assert "provider.aws" in spans


def test_missing_manifest_and_unknown_stack_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(CheckSetupError, match=r"manifest.json: not found; fix: run `trademl synth`"):
        load_stacks(tmp_path)
    out = make_out(tmp_path, ["fx-aws-eks-tml3-pass"])
    with pytest.raises(
        CheckSetupError, match="no stack named nope; fix: pick --stack from fx-aws-eks-tml3-pass"
    ):
        load_stacks(out, ["nope"])


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(check, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_command_exit_2_on_bad_usage(tmp_path: Path) -> None:
    code, _, err = _invoke(
        "--out",
        str(tmp_path / "none"),
        "--policies",
        str(POLICIES),
        "--allowlist",
        str(empty_allowlist(tmp_path)),
    )
    assert code == 2
    assert err.count("\n") == 1 and "manifest.json: not found; fix:" in err


def test_command_exit_1_when_a_stack_was_not_scanned(tmp_path: Path) -> None:
    out = make_out(tmp_path, ["fx-aws-eks-broken"])
    reports = tmp_path / "reports"
    code, text, _ = _invoke(
        "--out",
        str(out),
        "--policies",
        str(POLICIES),
        "--report-dir",
        str(reports),
        "--allowlist",
        str(empty_allowlist(tmp_path)),
    )
    assert code == 1
    assert "ERROR " in text and "cannot be read as JSON" in text
    assert text.rstrip().splitlines()[-1].startswith("FAIL: 0 unallowlisted failures, 1 stacks not parsed")
    assert sorted(p.name for p in reports.iterdir()) == ["check.json", "check.junit.xml", "check.sarif"]


def test_summary_names_file_line_and_fix_for_each_failure(fixture_scan: ScanResult) -> None:
    lines = summary_lines(fixture_scan, Path("allow.yaml"))
    assert lines[1].split() == [
        "target",
        "stacks",
        "resources",
        "passed",
        "failed",
        "allowlisted",
        "skipped",
        "not",
        "scanned",
    ]
    failed = [line for line in lines if line.startswith("FAILED ")]
    assert len(failed) == len(fixture_scan.failures)
    assert all(":" in line.split()[1] and "; fix: " in line for line in failed)


def test_command_passes_once_failures_are_allowlisted(tmp_path: Path, fixture_scan: ScanResult) -> None:
    stack = "fx-aws-eks-tml3-pass"
    out = make_out(tmp_path, [stack, "fx-aws-eks-tml3-fail"])
    failing = [f for f in fixture_scan.failures if f.stack == stack]
    assert failing  # stock checks find something to allowlist
    allowlist = tmp_path / "reviewed.yaml"
    allowlist.write_text(
        "entries:\n"
        + "".join(
            f"  - {{check: {c}, resource: '{stack}/*', reason: accepted in test, expires: 2999-12-31}}\n"
            for c in sorted({f.check_id for f in failing})
        )
    )
    reports = tmp_path / "reports"
    code, text, _ = _invoke(
        "--out",
        str(out),
        "--policies",
        str(POLICIES),
        "--stack",
        stack,
        "--allowlist",
        str(allowlist),
        "--report-dir",
        str(reports),
    )
    assert code == 0, text
    assert (
        text.rstrip()
        .splitlines()[-1]
        .startswith(f"PASS: 0 unallowlisted failures, {len(failing)} allowlisted")
    )
    assert json.loads((reports / "check.json").read_text())["ok"] is True


def test_a_custom_check_that_fails_to_load_stops_the_gate(tmp_path: Path) -> None:
    # checkov only logs a broken external check and scans on without it; the gate must not.
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "__init__.py").touch()
    (policies / "tml_broken.py").write_text("this is not python\n")
    (policies / "allowlist.yaml").write_text("entries: []\n")  # never loaded as a graph policy
    out = make_out(tmp_path, ["fx-aws-eks-tml3-pass"])
    with pytest.raises(
        CheckSetupError, match=r"tml_broken.py: checkov could not load custom check 'tml_broken'"
    ):
        scan(out, policies, empty_allowlist(tmp_path))
