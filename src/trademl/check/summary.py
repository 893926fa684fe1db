"""The gate's console output: a per-target table, one line per problem (file, what, fix), and the verdict."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from trademl.check.scan import ScanResult

_COLUMNS = ("target", "stacks", "resources", "passed", "failed", "allowlisted", "skipped", "not scanned")


def summary_lines(result: ScanResult, allowlist: Path, reports: Sequence[Path] = ()) -> list[str]:
    lines = [f"trademl check: checkov {result.checkov_version}, {len(result.stacks)} stacks"]
    rows = [
        (s.target, s.stacks, s.resources, s.passed, s.failed, s.allowlisted, s.skipped, s.issues)
        for s in result.summaries()
    ]
    widths = [max(len(str(v)) for v in column) for column in zip(_COLUMNS, *rows, strict=True)]
    for row in (_COLUMNS, *rows):
        cells = [
            str(v).ljust(w) if i == 0 else str(v).rjust(w)
            for i, (v, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells))
    for finding in result.failures:
        lines.append(
            f"FAILED {finding.file}:{finding.start_line}: {finding.check_id} {finding.resource}: "
            f"{finding.check_name}; fix: change the construct or add a reviewed entry to {allowlist}"
        )
    lines += [f"ERROR {issue.message}" for issue in result.issues]
    lines += [f"note: {note}" for note in result.notes]
    if reports:
        lines.append(f"reports: {', '.join(str(p) for p in reports)}")
    lines.append(_verdict(result))
    return lines


def _verdict(result: ScanResult) -> str:
    if not result.stacks:
        return "FAIL: the manifest lists no stack, so nothing was checked; fix: run `trademl synth`"
    if result.ok:
        allowed = sum(s.allowlisted for s in result.summaries())
        return f"PASS: 0 unallowlisted failures, {allowed} allowlisted, every stack parsed and scanned"
    return (
        f"FAIL: {len(result.failures)} unallowlisted failures, "
        f"{len(result.issues)} stacks not parsed or with nothing scanned"
    )
