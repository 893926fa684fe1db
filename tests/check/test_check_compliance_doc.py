"""docs/compliance.md is generated from the checks, and the stock checks it cites exist in the pinned checkov."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

from check_helpers import ROOT

from trademl.check.compliance_doc import DOC_PATH, render_compliance_doc
from trademl.check.controls import STOCK_CHECKS


def test_committed_doc_matches_the_checks() -> None:
    committed = (ROOT / DOC_PATH).read_text()
    assert committed == render_compliance_doc(ROOT), "fix: run `python -m trademl.check.compliance_doc`"


def test_cited_stock_checks_exist_with_these_names() -> None:
    from checkov.terraform.checks.resource.registry import resource_registry

    for cloud in ("aws", "azure", "gcp"):
        importlib.import_module(f"checkov.terraform.checks.resource.{cloud}")
    names = {check.id: check.name for checks in resource_registry.checks.values() for check in checks}
    graph_dir = Path(importlib.import_module("checkov.terraform.checks.graph_checks").__file__ or "").parent
    for path in graph_dir.glob("*/*.json"):
        metadata = json.loads(path.read_text())["metadata"]
        names[metadata["id"]] = metadata["name"]
    for info in STOCK_CHECKS:
        assert names.get(info.check_id) == info.name, info.check_id
