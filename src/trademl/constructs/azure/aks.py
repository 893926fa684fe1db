"""Inference cluster: private AKS with Entra RBAC and workload identity, a spot GPU pool with an
on-demand fallback and an inference pool, attached to Azure ML through its Kubernetes extension."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_azapi.resource import Resource, ResourceIdentity
from cdktn_provider_azurerm.disk_encryption_set import DiskEncryptionSet, DiskEncryptionSetIdentity
from cdktn_provider_azurerm.kubernetes_cluster import (
    KubernetesCluster,
    KubernetesClusterAzureActiveDirectoryRoleBasedAccessControl,
    KubernetesClusterDefaultNodePool,
    KubernetesClusterDefaultNodePoolUpgradeSettings,
    KubernetesClusterIdentity,
    KubernetesClusterKeyVaultSecretsProvider,
    KubernetesClusterMicrosoftDefender,
    KubernetesClusterMonitorMetrics,
    KubernetesClusterNetworkProfile,
    KubernetesClusterNodeProvisioningProfile,
    KubernetesClusterOmsAgent,
)
from cdktn_provider_azurerm.kubernetes_cluster_extension import KubernetesClusterExtension
from cdktn_provider_azurerm.kubernetes_cluster_node_pool import KubernetesClusterNodePool
from cdktn_provider_azurerm.resource_group import ResourceGroup
from cdktn_provider_azurerm.role_assignment import RoleAssignment
from cdktn_provider_azurerm.user_assigned_identity import UserAssignedIdentity
from constructs import Construct

from trademl.constructs.azure.cluster import AdoptedCluster, ClusterRef, CreatedCluster
from trademl.constructs.azure.foundation import AzureFoundation
from trademl.constructs.azure.network import NetworkRef
from trademl.constructs.azure.observability import Observability
from trademl.constructs.azure.workspace import COMPUTE_TYPE, MlWorkspace
from trademl.constructs.context import BuildContext
from trademl.model.gpu import GpuClass, azure_vm_size

ZONES = ["1", "2", "3"]
GPU_TAINT = "nvidia.com/gpu=present:NoSchedule"
ML_NAMESPACE = "azureml"
MAX_PODS = 110  # overlay pods do not consume VNet addresses; 110 leaves room for daemonsets per node
SYSTEM_VM = "Standard_D4ds_v5"  # has a local temp disk, which ephemeral OS disks need
KUBERNETES_COMPUTE = "aks-inference"


@dataclass(frozen=True, kw_only=True, slots=True)
class InferenceClusterProps:
    ctx: BuildContext
    group: ResourceGroup
    foundation: AzureFoundation
    observability: Observability
    ml: MlWorkspace
    secondary: bool = False
    network: NetworkRef | None = None
    """The network the nodes join. Default: the foundation's (the secondary region passes its own)."""


