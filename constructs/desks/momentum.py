"""A worked desk extension: the momentum desk keeps its store's old object versions for a year.

Profiles load this file by path (`desks[].extension: ../constructs/desks/momentum.py`). It defines one
subclass per cloud it customises, named AwsDesk / AzureDesk / GcpDesk; clouds it leaves out get the stock
desk. A subclass overrides one documented hook and starts from the stock result, so it never copies a
construct to change one property.

There is deliberately no __init__.py in constructs/: a top-level package named `constructs` would shadow
the `constructs` library that every construct imports.
"""

from __future__ import annotations

from dataclasses import replace

from trademl.constructs.aws import desk as aws_desk
from trademl.constructs.aws.bucket import SecureBucketProps


class AwsDesk(aws_desk.AwsDesk):
    """Momentum backtests replay a year of features: keep noncurrent versions 365 days, not 90."""

    def _store_props(self) -> SecureBucketProps:
        return replace(super()._store_props(), noncurrent_days=365)
