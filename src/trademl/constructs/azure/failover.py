"""The failover layer: the serving path again in the secondary region (network, zone-redundant AKS with
the GPU/inference pools attached to the same ML workspace, an online endpoint) and a Traffic Manager
profile with priority routing and health probes in front of both regions. Storage needs nothing here:
every account is GZRS in prod (geo-zone-redundant, Microsoft-managed failover to the paired region)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_azurerm.dns_cname_record import DnsCnameRecord
from cdktn_provider_azurerm.traffic_manager_external_endpoint import TrafficManagerExternalEndpoint
from cdktn_provider_azurerm.traffic_manager_profile import (
    TrafficManagerProfile,
    TrafficManagerProfileDnsConfig,
    TrafficManagerProfileMonitorConfig,
)
from constructs import Construct

from trademl.constructs.azure.aks import InferenceCluster, InferenceClusterProps
from trademl.constructs.azure.foundation import AzureFoundation
from trademl.constructs.azure.group import layer_group
from trademl.constructs.azure.network import PrivateNetwork, PrivateNetworkProps
from trademl.constructs.azure.platform import AzurePlatform
from trademl.constructs.azure.serving import OnlineEndpoint, OnlineEndpointProps
from trademl.constructs.context import BuildContext

PROBE_FAILURES = 3  # consecutive failed probes before an endpoint is degraded


@dataclass(frozen=True, kw_only=True, slots=True)
class AzureFailoverProps:
    ctx: BuildContext
    foundation: AzureFoundation
    platform: AzurePlatform


def probe_timeout(interval: int) -> int:
    """Traffic Manager: 5-10 s timeout with a 30 s interval, 5-9 s with a 10 s interval."""
    return 9 if interval == 10 else 10


class AzureFailover(Construct):
    def __init__(self, scope: Construct, id: str, props: AzureFailoverProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx, platform = props.ctx, props.platform
        region = ctx.profile.azure().secondary_region
        assert region is not None  # the profile validator requires it when failover is enabled
        self.group = layer_group(self, ctx, "failover", location=region)
        self.network = PrivateNetwork(
            self, "Network", PrivateNetworkProps(ctx=ctx, group=self.group, secondary=True)
        )
        self.cluster = InferenceCluster(
            self,
            "Inference",
            InferenceClusterProps(
                ctx=ctx,
                group=self.group,
                foundation=props.foundation,
                observability=platform.observability,
                ml=platform.ml,
                secondary=True,
                network=self.network,
            ),
        )
        self.endpoint = OnlineEndpoint(
            self,
            "Serving",
            OnlineEndpointProps(
                ctx=ctx,
                ml=platform.ml,
                compute_id=self.cluster.compute.id,
                name=ctx.name("trading", "secondary", max_len=32),
                location=region,
                environment_id=platform.endpoint.environment_id,
            ),
        )
        # Mine vs adopted: an adopted Traffic Manager profile gets the endpoints; an adopted DNS zone
        # gets a CNAME to the profile this layer creates.
        adopted = ctx.profile.azure().adopt.dns_zone
        if adopted and "/trafficManagerProfiles/" in adopted:
            self.profile_id = adopted
        else:
            self.profile = self._create_profile()
            self.profile_id = self.profile.id
            if adopted:
                self.record = self._create_record(adopted, self.profile.fqdn)
        self.endpoints = {
            "primary": self._endpoint(
                "primary", platform.endpoint.scoring_host, 1, ctx.profile.azure().region
            ),
            "secondary": self._endpoint("secondary", self.endpoint.scoring_host, 2, region),
        }

    def _create_profile(self) -> TrafficManagerProfile:
        """Extension point: priority routing (primary first), probes on serving.health_path."""
        ctx = self.props.ctx
        f, s = ctx.profile.failover, ctx.profile.serving
        return TrafficManagerProfile(
            self,
            "Dns",
            name=ctx.name("tm", "serving"),
            resource_group_name=self.group.name,
            traffic_routing_method="Priority",
            dns_config=TrafficManagerProfileDnsConfig(
                relative_name=ctx.name("serving", max_len=63), ttl=f.dns_ttl_seconds
            ),
            monitor_config=TrafficManagerProfileMonitorConfig(
                protocol="HTTPS",
                port=443,
                path=s.health_path,
                interval_in_seconds=f.health_check_interval_seconds,
                timeout_in_seconds=probe_timeout(f.health_check_interval_seconds),
                tolerated_number_of_failures=PROBE_FAILURES,
                expected_status_code_ranges=["200-299"],
            ),
            tags=ctx.tags,
        )

    def _create_record(self, zone_id: str, target: str) -> DnsCnameRecord:
        """Extension point: serving.<zone> in the adopted public zone, pointing at the profile."""
        ctx = self.props.ctx
        return DnsCnameRecord(
            self,
            "Record",
            name=ctx.name("serving", max_len=63),
            zone_name=zone_id.rsplit("/", 1)[1],
            resource_group_name=zone_id.split("/resourceGroups/", 1)[1].split("/", 1)[0],
            ttl=ctx.profile.failover.dns_ttl_seconds,
            record=target,
            tags=ctx.tags,
        )

    def _endpoint(self, name: str, host: str, priority: int, location: str) -> TrafficManagerExternalEndpoint:
        """One region's online endpoint (its scoring host) at a priority."""
        return TrafficManagerExternalEndpoint(
            self,
            f"Endpoint-{name}",
            name=name,
            profile_id=self.profile_id,
            target=host,
            priority=priority,
            endpoint_location=location,
            enabled=True,
        )
