"""Azure Monitor managed Prometheus for the cluster and Managed Grafana on top of it."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_azurerm.dashboard_grafana import (
    DashboardGrafana,
    DashboardGrafanaAzureMonitorWorkspaceIntegrations,
    DashboardGrafanaIdentity,
)
from cdktn_provider_azurerm.monitor_data_collection_endpoint import MonitorDataCollectionEndpoint
from cdktn_provider_azurerm.monitor_data_collection_rule import (
    MonitorDataCollectionRule,
    MonitorDataCollectionRuleDataFlow,
    MonitorDataCollectionRuleDataSources,
    MonitorDataCollectionRuleDataSourcesPrometheusForwarder,
    MonitorDataCollectionRuleDestinations,
    MonitorDataCollectionRuleDestinationsMonitorAccount,
)
from cdktn_provider_azurerm.monitor_data_collection_rule_association import (
    MonitorDataCollectionRuleAssociation,
)
from cdktn_provider_azurerm.monitor_workspace import MonitorWorkspace
from cdktn_provider_azurerm.resource_group import ResourceGroup
from cdktn_provider_azurerm.role_assignment import RoleAssignment
from constructs import Construct

from trademl.constructs.azure.cluster import ClusterRef
from trademl.constructs.context import BuildContext

STREAM = "Microsoft-PrometheusMetrics"


@dataclass(frozen=True, kw_only=True, slots=True)
class ManagedPrometheusProps:
    ctx: BuildContext
    group: ResourceGroup
    cluster: ClusterRef
    """Must have monitor_metrics set (the metrics add-on)."""


class ManagedPrometheus(Construct):
    """Data collection endpoint + rule + the two cluster associations, and Grafana reading the workspace."""

    def __init__(self, scope: Construct, id: str, props: ManagedPrometheusProps) -> None:
        super().__init__(scope, id)
        ctx, group = props.ctx, props.group
        private = ctx.profile.security.private_networking
        self.workspace = MonitorWorkspace(
            self,
            "Workspace",
            name=ctx.name("amw"),
            location=group.location,
            resource_group_name=group.name,
            public_network_access_enabled=not private,
            tags=ctx.tags,
        )
        self.endpoint = MonitorDataCollectionEndpoint(
            self,
            "Endpoint",
            name=ctx.name("dce", "prometheus"),
            location=group.location,
            resource_group_name=group.name,
            kind="Linux",
            public_network_access_enabled=not private,
            tags=ctx.tags,
        )
        self.rule = MonitorDataCollectionRule(
            self,
            "Rule",
            name=ctx.name("dcr", "prometheus"),
            location=group.location,
            resource_group_name=group.name,
            kind="Linux",
            data_collection_endpoint_id=self.endpoint.id,
            destinations=MonitorDataCollectionRuleDestinations(
                monitor_account=[
                    MonitorDataCollectionRuleDestinationsMonitorAccount(
                        monitor_account_id=self.workspace.id, name="prometheus"
                    )
                ]
            ),
            data_flow=[MonitorDataCollectionRuleDataFlow(streams=[STREAM], destinations=["prometheus"])],
            data_sources=MonitorDataCollectionRuleDataSources(
                prometheus_forwarder=[
                    MonitorDataCollectionRuleDataSourcesPrometheusForwarder(
                        name="prometheus", streams=[STREAM]
                    )
                ]
            ),
            tags=ctx.tags,
        )
        # The endpoint association must carry this fixed name; the rule association is free.
        MonitorDataCollectionRuleAssociation(
            self,
            "EndpointAssociation",
            name="configurationAccessEndpoint",
            target_resource_id=props.cluster.id,
            data_collection_endpoint_id=self.endpoint.id,
        )
        MonitorDataCollectionRuleAssociation(
            self,
            "RuleAssociation",
            name="prometheus",
            target_resource_id=props.cluster.id,
            data_collection_rule_id=self.rule.id,
        )
        self.grafana = DashboardGrafana(
            self,
            "Grafana",
            name=ctx.name("grafana", max_len=23),
            location=group.location,
            resource_group_name=group.name,
            grafana_major_version="11",
            sku="Standard",
            api_key_enabled=False,
            public_network_access_enabled=not private,
            zone_redundancy_enabled=True,
            identity=DashboardGrafanaIdentity(type="SystemAssigned"),
            azure_monitor_workspace_integrations=[
                DashboardGrafanaAzureMonitorWorkspaceIntegrations(resource_id=self.workspace.id)
            ],
            tags=ctx.tags,
        )
        RoleAssignment(
            self,
            "GrafanaReadsPrometheus",
            scope=self.workspace.id,
            role_definition_name="Monitoring Data Reader",
            principal_id=self.grafana.identity.principal_id,
            principal_type="ServicePrincipal",
        )
        RoleAssignment(
            self,
            "GrafanaReadsMonitor",
            scope=group.id,
            role_definition_name="Monitoring Reader",
            principal_id=self.grafana.identity.principal_id,
            principal_type="ServicePrincipal",
        )
