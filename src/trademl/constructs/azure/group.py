"""One resource group per layer: layers are applied and destroyed on their own, and the audit layer's
locked containers make its group undeletable, so nothing else may live in it."""

from __future__ import annotations

from cdktn_provider_azurerm.resource_group import ResourceGroup
from constructs import Construct

from trademl.constructs.context import BuildContext


def layer_group(
    scope: Construct, ctx: BuildContext, layer: str, location: str | None = None
) -> ResourceGroup:
    """The resource group `<prefix>-rg-<layer>` in the primary region unless `location` is given."""
    return ResourceGroup(
        scope,
        "Group",
        name=ctx.name("rg", layer, max_len=90),
        location=location or ctx.profile.azure().region,
        tags=ctx.tags,
        **ctx.stateful(),
    )
