"""A trading desk on Azure: its own resource group and private storage account encrypted with the
foundation's key, the account registered as the desk's datastore in the ML workspace and an online
endpoint of its own on the shared AKS compute. The desk's namespace, service account and workload
identity live in the workloads layer (they run in the cluster); this layer grants that identity its data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cdktn_provider_azapi.resource import Resource
from cdktn_provider_azurerm.resource_group import ResourceGroup
from cdktn_provider_azurerm.role_assignment import RoleAssignment
from constructs import Construct

from trademl.constructs.azure.diagnostics import send_diagnostics
from trademl.constructs.azure.group import layer_group
from trademl.constructs.azure.keyvault import KeyRef, KeyUser
from trademl.constructs.azure.network import NetworkRef
from trademl.constructs.azure.platform import AzurePlatform
from trademl.constructs.azure.privatelink import PrivateLinks, PrivateLinksProps
from trademl.constructs.azure.serving import OnlineEndpoint, OnlineEndpointProps
from trademl.constructs.azure.storage import SecureStorage, SecureStorageProps
from trademl.constructs.azure.workspace import ML_API
from trademl.constructs.context import BuildContext
from trademl.model import DeskSpec
from trademl.model.naming import compact_name

DESK_CONTAINERS = ("features", "models", "results")
DATASTORE_TYPE = f"Microsoft.MachineLearningServices/workspaces/datastores@{ML_API}"
BLOB_DATA = "Storage Blob Data Contributor"


@dataclass(frozen=True, kw_only=True, slots=True)
class AzureDeskProps:
    ctx: BuildContext
    desk: DeskSpec
    key: KeyRef
    key_user: KeyUser
    network: NetworkRef | None = None
    """Where the account's private blob endpoint goes (the foundation network)."""
    zones: Mapping[str, str] | None = None
    """The foundation's private DNS zones, reused (see PrivateLinksProps.shared_zones)."""
    platform: AzurePlatform | None = None
    """Log Analytics, ML workspace and AKS compute the desk plugs into."""
    workload_principal_id: str | None = None
    """The desk's workload identity (workloads layer): granted blob data access to the desk account."""


class AzureDesk(Construct):
    """Subclass this in constructs/desks/ (as `AzureDesk`) and override a `_create_*` hook."""

    def __init__(self, scope: Construct, id: str, props: AzureDeskProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.group = self._create_group()
        self.store = self._create_store()
        for name in self._containers():
            self.store.add_container(name)
        if props.network is not None:
            links = PrivateLinks(
                self,
                "PrivateLinks",
                PrivateLinksProps(
                    ctx=props.ctx, group=self.group, network=props.network, shared_zones=props.zones
                ),
            )
            links.connect(f"{props.desk.name}-blob", self.store.account_id, "blob")
        if props.workload_principal_id is not None:
            self._grant("Workload", props.workload_principal_id)
        self.datastore: Resource | None = None
        self.endpoint: OnlineEndpoint | None = None
        if props.platform is not None:
            law = props.platform.observability.workspace.id
            # Blob read/write/delete logs (shared keys are off, so Storage Insights cannot be used).
            send_diagnostics(self, "blob", f"{self.store.account_id}/blobServices/default", law)
            send_diagnostics(self, "account", self.store.account_id, law, logs=False)
            self._grant("Workspace", props.platform.ml.workspace.identity.principal_id)
            self.datastore = self._create_datastore()
            self.endpoint = self._create_endpoint()

    def _grant(self, id: str, principal_id: str) -> RoleAssignment:
        return RoleAssignment(
            self,
            f"BlobData-{id}",
            scope=self.store.account_id,
            role_definition_name=BLOB_DATA,
            principal_id=principal_id,
            principal_type="ServicePrincipal",
        )

    def _create_group(self) -> ResourceGroup:
        """Extension point: the desk's resource group (RBAC for the desk is granted at this scope)."""
        return layer_group(self, self.props.ctx, f"desk-{self.props.desk.name}")

    def _create_store(self) -> SecureStorage:
        """Extension point: the desk's private account for features, models and results. A separate
        account (not a container in the shared one) gives the desk its own RBAC, network and lifecycle."""
        ctx, desk = self.props.ctx, self.props.desk
        return SecureStorage(
            self,
            "Store",
            SecureStorageProps(
                ctx=ctx,
                group=self.group,
                key=self.props.key,
                key_user=self.props.key_user,
                name=compact_name(
                    ctx.profile.name,
                    ctx.profile.environment,
                    desk.name,
                    salt=ctx.profile.azure().subscription_id,
                ),
            ),
        )

    def _containers(self) -> tuple[str, ...]:
        """Extension point: the containers in the desk's account."""
        return DESK_CONTAINERS

    def _create_datastore(self) -> Resource:
        """Extension point: the desk account's `features` container as datastore `<desk>` (azapi: the
        azurerm blob datastore needs an account key or SAS; this one uses the workspace identity)."""
        assert self.props.platform is not None
        ctx, desk = self.props.ctx, self.props.desk
        azure = ctx.profile.azure()
        return Resource(
            self,
            "Datastore",
            type=DATASTORE_TYPE,
            name=desk.name.replace("-", "_"),
            parent_id=self.props.platform.ml.workspace_id,
            body={
                "properties": {
                    "datastoreType": "AzureBlob",
                    "description": f"desk {desk.name}: features, models, results",
                    "accountName": self.store.name,
                    "containerName": DESK_CONTAINERS[0],
                    "endpoint": "core.windows.net",
                    "protocol": "https",
                    "subscriptionId": azure.subscription_id,
                    "resourceGroup": self.group.name,
                    "serviceDataAccessAuthIdentity": "WorkspaceSystemAssignedIdentity",
                    "credentials": {"credentialsType": "None"},
                }
            },
        )

    def _create_endpoint(self) -> OnlineEndpoint:
        """Extension point: the desk's own online endpoint on the shared AKS compute (blue/green and the
        canary split like the platform's), reusing the platform's runtime environment."""
        platform = self.props.platform
        assert platform is not None
        ctx, desk = self.props.ctx, self.props.desk
        return OnlineEndpoint(
            self,
            "Serving",
            OnlineEndpointProps(
                ctx=ctx,
                ml=platform.ml,
                compute_id=platform.cluster.compute.id,
                name=ctx.name(desk.name, max_len=32),
                location=ctx.profile.azure().region,
                min_replicas=desk.serving_min_replicas,
                environment_id=platform.endpoint.environment_id,
                model=f"azureml:{desk.name}-model@latest",
            ),
        )
