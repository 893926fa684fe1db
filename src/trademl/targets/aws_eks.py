"""Target aws-eks: EKS + JupyterHub + Kubeflow + KServe + Argo CD (seed 000's AWS column).

platform: cluster, node pools, IRSA roles, ECR, CodeCommit, alerts, EventBridge, the internal ALB.
workloads: what runs in the cluster, through kubernetes/helm providers configured from the platform
stack's cluster (cross-stack references) with a token from data.aws_eks_cluster_auth.
failover: the secondary region's cluster, ALB and store replica, and the DNS failover between regions.
"""

from __future__ import annotations

from cdktn import Fn, Token
from cdktn_provider_aws.data_aws_eks_cluster_auth import DataAwsEksClusterAuth
from cdktn_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from cdktn_provider_helm.provider import HelmProvider, HelmProviderKubernetes
from cdktn_provider_kubernetes.provider import KubernetesProvider

from trademl.constructs.aws.access_logs import secondary_access_log_bucket
from trademl.constructs.aws.alerts import AlarmSpec
from trademl.constructs.aws.eks.adopted import AdoptedCluster, AdoptedClusterProps, ClusterRef
from trademl.constructs.aws.eks.cluster import PlatformCluster, PlatformClusterProps
from trademl.constructs.aws.eks.development import Development, DevelopmentProps
from trademl.constructs.aws.eks.irsa import IrsaRole, IrsaRoleProps
from trademl.constructs.aws.eks.namespaces import DESK_SERVICE_ACCOUNT, desk_namespace
from trademl.constructs.aws.eks.nodes import NodePools, NodePoolsProps
from trademl.constructs.aws.eks.retraining import RetrainingTriggers, RetrainingTriggersProps
from trademl.constructs.aws.eks.roles import PlatformRoles, PlatformRolesProps
from trademl.constructs.aws.eks.workloads import (
    ClusterInputs,
    ClusterWorkloads,
    ClusterWorkloadsProps,
    desk_role_name,
)
from trademl.constructs.aws.failover_dns import FailoverDns, FailoverDnsProps, RegionalEndpoint
from trademl.constructs.aws.identity import grant_bucket_write
from trademl.constructs.aws.load_balancer import ServingLoadBalancer, ServingLoadBalancerProps
from trademl.constructs.aws.log_archive import WorkloadLogArchive, WorkloadLogArchiveProps
from trademl.constructs.aws.logs import LogGroup, LogGroupProps
from trademl.constructs.aws.network import PrivateNetwork, PrivateNetworkProps
from trademl.constructs.aws.public_api import PublicApi, PublicApiProps
from trademl.constructs.aws.replication import StoreReplica, StoreReplicaProps
from trademl.model import DeskSpec, TargetName
from trademl.targets.aws import AwsTargetBuilder, SharedPlatform
from trademl.targets.base import LayerStack


def image_ref(image: str) -> str:
    """The tag (':1.0.0') or digest ('@sha256:...') of a pinned image reference."""
    if "@" in image:
        return "@" + image.split("@", 1)[1]
    return ":" + image.rsplit(":", 1)[1]


