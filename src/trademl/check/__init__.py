"""`trademl check`: the security and compliance gate over synthesized stacks (checkov plus custom checks)."""

from trademl.check.errors import CheckSetupError
from trademl.check.scan import ScanResult, scan

__all__ = ["CheckSetupError", "ScanResult", "scan"]
