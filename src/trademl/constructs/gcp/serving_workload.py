"""The serving workload on the platform's GKE cluster: a Deployment of serving.image (pulled through the
Artifact Registry remote repository, so private nodes need no internet) on the serving pool, spread over
zones, restricted-profile security context and probes on serving.health_path; an HPA on CPU
(serving.min/max_replicas, target_utilization); and an internal passthrough LoadBalancer Service bound to
the reserved address that Cloud DNS failover names. externalTrafficPolicy Local makes the load balancer's
own health follow the pods' readiness (serving.health_path)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_kubernetes.deployment_v1 import (
    DeploymentV1,
    DeploymentV1Metadata,
    DeploymentV1Spec,
    DeploymentV1SpecSelector,
    DeploymentV1SpecTemplate,
    DeploymentV1SpecTemplateMetadata,
    DeploymentV1SpecTemplateSpec,
    DeploymentV1SpecTemplateSpecContainer,
    DeploymentV1SpecTemplateSpecContainerLivenessProbe,
    DeploymentV1SpecTemplateSpecContainerLivenessProbeHttpGet,
    DeploymentV1SpecTemplateSpecContainerPort,
    DeploymentV1SpecTemplateSpecContainerReadinessProbe,
    DeploymentV1SpecTemplateSpecContainerReadinessProbeHttpGet,
    DeploymentV1SpecTemplateSpecContainerResources,
    DeploymentV1SpecTemplateSpecContainerSecurityContext,
    DeploymentV1SpecTemplateSpecContainerSecurityContextCapabilities,
    DeploymentV1SpecTemplateSpecSecurityContext,
    DeploymentV1SpecTemplateSpecSecurityContextSeccompProfile,
    DeploymentV1SpecTemplateSpecTopologySpreadConstraint,
    DeploymentV1SpecTemplateSpecTopologySpreadConstraintLabelSelector,
)
from cdktn_provider_kubernetes.horizontal_pod_autoscaler_v2 import (
    HorizontalPodAutoscalerV2,
    HorizontalPodAutoscalerV2Metadata,
    HorizontalPodAutoscalerV2Spec,
    HorizontalPodAutoscalerV2SpecMetric,
    HorizontalPodAutoscalerV2SpecMetricResource,
    HorizontalPodAutoscalerV2SpecMetricResourceTarget,
    HorizontalPodAutoscalerV2SpecScaleTargetRef,
)
from cdktn_provider_kubernetes.network_policy_v1 import (
    NetworkPolicyV1,
    NetworkPolicyV1Metadata,
    NetworkPolicyV1Spec,
    NetworkPolicyV1SpecIngress,
    NetworkPolicyV1SpecIngressFrom,
    NetworkPolicyV1SpecIngressFromIpBlock,
    NetworkPolicyV1SpecIngressPorts,
    NetworkPolicyV1SpecPodSelector,
)
from cdktn_provider_kubernetes.service_account_v1 import ServiceAccountV1, ServiceAccountV1Metadata
from cdktn_provider_kubernetes.service_v1 import (
    ServiceV1,
    ServiceV1Metadata,
    ServiceV1Spec,
    ServiceV1SpecPort,
)
from constructs import Construct

from trademl.constructs.context import BuildContext
from trademl.constructs.k8s.tenancy import TenantNamespace, TenantNamespaceProps
from trademl.model import GpuClass
from trademl.model.gpu import gcp_machine

from .network import HEALTH_CHECK_RANGES

NAME = "serving"
INTERNAL_LB = {"networking.gke.io/load-balancer-type": "Internal"}
RUN_AS = 10001  # any non-root uid: the restricted Pod Security profile refuses root


@dataclass(frozen=True, kw_only=True, slots=True)
class ServingWorkloadProps:
    ctx: BuildContext
    image: str
    """serving.image as the nodes pull it (Artifact Registry path)."""
    address: str
    """The reserved internal address of the region's load balancer (a cross-stack reference)."""


