"""Private endpoints and the private DNS zones that resolve them inside the platform network."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cdktn_provider_azurerm.private_dns_zone import PrivateDnsZone
from cdktn_provider_azurerm.private_dns_zone_virtual_network_link import PrivateDnsZoneVirtualNetworkLink
from cdktn_provider_azurerm.private_endpoint import (
    PrivateEndpoint,
    PrivateEndpointPrivateDnsZoneGroup,
    PrivateEndpointPrivateServiceConnection,
)
from cdktn_provider_azurerm.resource_group import ResourceGroup
from constructs import Construct

from trademl.constructs.azure.network import NetworkRef
from trademl.constructs.context import BuildContext

# Sub-resource -> the privatelink zones its endpoint registers in (public Azure cloud).
ZONES: dict[str, tuple[str, ...]] = {
    "vault": ("privatelink.vaultcore.azure.net",),
    "blob": ("privatelink.blob.core.windows.net",),
    "dfs": ("privatelink.dfs.core.windows.net",),
    "registry": ("privatelink.azurecr.io",),
    "amlworkspace": ("privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"),
    "namespace": ("privatelink.servicebus.windows.net",),
    "dataFactory": ("privatelink.datafactory.azure.net",),
    "account": ("privatelink.purview.azure.com",),
    "grafana": ("privatelink.grafana.azure.com",),
}


@dataclass(frozen=True, kw_only=True, slots=True)
class PrivateLinksProps:
    ctx: BuildContext
    group: ResourceGroup
    network: NetworkRef
    shared_zones: Mapping[str, str] | None = None
    """Zone name -> id of zones another layer owns: a network links one zone per name, so later layers
    register their endpoints in the foundation's zone instead of creating a second one."""


class PrivateLinks(Construct):
    """Owns the private DNS zones (one per zone name, linked to the network) of one layer and makes the
    endpoints, all in the network's `endpoints` subnet."""

    def __init__(self, scope: Construct, id: str, props: PrivateLinksProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.zones: dict[str, PrivateDnsZone] = {}
        self.endpoints: dict[str, PrivateEndpoint] = {}

    def zone_id(self, name: str) -> str:
        shared = self.props.shared_zones or {}
        return shared[name] if name in shared else self.zone(name).id

    def zone(self, name: str) -> PrivateDnsZone:
        if name not in self.zones:
            zone = PrivateDnsZone(
                self,
                f"Zone-{name}",
                name=name,
                resource_group_name=self.props.group.name,
                tags=self.props.ctx.tags,
            )
            PrivateDnsZoneVirtualNetworkLink(
                self,
                f"Zone-{name}-Link",
                name="platform",
                private_dns_zone_id=zone.id,
                virtual_network_id=self.props.network.vnet_id,
                registration_enabled=False,
                tags=self.props.ctx.tags,
            )
            self.zones[name] = zone
        return self.zones[name]

    def connect(self, name: str, resource_id: str, subresource: str) -> PrivateEndpoint:
        """A private endpoint `pe-<name>` to `subresource` of `resource_id`, registered in its zones."""
        ctx, group = self.props.ctx, self.props.group
        endpoint = PrivateEndpoint(
            self,
            f"Endpoint-{name}",
            name=ctx.name("pe", name),
            location=group.location,
            resource_group_name=group.name,
            subnet_id=self.props.network.subnet_ids["endpoints"],
            private_service_connection=PrivateEndpointPrivateServiceConnection(
                name=name,
                private_connection_resource_id=resource_id,
                subresource_names=[subresource],
                is_manual_connection=False,
            ),
            private_dns_zone_group=PrivateEndpointPrivateDnsZoneGroup(
                name="default", private_dns_zone_ids=[self.zone_id(z) for z in ZONES[subresource]]
            ),
            tags=ctx.tags,
        )
        self.endpoints[name] = endpoint
        return endpoint
