"""Run the pinned checkov over a folder of stack copies and read back its JSON report."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from trademl.check.errors import CheckSetupError

# Keep equal to the pin in pyproject.toml's dev extras (a test compares them).
CHECKOV_VERSION = "3.3.30"
FRAMEWORK = "terraform_json"  # `terraform` silently scans nothing in *.tf.json
_LOAD_FAILURE = re.compile(r"Cannot load external check '([^']+)' from (\S+)")


@dataclass(frozen=True, slots=True)
class CheckovRecord:
    check_id: str
    check_name: str
    status: str  # passed, failed or skipped
    resource: str  # as checkov names it: `resource.<name>` for Python checks, `type.name` for graph checks
    file: str  # relative to the scanned folder, with a leading slash
    lines: tuple[int, int]
    guideline: str | None
    severity: str | None


@dataclass(frozen=True, slots=True)
class CheckovReport:
    version: str
    records: list[CheckovRecord] = field(default_factory=list)
    parsing_errors: list[Path] = field(default_factory=list)


def find_checkov() -> Path:
    """The checkov beside this interpreter (the project venv) first, then the one on PATH."""
    beside = Path(sys.executable).parent / ("checkov.cmd" if os.name == "nt" else "checkov")
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("checkov")
    if found:
        return Path(found)
    raise CheckSetupError(
        f"checkov: not found beside {sys.executable} or on PATH; fix: pip install -e '.[dev]' "
        f"(pins checkov=={CHECKOV_VERSION})"
    )


def _stage_policies(policies: Path, into: Path) -> Path:
    """Only the Python checks: checkov also loads every *.yaml in the folder as a graph policy, and would
    take the allowlist for one."""
    into.mkdir()
    for source in sorted(policies.glob("*.py")):
        shutil.copyfile(source, into / source.name)
    (into / "__init__.py").touch()  # checkov skips folders without one
    return into


def run_checkov(folder: Path, policies: Path, checkov: Path | None = None) -> CheckovReport:
    """Scan every *.tf.json under folder with the stock checks plus the custom ones in policies."""
    with tempfile.TemporaryDirectory(prefix="trademl-policies-") as tmp:
        staged = _stage_policies(policies, Path(tmp) / "policies")
        command = [
            str(checkov or find_checkov()),
            "--directory",
            str(folder),
            "--framework",
            FRAMEWORK,
            "--skip-download",
            "--external-checks-dir",
            str(staged),
            "--output",
            "json",
            "--compact",
        ]
        env = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    broken = _LOAD_FAILURE.search(done.stderr)
    if broken:
        raise CheckSetupError(
            f"{policies / Path(broken[2]).name}: checkov could not load custom check {broken[1]!r}; fix: run "
            f"`checkov --framework {FRAMEWORK} --external-checks-dir {policies} -d DIR` for the traceback"
        )
    try:
        payload = json.loads(done.stdout)
    except ValueError:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise CheckSetupError(
            f"{command[0]}: exited {done.returncode} without a JSON report ({tail}); "
            "fix: run the same command by hand and read its log"
        ) from None
    report = read_report(payload)
    if report.version != CHECKOV_VERSION:
        raise CheckSetupError(
            f"{command[0]}: is checkov {report.version}, {CHECKOV_VERSION} is pinned; "
            f"fix: pip install checkov=={CHECKOV_VERSION}"
        )
    return report


def read_report(payload: object) -> CheckovReport:
    """checkov prints one report, a list of reports (one per framework), or a bare summary when it found
    no file at all."""
    reports = payload if isinstance(payload, list) else [payload]
    ours = [r for r in reports if isinstance(r, Mapping) and r.get("check_type") == FRAMEWORK]
    if not ours:
        summary = reports[0] if reports and isinstance(reports[0], Mapping) else {}
        return CheckovReport(version=str(summary.get("checkov_version", "unknown")))
    report = ours[0]
    summary = report.get("summary", {})
    results = report.get("results", {})
    assert isinstance(summary, Mapping) and isinstance(results, Mapping)
    records = [
        _record(raw, status)
        for status in ("passed", "failed", "skipped")
        for raw in results.get(f"{status}_checks", [])
        if isinstance(raw, Mapping)
    ]
    errors = [Path(str(p)) for p in results.get("parsing_errors", [])]
    return CheckovReport(
        version=str(summary.get("checkov_version", "unknown")), records=records, parsing_errors=errors
    )


def _record(raw: Mapping[str, object], status: str) -> CheckovRecord:
    lines = raw.get("file_line_range")
    span = (int(lines[0]), int(lines[1])) if isinstance(lines, list) and len(lines) == 2 else (1, 1)
    guideline, severity = raw.get("guideline"), raw.get("severity")
    return CheckovRecord(
        check_id=str(raw.get("check_id")),
        check_name=str(raw.get("check_name")),
        status=status,
        resource=str(raw.get("resource")),
        file=str(raw.get("file_path")),
        lines=span,
        guideline=guideline if isinstance(guideline, str) and guideline else None,
        severity=severity if isinstance(severity, str) and severity else None,
    )
