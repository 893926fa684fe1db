"""A locked-down namespace: Pod Security Standards (security.pod_security) enforced, audited and warned; a
default-deny NetworkPolicy for ingress and egress (Dataplane V2 enforces it) with DNS to kube-dns as the
only exception; a ResourceQuota."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_kubernetes.namespace_v1 import NamespaceV1, NamespaceV1Metadata
from cdktn_provider_kubernetes.network_policy_v1 import (
    NetworkPolicyV1,
    NetworkPolicyV1Metadata,
    NetworkPolicyV1Spec,
    NetworkPolicyV1SpecEgress,
    NetworkPolicyV1SpecEgressPorts,
    NetworkPolicyV1SpecEgressTo,
    NetworkPolicyV1SpecEgressToNamespaceSelector,
    NetworkPolicyV1SpecPodSelector,
)
from cdktn_provider_kubernetes.resource_quota_v1 import (
    ResourceQuotaV1,
    ResourceQuotaV1Metadata,
    ResourceQuotaV1Spec,
)
from constructs import Construct

from trademl.constructs.context import BuildContext


@dataclass(frozen=True, kw_only=True, slots=True)
class LockedNamespaceProps:
    ctx: BuildContext
    name: str
    quota: dict[str, str]
    """ResourceQuota `hard` limits."""


class LockedNamespace(Construct):
    def __init__(self, scope: Construct, id: str, props: LockedNamespaceProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.name = props.name
        self.namespace = self._create_namespace()
        self.policies = self._create_policies()
        self.quota = self._create_quota()

    def _create_namespace(self) -> NamespaceV1:
        """Extension point: the namespace and its Pod Security labels."""
        level = self.props.ctx.profile.security.pod_security
        labels = {f"pod-security.kubernetes.io/{mode}": level for mode in ("enforce", "audit", "warn")}
        return NamespaceV1(
            self,
            "Namespace",
            metadata=[
                NamespaceV1Metadata(
                    name=self.name, labels={**labels, "app.kubernetes.io/managed-by": "trademl"}
                )
            ],
            wait_for_default_service_account=True,
        )

    def _create_policies(self) -> list[NetworkPolicyV1]:
        """Extension point: deny everything in and out; then allow DNS lookups to kube-system only."""
        deny = NetworkPolicyV1(
            self,
            "DefaultDeny",
            metadata=NetworkPolicyV1Metadata(name="default-deny", namespace=self.name),
            spec=NetworkPolicyV1Spec(
                pod_selector=NetworkPolicyV1SpecPodSelector(), policy_types=["Ingress", "Egress"]
            ),
            depends_on=[self.namespace],
        )
        dns = NetworkPolicyV1(
            self,
            "AllowDns",
            metadata=NetworkPolicyV1Metadata(name="allow-dns", namespace=self.name),
            spec=NetworkPolicyV1Spec(
                pod_selector=NetworkPolicyV1SpecPodSelector(),
                policy_types=["Egress"],
                egress=[
                    NetworkPolicyV1SpecEgress(
                        to=[
                            NetworkPolicyV1SpecEgressTo(
                                namespace_selector=NetworkPolicyV1SpecEgressToNamespaceSelector(
                                    match_labels={"kubernetes.io/metadata.name": "kube-system"}
                                )
                            )
                        ],
                        ports=[
                            NetworkPolicyV1SpecEgressPorts(port="53", protocol=proto)
                            for proto in ("UDP", "TCP")
                        ],
                    )
                ],
            ),
            depends_on=[self.namespace],
        )
        return [deny, dns]

    def _create_quota(self) -> ResourceQuotaV1:
        """Extension point: the namespace's quota."""
        return ResourceQuotaV1(
            self,
            "Quota",
            metadata=ResourceQuotaV1Metadata(name="quota", namespace=self.name),
            spec=ResourceQuotaV1Spec(hard=dict(self.props.quota)),
            depends_on=[self.namespace],
        )
