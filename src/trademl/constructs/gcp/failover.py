"""The failover layer of the gcp target: the serving path again in targets.gcp.secondary_region (a subnet
of the same global VPC, keys in that region, a regional GKE cluster with system and serving pools, a
reserved internal load-balancer address), the models store replicated there, and the Cloud DNS failover
routing that points clients at whichever region is healthy."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from trademl.constructs.context import BuildContext

from .address import ServingAddress, ServingAddressProps
from .failover_dns import FailoverDns, FailoverDnsProps
from .foundation import Foundation
from .gke import GkeCluster, GkeClusterProps
from .kms import KeyRing, KeyRingProps
from .network import PrivateNetwork, PrivateNetworkProps
from .platform import Platform
from .replica import ModelsReplica, ModelsReplicaProps

# Only what the secondary region encrypts: the replica's objects, GKE disks and secrets.
SECONDARY_KEYS: dict[str, tuple[str, ...]] = {"storage": ("storage",), "compute": ("compute", "container")}
SERVING_POOLS = ("system", "serving")  # training stays in the primary region


@dataclass(frozen=True, kw_only=True, slots=True)
class GcpFailoverProps:
    ctx: BuildContext
    foundation: Foundation
    platform: Platform


class GcpFailover(Construct):
    def __init__(self, scope: Construct, id: str, props: GcpFailoverProps) -> None:
        super().__init__(scope, id)
        ctx, f, pl = props.ctx, props.foundation, props.platform
        spec = ctx.profile.gcp()
        if spec.secondary_region is None:
            raise ValueError(
                "gcp failover needs targets.gcp.secondary_region; fix: set it or disable failover"
            )
        self.region = region = spec.secondary_region
        self.network = PrivateNetwork(
            self,
            "Network",
            PrivateNetworkProps(ctx=ctx, region=region, secondary=True, network=f.network),
        )
        # The storage agent exists already (the foundation's data source created it): grant it directly.
        self.keys = KeyRing(
            self, "Keys", KeyRingProps(ctx=ctx, region=region, purposes=dict(SECONDARY_KEYS), skip_agents=())
        )
        self.cluster = GkeCluster(
            self,
            "Gke",
            GkeClusterProps(
                ctx=ctx,
                keys=dict(self.keys.refs),
                network=self.network,
                region=region,
                secondary=True,
                pools=SERVING_POOLS,
            ),
        )
        for name, repo in pl.node_repositories.items():
            self.cluster.allow_pull(name, repo)
        self.address = ServingAddress(
            self,
            "ServingAddress",
            ServingAddressProps(ctx=ctx, network=self.network, region=region, secondary=True),
        )
        models = f.stores.get("models") or next(iter(f.stores.values()))
        self.replica = ModelsReplica(
            self,
            "ModelsReplica",
            ModelsReplicaProps(
                ctx=ctx,
                source=models,
                region=region,
                key=self.keys.refs["storage"],
                access_logs=f.access_logs,
                key_grant=self.keys.grants["storage"][0],
            ),
        )
        self.dns = FailoverDns(
            self,
            "Dns",
            FailoverDnsProps(
                ctx=ctx,
                zone_name=pl.zone.zone_name,
                domain=pl.zone.domain,
                network_id=f.network.network_id,
                primary=pl.serving_address,
                secondary=self.address,
            ),
        )
