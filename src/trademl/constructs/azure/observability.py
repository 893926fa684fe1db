"""Log Analytics and workspace-based Application Insights: the sinks every other platform piece uses."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_azurerm.application_insights import ApplicationInsights
from cdktn_provider_azurerm.log_analytics_workspace import LogAnalyticsWorkspace
from cdktn_provider_azurerm.resource_group import ResourceGroup
from constructs import Construct

from trademl.constructs.context import BuildContext


@dataclass(frozen=True, kw_only=True, slots=True)
class ObservabilityProps:
    ctx: BuildContext
    group: ResourceGroup


class Observability(Construct):
    """Retention from monitoring.log_retention_days, at least one year (the workspace also holds audit
    logs: activity log, diagnostics, Sentinel). Entra-only: no shared keys for ingestion or query."""

    def __init__(self, scope: Construct, id: str, props: ObservabilityProps) -> None:
        super().__init__(scope, id)
        ctx, group = props.ctx, props.group
        self.workspace = LogAnalyticsWorkspace(
            self,
            "Logs",
            name=ctx.name("log"),
            location=group.location,
            resource_group_name=group.name,
            sku="PerGB2018",
            retention_in_days=max(ctx.profile.monitoring.log_retention_days, 365),
            local_authentication_enabled=False,
            allow_resource_only_permissions=True,
            tags=ctx.tags,
            **ctx.stateful(),
        )
        self.insights = ApplicationInsights(
            self,
            "Insights",
            name=ctx.name("appi"),
            location=group.location,
            resource_group_name=group.name,
            application_type="web",
            workspace_id=self.workspace.id,
            local_authentication_enabled=False,
            tags=ctx.tags,
        )
