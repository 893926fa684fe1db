"""Acceptance: the example profile passes the gate on every stack of all four targets (slow: real synth)."""

from __future__ import annotations

from pathlib import Path

import pytest
from check_helpers import POLICIES

from trademl.check import ScanResult, scan

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def example_scan(synth_out: Path) -> ScanResult:
    return scan(synth_out, POLICIES, POLICIES / "checkov-allowlist.yaml")


def test_every_target_is_scanned_and_every_stack_parses(example_scan: ScanResult) -> None:
    assert [s.target for s in example_scan.summaries()] == ["aws-eks", "aws-ecs", "azure", "gcp"]
    assert [i.message for i in example_scan.issues] == []


def test_no_unallowlisted_failures(example_scan: ScanResult) -> None:
    failures = [f"{f.stack} {f.check_id} {f.resource}" for f in example_scan.failures]
    assert failures == [], "fix the construct, or add a reviewed entry to policies/checkov-allowlist.yaml"
