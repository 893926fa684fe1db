"""The inference endpoint on ECS: an internal ALB (the shared ServingLoadBalancer, health-checked on
serving.health_path) in front of a rolling, circuit-broken service on Fargate + Fargate Spot, or on the
cluster's EC2 GPU capacity provider when serving.gpu is set (Fargate has no GPUs)."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from trademl.constructs.aws.bucket import BucketRef
from trademl.constructs.aws.ecs.alb_logs import log_access
from trademl.constructs.aws.ecs.cluster import EcsPlatformCluster
from trademl.constructs.aws.ecs.images import PublicImageCache
from trademl.constructs.aws.ecs.placement import Placement
from trademl.constructs.aws.ecs.service import BalancedService, BalancedServiceProps, Capacity, Deployment
from trademl.constructs.aws.ecs.task import ContainerSpec, HardenedTask, HardenedTaskProps
from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.aws.load_balancer import ServingLoadBalancer, ServingLoadBalancerProps
from trademl.constructs.aws.network import NetworkRef


@dataclass(frozen=True, kw_only=True, slots=True)
class InferenceProps:
    placement: Placement
    cluster: EcsPlatformCluster
    network: NetworkRef
    key: KeyRef
    public_images: PublicImageCache
    image: str
    """Resolved image reference (an ECR mirror)."""
    name: str = "serving"
    min_replicas: int | None = None
    """Default: serving.min_replicas."""
    cpu: int = 2048
    memory: int = 4096
    access_logs: BucketRef | None = None
    """Bucket for the ALB's access logs (one that admits ELB delivery, see alb_logs). Default: none."""


class Inference(Construct):
    def __init__(self, scope: Construct, id: str, props: InferenceProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        serving, training = p.ctx.profile.serving, p.ctx.profile.training
        gpu = props.cluster.gpu
        self.balancer = ServingLoadBalancer(
            self,
            "Balancer",
            ServingLoadBalancerProps(
                ctx=p.ctx, network=props.network, name=props.name, secondary=p.secondary
            ),
        )
        log_access(self.balancer.lb, props.access_logs, p.ctx.name(props.name))
        self.task = HardenedTask(
            self,
            "Task",
            HardenedTaskProps(
                placement=p,
                name=props.name,
                key=props.key,
                public_images=props.public_images,
                fargate=gpu is None,
                container=ContainerSpec(
                    image=props.image,
                    port=serving.port,
                    health_path=serving.health_path,
                    cpu=props.cpu,
                    memory=props.memory,
                    gpus=1 if gpu is not None else 0,
                ),
            ),
        )
        min_count = props.min_replicas or serving.min_replicas
        self.service = BalancedService(
            self,
            "Service",
            BalancedServiceProps(
                placement=p,
                name=props.name,
                cluster=props.cluster,
                network=props.network,
                task=self.task,
                target_group_arn=self.balancer.target_group.arn,
                balancer_security_group_id=self.balancer.security_group.id,
                port=serving.port,
                # The floor (min_replicas) always runs on on-demand Fargate; scale-out follows the spot share.
                capacity=Capacity(
                    on_demand_base=min_count,
                    spot_percent=training.spot_percent,
                    gpu_provider=gpu.provider.name if gpu is not None else None,
                ),
                min_count=min_count,
                max_count=max(serving.max_replicas, min_count),
                target_utilization=serving.target_utilization,
                deployment=Deployment.ROLLING,
            ),
        )
        self.service.service.node.add_dependency(self.balancer.listener)
