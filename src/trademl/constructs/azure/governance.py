"""Security & audit: Purview, the subscription's activity log export, Sentinel and diagnostic settings."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_azurerm.monitor_diagnostic_setting import (
    MonitorDiagnosticSetting,
    MonitorDiagnosticSettingEnabledLog,
)
from cdktn_provider_azurerm.purview_account import PurviewAccount, PurviewAccountIdentity
from cdktn_provider_azurerm.resource_group import ResourceGroup
from cdktn_provider_azurerm.sentinel_log_analytics_workspace_onboarding import (
    SentinelLogAnalyticsWorkspaceOnboarding,
)
from constructs import Construct

from trademl.constructs.azure.observability import Observability
from trademl.constructs.azure.storage import StorageRef
from trademl.constructs.context import BuildContext

ACTIVITY_CATEGORIES = (
    "Administrative",
    "Security",
    "Policy",
    "Alert",
    "Recommendation",
    "ServiceHealth",
    "ResourceHealth",
    "Autoscale",
)


@dataclass(frozen=True, kw_only=True, slots=True)
class GovernanceProps:
    ctx: BuildContext
    group: ResourceGroup
    observability: Observability
    audit: StorageRef
    """The immutable audit account: the activity log is archived there as well as queried in Log Analytics."""


class Governance(Construct):
    def __init__(self, scope: Construct, id: str, props: GovernanceProps) -> None:
        super().__init__(scope, id)
        ctx, group = props.ctx, props.group
        self.purview = PurviewAccount(
            self,
            "Purview",
            name=ctx.name("pview", max_len=63),
            location=group.location,
            resource_group_name=group.name,
            public_network_enabled=not ctx.profile.security.private_networking,
            managed_resource_group_name=ctx.name("rg", "purview-managed", max_len=90),
            identity=PurviewAccountIdentity(type="SystemAssigned"),
            tags=ctx.tags,
        )
        self.activity_log = MonitorDiagnosticSetting(
            self,
            "ActivityLog",
            name=ctx.name("activity-log"),
            target_resource_id=f"/subscriptions/{ctx.profile.azure().subscription_id}",
            log_analytics_workspace_id=props.observability.workspace.id,
            storage_account_id=props.audit.account_id,
            enabled_log=[MonitorDiagnosticSettingEnabledLog(category=c) for c in ACTIVITY_CATEGORIES],
        )
        self.sentinel = (
            SentinelLogAnalyticsWorkspaceOnboarding(
                self, "Sentinel", workspace_id=props.observability.workspace.id
            )
            if ctx.profile.security.threat_detection
            else None
        )
