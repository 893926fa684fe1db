"""A regional GKE cluster (nodes in every zone of the region) on the private subnet: private nodes and, with
security.private_networking, a private control-plane endpoint; Workload Identity, Dataplane V2 (network
policy built in), shielded nodes with secure boot, secrets encrypted with CMEK, and node pools for system,
serving and Spot + on-demand GPU training, all auto-repaired and auto-upgraded."""

from __future__ import annotations

import math
from dataclasses import dataclass

from cdktn_provider_google.artifact_registry_repository import ArtifactRegistryRepository
from cdktn_provider_google.artifact_registry_repository_iam_member import ArtifactRegistryRepositoryIamMember
from cdktn_provider_google.container_cluster import (
    ContainerCluster,
    ContainerClusterBinaryAuthorization,
    ContainerClusterDatabaseEncryption,
    ContainerClusterIpAllocationPolicy,
    ContainerClusterMasterAuth,
    ContainerClusterMasterAuthClientCertificateConfig,
    ContainerClusterMasterAuthorizedNetworksConfig,
    ContainerClusterMasterAuthorizedNetworksConfigCidrBlocks,
    ContainerClusterMonitoringConfig,
    ContainerClusterMonitoringConfigManagedPrometheus,
    ContainerClusterNodeConfig,
    ContainerClusterNodeConfigShieldedInstanceConfig,
    ContainerClusterNodeConfigWorkloadMetadataConfig,
    ContainerClusterPrivateClusterConfig,
    ContainerClusterPrivateClusterConfigMasterGlobalAccessConfig,
)
from cdktn_provider_google.container_node_pool import (
    ContainerNodePool,
    ContainerNodePoolAutoscaling,
    ContainerNodePoolManagement,
    ContainerNodePoolNodeConfig,
    ContainerNodePoolNodeConfigGuestAccelerator,
    ContainerNodePoolNodeConfigGuestAcceleratorGpuDriverInstallationConfig,
    ContainerNodePoolNodeConfigShieldedInstanceConfig,
    ContainerNodePoolNodeConfigTaint,
    ContainerNodePoolNodeConfigWorkloadMetadataConfig,
)
from constructs import Construct

from trademl.constructs.context import BuildContext
from trademl.model import GpuClass
from trademl.model.gpu import gcp_machine

from .cluster import AdoptedCluster, ClusterRef, CreatedCluster
from .common import label_safe
from .identity import ServiceIdentity, ServiceIdentityProps
from .kms import KeyRef
from .network import NetworkRef

NODE_ROLES = (
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
    "roles/stackdriver.resourceMetadata.writer",
)  # image pulls: artifactregistry.reader on each repository (allow_pull), never project-wide
MASTER_RANGES = {False: "172.16.0.0/28", True: "172.16.0.16/28"}


@dataclass(frozen=True, kw_only=True, slots=True)
class PoolSpec:
    """One node pool: machine, capacity type and scale, per zone bounds derived from totals."""

    name: str
    gpu: GpuClass
    spot: bool
    min_nodes: int
    max_nodes: int
    taint: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class GkeClusterProps:
    ctx: BuildContext
    keys: dict[str, KeyRef]
    network: NetworkRef
    region: str
    secondary: bool = False
    pools: tuple[str, ...] | None = None
    """Names of the pools to create (see pool_specs). Default: all; the failover region serves only."""


def pool_specs(ctx: BuildContext) -> list[PoolSpec]:
    """System, serving, and training split into a Spot and an on-demand pool with the same taint: the
    scheduler places training on Spot first (cheaper) and the on-demand pool scales up when Spot is absent."""
    p = ctx.profile
    t, s = p.training, p.serving
    spot_max = max(1, math.ceil(t.max_nodes * t.spot_share)) if t.spot_share > 0 else 0
    on_demand_max = t.max_nodes if t.on_demand_fallback else t.max_nodes - spot_max
    pools = [
        PoolSpec(name="system", gpu=GpuClass.NONE, spot=False, min_nodes=1, max_nodes=3),
        PoolSpec(name="serving", gpu=s.gpu, spot=False, min_nodes=s.min_replicas, max_nodes=s.max_replicas),
    ]
    if spot_max:
        pools.append(
            PoolSpec(
                name="train-spot", gpu=t.gpu, spot=True, min_nodes=0, max_nodes=spot_max, taint="training"
            )
        )
    if on_demand_max > 0:
        pools.append(
            PoolSpec(
                name="train-ondemand",
                gpu=t.gpu,
                spot=False,
                min_nodes=0,
                max_nodes=on_demand_max,
                taint="training",
            )
        )
    return pools


