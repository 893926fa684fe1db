"""Target aws-ecs: ECS Fargate + SageMaker, the resilient-by-design flavour (seed 001's AWS column).

platform: VPC endpoints, the ECS cluster (Container Insights enhanced), the inference service (rolling +
circuit breaker, Fargate + Fargate Spot or EC2 GPU), the operations UI (ECS native blue/green behind
CloudFront), SageMaker pipelines and registry, Step Functions + EventBridge Scheduler, monitoring.
desk-<name>: the desk's store (shared desk layer), its inference service, task roles and pipeline.
failover: the secondary region's network, cluster and inference service, the models replica, and the
Route 53 / Global Accelerator failover from the shared failover_dns construct.
"""

from __future__ import annotations

from trademl.constructs.aws.access_logs import secondary_access_log_bucket
from trademl.constructs.aws.bucket import BucketRef
from trademl.constructs.aws.ecs.alb_logs import elb_log_bucket
from trademl.constructs.aws.ecs.cluster import EcsPlatformCluster, EcsPlatformClusterProps
from trademl.constructs.aws.ecs.endpoints import InterfaceEndpoints, InterfaceEndpointsProps
from trademl.constructs.aws.ecs.images import PublicImageCache, PublicImageCacheProps, mirrored
from trademl.constructs.aws.ecs.inference import Inference, InferenceProps
from trademl.constructs.aws.ecs.monitoring import EcsMonitoring, EcsMonitoringProps
from trademl.constructs.aws.ecs.ops_ui import OpsUi, OpsUiProps
from trademl.constructs.aws.ecs.placement import Placement
from trademl.constructs.aws.ecs.spot import SpotInterruptions, SpotInterruptionsProps
from trademl.constructs.aws.failover_dns import FailoverDns, FailoverDnsProps, RegionalEndpoint
from trademl.constructs.aws.identity import grant_bucket_read, grant_key
from trademl.constructs.aws.log_archive import WorkloadLogArchive, WorkloadLogArchiveProps
from trademl.constructs.aws.network import PrivateNetwork, PrivateNetworkProps
from trademl.constructs.aws.replication import StoreReplica, StoreReplicaProps
from trademl.constructs.aws.sagemaker.drift import DriftRetraining, DriftRetrainingProps
from trademl.constructs.aws.sagemaker.orchestration import Retraining, RetrainingProps
from trademl.constructs.aws.sagemaker.training import TrainingPipeline, TrainingPipelineProps
from trademl.model import DeskSpec, TargetName
from trademl.targets.aws import AwsTargetBuilder, SharedPlatform
from trademl.targets.base import LayerStack


