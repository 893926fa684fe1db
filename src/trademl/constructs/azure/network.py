"""A private virtual network. Azure subnets are regional (they span every zone of the region), so the
model's per-zone slices become per-role subnets; zone spread is set on the resources (AKS node pools,
zone-redundant storage), not on the subnets."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Network

from cdktn_provider_azurerm.network_security_group import (
    NetworkSecurityGroup,
    NetworkSecurityGroupSecurityRule,
)
from cdktn_provider_azurerm.resource_group import ResourceGroup
from cdktn_provider_azurerm.subnet import Subnet
from cdktn_provider_azurerm.subnet_network_security_group_association import (
    SubnetNetworkSecurityGroupAssociation,
)
from cdktn_provider_azurerm.virtual_network import VirtualNetwork
from constructs import Construct

from trademl.constructs.context import BuildContext
from trademl.model.adopt import AzureAdoptedNetwork

# Role -> which slice of the model's subnet plan it takes: (private|edge, index).
SUBNET_ROLES: dict[str, tuple[str, int]] = {
    "aks": ("private", 0),  # cluster nodes and pods' host network
    "ml": ("private", 1),  # Azure ML compute clusters and instances
    "endpoints": ("edge", 0),  # private endpoints of every PaaS service
    "ingress": ("edge", 1),  # internal load balancers of the serving path
}


class NetworkRef:
    """A virtual network and its subnets by role, created here or adopted."""

    vnet_id: str
    subnet_ids: dict[str, str]
    adopted: bool = False


class AdoptedNetwork(NetworkRef):
    """Adopted subnets are taken in role order (aks, ml, endpoints, ingress); the last fills the rest."""

    def __init__(self, spec: AzureAdoptedNetwork) -> None:
        self.vnet_id = spec.vnet
        subnets = list(spec.private_subnets)
        self.subnet_ids = {role: subnets[min(i, len(subnets) - 1)] for i, role in enumerate(SUBNET_ROLES)}
        self.adopted = True


@dataclass(frozen=True, kw_only=True, slots=True)
class PrivateNetworkProps:
    ctx: BuildContext
    group: ResourceGroup
    secondary: bool = False
    """Build the secondary region's network (its range comes from the model)."""


class PrivateNetwork(Construct, NetworkRef):
    """No default outbound access, and on every subnet an NSG that denies inbound from the internet."""

    def __init__(self, scope: Construct, id: str, props: PrivateNetworkProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx, group = props.ctx, props.group
        net = ctx.profile.azure().network
        self.vnet = VirtualNetwork(
            self,
            "Vnet",
            name=ctx.name("vnet", "secondary" if props.secondary else ""),
            location=group.location,
            resource_group_name=group.name,
            address_space=[str(net.region_cidr(props.secondary))],
            tags=ctx.tags,
        )
        self.vnet_id = self.vnet.id
        plan = {"private": net.private_subnets(props.secondary), "edge": net.edge_subnets(props.secondary)}
        self.subnets: dict[str, Subnet] = {}
        self.security_groups: dict[str, NetworkSecurityGroup] = {}
        for role, (tier, index) in SUBNET_ROLES.items():
            self.subnets[role] = self._create_subnet(role, plan[tier][index])
            self.security_groups[role] = self._create_security_group(role)
            SubnetNetworkSecurityGroupAssociation(
                self,
                f"Nsg-{role}-Association",
                subnet_id=self.subnets[role].id,
                network_security_group_id=self.security_groups[role].id,
            )
        self.subnet_ids = {role: subnet.id for role, subnet in self.subnets.items()}

    def _create_subnet(self, role: str, cidr: IPv4Network) -> Subnet:
        """Extension point: one subnet."""
        return Subnet(
            self,
            f"Subnet-{role}",
            name=role,
            resource_group_name=self.props.group.name,
            virtual_network_name=self.vnet.name,
            address_prefixes=[str(cidr)],
            default_outbound_access_enabled=False,
            private_endpoint_network_policies="Enabled",
        )

    def _create_security_group(self, role: str) -> NetworkSecurityGroup:
        """Extension point: the subnet's NSG. Azure's default rules already end in DenyAllInbound; the
        explicit rule keeps the intent visible and survives someone adding a broad allow above 4000."""
        ctx = self.props.ctx
        deny = NetworkSecurityGroupSecurityRule(
            name="deny-internet-inbound",
            priority=4000,
            direction="Inbound",
            access="Deny",
            protocol="*",
            source_address_prefix="Internet",
            source_port_range="*",
            destination_address_prefix="*",
            destination_port_range="*",
            description="No inbound traffic from the internet (trademl)",
        )
        return NetworkSecurityGroup(
            self,
            f"Nsg-{role}",
            name=ctx.name("nsg", role),
            location=self.props.group.location,
            resource_group_name=self.props.group.name,
            security_rule=[deny],
            tags=ctx.tags,
        )
