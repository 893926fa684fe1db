"""The gate's results as files: JSON (everything), SARIF 2.1.0 (GitHub code scanning) and JUnit XML (CI)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from trademl.check.findings import Finding, StackIssue, Status
from trademl.check.scan import ScanResult

JSON_NAME = "check.json"
SARIF_NAME = "check.sarif"
JUNIT_NAME = "check.junit.xml"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "trademl-check"
TOOL_URI = "https://www.checkov.io/"

JsonObject = dict[str, object]


def write_reports(result: ScanResult, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    texts = {
        JSON_NAME: json.dumps(to_json(result), indent=2) + "\n",
        SARIF_NAME: json.dumps(to_sarif(result), indent=2) + "\n",
        JUNIT_NAME: to_junit(result),
    }
    paths = []
    for name, text in texts.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def to_json(result: ScanResult) -> JsonObject:
    return {
        "ok": result.ok,
        "checkov_version": result.checkov_version,
        "targets": [dataclasses.asdict(s) for s in result.summaries()],
        "stacks": [{"name": s.name, "target": s.target, "file": str(s.path)} for s in result.stacks],
        "issues": [{**dataclasses.asdict(i), "rule_id": i.rule_id} for i in result.issues],
        "findings": [dataclasses.asdict(f) for f in result.findings],
        "allowlist_notes": list(result.notes),
    }


def _uri(file: str) -> str:
    """Repository-relative when possible: code scanning resolves relative URIs against the checkout."""
    path = Path(file)
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_uri()


def _location(file: str, start: int, end: int, logical: str) -> JsonObject:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(file)},
            "region": {"startLine": start, "endLine": max(start, end)},
        },
        "logicalLocations": [{"fullyQualifiedName": logical, "kind": "resource"}],
    }


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _rule(rule_id: str, name: str, guideline: str | None) -> JsonObject:
    rule: JsonObject = {
        "id": rule_id,
        "name": rule_id,
        "shortDescription": {"text": name},
        "fullDescription": {"text": name},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["security", "compliance"]},
    }
    if guideline:
        rule["helpUri"] = guideline
    return rule


def to_sarif(result: ScanResult) -> JsonObject:
    """Failures, allowlisted failures (as suppressed results) and stack problems; passes are left out."""
    reported = [f for f in result.findings if f.status in (Status.FAILED, Status.ALLOWLISTED)]
    rules: dict[str, JsonObject] = {}
    for finding in reported:
        rules.setdefault(finding.check_id, _rule(finding.check_id, finding.check_name, finding.guideline))
    for issue in result.issues:
        rules.setdefault(issue.rule_id, _rule(issue.rule_id, f"Stack not scanned: {issue.kind.value}", None))
    order = {rule_id: index for index, rule_id in enumerate(rules)}
    results = [_finding_result(f, order[f.check_id]) for f in reported]
    results += [_issue_result(i, order[i.rule_id]) for i in result.issues]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "informationUri": TOOL_URI,
                        "version": result.checkov_version,
                        "rules": list(rules.values()),
                    }
                },
                "invocations": [{"executionSuccessful": not result.issues}],
                "results": results,
            }
        ],
    }


def _finding_result(finding: Finding, index: int) -> JsonObject:
    out: JsonObject = {
        "ruleId": finding.check_id,
        "ruleIndex": index,
        "level": "error",
        "message": {"text": f"{finding.check_name} ({finding.stack}: {finding.resource})"},
        "locations": [
            _location(
                finding.file, finding.start_line, finding.end_line, f"{finding.stack}/{finding.resource}"
            )
        ],
        "partialFingerprints": {
            "trademlFinding/v1": _fingerprint(finding.check_id, finding.stack, finding.resource)
        },
    }
    if finding.status is Status.ALLOWLISTED:
        out["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": finding.reason or ""}
        ]
    return out


def _issue_result(issue: StackIssue, index: int) -> JsonObject:
    return {
        "ruleId": issue.rule_id,
        "ruleIndex": index,
        "level": "error",
        "message": {"text": issue.message},
        "locations": [_location(issue.file, 1, 1, issue.stack)],
        "partialFingerprints": {"trademlFinding/v1": _fingerprint(issue.rule_id, issue.stack)},
    }


def to_junit(result: ScanResult) -> str:
    """One suite per stack, one case per (check, resource); allowlisted and skipped cases are <skipped>."""
    root = ET.Element("testsuites", name="trademl check")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for stack in result.stacks:
        findings = [f for f in result.findings if f.stack == stack.name]
        issues = [i for i in result.issues if i.stack == stack.name]
        suite = _suite(stack.name, stack.target, findings, issues)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, count in totals.items():
        root.set(key, str(count))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(name: str, target: str, findings: Sequence[Finding], issues: Sequence[StackIssue]) -> ET.Element:
    suite = ET.Element("testsuite", name=name)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for issue in issues:
        case = ET.SubElement(suite, "testcase", classname=f"{target}.{name}", name=issue.rule_id)
        ET.SubElement(case, "error", message=issue.message, type=issue.kind.value)
        counts["tests"] += 1
        counts["errors"] += 1
    for finding in findings:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"{target}.{name}",
            name=f"{finding.check_id} {finding.resource}",
            file=finding.file,
            line=str(finding.start_line),
        )
        counts["tests"] += 1
        if finding.status is Status.FAILED:
            failure = ET.SubElement(case, "failure", message=finding.check_name, type=finding.check_id)
            failure.text = f"{finding.file}:{finding.start_line} {finding.resource}"
            counts["failures"] += 1
        elif finding.status in (Status.ALLOWLISTED, Status.SKIPPED):
            why = (
                f"allowlisted: {finding.reason}"
                if finding.status is Status.ALLOWLISTED
                else "skipped by checkov"
            )
            ET.SubElement(case, "skipped", message=why)
            counts["skipped"] += 1
    for key, count in counts.items():
        suite.set(key, str(count))
    return suite
