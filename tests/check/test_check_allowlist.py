"""The allowlist: only a reasoned, unexpired entry accepts a failure, and only the failure it names."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from trademl.check import CheckSetupError
from trademl.check.allowlist import Allowlist, AllowlistEntry, apply_allowlist, load_allowlist
from trademl.check.findings import Finding, Status

TODAY = date(2026, 6, 1)


def finding(
    check_id: str = "CKV_AWS_18",
    resource: str = "aws_s3_bucket.Logs_1",
    status: Status = Status.FAILED,
    stack: str = "alpha-aws-eks-foundation",
) -> Finding:
    return Finding(
        check_id=check_id,
        check_name="name",
        stack=stack,
        target="aws-eks",
        resource=resource,
        status=status,
        file="cdk.tf.json",
        start_line=1,
        end_line=2,
    )


def entry(**changes: object) -> AllowlistEntry:
    fields: dict[str, object] = {
        "check": "CKV_AWS_18",
        "resource": "aws_s3_bucket.Logs_1",
        "reason": "the access-log bucket cannot log to itself",
        "expires": "2026-12-31",
    }
    fields.update(changes)
    return AllowlistEntry.model_validate(fields)


def run(*entries: AllowlistEntry, findings: list[Finding] | None = None) -> tuple[list[Status], list[str]]:
    applied = apply_allowlist(Allowlist(entries=entries), findings or [finding()], TODAY, "allow.yaml")
    return [f.status for f in applied.findings], applied.notes


def test_live_entry_allowlists_its_failure_with_the_reason() -> None:
    applied = apply_allowlist(Allowlist(entries=(entry(),)), [finding()], TODAY, "allow.yaml")
    assert [f.status for f in applied.findings] == [Status.ALLOWLISTED]
    assert applied.findings[0].reason == "the access-log bucket cannot log to itself"
    assert applied.notes == []


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"expires": "2026-05-31"}, "it expired on 2026-05-31"),
        ({"reason": None}, "it has no reason"),
        ({"reason": "   "}, "it has no reason"),
        ({"expires": None}, "it has no expires date"),
    ],
)
def test_entry_without_reason_or_past_expiry_allows_nothing(changes: dict[str, object], why: str) -> None:
    statuses, notes = run(entry(**changes))
    assert statuses == [Status.FAILED]
    assert notes == [
        f"allow.yaml: entry 1 (CKV_AWS_18 aws_s3_bucket.Logs_1) allows nothing: {why}; "
        "fix: add a reason and a future expires after review"
    ]


def test_entry_is_live_on_its_expiry_day() -> None:
    assert run(entry(expires=TODAY))[0] == [Status.ALLOWLISTED]


@pytest.mark.parametrize(
    ("resource", "allowed"),
    [
        ("*", True),
        ("aws_s3_bucket.*", True),
        ("alpha-aws-eks-foundation/aws_s3_bucket.Logs_1", True),
        ("alpha-aws-eks-audit/*", False),
        ("aws_s3_bucket.Data_1", False),
    ],
)
def test_resource_matching(resource: str, allowed: bool) -> None:
    expected = Status.ALLOWLISTED if allowed else Status.FAILED
    assert run(entry(resource=resource))[0] == [expected]


def test_other_checks_and_passes_are_untouched() -> None:
    findings = [finding(check_id="CKV_AWS_21"), finding(status=Status.PASSED)]
    statuses, notes = run(entry(), findings=findings)
    assert statuses == [Status.FAILED, Status.PASSED]
    assert notes == [
        "allow.yaml: entry 1 (CKV_AWS_18 aws_s3_bucket.Logs_1) matched no failure in the scanned "
        "stacks; fix: delete it if no other stack needs it"
    ]


def test_load_reads_yaml_dates_and_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "allow.yaml"
    path.write_text("entries:\n  - {check: CKV_AWS_18, resource: '*', reason: r, expires: 2026-12-31}\n")
    assert load_allowlist(path).entries[0].expires == date(2026, 12, 31)
    path.write_text("")
    assert load_allowlist(path).entries == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("entries:\n  - {check: '*', resource: '*', reason: r, expires: 2026-12-31}\n", r"entries\.0\.check"),
        ("entries:\n  - {check: CKV_AWS_18, resurce: '*'}\n", r"entries\.0\.resource"),
        ("entries: [\n", "not valid YAML"),
    ],
)
def test_malformed_allowlist_is_a_one_line_usage_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "allow.yaml"
    path.write_text(text)
    with pytest.raises(CheckSetupError, match=message) as caught:
        load_allowlist(path)
    assert "\n" not in str(caught.value) and str(caught.value).startswith(str(path))
    assert "fix:" in str(caught.value)


def test_repository_allowlist_loads() -> None:
    root = Path(__file__).resolve().parents[2]
    load_allowlist(root / "policies" / "checkov-allowlist.yaml")
