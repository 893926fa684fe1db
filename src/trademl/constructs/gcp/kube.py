"""kubernetes + helm providers for the workloads layer, pointed at the platform's GKE cluster through
cross-stack references (endpoint, CA) and authenticated with the caller's Google access token
(`data.google_client_config`): no exec plugin, no static credentials, no client certificate."""

from __future__ import annotations

from cdktn import Fn, Token
from cdktn_provider_google.data_google_client_config import DataGoogleClientConfig
from cdktn_provider_helm.provider import HelmProvider, HelmProviderKubernetes
from cdktn_provider_kubernetes.provider import KubernetesProvider
from constructs import Construct

from .cluster import ClusterRef


def configure_kubernetes(scope: Construct, cluster: ClusterRef) -> None:
    client = DataGoogleClientConfig(scope, "GoogleClient")
    # The private endpoint when security.private_networking: apply from inside the VPC (or a bastion).
    host = f"https://{cluster.endpoint}"
    ca = Token.as_string(Fn.base64decode(cluster.ca_certificate))
    KubernetesProvider(scope, "kubernetes", host=host, cluster_ca_certificate=ca, token=client.access_token)
    HelmProvider(
        scope,
        "helm",
        kubernetes=HelmProviderKubernetes(host=host, cluster_ca_certificate=ca, token=client.access_token),
    )
