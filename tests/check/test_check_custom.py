"""Each custom check passes its good fixture and fails its bad one (real checkov, one shared run)."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest
from check_helpers import POLICIES

from trademl.check import ScanResult
from trademl.check.controls import read_policies
from trademl.check.findings import Status
from trademl.check.stack_checks import VPC_SC

# check id -> (stack that must pass it, stack that must fail it)
CASES = {
    "CKV_TML_1": ("fx-aws-eks-tml1-pass", "fx-aws-eks-tml1-fail"),
    "CKV_TML_2": ("fx-aws-eks-tml2-pass", "fx-aws-eks-tml2-fail"),
    "CKV_TML_3": ("fx-aws-eks-tml3-pass", "fx-aws-eks-tml3-fail"),
    "CKV_TML_4": ("fx-azure-tml4-pass", "fx-azure-tml4-fail"),
    "CKV_TML_5": ("fx-azure-tml5-pass", "fx-azure-tml5-fail"),
    "CKV_TML_6": ("fx-azure-tml6-pass", "fx-azure-tml6-fail"),
    "CKV_TML_7": ("fx-gcp-tml7-pass", "fx-gcp-tml7-fail"),
    "CKV_TML_8": ("fx-gcp-tml8-pass", "fx-gcp-tml8-fail"),
    "CKV_TML_9": ("fx-gcp-tml9-pass", "fx-gcp-tml9-fail"),
    "CKV_TML_10": ("vpcok-gcp-network", "vpcno-gcp-network"),
}


def statuses(result: ScanResult, check_id: str, stack: str) -> set[Status]:
    return {f.status for f in result.findings if f.check_id == check_id and f.stack == stack}


def test_every_custom_check_has_a_case() -> None:
    declared = {info.check_id for info in read_policies(POLICIES)} | {VPC_SC.check_id}
    assert declared == set(CASES)


@pytest.mark.parametrize("check_id", sorted(CASES, key=lambda c: int(c.rsplit("_", 1)[1])))
def test_custom_check_passes_good_and_fails_bad(fixture_scan: ScanResult, check_id: str) -> None:
    good, bad = CASES[check_id]
    assert statuses(fixture_scan, check_id, good) == {Status.PASSED}
    assert statuses(fixture_scan, check_id, bad) == {Status.FAILED}


def test_governance_lock_is_accepted_outside_prod(fixture_scan: ScanResult) -> None:
    assert statuses(fixture_scan, "CKV_TML_1", "fx-aws-ecs-tml1-dev") == {Status.PASSED}


def test_non_audit_buckets_are_not_judged(fixture_scan: ScanResult) -> None:
    assert statuses(fixture_scan, "CKV_TML_9", "vpcok-gcp-network") == set()
    assert statuses(fixture_scan, "CKV_TML_2", "fx-aws-eks-tml3-pass") == set()


def test_missing_perimeter_is_reported_once_per_profile(fixture_scan: ScanResult) -> None:
    missing = [f for f in fixture_scan.findings if f.check_id == "CKV_TML_10" and f.status is Status.FAILED]
    assert sorted(f.stack for f in missing) == ["fx-gcp-tml7-fail", "vpcno-gcp-network"]


def _tml_conf() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tml_conf", POLICIES / "tml_conf.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        ({"tags": [{"environment": "dev"}], "name": ["x-prod-audit"]}, "dev"),  # own tag wins
        ({"labels": [{"environment": ["staging"]}]}, "staging"),  # labels are list-wrapped
        ({"//": {"trademl": {"environment": "dev"}}, "bucket": ["${aws_s3_bucket.a.id}"]}, "dev"),
        ({"bucket": ["alpha-staging-audit-1"]}, "staging"),
        ({"bucket": ["dev-prod-audit-1"]}, "prod"),  # a prod segment anywhere means prod
        ({"bucket": ["${aws_s3_bucket.a.id}"]}, "prod"),  # nothing known: fail closed
    ],
)
def test_environment_evidence(conf: dict[str, object], expected: str) -> None:
    assert _tml_conf().environment(conf, "bucket", "name") == expected


def test_value_unwraps_checkov_lists_and_cdktf_dicts() -> None:
    value = _tml_conf().value
    as_checkov = {"rule": [{"default_retention": [{"mode": ["COMPLIANCE"]}]}]}
    assert value(as_checkov, "rule", "default_retention", "mode") == "COMPLIANCE"
    assert value(
        {"rule": {"default_retention": {"mode": "GOVERNANCE"}}}, "rule", "default_retention", "mode"
    ) == ("GOVERNANCE")
    assert value(as_checkov, "rule", "missing", "mode") is None