class InferenceCluster(Construct):
    def __init__(self, scope: Construct, id: str, props: InferenceClusterProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx, f = props.ctx, props.foundation
        self.network = props.network or f.network
        adopted = None if props.secondary else ctx.profile.azure().adopt.cluster
        # The one place that knows mine vs adopted; everything below wires to the reference.
        self.cluster: ClusterRef = (
            AdoptedCluster(self, "AdoptedCluster", adopted) if adopted else self._create_cluster()
        )
        RoleAssignment(
            self,
            "KubeletAcrPull",
            scope=props.ml.registry_id,
            role_definition_name="AcrPull",
            principal_id=self.cluster.kubelet_object_id,
            principal_type="ServicePrincipal",
        )
        self.pools = self._create_pools()
        self.extension = KubernetesClusterExtension(
            self,
            "AzureMlExtension",
            name="azureml",
            cluster_id=self.cluster.id,
            extension_type="Microsoft.AzureML.Kubernetes",
            release_train="stable",
            release_namespace=ML_NAMESPACE,
            configuration_settings={
                "enableInference": "True",
                "enableTraining": "False",
                "inferenceRouterHA": "True",
                "inferenceRouterServiceType": "LoadBalancer",
                "internalLoadBalancerProvider": "azure",
                "allowInsecureConnections": "False",
                "clusterPurpose": "FastProd" if ctx.profile.is_prod else "DevTest",
            },
        )
        self.compute = self._attach()

    def _create_disk_encryption(self) -> DiskEncryptionSet:
        """Extension point: node OS and data disks encrypted with the foundation key (versionless, so
        the set follows rotation) through the key user identity."""
        ctx, group, f = self.props.ctx, self.props.group, self.props.foundation
        suffix = "secondary" if self.props.secondary else ""
        return DiskEncryptionSet(
            self,
            "DiskEncryption",
            name=ctx.name("des", "aks", suffix),
            location=group.location,
            resource_group_name=group.name,
            key_vault_key_id=f.key.versionless_id,
            auto_key_rotation_enabled=True,
            encryption_type="EncryptionAtRestWithPlatformAndCustomerKeys",
            identity=DiskEncryptionSetIdentity(type="UserAssigned", identity_ids=[f.key_user.identity_id]),
            tags=ctx.tags,
        )

    def _create_cluster(self) -> ClusterRef:
        """Extension point: the cluster, its control-plane identity and its disk encryption set."""
        props = self.props
        ctx = props.ctx
        suffix = "secondary" if props.secondary else ""
        self.identity = UserAssignedIdentity(
            self,
            "ControlPlaneIdentity",
            name=ctx.name("id", "aks", suffix),
            location=props.group.location,
            resource_group_name=props.group.name,
            tags=ctx.tags,
        )
        # A private cluster in a custom subnet: its identity must manage that subnet before creation.
        self.subnet_access = RoleAssignment(
            self,
            "SubnetNetworkContributor",
            scope=self.network.subnet_ids["aks"],
            role_definition_name="Network Contributor",
            principal_id=self.identity.principal_id,
            principal_type="ServicePrincipal",
        )
        self.disk_encryption = self._create_disk_encryption()
        # The cluster identity reads the disk encryption set to encrypt node disks with it.
        self.disk_encryption_access = RoleAssignment(
            self,
            "DiskEncryptionSetReader",
            scope=self.disk_encryption.id,
            role_definition_name="Reader",
            principal_id=self.identity.principal_id,
            principal_type="ServicePrincipal",
        )
        return CreatedCluster(self._create_kubernetes_cluster())

    def _create_kubernetes_cluster(self) -> KubernetesCluster:
        """Extension point: the cluster resource itself."""
        ctx, group, obs = self.props.ctx, self.props.group, self.props.observability
        net = ctx.profile.azure().network
        service = net.service_range(self.props.secondary)
        suffix = "secondary" if self.props.secondary else ""
        return KubernetesCluster(
            self,
            "Cluster",
            name=ctx.name("aks", suffix),
            location=group.location,
            resource_group_name=group.name,
            dns_prefix_private_cluster=ctx.name("aks", suffix, max_len=54),
            private_cluster_enabled=True,
            private_cluster_public_fqdn_enabled=False,
            sku_tier="Standard" if ctx.profile.is_prod else "Free",
            local_account_disabled=True,
            role_based_access_control_enabled=True,
            azure_active_directory_role_based_access_control=KubernetesClusterAzureActiveDirectoryRoleBasedAccessControl(
                azure_rbac_enabled=True, tenant_id=ctx.profile.azure().tenant_id
            ),
            oidc_issuer_enabled=True,
            workload_identity_enabled=ctx.profile.security.workload_identity,
            azure_policy_enabled=True,
            image_cleaner_enabled=True,
            image_cleaner_interval_hours=48,
            automatic_upgrade_channel="patch",
            node_os_upgrade_channel="NodeImage",
            identity=KubernetesClusterIdentity(type="UserAssigned", identity_ids=[self.identity.id]),
            node_provisioning_profile=KubernetesClusterNodeProvisioningProfile(mode="Manual"),
            disk_encryption_set_id=self.disk_encryption.id,
            key_vault_secrets_provider=KubernetesClusterKeyVaultSecretsProvider(
                secret_rotation_enabled=True, secret_rotation_interval="2m"
            ),
            default_node_pool=KubernetesClusterDefaultNodePool(
                name="system",
                vm_size=SYSTEM_VM,
                zones=ZONES,
                os_disk_type="Ephemeral",
                os_disk_size_gb=128,
                host_encryption_enabled=True,
                max_pods=MAX_PODS,
                auto_scaling_enabled=True,
                min_count=3,
                max_count=6,
                only_critical_addons_enabled=True,
                vnet_subnet_id=self.network.subnet_ids["aks"],
                node_public_ip_enabled=False,
                os_sku="AzureLinux",
                temporary_name_for_rotation="systemtmp",
                upgrade_settings=KubernetesClusterDefaultNodePoolUpgradeSettings(max_surge="33%"),
            ),
            network_profile=KubernetesClusterNetworkProfile(
                network_plugin="azure",
                network_plugin_mode="overlay",
                network_data_plane="cilium",
                network_policy="cilium",
                pod_cidr=str(net.pod_range(self.props.secondary)),
                service_cidr=str(service),
                dns_service_ip=str(service[10]),
                outbound_type="loadBalancer",
                load_balancer_sku="standard",
            ),
            oms_agent=KubernetesClusterOmsAgent(
                log_analytics_workspace_id=obs.workspace.id, msi_auth_for_monitoring_enabled=True
            ),
            microsoft_defender=KubernetesClusterMicrosoftDefender(log_analytics_workspace_id=obs.workspace.id)
            if ctx.profile.security.threat_detection
            else None,
            monitor_metrics=KubernetesClusterMonitorMetrics(),
            depends_on=[self.subnet_access, self.disk_encryption_access],
            tags=ctx.tags,
        )

    def _create_pools(self) -> dict[str, KubernetesClusterNodePool]:
        """Extension point: user node pools (VM scale sets across zones 1-3, autoscaled; AKS repairs
        unhealthy nodes itself). GPU: spot when training.spot_share > 0, on-demand fallback alongside."""
        ctx = self.props.ctx
        t, s = ctx.profile.training, ctx.profile.serving
        pools: dict[str, KubernetesClusterNodePool] = {}
        gpu_size = azure_vm_size(t.gpu)
        if t.gpu is not GpuClass.NONE:
            if t.spot_share > 0:
                pools["gpuspot"] = self._pool("gpuspot", gpu_size, 0, t.max_nodes, spot=True, gpu=True)
            if t.on_demand_fallback or t.spot_share == 0:
                pools["gpu"] = self._pool("gpu", gpu_size, 0, t.max_nodes, spot=False, gpu=True)
        pools["inference"] = self._pool(
            "inference",
            azure_vm_size(s.gpu),
            s.min_replicas,
            s.max_replicas,
            spot=False,
            gpu=s.gpu is not GpuClass.NONE,
        )
        return pools

    def _pool(
        self, name: str, size: str, low: int, high: int, *, spot: bool, gpu: bool
    ) -> KubernetesClusterNodePool:
        return KubernetesClusterNodePool(
            self,
            f"Pool-{name}",
            name=name,
            kubernetes_cluster_id=self.cluster.id,
            vm_size=size,
            mode="User",
            zones=ZONES,
            auto_scaling_enabled=True,
            min_count=low,
            max_count=high,
            os_sku="AzureLinux",
            host_encryption_enabled=True,
            max_pods=MAX_PODS,
            vnet_subnet_id=self.network.subnet_ids["aks"],
            node_public_ip_enabled=False,
            priority="Spot" if spot else "Regular",
            eviction_policy="Delete" if spot else None,
            spot_max_price=-1 if spot else None,
            gpu_driver="Install" if gpu else None,
            node_taints=[GPU_TAINT] if gpu else None,
            node_labels={"trademl/capacity": "spot" if spot else "on-demand"},
            tags=self.props.ctx.tags,
        )

    def _attach(self) -> Resource:
        """Extension point: attach the cluster to Azure ML as Kubernetes compute (v2 online endpoints;
        never the legacy v1 inference cluster)."""
        name = KUBERNETES_COMPUTE + ("-secondary" if self.props.secondary else "")
        return Resource(
            self,
            "MlCompute",
            type=COMPUTE_TYPE,
            name=name[:24],
            parent_id=self.props.ml.workspace_id,
            location=self.props.group.location,
            identity=[ResourceIdentity(type="SystemAssigned")],
            body={
                "properties": {
                    "computeType": "Kubernetes",
                    "resourceId": self.cluster.id,
                    "disableLocalAuth": True,
                    "properties": {"namespace": ML_NAMESPACE, "defaultInstanceType": "defaultinstancetype"},
                }
            },
            depends_on=[self.extension],
        )
