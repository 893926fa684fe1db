"""One real checkov run over every fixture stack, shared by all tests in tests/check."""

from __future__ import annotations

from datetime import date

import pytest
from check_helpers import POLICIES, empty_allowlist, make_out

from trademl.check import ScanResult, scan


@pytest.fixture(scope="session")
def fixture_scan(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    where = tmp_path_factory.mktemp("check")
    return scan(make_out(where), POLICIES, empty_allowlist(where), today=date(2026, 1, 1))
