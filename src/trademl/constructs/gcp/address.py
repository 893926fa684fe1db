"""A reserved internal address for a region's serving load balancer. The workloads layer's internal
LoadBalancer Service binds it (loadBalancerIP), so Cloud DNS failover can name the load balancer by address
before Kubernetes creates its forwarding rule."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_google.compute_address import ComputeAddress
from constructs import Construct

from trademl.constructs.context import BuildContext

from .common import label_safe
from .network import NetworkRef


@dataclass(frozen=True, kw_only=True, slots=True)
class ServingAddressProps:
    ctx: BuildContext
    network: NetworkRef
    """The region's private subnet holds the address."""
    region: str
    secondary: bool = False


class ServingAddress(Construct):
    def __init__(self, scope: Construct, id: str, props: ServingAddressProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.region = props.region
        self.address = self._create_address()
        self.ip = self.address.address

    def _create_address(self) -> ComputeAddress:
        """Extension point: the address (internal, never external: serving.exposure is private)."""
        ctx, p = self.props.ctx, self.props
        return ComputeAddress(
            self,
            "Address",
            name=ctx.name("serving-ilb", "secondary" if p.secondary else "primary"),
            region=p.region,
            address_type="INTERNAL",
            purpose="GCE_ENDPOINT",
            subnetwork=p.network.subnet_id,
            description="Internal load balancer of the serving Service (trademl)",
            labels=label_safe(ctx.tags),
        )
