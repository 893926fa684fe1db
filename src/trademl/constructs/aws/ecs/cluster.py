"""The ECS cluster: Container Insights (enhanced), Fargate and Fargate Spot, and an EC2 GPU capacity
provider when serving needs a GPU (Fargate offers none)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_aws.ecs_cluster import EcsCluster, EcsClusterSetting
from cdktn_provider_aws.ecs_cluster_capacity_providers import (
    EcsClusterCapacityProviders,
    EcsClusterCapacityProvidersDefaultCapacityProviderStrategy,
)
from constructs import Construct

from trademl.constructs.aws.ecs.gpu_capacity import GpuCapacity, GpuCapacityProps
from trademl.constructs.aws.ecs.placement import Placement
from trademl.constructs.aws.network import NetworkRef
from trademl.model import GpuClass


def cluster_name(placement: Placement) -> str:
    """Fixed, so the GPU instances' user data and later layers can name the cluster before it exists."""
    return placement.ctx.name("ecs", "dr" if placement.secondary else "")


@dataclass(frozen=True, kw_only=True, slots=True)
class EcsPlatformClusterProps:
    placement: Placement
    network: NetworkRef
    gpu: GpuClass | None = None
    """GPU class of the EC2 capacity provider. Default: serving.gpu (none: Fargate only)."""


class EcsPlatformCluster(Construct):
    def __init__(self, scope: Construct, id: str, props: EcsPlatformClusterProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.placement = p = props.placement
        self.name = cluster_name(p)
        self.cluster = self._create_cluster()
        self.arn: str = self.cluster.arn
        gpu = props.gpu if props.gpu is not None else p.ctx.profile.serving.gpu
        self.gpu: GpuCapacity | None = None
        providers = ["FARGATE", "FARGATE_SPOT"]
        if gpu is not GpuClass.NONE:
            self.gpu = GpuCapacity(
                self,
                "Gpu",
                GpuCapacityProps(placement=p, network=props.network, gpu=gpu, cluster_name=self.name),
            )
            providers.append(self.gpu.provider.name)
        self.capacity_providers = EcsClusterCapacityProviders(
            self,
            "CapacityProviders",
            cluster_name=self.cluster.name,
            capacity_providers=providers,
            region=p.region,
            default_capacity_provider_strategy=[
                EcsClusterCapacityProvidersDefaultCapacityProviderStrategy(
                    capacity_provider="FARGATE", base=1, weight=1
                )
            ],
        )

    def _create_cluster(self) -> EcsCluster:
        """Extension point: the cluster. Enhanced Container Insights gives per-task and per-container metrics."""
        return EcsCluster(
            self,
            "Cluster",
            name=self.name,
            region=self.placement.region,
            setting=[EcsClusterSetting(name="containerInsights", value="enhanced")],
        )
