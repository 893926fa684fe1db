"""Security & audit: Purview, the subscription's activity log export, Sentinel, Defender for Cloud plans,
VNet flow logs and the export of workload log tables into the audit archive."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_azurerm.log_analytics_data_export_rule import LogAnalyticsDataExportRule
from cdktn_provider_azurerm.monitor_diagnostic_setting import (
    MonitorDiagnosticSetting,
    MonitorDiagnosticSettingEnabledLog,
)
from cdktn_provider_azurerm.network_watcher_flow_log import (
    NetworkWatcherFlowLog,
    NetworkWatcherFlowLogRetentionPolicy,
    NetworkWatcherFlowLogTrafficAnalytics,
)
from cdktn_provider_azurerm.purview_account import PurviewAccount, PurviewAccountIdentity
from cdktn_provider_azurerm.resource_group import ResourceGroup
from cdktn_provider_azurerm.security_center_subscription_pricing import SecurityCenterSubscriptionPricing
from cdktn_provider_azurerm.sentinel_log_analytics_workspace_onboarding import (
    SentinelLogAnalyticsWorkspaceOnboarding,
)
from constructs import Construct

from trademl.constructs.azure.audit import WORKLOAD_TABLES
from trademl.constructs.azure.network import NetworkRef
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
# Defender for Cloud plans for what this platform runs: (plan, subplan).
DEFENDER_PLANS = (
    ("Containers", None),
    ("StorageAccounts", "DefenderForStorageV2"),
    ("KeyVaults", "PerKeyVault"),
    ("Arm", "PerSubscription"),
)


@dataclass(frozen=True, kw_only=True, slots=True)
class GovernanceProps:
    ctx: BuildContext
    group: ResourceGroup
    observability: Observability
    audit: StorageRef
    """The immutable audit account: the activity log is archived there as well as queried in Log Analytics."""
    network: NetworkRef | None = None
    """The network whose flow logs go to the audit account (None: no flow logs)."""


class Governance(Construct):
    def __init__(self, scope: Construct, id: str, props: GovernanceProps) -> None:
        super().__init__(scope, id)
        self.props = props
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
        self.workload_export = self._create_workload_export()
        self.defender = self._create_defender() if ctx.profile.security.threat_detection else []
        self.flow_log = self._create_flow_log() if props.network is not None else None

    def _create_workload_export(self) -> LogAnalyticsDataExportRule:
        """Extension point: continuous export of the workload tables into the audit account."""
        props = self.props
        return LogAnalyticsDataExportRule(
            self,
            "WorkloadExport",
            name=props.ctx.name("export", "workload-logs"),
            resource_group_name=props.group.name,
            workspace_resource_id=props.observability.workspace.id,
            destination_resource_id=props.audit.account_id,
            table_names=list(WORKLOAD_TABLES),
            enabled=True,
        )

    def _create_defender(self) -> list[SecurityCenterSubscriptionPricing]:
        """Extension point: Defender for Cloud Standard plans. Chained with depends_on: the pricing API
        rejects concurrent updates on one subscription."""
        plans: list[SecurityCenterSubscriptionPricing] = []
        for plan, subplan in DEFENDER_PLANS:
            plans.append(
                SecurityCenterSubscriptionPricing(
                    self,
                    f"Defender-{plan}",
                    tier="Standard",
                    resource_type=plan,
                    subplan=subplan,
                    depends_on=plans[-1:] or None,
                )
            )
        return plans

    def _create_flow_log(self) -> NetworkWatcherFlowLog:
        """Extension point: VNet flow logs (NSG flow logs are retired) into the audit account, with traffic
        analytics in Log Analytics. Uses the regional Network Watcher Azure creates with the first VNet
        (NetworkWatcher_<region> in NetworkWatcherRG): one watcher per region and subscription."""
        props = self.props
        assert props.network is not None
        region, law = props.ctx.profile.azure().region, props.observability.workspace
        return NetworkWatcherFlowLog(
            self,
            "FlowLog",
            name=props.ctx.name("flowlog", max_len=80),
            network_watcher_name=f"NetworkWatcher_{region}",
            resource_group_name="NetworkWatcherRG",
            location=region,
            target_resource_id=props.network.vnet_id,
            storage_account_id=props.audit.account_id,
            enabled=True,
            version=2,
            # 0 = keep: deletion is governed by the archive's immutability period, not the watcher.
            retention_policy=NetworkWatcherFlowLogRetentionPolicy(enabled=True, days=0),
            traffic_analytics=NetworkWatcherFlowLogTrafficAnalytics(
                enabled=True,
                workspace_id=law.workspace_id,
                workspace_region=law.location,
                workspace_resource_id=law.id,
                interval_in_minutes=10,
            ),
            tags=props.ctx.tags,
        )
