"""The gate end to end: copy the stacks, run checkov once over all of them, add trademl's stack checks,
apply the allowlist, and account for every stack that was not really scanned."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

from trademl.check.allowlist import apply_allowlist, load_allowlist
from trademl.check.errors import CheckSetupError
from trademl.check.findings import Finding, IssueKind, StackIssue, Status
from trademl.check.prepare import Span, block_spans, scan_copy
from trademl.check.runner import CheckovRecord, run_checkov
from trademl.check.stack_checks import StackDoc, vpc_sc_findings
from trademl.check.stacks import TARGETS, Stack, load_stacks

COPY_NAME = "cdk.tf.json"


@dataclass(frozen=True, slots=True)
class TargetSummary:
    target: str
    stacks: int
    resources: int  # distinct resources checkov reported on
    passed: int
    failed: int
    allowlisted: int
    skipped: int
    issues: int  # stacks not parsed or with nothing scanned


@dataclass(frozen=True, slots=True)
class ScanResult:
    stacks: list[Stack]
    findings: list[Finding]
    issues: list[StackIssue]
    notes: list[str] = field(default_factory=list)
    checkov_version: str = "unknown"

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.status is Status.FAILED]

    @property
    def ok(self) -> bool:
        return bool(self.stacks) and not self.failures and not self.issues

    def summaries(self) -> list[TargetSummary]:
        targets = sorted({s.target for s in self.stacks}, key=lambda t: (*TARGETS, t).index(t))
        return [self._summary(t) for t in targets]

    def _summary(self, target: str) -> TargetSummary:
        mine = [f for f in self.findings if f.target == target]
        count = {status: sum(f.status is status for f in mine) for status in Status}
        return TargetSummary(
            target=target,
            stacks=sum(s.target == target for s in self.stacks),
            resources=len({(f.stack, f.resource) for f in mine if _is_resource(f.resource)}),
            passed=count[Status.PASSED],
            failed=count[Status.FAILED],
            allowlisted=count[Status.ALLOWLISTED],
            skipped=count[Status.SKIPPED],
            issues=sum(i.target == target for i in self.issues),
        )


def _is_resource(address: str) -> bool:
    return not address.startswith(("provider.", "data.")) and "." in address


def scan(
    out: Path,
    policies: Path,
    allowlist_path: Path,
    only: Sequence[str] = (),
    today: date | None = None,
    checkov: Path | None = None,
) -> ScanResult:
    allowlist = load_allowlist(allowlist_path)
    if not policies.is_dir():
        raise CheckSetupError(
            f"{policies}: no such folder of custom checks; fix: run from the repo root or pass --policies DIR"
        )
    every = load_stacks(out)
    selected = load_stacks(out, only) if only else every
    docs, issues = _read(every)
    wanted = {s.name for s in selected}
    issues = [i for i in issues if i.stack in wanted]
    scanned = [d for d in docs if d.name in wanted]
    findings, more_issues, version = _checkov(scanned, policies, checkov)
    findings += [f for f in vpc_sc_findings(docs) if f.stack in wanted]
    applied = apply_allowlist(allowlist, findings, today or date.today(), str(allowlist_path))
    ordered = sorted(applied.findings, key=lambda f: (f.target, f.stack, f.check_id, f.resource))
    return ScanResult(
        stacks=selected,
        findings=ordered,
        issues=issues + more_issues,
        notes=applied.notes,
        checkov_version=version,
    )


def _read(stacks: Sequence[Stack]) -> tuple[list[StackDoc], list[StackIssue]]:
    docs, issues = [], []
    for stack in stacks:
        try:
            text = stack.path.read_text()
            doc = json.loads(text)
            if not isinstance(doc, dict):
                raise ValueError("the top level is not an object")
        except (OSError, ValueError) as exc:
            issues.append(
                StackIssue(
                    stack.name,
                    stack.target,
                    str(stack.path),
                    IssueKind.INVALID_JSON,
                    f"{stack.path}: cannot be read as JSON ({exc}); fix: re-run `trademl synth`",
                )
            )
            continue
        docs.append(
            StackDoc(
                name=stack.name,
                target=stack.target,
                profile=stack.profile,
                file=str(stack.path),
                doc=doc,
                spans=block_spans(text),
            )
        )
    return docs, issues


def _checkov(
    docs: Sequence[StackDoc], policies: Path, checkov: Path | None
) -> tuple[list[Finding], list[StackIssue], str]:
    if not docs:
        return [], [], "not run"
    with tempfile.TemporaryDirectory(prefix="trademl-check-") as tmp:
        root = Path(tmp).resolve()
        copies: dict[str, dict[int, str]] = {}
        for stack in docs:
            text = json.dumps(scan_copy(stack.doc), indent=2)
            (root / stack.name).mkdir()
            (root / stack.name / COPY_NAME).write_text(text)
            copies[stack.name] = {span.start: address for address, span in block_spans(text).items()}
        report = run_checkov(root, policies, checkov)
        unparsed = {p.resolve().relative_to(root).parts[0] for p in report.parsing_errors}
    by_name = {d.name: d for d in docs}
    findings = [
        _finding(record, by_name[name], copies[name])
        for record in report.records
        if (name := PurePosixPath(record.file.lstrip("/")).parts[0]) in by_name
    ]
    seen = {f.stack for f in findings if _is_resource(f.resource)}
    issues = []
    for stack in docs:
        if stack.name in unparsed:
            issues.append(
                StackIssue(
                    stack.name,
                    stack.target,
                    stack.file,
                    IssueKind.PARSE_ERROR,
                    f"{stack.file}: checkov could not parse it, so nothing in it was checked; "
                    "fix: find the top-level block holding a string where an object belongs",
                )
            )
        elif stack.name not in seen:
            issues.append(
                StackIssue(
                    stack.name,
                    stack.target,
                    stack.file,
                    IssueKind.ZERO_RESOURCES,
                    f"{stack.file}: checkov scanned no resource in it; fix: check that the "
                    "stack declares resources, under `resource`, that checkov has checks for",
                )
            )
    return findings, issues, report.version


def _finding(record: CheckovRecord, stack: StackDoc, copy_starts: Mapping[int, str]) -> Finding:
    # checkov names Python-check results `resource.<name>` in terraform_json; the start line tells the type.
    address = copy_starts.get(record.lines[0], record.resource)
    if record.resource.startswith("provider."):
        address = record.resource
    span = stack.spans.get(address, Span(1, 1))
    return Finding(
        check_id=record.check_id,
        check_name=record.check_name,
        stack=stack.name,
        target=stack.target,
        resource=address,
        status=Status(record.status),
        file=stack.file,
        start_line=span.start,
        end_line=span.end,
        guideline=record.guideline,
        severity=record.severity,
    )