class AwsEcsTarget(AwsTargetBuilder):
    target = TargetName.AWS_ECS
    shared: SharedPlatform
    cluster: EcsPlatformCluster
    inference: Inference

    def build_platform(self, stack: LayerStack) -> None:
        ctx, foundation, serving = self.ctx, self.foundation, self.profile.serving
        primary = Placement(ctx=ctx)
        self.shared = self.build_shared_platform(stack)
        self.endpoints = InterfaceEndpoints(
            stack, "Endpoints", InterfaceEndpointsProps(placement=primary, network=foundation.network)
        )
        self.public_images = PublicImageCache(stack, "PublicImages", PublicImageCacheProps(placement=primary))
        self.cluster = EcsPlatformCluster(
            stack, "Cluster", EcsPlatformClusterProps(placement=primary, network=foundation.network)
        )
        registry = self.shared.registry
        self.inference = Inference(
            stack,
            "Inference",
            InferenceProps(
                placement=primary,
                cluster=self.cluster,
                network=foundation.network,
                key=foundation.key,
                public_images=self.public_images,
                image=mirrored(primary, registry.namespace, "runtime", serving.image),
                access_logs=elb_log_bucket(foundation.access_logs),
            ),
        )
        registry.grant_pull(self.inference.task.execution_role)
        models = foundation.stores.get("models")
        if models is not None:
            grant_bucket_read(self.inference.task.task_role, models, foundation.key, prefix="serving/")
        self.ops_ui = OpsUi(
            stack,
            "OpsUi",
            OpsUiProps(
                placement=primary,
                cluster=self.cluster,
                network=foundation.network,
                key=foundation.key,
                public_images=self.public_images,
                alerts=self.shared.alerts,
                image=mirrored(primary, registry.namespace, "ops-ui", serving.ops_ui_image),
                access_logs=elb_log_bucket(foundation.access_logs),
            ),
        )
        registry.grant_pull(self.ops_ui.task.execution_role)
        WorkloadLogArchive(
            stack,
            "WorkloadLogArchive",
            WorkloadLogArchiveProps(
                ctx=ctx,
                trail=self.audit_trail,
                log_groups={
                    "inference": self.inference.task.log_group.name,
                    "ops-ui": self.ops_ui.task.log_group.name,
                },
            ),
        )
        self.training = TrainingPipeline(
            stack,
            "Training",
            TrainingPipelineProps(
                ctx=ctx,
                name="platform",
                key=foundation.key,
                network=foundation.network,
                registry=registry,
                image=mirrored(primary, registry.namespace, "training", serving.image),
                data=self._store("data"),
                models=self._store("models"),
            ),
        )
        self.retraining = Retraining(
            stack,
            "Retraining",
            RetrainingProps(
                ctx=ctx,
                key=foundation.key,
                name="platform",
                pipeline=self.training,
                service=self.inference.service,
                alerts=self.shared.alerts,
            ),
        )
        if ctx.profile.training.drift_retraining:
            drift = DriftRetraining(
                stack,
                "DriftRetraining",
                DriftRetrainingProps(
                    ctx=ctx, alerts=self.shared.alerts, retraining=self.retraining, model="platform"
                ),
            )
            drift.grant_publish(self.inference.task.task_role)
        self.monitoring = EcsMonitoring(
            stack,
            "Monitoring",
            EcsMonitoringProps(
                ctx=ctx,
                key=foundation.key,
                network=foundation.network,
                inference=self.inference,
                alerts=self.shared.alerts,
            ),
        )
        self.monitoring.grant_remote_write(self.inference.task.task_role)
        SpotInterruptions(
            stack,
            "SpotInterruptions",
            SpotInterruptionsProps(ctx=ctx, cluster=self.cluster, alerts=self.shared.alerts),
        )

    def _store(self, name: str) -> BucketRef:
        """An artifact store by name; profiles that rename the stores fall back to the first one."""
        stores = self.foundation.stores
        return stores.get(name) or next(iter(stores.values()))

    def build_desk(self, stack: LayerStack, desk: DeskSpec) -> None:
        super().build_desk(stack, desk)
        ctx, foundation, serving = self.ctx, self.foundation, self.profile.serving
        primary, registry = Placement(ctx=ctx), self.shared.registry
        # The desk's own inference service on the platform cluster, behind its own internal ALB.
        inference = Inference(
            stack,
            "Inference",
            InferenceProps(
                placement=primary,
                cluster=self.cluster,
                network=foundation.network,
                key=foundation.key,
                public_images=self.public_images,
                name=f"{desk.name}-serving",
                min_replicas=desk.serving_min_replicas,
                image=mirrored(primary, registry.namespace, "runtime", serving.image),
                access_logs=elb_log_bucket(foundation.access_logs),
            ),
        )
        registry.grant_pull(inference.task.execution_role)
        WorkloadLogArchive(
            stack,
            "WorkloadLogArchive",
            WorkloadLogArchiveProps(
                ctx=ctx, trail=self.audit_trail, log_groups={"inference": inference.task.log_group.name}
            ),
        )
        # Task role: the desk's own store and the key, nothing else.
        grant_bucket_read(inference.task.task_role, self.desk.store, foundation.key)
        training = TrainingPipeline(
            stack,
            "Training",
            TrainingPipelineProps(
                ctx=ctx,
                name=desk.name,
                key=foundation.key,
                network=foundation.network,
                registry=registry,
                image=mirrored(primary, registry.namespace, "training", serving.image),
                data=self.desk.store,
                models=self.desk.store,
                gpu=self.profile.desk_gpu(desk),
            ),
        )
        Retraining(
            stack,
            "Retraining",
            RetrainingProps(
                ctx=ctx,
                key=foundation.key,
                name=desk.name,
                pipeline=training,
                service=inference.service,
                alerts=self.shared.alerts,
                schedules=desk.schedules,
            ),
        )

    def build_failover(self, stack: LayerStack) -> None:
        ctx, foundation, serving = self.ctx, self.foundation, self.profile.serving
        spec = self.profile.aws(self.target)
        key = foundation.secondary_key
        assert key is not None and spec.secondary_region is not None
        secondary = Placement(ctx=ctx, secondary=True)
        network = PrivateNetwork(
            stack,
            "Network",
            PrivateNetworkProps(ctx=ctx, key=key, secondary=True, region=spec.secondary_region),
        )
        InterfaceEndpoints(stack, "Endpoints", InterfaceEndpointsProps(placement=secondary, network=network))
        public_images = PublicImageCache(stack, "PublicImages", PublicImageCacheProps(placement=secondary))
        cluster = EcsPlatformCluster(
            stack, "Cluster", EcsPlatformClusterProps(placement=secondary, network=network)
        )
        access_logs = secondary_access_log_bucket(stack, ctx)
        # Images come from the ECR replicas the shared registry keeps in this region.
        inference = Inference(
            stack,
            "Inference",
            InferenceProps(
                placement=secondary,
                cluster=cluster,
                network=network,
                key=key,
                public_images=public_images,
                image=mirrored(secondary, self.shared.registry.namespace, "runtime", serving.image),
                access_logs=access_logs,
            ),
        )
        inference.task.execution_role.add_statement(
            {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
        )
        inference.task.execution_role.add_statement(
            {
                "Effect": "Allow",
                "Action": [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                ],
                "Resource": f"arn:aws:ecr:{spec.secondary_region}:{spec.account_id}:repository/"
                f"{self.shared.registry.namespace}/*",
            }
        )
        grant_key(inference.task.execution_role, key, write=False)  # replicas are encrypted with this key
        models = foundation.stores.get("models")
        if models is not None:
            replica = StoreReplica(
                stack,
                "ModelsReplica",
                StoreReplicaProps(
                    ctx=ctx,
                    source=models,
                    source_key=foundation.key,
                    replica_key=key,
                    store="models",
                    access_logs=access_logs,
                ),
            )
            grant_bucket_read(inference.task.task_role, replica.replica, key, prefix="serving/")
        FailoverDns(
            stack,
            "FailoverDns",
            FailoverDnsProps(
                ctx=ctx,
                primary=RegionalEndpoint(balancer=self.inference.balancer, vpc_id=foundation.network.vpc_id),
                secondary=RegionalEndpoint(balancer=inference.balancer, vpc_id=network.vpc_id),
            ),
        )
