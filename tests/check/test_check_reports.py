"""JSON, SARIF 2.1.0 and JUnit reports are well-formed and agree with the scan."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from trademl.check import ScanResult
from trademl.check.findings import Status
from trademl.check.reports import write_reports


@pytest.fixture(scope="module")
def result(fixture_scan: ScanResult) -> ScanResult:
    """The shared scan with one failure allowlisted, so every kind of result is present."""
    first = fixture_scan.failures[0]
    findings = [
        dataclasses.replace(f, status=Status.ALLOWLISTED, reason="accepted in test") if f is first else f
        for f in fixture_scan.findings
    ]
    return dataclasses.replace(fixture_scan, findings=findings)


@pytest.fixture(scope="module")
def reports(result: ScanResult, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths = write_reports(result, tmp_path_factory.mktemp("reports") / "check")
    return {p.name: p for p in paths}


def test_json_report_carries_summary_findings_and_issues(
    result: ScanResult, reports: dict[str, Path]
) -> None:
    data = json.loads(reports["check.json"].read_text())
    assert data["ok"] is False
    assert [t["target"] for t in data["targets"]] == ["aws-eks", "aws-ecs", "azure", "gcp"]
    assert len(data["findings"]) == len(result.findings)
    assert {i["kind"] for i in data["issues"]} == {"parse-error", "zero-resources", "invalid-json"}
    assert sum(f["status"] == "allowlisted" for f in data["findings"]) == 1


def test_sarif_is_2_1_0_with_consistent_rules_and_locations(
    result: ScanResult, reports: dict[str, Path]
) -> None:
    sarif = json.loads(reports["check.sarif"].read_text())
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    (run,) = sarif["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] and len({r["id"] for r in rules}) == len(rules)
    assert len(run["results"]) == len(result.failures) + 1 + len(result.issues)
    for item in run["results"]:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        assert item["level"] == "error" and item["message"]["text"]
        location = item["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] and location["region"]["startLine"] >= 1
        assert location["region"]["endLine"] >= location["region"]["startLine"]
        assert item["partialFingerprints"]
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert len(suppressed) == 1 and suppressed[0]["suppressions"][0]["justification"] == "accepted in test"
    assert {r["ruleId"] for r in run["results"]} >= {"TML_PARSE_ERROR", "TML_ZERO_RESOURCES"}
    assert run["invocations"][0]["executionSuccessful"] is False


def test_junit_counts_agree_with_the_scan(result: ScanResult, reports: dict[str, Path]) -> None:
    root = ET.parse(reports["check.junit.xml"]).getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [s.name for s in result.stacks]
    assert int(root.get("tests", "0")) == len(result.findings) + len(result.issues)
    assert int(root.get("failures", "0")) == len(result.failures) == len(root.findall(".//failure"))
    assert int(root.get("errors", "0")) == len(result.issues) == len(root.findall(".//error"))
    assert int(root.get("skipped", "0")) == 1
    for suite in suites:
        assert int(suite.get("tests", "0")) == len(suite.findall("testcase"))
