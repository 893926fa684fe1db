"""The GKE cluster as its dependents see it (node pools, the workloads layer's providers): created by
GkeCluster or adopted by resource name, read at plan time through a data source so synth stays offline."""

from __future__ import annotations

from cdktn_provider_google.container_cluster import ContainerCluster
from cdktn_provider_google.data_google_container_cluster import DataGoogleContainerCluster
from constructs import Construct

from trademl.model.adopt import GcpClusterName


class ClusterRef:
    """`id` is what node pools attach to; `location` the region or zone; `project` None for the provider's."""

    id: str
    location: str
    project: str | None = None
    endpoint: str
    ca_certificate: str  # base64 PEM
    adopted: bool = False


class CreatedCluster(ClusterRef):
    def __init__(self, cluster: ContainerCluster, location: str) -> None:
        self.resource = cluster
        self.id, self.location = cluster.id, location  # the literal: pools' plans stay known
        self.endpoint = cluster.endpoint
        self.ca_certificate = cluster.master_auth.cluster_ca_certificate


class AdoptedCluster(ClusterRef):
    """It must run Workload Identity for the target's project and Dataplane V2 (network policy), which
    `trademl doctor` reads; trademl adds its node pools and workloads, never changes the cluster."""

    def __init__(self, scope: Construct, id: str, name: GcpClusterName) -> None:
        _, project, _, location, _, cluster = name.split("/")
        self.data = DataGoogleContainerCluster(scope, id, name=cluster, location=location, project=project)
        self.id, self.location, self.project = name, location, project
        self.endpoint = self.data.endpoint
        self.ca_certificate = self.data.master_auth.get(0).cluster_ca_certificate
        self.adopted = True
