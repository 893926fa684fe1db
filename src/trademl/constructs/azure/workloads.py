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
from cdktn_provider_kubernetes.namespace_v1 import NamespaceV1
from cdktn_provider_kubernetes.provider import KubernetesProvider, KubernetesProviderExec
from cdktn_provider_kubernetes.service_account_v1 import ServiceAccountV1, ServiceAccountV1Metadata
from constructs import Construct

from trademl.constructs.azure.platform import AzurePlatform
from trademl.constructs.context import BuildContext
from trademl.constructs.k8s.tenancy import TenantNamespace, TenantNamespaceProps, desk_namespace, desk_quota
from trademl.model import DeskSpec

# kubelogin's documented exchange for AKS with Entra ID (the AKS AAD server application id, all tenants).
AKS_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630"
KUBELOGIN = ("get-token", "--login", "azurecli", "--server-id", AKS_SERVER_ID)
EXEC_API = "client.authentication.k8s.io/v1beta1"
DESK_SERVICE_ACCOUNT = "desk"
TOKEN_AUDIENCE = "api://AzureADTokenExchange"


def configure_kubernetes(scope: Construct, platform: AzurePlatform) -> None:
    """kubernetes + helm providers from the platform's cluster: host and CA through cross-stack
    references, tokens from kubelogin (local accounts are off, so there is no admin kubeconfig)."""
    cluster = platform.cluster.cluster
    host = cluster.host
    ca = Token.as_string(Fn.base64decode(cluster.ca_certificate))
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
        tenant = TenantNamespace(
            self,
            f"Tenant-{name}",
            TenantNamespaceProps(
                name=name, pod_security=ctx.profile.security.pod_security, quota=desk_quota(ctx.profile, desk)
            ),
        )
        ns = tenant.namespace
        self.namespaces[desk.name] = ns
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