class GkeCluster(Construct):
    def __init__(self, scope: Construct, id: str, props: GkeClusterProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        self.nodes = ServiceIdentity(
            self,
            "NodeIdentity",
            ServiceIdentityProps(
                ctx=ctx,
                name=f"gke-nodes{'-2' if props.secondary else ''}",
                description="GKE nodes (minimal roles)",
            ),
        )
        for role in NODE_ROLES:
            self.nodes.grant_project(role)
        adopted = None if props.secondary else ctx.profile.gcp().adopt.cluster
        # The one place that knows mine vs adopted; node pools and the workloads layer use the reference.
        self.cluster: ClusterRef = (
            AdoptedCluster(self, "AdoptedCluster", adopted)
            if adopted
            else CreatedCluster(self._create_cluster(), props.region)
        )
        self.pools = {
            spec.name: self._create_pool(spec)
            for spec in pool_specs(ctx)
            if props.pools is None or spec.name in props.pools
        }

    def allow_pull(
        self, id: str, repository: ArtifactRegistryRepository
    ) -> ArtifactRegistryRepositoryIamMember:
        """Let the nodes (kubelet pulls as the node service account) read images of one repository."""
        return ArtifactRegistryRepositoryIamMember(
            self,
            f"Pull-{id}",
            project=repository.project,
            location=repository.location,
            repository=repository.name,
            role="roles/artifactregistry.reader",
            member=self.nodes.member,
        )

    def _create_cluster(self) -> ContainerCluster:
        """Extension point: the cluster (its default pool is removed; pools are managed separately)."""
        ctx, net, p = self.props.ctx, self.props.network, self.props
        spec = ctx.profile.gcp()
        private = ctx.profile.security.private_networking
        subnet_range = str(next(spec.network.region_cidr(p.secondary).subnets(prefixlen_diff=1)))
        return ContainerCluster(
            self,
            "Cluster",
            name=ctx.name("gke", "secondary" if p.secondary else ""),
            location=p.region,
            network=net.network_id,
            subnetwork=net.subnet_id,
            networking_mode="VPC_NATIVE",
            remove_default_node_pool=True,
            initial_node_count=1,
            deletion_protection=ctx.profile.protect_stateful,
            ip_allocation_policy=ContainerClusterIpAllocationPolicy(
                cluster_secondary_range_name=net.pod_range_name,
                services_secondary_range_name=net.service_range_name,
            ),
            private_cluster_config=ContainerClusterPrivateClusterConfig(
                enable_private_nodes=True,
                enable_private_endpoint=private,
                master_ipv4_cidr_block=MASTER_RANGES[p.secondary],
                master_global_access_config=ContainerClusterPrivateClusterConfigMasterGlobalAccessConfig(
                    enabled=True
                ),
            ),
            master_authorized_networks_config=ContainerClusterMasterAuthorizedNetworksConfig(
                cidr_blocks=[
                    ContainerClusterMasterAuthorizedNetworksConfigCidrBlocks(
                        cidr_block=subnet_range, display_name="private-subnet"
                    )
                ],
                gcp_public_cidrs_access_enabled=False,
            ),
            workload_identity_config={"workload_pool": f"{spec.project_id}.svc.id.goog"},
            database_encryption=ContainerClusterDatabaseEncryption(
                state="ENCRYPTED", key_name=p.keys["compute"].id
            ),
            enable_shielded_nodes=True,
            enable_legacy_abac=False,
            enable_intranode_visibility=True,
            datapath_provider="ADVANCED_DATAPATH",
            release_channel={"channel": "STABLE" if ctx.profile.is_prod else "REGULAR"},
            binary_authorization=ContainerClusterBinaryAuthorization(
                evaluation_mode="PROJECT_SINGLETON_POLICY_ENFORCE"
            ),
            master_auth=ContainerClusterMasterAuth(
                client_certificate_config=ContainerClusterMasterAuthClientCertificateConfig(
                    issue_client_certificate=False
                )
            ),
            monitoring_config=ContainerClusterMonitoringConfig(
                enable_components=["SYSTEM_COMPONENTS", "APISERVER", "SCHEDULER", "CONTROLLER_MANAGER"],
                managed_prometheus=ContainerClusterMonitoringConfigManagedPrometheus(
                    enabled=ctx.profile.monitoring.metrics == "prometheus"
                ),
            ),
            logging_config={"enable_components": ["SYSTEM_COMPONENTS", "WORKLOADS"]},
            security_posture_config={"mode": "BASIC", "vulnerability_mode": "VULNERABILITY_BASIC"},
            resource_labels=label_safe(ctx.tags),
            # Only for the short-lived default pool (removed at creation): still metadata-server protected.
            node_config=ContainerClusterNodeConfig(
                service_account=self.nodes.email,
                workload_metadata_config=ContainerClusterNodeConfigWorkloadMetadataConfig(
                    mode="GKE_METADATA"
                ),
                shielded_instance_config=ContainerClusterNodeConfigShieldedInstanceConfig(
                    enable_secure_boot=True, enable_integrity_monitoring=True
                ),
            ),
        )

    def _create_pool(self, spec: PoolSpec) -> ContainerNodePool:
        """Extension point: one node pool, spread over every zone of the regional cluster."""
        ctx, p = self.props.ctx, self.props
        machine = gcp_machine(spec.gpu)
        zones = ctx.profile.gcp().network.zones
        labels = {"trademl/pool": spec.name, "trademl/capacity": "spot" if spec.spot else "on-demand"}
        return ContainerNodePool(
            self,
            f"Pool-{spec.name}",
            name=spec.name,
            cluster=self.cluster.id,
            location=self.cluster.location,
            project=self.cluster.project,
            autoscaling=ContainerNodePoolAutoscaling(
                total_min_node_count=spec.min_nodes,
                total_max_node_count=max(spec.max_nodes, zones),
                location_policy="ANY" if spec.spot else "BALANCED",
            ),
            initial_node_count=math.ceil(spec.min_nodes / zones) if spec.min_nodes else 0,
            management=ContainerNodePoolManagement(auto_repair=True, auto_upgrade=True),
            node_config=ContainerNodePoolNodeConfig(
                machine_type=machine.machine,
                spot=spec.spot,
                image_type="COS_CONTAINERD",
                disk_type="pd-balanced",
                disk_size_gb=100,
                boot_disk_kms_key=p.keys["compute"].id,
                service_account=self.nodes.email,
                oauth_scopes=["https://www.googleapis.com/auth/cloud-platform"],
                shielded_instance_config=ContainerNodePoolNodeConfigShieldedInstanceConfig(
                    enable_secure_boot=True, enable_integrity_monitoring=True
                ),
                workload_metadata_config=ContainerNodePoolNodeConfigWorkloadMetadataConfig(
                    mode="GKE_METADATA"
                ),
                metadata={"disable-legacy-endpoints": "true"},
                guest_accelerator=[
                    ContainerNodePoolNodeConfigGuestAccelerator(
                        type=machine.accelerator,
                        count=machine.count,
                        gpu_driver_installation_config=ContainerNodePoolNodeConfigGuestAcceleratorGpuDriverInstallationConfig(
                            gpu_driver_version="LATEST"
                        ),
                    )
                ]
                if machine.accelerator
                else None,
                taint=[
                    ContainerNodePoolNodeConfigTaint(
                        key="trademl/workload", value=spec.taint, effect="NO_SCHEDULE"
                    )
                ]
                if spec.taint
                else None,
                labels=labels,
                resource_labels=label_safe(ctx.tags),
            ),
        )