class ServingWorkload(Construct):
    def __init__(self, scope: Construct, id: str, props: ServingWorkloadProps) -> None:
        super().__init__(scope, id)
        self.props = props
        s = props.ctx.profile.serving
        self.labels = {"app.kubernetes.io/name": NAME, "app.kubernetes.io/part-of": "trademl"}
        replicas = s.max_replicas if s.gpu is GpuClass.NONE else s.max_replicas * gcp_machine(s.gpu).count
        self.namespace = TenantNamespace(
            self,
            "Namespace",
            TenantNamespaceProps(
                name=NAME,
                pod_security=props.ctx.profile.security.pod_security,
                quota={"pods": str(2 * replicas), "services.loadbalancers": "1"},
            ),
        )
        self.service_account = ServiceAccountV1(
            self,
            "ServiceAccount",
            metadata=ServiceAccountV1Metadata(name=NAME, namespace=NAME),
            automount_service_account_token=False,
            depends_on=[self.namespace.namespace],
        )
        self.deployment = self._create_deployment()
        self.autoscaler = self._create_autoscaler()
        self.service = self._create_service()
        self.ingress = self._allow_ingress()

    def _create_deployment(self) -> DeploymentV1:
        """Extension point: the serving Deployment."""
        s = self.props.ctx.profile.serving
        limits = {"memory": "8Gi"}
        if s.gpu is not GpuClass.NONE:
            limits["nvidia.com/gpu"] = str(gcp_machine(s.gpu).count)
        path, port = s.health_path, str(s.port)
        return DeploymentV1(
            self,
            "Deployment",
            metadata=DeploymentV1Metadata(name=NAME, namespace=NAME, labels=self.labels),
            wait_for_rollout=False,
            spec=DeploymentV1Spec(
                replicas=str(s.min_replicas),
                selector=DeploymentV1SpecSelector(match_labels=self.labels),
                template=DeploymentV1SpecTemplate(
                    metadata=DeploymentV1SpecTemplateMetadata(labels=self.labels),
                    spec=DeploymentV1SpecTemplateSpec(
                        service_account_name=NAME,
                        automount_service_account_token=False,
                        node_selector={"trademl/pool": "serving"},
                        security_context=DeploymentV1SpecTemplateSpecSecurityContext(
                            run_as_non_root=True,
                            run_as_user=str(RUN_AS),
                            run_as_group=str(RUN_AS),
                            seccomp_profile=DeploymentV1SpecTemplateSpecSecurityContextSeccompProfile(
                                type="RuntimeDefault"
                            ),
                        ),
                        topology_spread_constraint=[
                            DeploymentV1SpecTemplateSpecTopologySpreadConstraint(
                                max_skew=1,
                                topology_key="topology.kubernetes.io/zone",
                                when_unsatisfiable="ScheduleAnyway",
                                label_selector=[
                                    DeploymentV1SpecTemplateSpecTopologySpreadConstraintLabelSelector(
                                        match_labels=self.labels
                                    )
                                ],
                            )
                        ],
                        container=[
                            DeploymentV1SpecTemplateSpecContainer(
                                name=NAME,
                                image=self.props.image,
                                image_pull_policy="Always",
                                port=[
                                    DeploymentV1SpecTemplateSpecContainerPort(
                                        container_port=s.port, name="http"
                                    )
                                ],
                                readiness_probe=DeploymentV1SpecTemplateSpecContainerReadinessProbe(
                                    http_get=DeploymentV1SpecTemplateSpecContainerReadinessProbeHttpGet(
                                        path=path, port=port
                                    ),
                                    period_seconds=5,
                                    failure_threshold=3,
                                ),
                                liveness_probe=DeploymentV1SpecTemplateSpecContainerLivenessProbe(
                                    http_get=DeploymentV1SpecTemplateSpecContainerLivenessProbeHttpGet(
                                        path=path, port=port
                                    ),
                                    initial_delay_seconds=30,
                                    period_seconds=10,
                                ),
                                resources=DeploymentV1SpecTemplateSpecContainerResources(
                                    requests={"cpu": "1", "memory": "4Gi"}, limits={"cpu": "4", **limits}
                                ),
                                security_context=DeploymentV1SpecTemplateSpecContainerSecurityContext(
                                    allow_privilege_escalation=False,
                                    privileged=False,
                                    read_only_root_filesystem=True,
                                    run_as_non_root=True,
                                    capabilities=DeploymentV1SpecTemplateSpecContainerSecurityContextCapabilities(
                                        drop=["ALL"]
                                    ),
                                ),
                            )
                        ],
                    ),
                ),
            ),
            depends_on=[self.service_account],
        )

    def _create_autoscaler(self) -> HorizontalPodAutoscalerV2:
        """Extension point: the HPA (CPU utilization; the serving pool's autoscaler adds nodes)."""
        s = self.props.ctx.profile.serving
        return HorizontalPodAutoscalerV2(
            self,
            "Autoscaler",
            metadata=HorizontalPodAutoscalerV2Metadata(name=NAME, namespace=NAME),
            spec=HorizontalPodAutoscalerV2Spec(
                min_replicas=s.min_replicas,
                max_replicas=s.max_replicas,
                scale_target_ref=HorizontalPodAutoscalerV2SpecScaleTargetRef(
                    api_version="apps/v1", kind="Deployment", name=NAME
                ),
                metric=[
                    HorizontalPodAutoscalerV2SpecMetric(
                        type="Resource",
                        resource=HorizontalPodAutoscalerV2SpecMetricResource(
                            name="cpu",
                            target=HorizontalPodAutoscalerV2SpecMetricResourceTarget(
                                type="Utilization", average_utilization=s.target_utilization
                            ),
                        ),
                    )
                ],
            ),
            depends_on=[self.deployment],
        )

    def _create_service(self) -> ServiceV1:
        """Extension point: the internal LoadBalancer Service on the reserved address."""
        s = self.props.ctx.profile.serving
        return ServiceV1(
            self,
            "Service",
            metadata=ServiceV1Metadata(
                name=NAME, namespace=NAME, annotations=INTERNAL_LB, labels=self.labels
            ),
            spec=ServiceV1Spec(
                type="LoadBalancer",
                load_balancer_ip=self.props.address,
                external_traffic_policy="Local",
                selector=self.labels,
                port=[ServiceV1SpecPort(name="http", port=s.port, target_port=str(s.port), protocol="TCP")],
            ),
            depends_on=[self.namespace.namespace],
        )

    def _allow_ingress(self) -> NetworkPolicyV1:
        """Extension point: the one hole in default-deny: the serving port, from the VPC (both regions)
        and Google's health checkers."""
        ctx = self.props.ctx
        net, port = ctx.profile.gcp().network, ctx.profile.serving.port
        sources = [str(net.region_cidr(False)), str(net.region_cidr(True)), *HEALTH_CHECK_RANGES]
        return NetworkPolicyV1(
            self,
            "AllowServing",
            metadata=NetworkPolicyV1Metadata(name="allow-serving", namespace=NAME),
            spec=NetworkPolicyV1Spec(
                pod_selector=NetworkPolicyV1SpecPodSelector(match_labels=self.labels),
                policy_types=["Ingress"],
                ingress=[
                    NetworkPolicyV1SpecIngress(
                        from_=[
                            NetworkPolicyV1SpecIngressFrom(
                                ip_block=NetworkPolicyV1SpecIngressFromIpBlock(cidr=c)
                            )
                            for c in sources
                        ],
                        ports=[NetworkPolicyV1SpecIngressPorts(port=str(port), protocol="TCP")],
                    )
                ],
            ),
            depends_on=[self.namespace.namespace],
        )
