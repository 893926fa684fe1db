"""The private serving zone: clients resolve `serve.<zone>`, a CNAME the switch function repoints between
the primary path (`api.<zone>`, failover-routed in the failover layer) and the Cloud Run fallback."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn import TerraformResourceLifecycle
from cdktn_provider_google.dns_managed_zone import (
    DnsManagedZone,
    DnsManagedZoneCloudLoggingConfig,
    DnsManagedZonePrivateVisibilityConfig,
    DnsManagedZonePrivateVisibilityConfigNetworks,
)
from cdktn_provider_google.dns_record_set import DnsRecordSet
from constructs import Construct

from trademl.constructs.context import BuildContext

from .common import label_safe
from .network import NetworkRef


@dataclass(frozen=True, kw_only=True, slots=True)
class ServingZoneProps:
    ctx: BuildContext
    network: NetworkRef


def zone_domain(ctx: BuildContext) -> str:
    return f"{ctx.prefix}.trademl.internal."


class ServingZone(Construct):
    def __init__(self, scope: Construct, id: str, props: ServingZoneProps) -> None:
        super().__init__(scope, id)
        ctx = props.ctx
        self.domain = zone_domain(ctx)
        self.zone_name = ctx.name("serving")
        self.serve_record = f"serve.{self.domain}"
        self.primary_host = f"api.{self.domain}".rstrip(".")
        self.zone = DnsManagedZone(
            self,
            "Zone",
            name=self.zone_name,
            dns_name=self.domain,
            visibility="private",
            description=f"{ctx.prefix} serving names (trademl)",
            private_visibility_config=DnsManagedZonePrivateVisibilityConfig(
                networks=[DnsManagedZonePrivateVisibilityConfigNetworks(network_url=props.network.network_id)]
            ),
            cloud_logging_config=DnsManagedZoneCloudLoggingConfig(enable_logging=True),
            labels=label_safe(ctx.tags),
        )
        # Owned by the switch function at runtime: Terraform sets the initial target only.
        DnsRecordSet(
            self,
            "Serve",
            managed_zone=self.zone.name,
            name=self.serve_record,
            type="CNAME",
            ttl=ctx.profile.failover.dns_ttl_seconds,
            rrdatas=[f"api.{self.domain}"],
            lifecycle=TerraformResourceLifecycle(ignore_changes=["rrdatas"]),
        )
