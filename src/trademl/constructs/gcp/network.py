"""A private custom-mode VPC: one regional subnet (with GKE pod/service ranges and flow logs), no route
to the internet from workloads, and a logged deny-all-ingress rule with only the LB health-check hole."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cdktn import ITerraformDependable
from cdktn_provider_google.compute_firewall import ComputeFirewall, ComputeFirewallAllow, ComputeFirewallDeny
from cdktn_provider_google.compute_network import ComputeNetwork
from cdktn_provider_google.compute_subnetwork import (
    ComputeSubnetwork,
    ComputeSubnetworkLogConfig,
    ComputeSubnetworkSecondaryIpRange,
)
from constructs import Construct

from trademl.constructs.context import BuildContext
from trademl.model.adopt import GcpAdoptedNetwork

# Google's load-balancer and health-check probers: the only sources allowed in (to the serving port).
HEALTH_CHECK_RANGES = ("35.191.0.0/16", "130.211.0.0/22")
POD_RANGE = "pods"
SERVICE_RANGE = "services"


class NetworkRef:
    """A VPC network and its private regional subnet, created here or adopted."""

    network_id: str
    network_name: str
    subnet_id: str
    pod_range_name: str = POD_RANGE
    service_range_name: str = SERVICE_RANGE
    adopted: bool = False


class AdoptedNetwork(NetworkRef):
    def __init__(self, spec: GcpAdoptedNetwork) -> None:
        self.network_id = spec.network
        self.network_name = spec.network.rsplit("/", 1)[1]
        self.subnet_id = spec.private_subnets[0]
        self.adopted = True


@dataclass(frozen=True, kw_only=True, slots=True)
class PrivateNetworkProps:
    ctx: BuildContext
    region: str
    secondary: bool = False
    """Build the secondary region's subnet (its ranges come from the model)."""
    network: NetworkRef | None = None
    """An existing network (created by an earlier layer, or adopted) to add the region's subnet to; its
    firewall rules are global and already there. Default: create the network."""
    depends_on: Sequence[ITerraformDependable] = field(default=())
    """Usually the Compute Engine API enablement."""


class PrivateNetwork(Construct, NetworkRef):
    def __init__(self, scope: Construct, id: str, props: PrivateNetworkProps) -> None:
        super().__init__(scope, id)
        self.props = props
        if props.network is None:
            self.network: ComputeNetwork | None = self._create_network()
            self.network_id, self.network_name = self.network.id, self.network.name
        else:
            self.network = None
            self.network_id, self.network_name = props.network.network_id, props.network.network_name
        self.subnet = self._create_subnet()
        self.subnet_id = self.subnet.id
        if props.network is None:
            self._create_firewall()

    def _create_network(self) -> ComputeNetwork:
        """Extension point: the VPC network (custom mode: no auto subnets in every region)."""
        ctx = self.props.ctx
        return ComputeNetwork(
            self,
            "Network",
            name=ctx.name("vpc"),
            auto_create_subnetworks=False,
            routing_mode="GLOBAL",
            delete_default_routes_on_create=False,
            depends_on=list(self.props.depends_on) or None,
        )

    def _create_subnet(self) -> ComputeSubnetwork:
        """Extension point: the region's private subnet.

        GCP subnets are regional and span every zone of the region, so the model's per-zone private slices
        become one subnet: the first half of the region's range (the other half stays for edge/proxy use).
        """
        ctx, secondary = self.props.ctx, self.props.secondary
        net = ctx.profile.gcp().network
        primary = next(net.region_cidr(secondary).subnets(prefixlen_diff=1))
        suffix = "secondary" if secondary else "primary"
        return ComputeSubnetwork(
            self,
            "Subnet",
            name=ctx.name("private", suffix),
            network=self.network_id,
            region=self.props.region,
            ip_cidr_range=str(primary),
            private_ip_google_access=True,
            stack_type="IPV4_ONLY",
            secondary_ip_range=[
                ComputeSubnetworkSecondaryIpRange(
                    range_name=POD_RANGE, ip_cidr_range=str(net.pod_range(secondary))
                ),
                ComputeSubnetworkSecondaryIpRange(
                    range_name=SERVICE_RANGE, ip_cidr_range=str(net.service_range(secondary))
                ),
            ],
            log_config=ComputeSubnetworkLogConfig(
                aggregation_interval="INTERVAL_5_SEC", flow_sampling=0.5, metadata="INCLUDE_ALL_METADATA"
            ),
        )

    def _create_firewall(self) -> None:
        """Extension point: ingress rules. Deny everything (logged); allow only Google's health checkers."""
        ctx = self.props.ctx
        ComputeFirewall(
            self,
            "DenyAllIngress",
            name=ctx.name("deny-all-ingress"),
            network=self.network_id,
            direction="INGRESS",
            priority=65534,
            source_ranges=["0.0.0.0/0"],
            deny=[ComputeFirewallDeny(protocol="all")],
            log_config={"metadata": "INCLUDE_ALL_METADATA"},
        )
        ComputeFirewall(
            self,
            "AllowHealthChecks",
            name=ctx.name("allow-health-checks"),
            network=self.network_id,
            direction="INGRESS",
            priority=1000,
            source_ranges=list(HEALTH_CHECK_RANGES),
            allow=[ComputeFirewallAllow(protocol="tcp", ports=[str(ctx.profile.serving.port)])],
            log_config={"metadata": "INCLUDE_ALL_METADATA"},
        )
