"""Network intent and the subnet plan derived from it, identical on every cloud."""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Annotated

from pydantic import AfterValidator, Field

from trademl.model.base import Strict


def _private_cidr(value: IPv4Network) -> IPv4Network:
    if not value.is_private:
        raise ValueError(f"{value} is not a private (RFC 1918) range; fix: use e.g. 10.20.0.0/16")
    if not 16 <= value.prefixlen <= 22:
        raise ValueError(f"{value} has prefix /{value.prefixlen}; fix: use a /16 to /22 range")
    return value


PrivateCidr = Annotated[IPv4Network, AfterValidator(_private_cidr)]


class NetworkSpec(Strict):
    """Address space of the platform network in the primary and (for failover) secondary region."""

    cidr: PrivateCidr = Field(
        default=IPv4Network("10.20.0.0/16"), description="Primary region range. Default 10.20.0.0/16."
    )
    secondary_cidr: PrivateCidr | None = Field(
        default=None, description="Secondary region range. Default: the next range of the same size."
    )
    zones: int = Field(default=3, ge=2, le=3, description="Availability zones to spread over (2-3).")

    def region_cidr(self, secondary: bool = False) -> IPv4Network:
        if not secondary:
            return self.cidr
        if self.secondary_cidr is not None:
            return self.secondary_cidr
        return IPv4Network((int(self.cidr.network_address) + self.cidr.num_addresses, self.cidr.prefixlen))

    def _slices(self, secondary: bool) -> list[IPv4Network]:
        # Eight equal slices: 0..zones-1 private workloads, 4..4+zones-1 edge (load balancers, NAT).
        return list(self.region_cidr(secondary).subnets(prefixlen_diff=3))

    def private_subnets(self, secondary: bool = False) -> list[IPv4Network]:
        return self._slices(secondary)[: self.zones]

    def edge_subnets(self, secondary: bool = False) -> list[IPv4Network]:
        return self._slices(secondary)[4 : 4 + self.zones]

    def pod_range(self, secondary: bool = False) -> IPv4Network:
        """A range outside the VPC range for Kubernetes pods on clouds that need one (GKE, AKS overlay)."""
        return IPv4Network(f"100.{64 + int(secondary)}.0.0/16")

    def service_range(self, secondary: bool = False) -> IPv4Network:
        return IPv4Network(f"172.{20 + int(secondary)}.0.0/20")
