"""Cloud DNS failover for the serving path: `api.<zone>` answers with the primary region's internal load
balancer while it is healthy and with the failover region's otherwise. The zone is private
(serving.exposure private), and private zones can only target internal load balancers, whose health
Cloud DNS reads from the load balancer itself. The zone's apex SOA record carries the negative-caching TTL
(its last field), so resolvers forget an NXDOMAIN within failover.dns_ttl_seconds."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_google.compute_health_check import (
    ComputeHealthCheck,
    ComputeHealthCheckHttpHealthCheck,
    ComputeHealthCheckLogConfig,
)
from cdktn_provider_google.dns_record_set import (
    DnsRecordSet,
    DnsRecordSetRoutingPolicy,
    DnsRecordSetRoutingPolicyPrimaryBackup,
    DnsRecordSetRoutingPolicyPrimaryBackupBackupGeo,
    DnsRecordSetRoutingPolicyPrimaryBackupBackupGeoHealthCheckedTargets,
    DnsRecordSetRoutingPolicyPrimaryBackupBackupGeoHealthCheckedTargetsInternalLoadBalancers,
    DnsRecordSetRoutingPolicyPrimaryBackupPrimary,
    DnsRecordSetRoutingPolicyPrimaryBackupPrimaryInternalLoadBalancers,
)
from constructs import Construct

from trademl.constructs.context import BuildContext

from .address import ServingAddress

# Cloud DNS private zones answer SOA with Google's private name server and hostmaster.
PRIVATE_SOA = "ns-gcp-private.googledomains.com. cloud-dns-hostmaster.google.com."
SOA_TIMERS = "21600 3600 259200"  # refresh, retry, expire: Cloud DNS defaults
# GKE internal LoadBalancer Services are passthrough (L4) internal load balancers.
ILB_TYPE = "regionalL4ilb"


@dataclass(frozen=True, kw_only=True, slots=True)
class FailoverDnsProps:
    ctx: BuildContext
    zone_name: str
    """The platform's private serving zone."""
    domain: str
    """Its DNS name, with the trailing dot."""
    network_id: str
    primary: ServingAddress
    secondary: ServingAddress


def soa_rrdata(negative_ttl: int) -> str:
    return f"{PRIVATE_SOA} 1 {SOA_TIMERS} {negative_ttl}"


class FailoverDns(Construct):
    def __init__(self, scope: Construct, id: str, props: FailoverDnsProps) -> None:
        super().__init__(scope, id)
        self.props = props
        if props.ctx.profile.serving.exposure != "private":
            # Public zones need health-checked external IPs and a registered domain the model does not name.
            raise ValueError(
                "gcp failover: serving.exposure public needs a public Cloud DNS zone the profile does not "
                "name yet; fix: keep serving.exposure private on gcp, or disable failover"
            )
        self.health_check = self._create_health_check()
        self.record = self._create_record()
        self.soa = self._create_soa()

    def _create_health_check(self) -> ComputeHealthCheck:
        """Extension point: the global HTTP health check of the serving path (serving.health_path)."""
        ctx = self.props.ctx
        s, f = ctx.profile.serving, ctx.profile.failover
        return ComputeHealthCheck(
            self,
            "HealthCheck",
            name=ctx.name("serving-health"),
            description=f"GET {s.health_path} on the serving port (trademl)",
            check_interval_sec=f.health_check_interval_seconds,
            timeout_sec=5,
            healthy_threshold=2,
            unhealthy_threshold=3,
            http_health_check=ComputeHealthCheckHttpHealthCheck(port=s.port, request_path=s.health_path),
            log_config=ComputeHealthCheckLogConfig(enable=True),
        )

    def _target(self, address: ServingAddress) -> dict[str, str]:
        ctx = self.props.ctx
        return {
            "load_balancer_type": ILB_TYPE,
            "ip_address": address.ip,
            "port": str(ctx.profile.serving.port),
            "ip_protocol": "tcp",
            "network_url": self.props.network_id,
            "project": ctx.profile.gcp().project_id,
            "region": address.region,
        }

    def _create_record(self) -> DnsRecordSet:
        """Extension point: the failover-routed name (primary region first, the other region as backup)."""
        p, ctx = self.props, self.props.ctx
        return DnsRecordSet(
            self,
            "Api",
            managed_zone=p.zone_name,
            name=f"api.{p.domain}",
            type="A",
            ttl=ctx.profile.failover.dns_ttl_seconds,
            routing_policy=DnsRecordSetRoutingPolicy(
                primary_backup=DnsRecordSetRoutingPolicyPrimaryBackup(
                    primary=DnsRecordSetRoutingPolicyPrimaryBackupPrimary(
                        internal_load_balancers=[
                            DnsRecordSetRoutingPolicyPrimaryBackupPrimaryInternalLoadBalancers(
                                **self._target(p.primary)
                            )
                        ]
                    ),
                    backup_geo=[
                        DnsRecordSetRoutingPolicyPrimaryBackupBackupGeo(
                            location=p.secondary.region,
                            health_checked_targets=DnsRecordSetRoutingPolicyPrimaryBackupBackupGeoHealthCheckedTargets(
                                internal_load_balancers=[
                                    DnsRecordSetRoutingPolicyPrimaryBackupBackupGeoHealthCheckedTargetsInternalLoadBalancers(
                                        **self._target(p.secondary)
                                    )
                                ]
                            ),
                        )
                    ],
                    trickle_ratio=0,
                )
            ),
        )

    def _create_soa(self) -> DnsRecordSet:
        """Extension point: the apex SOA record; Terraform takes over the one Cloud DNS created."""
        p, ttl = self.props, self.props.ctx.profile.failover.dns_ttl_seconds
        return DnsRecordSet(
            self,
            "Soa",
            managed_zone=p.zone_name,
            name=p.domain,
            type="SOA",
            ttl=ttl,
            rrdatas=[soa_rrdata(ttl)],
        )
