"""The workloads layer of the azure target: what lives inside the platform's AKS cluster, reached through
cross-stack references (never a cluster created in this stack). Per desk: a namespace with Pod Security
labels, default-deny network policies, a quota and a service account bound to the desk's user-assigned
identity through a federated credential (AKS workload identity; no secrets in the cluster)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn import Fn, Token
from cdktn_provider_azurerm.federated_identity_credential import FederatedIdentityCredential
from cdktn_provider_azurerm.user_assigned_identity import UserAssignedIdentity
from cdktn_provider_helm.provider import HelmProvider, HelmProviderKubernetes, HelmProviderKubernetesExec
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
from cdktn_provider_kubernetes.provider import KubernetesProvider, KubernetesProviderExec
from cdktn_provider_kubernetes.resource_quota_v1 import (
    ResourceQuotaV1,
    ResourceQuotaV1Metadata,
    ResourceQuotaV1Spec,
)
from cdktn_provider_kubernetes.service_account_v1 import ServiceAccountV1, ServiceAccountV1Metadata
from constructs import Construct

from trademl.constructs.azure.platform import AzurePlatform
from trademl.constructs.context import BuildContext
from trademl.model import DeskSpec

# kubelogin's documented exchange for AKS with Entra ID (the AKS AAD server application id, all tenants).
AKS_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630"
KUBELOGIN = ("get-token", "--login", "azurecli", "--server-id", AKS_SERVER_ID)
EXEC_API = "client.authentication.k8s.io/v1beta1"
DESK_SERVICE_ACCOUNT = "desk"
TOKEN_AUDIENCE = "api://AzureADTokenExchange"


def desk_namespace(desk: str) -> str:
    return f"desk-{desk}"


def configure_kubernetes(scope: Construct, platform: AzurePlatform) -> None:
    """kubernetes + helm providers from the platform's cluster: host and CA through cross-stack
    references, tokens from kubelogin (local accounts are off, so there is no admin kubeconfig)."""
    config = platform.cluster.cluster.kube_config.get(0)
    host = config.host
    ca = Token.as_string(Fn.base64decode(config.cluster_ca_certificate))
    KubernetesProvider(
        scope,
        "kubernetes",
        host=host,
        cluster_ca_certificate=ca,
        exec=[KubernetesProviderExec(api_version=EXEC_API, command="kubelogin", args=list(KUBELOGIN))],
    )
    HelmProvider(
        scope,
        "helm",
        kubernetes=HelmProviderKubernetes(
            host=host,
            cluster_ca_certificate=ca,
            exec=HelmProviderKubernetesExec(api_version=EXEC_API, command="kubelogin", args=list(KUBELOGIN)),
        ),
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class AzureWorkloadsProps:
    ctx: BuildContext
    platform: AzurePlatform


class AzureWorkloads(Construct):
    def __init__(self, scope: Construct, id: str, props: AzureWorkloadsProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.namespaces: dict[str, NamespaceV1] = {}
        self.identities: dict[str, UserAssignedIdentity] = {}
        for desk in props.ctx.profile.desks:
            self._desk(desk)

    def _create_namespace(self, name: str) -> NamespaceV1:
        """Extension point: a namespace with security.pod_security enforced, audited and warned."""
        level = self.props.ctx.profile.security.pod_security
        labels: dict[str, str] = {
            f"pod-security.kubernetes.io/{mode}": level for mode in ("enforce", "audit", "warn")
        }
        labels["app.kubernetes.io/managed-by"] = "trademl"
        return NamespaceV1(
            self,
            f"Namespace-{name}",
            wait_for_default_service_account=True,
            metadata=[NamespaceV1Metadata(name=name, labels=labels)],
        )

    def _default_deny(self, namespace: NamespaceV1, name: str) -> None:
        """Deny all ingress and egress, then allow DNS to kube-system (Cilium enforces both)."""
        NetworkPolicyV1(
            self,
            f"DefaultDeny-{name}",
            depends_on=[namespace],
            metadata=NetworkPolicyV1Metadata(name="default-deny", namespace=name),
            spec=NetworkPolicyV1Spec(
                pod_selector=NetworkPolicyV1SpecPodSelector(), policy_types=["Ingress", "Egress"]
            ),
        )
        NetworkPolicyV1(
            self,
            f"AllowDns-{name}",
            depends_on=[namespace],
            metadata=NetworkPolicyV1Metadata(name="allow-dns", namespace=name),
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
                            NetworkPolicyV1SpecEgressPorts(port="53", protocol="UDP"),
                            NetworkPolicyV1SpecEgressPorts(port="53", protocol="TCP"),
                        ],
                    )
                ],
            ),
        )

    def _create_identity(self, desk: DeskSpec, namespace: str) -> UserAssignedIdentity:
        """Extension point: the desk's Entra identity, trusted for its service account's tokens only."""
        ctx, platform = self.props.ctx, self.props.platform
        identity = UserAssignedIdentity(
            self,
            f"Identity-{desk.name}",
            name=ctx.name("id", "desk", desk.name),
            location=platform.group.location,
            resource_group_name=platform.group.name,
            tags=ctx.tags,
        )
        FederatedIdentityCredential(
            self,
            f"Federation-{desk.name}",
            name=f"aks-{namespace}",
            user_assigned_identity_id=identity.id,
            issuer=platform.cluster.cluster.oidc_issuer_url,
            subject=f"system:serviceaccount:{namespace}:{DESK_SERVICE_ACCOUNT}",
            audience=[TOKEN_AUDIENCE],
        )
        return identity

    def _desk(self, desk: DeskSpec) -> None:
        """Extension point: a desk's namespace, policies, quota, identity and service account."""
        ctx, name = self.props.ctx, desk_namespace(desk.name)
        ns = self._create_namespace(name)
        self.namespaces[desk.name] = ns
        self._default_deny(ns, name)
        ResourceQuotaV1(
            self,
            f"Quota-{name}",
            depends_on=[ns],
            metadata=ResourceQuotaV1Metadata(name="desk-quota", namespace=name),
            spec=ResourceQuotaV1Spec(
                hard={
                    "requests.cpu": "64",
                    "requests.memory": "256Gi",
                    "requests.nvidia.com/gpu": str(ctx.profile.training.max_nodes),
                    "limits.memory": "512Gi",
                    "pods": "100",
                }
            ),
        )
        identity = self._create_identity(desk, name)
        self.identities[desk.name] = identity
        ServiceAccountV1(
            self,
            f"ServiceAccount-{name}",
            depends_on=[ns],
            metadata=ServiceAccountV1Metadata(
                name=DESK_SERVICE_ACCOUNT,
                namespace=name,
                annotations={"azure.workload.identity/client-id": identity.client_id},
                labels={"azure.workload.identity/use": "true"},
            ),
        )
