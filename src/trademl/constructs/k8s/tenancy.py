"""A tenant namespace: Pod Security Standards enforced, default-deny traffic, DNS allowed, a quota.

Desks are tenants; platform components get the same namespace with their own Pod Security level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktn_provider_kubernetes.namespace_v1 import NamespaceV1, NamespaceV1Metadata
from cdktn_provider_kubernetes.network_policy_v1 import (
    NetworkPolicyV1,
    NetworkPolicyV1Metadata,
    NetworkPolicyV1Spec,
    NetworkPolicyV1SpecEgress,
    NetworkPolicyV1SpecEgressPorts,
    NetworkPolicyV1SpecEgressTo,
    NetworkPolicyV1SpecEgressToNamespaceSelector,
    NetworkPolicyV1SpecIngress,
    NetworkPolicyV1SpecIngressFrom,
    NetworkPolicyV1SpecIngressFromNamespaceSelector,
    NetworkPolicyV1SpecPodSelector,
)
from cdktn_provider_kubernetes.resource_quota_v1 import (
    ResourceQuotaV1,
    ResourceQuotaV1Metadata,
    ResourceQuotaV1Spec,
)
from constructs import Construct

from trademl.model import DeskSpec, GpuClass, Profile

NAME_LABEL = "kubernetes.io/metadata.name"


def desk_namespace(desk: str) -> str:
    return f"desk-{desk}"


def pod_security_labels(level: str) -> dict[str, str]:
    """Enforce, audit and warn at one level, so a violation is refused and also recorded."""
    labels = {f"pod-security.kubernetes.io/{mode}": level for mode in ("enforce", "audit", "warn")}
    labels["app.kubernetes.io/managed-by"] = "trademl"
    return labels


def desk_quota(profile: Profile, desk: DeskSpec, gpus_per_node: int = 1) -> dict[str, str]:
    """What one desk may request: GPUs bounded by the platform's training node ceiling."""
    quota = {"requests.cpu": "64", "requests.memory": "256Gi", "limits.memory": "512Gi", "pods": "100"}
    if profile.desk_gpu(desk) is not GpuClass.NONE:
        quota["requests.nvidia.com/gpu"] = str(profile.training.max_nodes * gpus_per_node)
    return quota


@dataclass(frozen=True, kw_only=True, slots=True)
class TenantNamespaceProps:
    name: str
    pod_security: str
    """restricted | baseline | privileged (privileged only for system agents, with a reason)."""
    exemption_reason: str = ""
    isolated: bool = True
    """Default-deny ingress and egress, then allow DNS to kube-system."""
    allow_from: tuple[str, ...] = ()
    """Namespaces whose pods may reach this one (e.g. the serving ingress)."""
    quota: Mapping[str, str] | None = None
    annotations: Mapping[str, str] = field(default_factory=dict)


class TenantNamespace(Construct):
    """Extension points: `_create_namespace`, `_policies`, `_create_quota`."""

    def __init__(self, scope: Construct, id: str, props: TenantNamespaceProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.name = props.name
        self.namespace = self._create_namespace()
        if props.isolated:
            self._policies()
        if props.quota is not None:
            self._create_quota()

    def _create_namespace(self) -> NamespaceV1:
        annotations = dict(self.props.annotations)
        if self.props.exemption_reason:
            annotations["trademl.io/pss-exemption"] = self.props.exemption_reason
        return NamespaceV1(
            self,
            "Namespace",
            wait_for_default_service_account=True,
            metadata=[
                NamespaceV1Metadata(
                    name=self.name,
                    labels=pod_security_labels(self.props.pod_security),
                    annotations=annotations or None,
                )
            ],
        )

    def _policy(self, id: str, name: str, spec: NetworkPolicyV1Spec) -> NetworkPolicyV1:
        return NetworkPolicyV1(
            self,
            id,
            depends_on=[self.namespace],
            metadata=NetworkPolicyV1Metadata(name=name, namespace=self.name),
            spec=spec,
        )

    def _policies(self) -> None:
        every_pod = NetworkPolicyV1SpecPodSelector()
        self._policy(
            "DefaultDeny",
            "default-deny",
            NetworkPolicyV1Spec(pod_selector=every_pod, policy_types=["Ingress", "Egress"]),
        )
        dns = NetworkPolicyV1SpecEgress(
            to=[
                NetworkPolicyV1SpecEgressTo(
                    namespace_selector=NetworkPolicyV1SpecEgressToNamespaceSelector(
                        match_labels={NAME_LABEL: "kube-system"}
                    )
                )
            ],
            ports=[NetworkPolicyV1SpecEgressPorts(port="53", protocol=p) for p in ("UDP", "TCP")],
        )
        self._policy(
            "AllowDns",
            "allow-dns",
            NetworkPolicyV1Spec(pod_selector=every_pod, policy_types=["Egress"], egress=[dns]),
        )
        for source in self.props.allow_from:
            ingress = NetworkPolicyV1SpecIngress(
                from_=[
                    NetworkPolicyV1SpecIngressFrom(
                        namespace_selector=NetworkPolicyV1SpecIngressFromNamespaceSelector(
                            match_labels={NAME_LABEL: source}
                        )
                    )
                ]
            )
            self._policy(
                f"AllowFrom-{source}",
                f"allow-from-{source}",
                NetworkPolicyV1Spec(pod_selector=every_pod, policy_types=["Ingress"], ingress=[ingress]),
            )

    def _create_quota(self) -> ResourceQuotaV1:
        assert self.props.quota is not None
        return ResourceQuotaV1(
            self,
            "Quota",
            depends_on=[self.namespace],
            metadata=ResourceQuotaV1Metadata(name="quota", namespace=self.name),
            spec=ResourceQuotaV1Spec(hard=dict(self.props.quota)),
        )
