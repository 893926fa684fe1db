"""Training: Azure ML compute clusters (low-priority GPU first, dedicated fallback, scale to zero),
pipeline schedules, Data Factory ingestion schedules and the Event Hubs stream."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cdktn_provider_azapi.resource import Resource
from cdktn_provider_azurerm.data_factory import DataFactory, DataFactoryIdentity
from cdktn_provider_azurerm.data_factory_pipeline import DataFactoryPipeline
from cdktn_provider_azurerm.data_factory_trigger_schedule import (
    DataFactoryTriggerSchedule,
    DataFactoryTriggerScheduleSchedule,
)
from cdktn_provider_azurerm.eventhub import Eventhub
from cdktn_provider_azurerm.eventhub_namespace import EventhubNamespace, EventhubNamespaceIdentity
from cdktn_provider_azurerm.eventhub_namespace_customer_managed_key import EventhubNamespaceCustomerManagedKey
from cdktn_provider_azurerm.machine_learning_compute_cluster import (
    MachineLearningComputeCluster,
    MachineLearningComputeClusterIdentity,
    MachineLearningComputeClusterScaleSettings,
)
from cdktn_provider_azurerm.resource_group import ResourceGroup
from cdktn_provider_azurerm.role_assignment import RoleAssignment
from constructs import Construct

from trademl.constructs.azure.foundation import AzureFoundation
from trademl.constructs.azure.schedule import weekly
from trademl.constructs.azure.workspace import BUILD_CLUSTER, ML_API, MlWorkspace
from trademl.constructs.context import BuildContext
from trademl.model.gpu import azure_vm_size

SCHEDULE_TYPE = f"Microsoft.MachineLearningServices/workspaces/schedules@{ML_API}"
RETRAIN_COMPONENT = "azureml:retrain@latest"  # registered by CI (GitHub Actions) from the training repo


@dataclass(frozen=True, kw_only=True, slots=True)
class TrainingProps:
    ctx: BuildContext
    group: ResourceGroup
    foundation: AzureFoundation
    ml: MlWorkspace


def retrain_job(ctx: BuildContext, compute_id: str, fallback_id: str) -> dict[str, object]:
    """The pipeline job every schedule (and the drift-triggered Logic App) submits."""
    t = ctx.profile.training
    return {
        "jobType": "Pipeline",
        "experimentName": "retrain",
        "settings": {"default_compute": compute_id, "continue_on_step_failure": False},
        "inputs": {
            "fallback_compute": {"jobInputType": "literal", "value": fallback_id},
            "max_retries": {"jobInputType": "literal", "value": str(t.retries)},
            "checkpointing": {"jobInputType": "literal", "value": str(t.checkpointing).lower()},
            "max_runtime_hours": {"jobInputType": "literal", "value": str(t.max_runtime_hours)},
        },
        "jobs": {"retrain": {"type": "pipeline", "componentId": RETRAIN_COMPONENT}},
    }


class Training(Construct):
    def __init__(self, scope: Construct, id: str, props: TrainingProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        t = ctx.profile.training
        spot = max(1, round(t.max_nodes * t.spot_share)) if t.spot_share > 0 else 0
        dedicated = max(1, t.max_nodes - spot) if (t.on_demand_fallback or spot == 0) else 0
        self.clusters: dict[str, MachineLearningComputeCluster] = {}
        if spot:
            self.clusters["gpu-spot"] = self._create_cluster(
                "gpu-spot", azure_vm_size(t.gpu), "LowPriority", spot
            )
        if dedicated:
            self.clusters["gpu-dedicated"] = self._create_cluster(
                "gpu-dedicated", azure_vm_size(t.gpu), "Dedicated", dedicated
            )
        self.clusters[BUILD_CLUSTER] = self._create_cluster(BUILD_CLUSTER, "Standard_D4s_v5", "Dedicated", 2)
        first = next(iter(self.clusters.values()))
        fallback = self.clusters.get("gpu-dedicated", first)
        self.job = retrain_job(ctx, first.id, fallback.id)
        self.schedules = {s.name: self._create_schedule(s.name, s.cron) for s in t.schedules}
        self.factory = self._create_factory()
        self.stream: EventhubNamespace | None = self._create_stream() if t.streaming_ingestion else None

    def _create_cluster(
        self, name: str, size: str, priority: str, max_nodes: int
    ) -> MachineLearningComputeCluster:
        """Extension point: one compute cluster. local auth and node public IPs are off (changing either
        later recreates the cluster); min 0 so idle clusters cost nothing."""
        ctx = self.props.ctx
        cluster = MachineLearningComputeCluster(
            self,
            f"Cluster-{name}",
            name=name,
            location=self.props.group.location,
            machine_learning_workspace_id=self.props.ml.workspace_id,
            vm_size=size,
            vm_priority=priority,
            scale_settings=MachineLearningComputeClusterScaleSettings(
                min_node_count=0, max_node_count=max_nodes, scale_down_nodes_after_idle_duration="PT10M"
            ),
            identity=MachineLearningComputeClusterIdentity(type="SystemAssigned"),
            local_auth_enabled=False,
            node_public_ip_enabled=False,
            ssh_public_access_enabled=False,
            tags=ctx.tags,
        )
        f = self.props.foundation
        RoleAssignment(
            self,
            f"Cluster-{name}-LakeRead",
            scope=f.lake.account_id,
            role_definition_name="Storage Blob Data Reader",
            principal_id=cluster.identity.principal_id,
            principal_type="ServicePrincipal",
        )
        RoleAssignment(
            self,
            f"Cluster-{name}-ArtifactsWrite",
            scope=f.artifacts.account_id,
            role_definition_name="Storage Blob Data Contributor",
            principal_id=cluster.identity.principal_id,
            principal_type="ServicePrincipal",
        )
        return cluster

    def _create_schedule(self, name: str, cron: str) -> Resource:
        """Extension point: an AML schedule (azapi: azurerm has none) that submits the retraining job."""
        return Resource(
            self,
            f"Schedule-{name}",
            type=SCHEDULE_TYPE,
            name=f"retrain-{name}",
            parent_id=self.props.ml.workspace_id,
            body={
                "properties": {
                    "displayName": f"retrain {name}",
                    "isEnabled": True,
                    "trigger": {"triggerType": "Cron", "expression": cron, "timeZone": "UTC"},
                    "action": {"actionType": "CreateJob", "jobDefinition": self.job},
                }
            },
        )

    def _create_factory(self) -> DataFactory:
        """Extension point: Data Factory ingestion. Its AML activity is v1-only, so the pipeline calls the
        workspace's batch endpoint `ingest` through a Web activity with the factory's managed identity."""
        ctx, group, f = self.props.ctx, self.props.group, self.props.foundation
        factory = DataFactory(
            self,
            "Factory",
            name=ctx.name("adf"),
            location=group.location,
            resource_group_name=group.name,
            public_network_enabled=not ctx.profile.security.private_networking,
            managed_virtual_network_enabled=True,
            identity=DataFactoryIdentity(
                type="SystemAssigned, UserAssigned", identity_ids=[f.key_user.identity_id]
            ),
            customer_managed_key_id=f.key.versionless_id,
            customer_managed_key_identity_id=f.key_user.identity_id,
            tags=ctx.tags,
        )
        RoleAssignment(
            self,
            "FactoryMlScientist",
            scope=self.props.ml.workspace_id,
            role_definition_name="AzureML Data Scientist",
            principal_id=factory.identity.principal_id,
            principal_type="ServicePrincipal",
        )
        RoleAssignment(
            self,
            "FactoryLakeWrite",
            scope=f.lake.account_id,
            role_definition_name="Storage Blob Data Contributor",
            principal_id=factory.identity.principal_id,
            principal_type="ServicePrincipal",
        )
        region = ctx.profile.azure().region
        activity = {
            "name": "invoke-ingest",
            "type": "WebActivity",
            "policy": {
                "retry": ctx.profile.training.retries,
                "retryIntervalInSeconds": 300,
                "secureOutput": True,
            },
            "typeProperties": {
                "method": "POST",
                "body": {"properties": {}},
                "url": f"https://ingest.{region}.inference.ml.azure.com/jobs",
                "authentication": {"type": "MSI", "resource": "https://ml.azure.com"},
            },
        }
        pipeline = DataFactoryPipeline(
            self,
            "IngestPipeline",
            name="ingest",
            data_factory_id=factory.id,
            activities_json=json.dumps([activity], sort_keys=True),
        )
        for s in ctx.profile.training.schedules:
            w = weekly(s.cron)
            DataFactoryTriggerSchedule(
                self,
                f"Trigger-{s.name}",
                name=f"ingest-{s.name}",
                data_factory_id=factory.id,
                pipeline_name=pipeline.name,
                frequency="Week",
                interval=1,
                time_zone="UTC",
                activated=True,
                schedule=DataFactoryTriggerScheduleSchedule(
                    minutes=w.minutes, hours=w.hours, days_of_week=w.days_of_week
                ),
            )
        return factory

    def _create_stream(self) -> EventhubNamespace:
        """Extension point: streaming ingestion. Premium: customer-managed keys and zone redundancy."""
        ctx, group, f = self.props.ctx, self.props.group, self.props.foundation
        ns = EventhubNamespace(
            self,
            "Stream",
            name=ctx.name("evhns", max_len=50),
            location=group.location,
            resource_group_name=group.name,
            sku="Premium",
            capacity=1,
            local_authentication_enabled=False,
            public_network_access_enabled=not ctx.profile.security.private_networking,
            minimum_tls_version="1.2",
            identity=EventhubNamespaceIdentity(type="UserAssigned", identity_ids=[f.key_user.identity_id]),
            tags=ctx.tags,
        )
        EventhubNamespaceCustomerManagedKey(
            self,
            "StreamCmk",
            eventhub_namespace_id=ns.id,
            key_vault_key_ids=[f.key.versionless_id],
            user_assigned_identity_id=f.key_user.identity_id,
            infrastructure_encryption_enabled=True,
        )
        Eventhub(
            self, "MarketData", name="market-data", namespace_id=ns.id, partition_count=8, message_retention=7
        )
        return ns
