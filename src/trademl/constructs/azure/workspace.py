"""Development & experiments: the Azure ML workspace (MLflow tracking is its native store), its registry,
the Data Lake datastore and notebook compute instances."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_azapi.resource import Resource, ResourceIdentity
from cdktn_provider_azurerm.container_registry import (
    ContainerRegistry,
    ContainerRegistryEncryption,
    ContainerRegistryGeoreplications,
    ContainerRegistryIdentity,
)
from cdktn_provider_azurerm.machine_learning_datastore_datalake_gen2 import (
    MachineLearningDatastoreDatalakeGen2,
)
from cdktn_provider_azurerm.machine_learning_workspace import (
    MachineLearningWorkspace,
    MachineLearningWorkspaceEncryption,
    MachineLearningWorkspaceIdentity,
    MachineLearningWorkspaceManagedNetwork,
)
from cdktn_provider_azurerm.resource_group import ResourceGroup
from cdktn_provider_azurerm.role_assignment import RoleAssignment
from constructs import Construct

from trademl.constructs.azure.foundation import DATA_STORE, AzureFoundation
from trademl.constructs.azure.observability import Observability
from trademl.constructs.context import BuildContext
from trademl.model.naming import compact_name

ML_API = "2025-09-01"
COMPUTE_TYPE = f"Microsoft.MachineLearningServices/workspaces/computes@{ML_API}"
BUILD_CLUSTER = "cpu-build"


@dataclass(frozen=True, kw_only=True, slots=True)
class MlWorkspaceProps:
    ctx: BuildContext
    group: ResourceGroup
    foundation: AzureFoundation
    observability: Observability


class MlWorkspace(Construct):
    """Private (no public network access, managed network allowing only approved outbound), high business
    impact, encrypted with the foundation's key, identity-based storage access (shared keys are off)."""

    def __init__(self, scope: Construct, id: str, props: MlWorkspaceProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx, f = props.ctx, props.foundation
        self.registry_id = ctx.profile.azure().adopt.registry or self._create_registry().id
        self.workspace = self._create_workspace()
        self.workspace_id = self.workspace.id
        # Least privilege: the workspace reads and writes blobs in its stores and pulls/pushes images.
        for name, account in (("artifacts", f.artifacts.account_id), ("lake", f.lake.account_id)):
            RoleAssignment(
                self,
                f"WorkspaceBlob-{name}",
                scope=account,
                role_definition_name="Storage Blob Data Contributor",
                principal_id=self.workspace.identity.principal_id,
                principal_type="ServicePrincipal",
            )
        RoleAssignment(
            self,
            "WorkspaceAcrPush",
            scope=self.registry_id,
            role_definition_name="AcrPush",
            principal_id=self.workspace.identity.principal_id,
            principal_type="ServicePrincipal",
        )
        if DATA_STORE in ctx.profile.experiment.artifact_stores:
            self.datastore = MachineLearningDatastoreDatalakeGen2(
                self,
                "LakeDatastore",
                name="lake",
                workspace_id=self.workspace.id,
                storage_container_id=f.lake.containers[DATA_STORE].id,
                service_data_identity="WorkspaceSystemAssignedIdentity",
                description="Data Lake Gen2: market and feature data",
            )
        self.notebooks: Resource | None = None
        if ctx.profile.experiment.notebooks.enabled:
            self.notebooks = self._create_notebook_instance("nb-shared")

    def _create_registry(self) -> ContainerRegistry:
        """Extension point: the container registry (Premium: private link, zone redundancy, CMK)."""
        ctx, group, f = self.props.ctx, self.props.group, self.props.foundation
        secondary = ctx.profile.azure().secondary_region
        # A replica in the failover region: the secondary cluster pulls locally and survives the primary.
        replicas = (
            [
                ContainerRegistryGeoreplications(
                    location=secondary,
                    zone_redundancy_enabled=True,
                    global_endpoint_routing_enabled=True,
                    tags=ctx.tags,
                )
            ]
            if secondary
            else None
        )
        return ContainerRegistry(
            self,
            "Registry",
            name=compact_name(
                ctx.profile.name,
                ctx.profile.environment,
                "acr",
                max_len=50,
                salt=ctx.profile.azure().subscription_id,
            ),
            location=group.location,
            resource_group_name=group.name,
            sku="Premium",
            admin_enabled=False,
            anonymous_pull_enabled=False,
            public_network_access_enabled=not ctx.profile.security.private_networking,
            export_policy_enabled=False,
            zone_redundancy_enabled=True,
            quarantine_policy_enabled=True,
            retention_policy_in_days=30,
            data_endpoint_enabled=True,
            georeplications=replicas,
            identity=ContainerRegistryIdentity(type="UserAssigned", identity_ids=[f.key_user.identity_id]),
            encryption=[
                ContainerRegistryEncryption(
                    key_vault_key_id=f.key.versionless_id, identity_client_id=f.key_user.client_id
                )
            ],
            tags=ctx.tags,
            **ctx.stateful(),
        )

    def _create_workspace(self) -> MachineLearningWorkspace:
        """Extension point: the workspace."""
        ctx, group, f, obs = self.props.ctx, self.props.group, self.props.foundation, self.props.observability
        return MachineLearningWorkspace(
            self,
            "Workspace",
            name=ctx.name("mlw"),
            location=group.location,
            resource_group_name=group.name,
            application_insights_id=obs.insights.id,
            key_vault_id=f.key.vault_id,
            storage_account_id=f.artifacts.account_id,
            container_registry_id=self.registry_id,
            identity=MachineLearningWorkspaceIdentity(
                type="SystemAssigned, UserAssigned", identity_ids=[f.key_user.identity_id]
            ),
            primary_user_assigned_identity=f.key_user.identity_id,
            encryption=MachineLearningWorkspaceEncryption(
                key_vault_id=f.key.vault_id,
                key_id=f.key.versioned_id,
                user_assigned_identity_id=f.key_user.identity_id,
            ),
            public_network_access_enabled=not ctx.profile.security.private_networking,
            managed_network=MachineLearningWorkspaceManagedNetwork(
                isolation_mode="AllowOnlyApprovedOutbound"
            ),
            high_business_impact=True,
            v1_legacy_mode_enabled=False,
            storage_account_access_type="identity",
            image_build_compute_name=BUILD_CLUSTER,
            sku_name="Basic",
            tags=ctx.tags,
            **ctx.stateful(),
        )

    def _create_notebook_instance(self, name: str) -> Resource:
        """Extension point: a notebook compute instance. azapi because azurerm cannot set idle shutdown."""
        ctx = self.props.ctx
        minutes = ctx.profile.experiment.notebooks.idle_shutdown_minutes
        return Resource(
            self,
            f"Notebook-{name}",
            type=COMPUTE_TYPE,
            name=name,
            parent_id=self.workspace.id,
            location=self.props.group.location,
            body={
                "properties": {
                    "computeType": "ComputeInstance",
                    "disableLocalAuth": True,
                    "properties": {
                        "vmSize": "Standard_D4s_v5",
                        "enableNodePublicIp": False,
                        "idleTimeBeforeShutdown": f"PT{minutes}M",
                        "sshSettings": {"sshPublicAccess": "Disabled"},
                        "applicationSharingPolicy": "Personal",
                        "computeInstanceAuthorizationType": "personal",
                    },
                }
            },
            identity=[ResourceIdentity(type="SystemAssigned")],
            tags=ctx.tags,
        )
