"""The AKS cluster as dependents see it: created by InferenceCluster or adopted by resource id. Node pools,
the Azure ML extension, role assignments, metrics and the workloads layer's providers read only these."""

from __future__ import annotations

from cdktn_provider_azurerm.data_azurerm_kubernetes_cluster import DataAzurermKubernetesCluster
from cdktn_provider_azurerm.kubernetes_cluster import KubernetesCluster
from constructs import Construct

from trademl.model.adopt import AzAksId


class ClusterRef:
    """`ca_certificate` is base64 PEM, as AKS returns it; `kubelet_object_id` is the identity that pulls."""

    id: str
    name: str
    host: str
    ca_certificate: str
    oidc_issuer_url: str
    kubelet_object_id: str
    adopted: bool = False


class CreatedCluster(ClusterRef):
    def __init__(self, cluster: KubernetesCluster) -> None:
        self.resource = cluster
        config = cluster.kube_config.get(0)
        self.id, self.name = cluster.id, cluster.name
        self.host, self.ca_certificate = config.host, config.cluster_ca_certificate
        self.oidc_issuer_url = cluster.oidc_issuer_url
        self.kubelet_object_id = cluster.kubelet_identity.object_id


class AdoptedCluster(ClusterRef):
    """Read at plan time through a data source keyed by the given id: synth stays offline. The cluster
    must have the OIDC issuer and workload identity on (`trademl doctor` reads it)."""

    def __init__(self, scope: Construct, id: str, cluster_id: AzAksId) -> None:
        group = cluster_id.split("/resourceGroups/", 1)[1].split("/", 1)[0]
        name = cluster_id.rsplit("/", 1)[1]
        self.data = DataAzurermKubernetesCluster(scope, id, name=name, resource_group_name=group)
        config = self.data.kube_config.get(0)
        # The given id, not the data source's: dependents keep a value known at synth.
        self.id, self.name = cluster_id, name
        self.host, self.ca_certificate = config.host, config.cluster_ca_certificate
        self.oidc_issuer_url = self.data.oidc_issuer_url
        self.kubelet_object_id = self.data.kubelet_identity.get(0).object_id
        self.adopted = True