class AwsEksTarget(AwsTargetBuilder):
    target = TargetName.AWS_EKS
    cluster: ClusterRef
    shared: SharedPlatform
    balancer: ServingLoadBalancer

    def build_platform(self, stack: LayerStack) -> None:
        ctx, foundation = self.ctx, self.foundation
        self.shared = self.build_shared_platform(stack)
        # The one place that knows mine vs adopted: everything below wires to the ClusterRef.
        adopted = self.profile.aws(self.target).adopt.cluster
        self.cluster = (
            AdoptedCluster(stack, "AdoptedCluster", AdoptedClusterProps(ctx=ctx, arn=adopted))
            if adopted
            else PlatformCluster(stack, "Cluster", PlatformClusterProps(ctx=ctx, network=foundation.network))
        )
        self.nodes = NodePools(
            stack, "Nodes", NodePoolsProps(ctx=ctx, cluster=self.cluster, network=foundation.network)
        )
        self.development = Development(stack, "Development", DevelopmentProps(ctx=ctx, key=foundation.key))
        self.retraining = RetrainingTriggers(
            stack, "Retraining", RetrainingTriggersProps(ctx=ctx, alerts=self.shared.alerts)
        )
        self.balancer = ServingLoadBalancer(
            stack,
            "Serving",
            ServingLoadBalancerProps(ctx=ctx, network=foundation.network, access_logs=foundation.access_logs),
        )
        # Public exposure goes through API Gateway (TLS, IAM auth, throttling); the ALB stays internal.
        self.public_api = (
            PublicApi(
                stack,
                "PublicApi",
                PublicApiProps(
                    ctx=ctx, balancer=self.balancer, network=foundation.network, key=foundation.key
                ),
            )
            if self.profile.serving.exposure == "public"
            else None
        )
        # The ALB reaches serving pods (IP targets) through the cluster security group.
        VpcSecurityGroupIngressRule(
            stack,
            "ClusterFromAlb",
            ip_protocol="tcp",
            from_port=self.profile.serving.port,
            to_port=self.profile.serving.port,
            referenced_security_group_id=self.balancer.security_group.id,
            security_group_id=self.cluster.security_group_id,
            description="serving ALB to model-server pods",
        )
        self.log_groups = {
            purpose: LogGroup(
                stack,
                f"LogGroup-{purpose}",
                LogGroupProps(ctx=ctx, name=f"/trademl/{ctx.prefix}/eks/{purpose}", key=foundation.key),
            )
            for purpose in ("application", "dataplane")
        }
        WorkloadLogArchive(
            stack,
            "WorkloadLogArchive",
            WorkloadLogArchiveProps(
                ctx=ctx, trail=self.audit_trail, log_groups={k: g.name for k, g in self.log_groups.items()}
            ),
        )
        self.roles = PlatformRoles(
            stack,
            "ServiceRoles",
            PlatformRolesProps(
                ctx=ctx,
                issuer=self.cluster.issuer,
                key=foundation.key,
                stores=foundation.stores,
                target_group_arn=self.balancer.target_group.arn,
                alerts=self.shared.alerts,
                log_group_arns={k: g.arn for k, g in self.log_groups.items()},
                retraining=self.retraining,
                stream=self.shared.stream,
                cluster_name=self.cluster.name,
            ),
        )
        self._serving_alarms()

    def _serving_alarms(self) -> None:
        alerts, thresholds = self.shared.alerts, self.profile.monitoring.alerts
        dims = {
            "LoadBalancer": self.balancer.lb.arn_suffix,
            "TargetGroup": self.balancer.target_group.arn_suffix,
        }
        alerts.add_alarm(
            "LatencyP99",
            AlarmSpec(
                name="serving-latency-p99",
                namespace="AWS/ApplicationELB",
                metric_name="TargetResponseTime",
                extended_statistic="p99",
                threshold=thresholds.latency_p99_ms / 1000,
                dimensions=dims,
                description=f"Serving p99 latency above {thresholds.latency_p99_ms} ms",
            ),
        )
        alerts.add_alarm(
            "UnhealthyTargets",
            AlarmSpec(
                name="serving-unhealthy",
                namespace="AWS/ApplicationELB",
                metric_name="UnHealthyHostCount",
                statistic="Maximum",
                threshold=0,
                dimensions=dims,
                description="A serving target fails its health check",
            ),
        )

    def build_workloads(self, stack: LayerStack) -> None:
        cluster, foundation = self.cluster, self.foundation
        auth = DataAwsEksClusterAuth(stack, "ClusterAuth", name=cluster.cluster_name)
        ca = Token.as_string(Fn.base64decode(cluster.ca_data))
        KubernetesProvider(
            stack, "kubernetes", host=cluster.endpoint, cluster_ca_certificate=ca, token=auth.token
        )
        HelmProvider(
            stack,
            "helm",
            kubernetes=HelmProviderKubernetes(
                host=cluster.endpoint, cluster_ca_certificate=ca, token=auth.token
            ),
        )
        registry = self.shared.registry
        self.workloads = ClusterWorkloads(
            stack,
            "Workloads",
            ClusterWorkloadsProps(
                ctx=self.ctx,
                desks=self.profile.desks,
                inputs=ClusterInputs(
                    cluster_name=cluster.cluster_name,
                    vpc_id=foundation.network.vpc_id,
                    models_bucket=foundation.stores["models"].name,
                    data_bucket=foundation.stores["data"].name,
                    target_group_arn=self.balancer.target_group.arn,
                    log_groups={k: g.name for k, g in self.log_groups.items()},
                    # ECR mirrors of the pinned images: a private cluster has no route to public registries.
                    images={
                        name: registry.url(name) + image_ref(self.profile.serving.image)
                        for name in registry.repositories
                    },
                    retraining_queue_url=self.retraining.queue.url,
                    retraining_queue_name=self.retraining.queue.name,
                    alerts_topic_arn=self.shared.alerts.arn,
                ),
            ),
        )

    def build_desk(self, stack: LayerStack, desk: DeskSpec) -> None:
        super().build_desk(stack, desk)
        # The desk's pods assume this role; it reaches only the desk's own store.
        role = IrsaRole(
            stack,
            "DeskRole",
            IrsaRoleProps(
                ctx=self.ctx,
                issuer=self.cluster.issuer,
                namespace=desk_namespace(desk.name),
                service_account=DESK_SERVICE_ACCOUNT,
                name=desk_role_name(self.ctx, desk.name),
            ),
        )
        grant_bucket_write(role, self.desk.store, self.foundation.key)
        models = self.foundation.stores.get("models")
        if models is not None:
            grant_bucket_write(role, models, self.foundation.key, prefix=f"serving/{desk.name}/")

    def build_failover(self, stack: LayerStack) -> None:
        ctx, foundation = self.ctx, self.foundation
        spec = self.profile.aws(self.target)
        key = foundation.secondary_key
        assert key is not None and spec.secondary_region is not None
        network = PrivateNetwork(
            stack,
            "Network",
            PrivateNetworkProps(ctx=ctx, key=key, secondary=True, region=spec.secondary_region),
        )
        cluster = PlatformCluster(
            stack, "Cluster", PlatformClusterProps(ctx=ctx, network=network, secondary=True)
        )
        NodePools(stack, "Nodes", NodePoolsProps(ctx=ctx, cluster=cluster, network=network, training=False))
        access_logs = secondary_access_log_bucket(stack, ctx)
        balancer = ServingLoadBalancer(
            stack,
            "Serving",
            ServingLoadBalancerProps(ctx=ctx, network=network, secondary=True, access_logs=access_logs),
        )
        VpcSecurityGroupIngressRule(
            stack,
            "ClusterFromAlb",
            ip_protocol="tcp",
            from_port=self.profile.serving.port,
            to_port=self.profile.serving.port,
            referenced_security_group_id=balancer.security_group.id,
            security_group_id=cluster.security_group_id,
            region=spec.secondary_region,
            description="serving ALB to model-server pods",
        )
        models = foundation.stores.get("models")
        if models is not None:
            StoreReplica(
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
        FailoverDns(
            stack,
            "FailoverDns",
            FailoverDnsProps(
                ctx=ctx,
                primary=RegionalEndpoint(balancer=self.balancer, vpc_id=foundation.network.vpc_id),
                secondary=RegionalEndpoint(balancer=balancer, vpc_id=network.vpc_id),
                # Public clients enter through API Gateway (TLS); no plaintext anycast entry to the ALBs.
                accelerator=False,
            ),
        )
