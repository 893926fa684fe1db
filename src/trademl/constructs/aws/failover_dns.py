"""Cross-region failover of the serving path: Route 53 health checks and PRIMARY/SECONDARY failover
records in a private zone of both VPCs, and Global Accelerator when the service is public.

The load balancers are internal, so Route 53's internet health checkers cannot reach them: each health
check follows a CloudWatch alarm on its target group's healthy host count, in that target group's region.
Global Accelerator gives public anycast addresses, so it exists only when serving.exposure is public.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktn_provider_aws.globalaccelerator_accelerator import GlobalacceleratorAccelerator
from cdktn_provider_aws.globalaccelerator_endpoint_group import (
    GlobalacceleratorEndpointGroup,
    GlobalacceleratorEndpointGroupEndpointConfiguration,
)
from cdktn_provider_aws.globalaccelerator_listener import GlobalacceleratorListener
from cdktn_provider_aws.route53_health_check import Route53HealthCheck
from cdktn_provider_aws.route53_record import (
    Route53Record,
    Route53RecordAlias,
    Route53RecordFailoverRoutingPolicy,
)
from cdktn_provider_aws.route53_zone import Route53Zone, Route53ZoneVpc
from constructs import Construct

from trademl.constructs.aws.load_balancer import ServingLoadBalancer
from trademl.constructs.context import BuildContext


@dataclass(frozen=True, kw_only=True, slots=True)
class RegionalEndpoint:
    """One region's serving entry: its load balancer and the VPC it lives in."""

    balancer: ServingLoadBalancer
    vpc_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class FailoverDnsProps:
    ctx: BuildContext
    primary: RegionalEndpoint
    secondary: RegionalEndpoint
    record: str = "serving"
    """Record name inside the zone. Default: serving."""
    accelerator: bool | None = None
    """Global Accelerator in front of both regions. Default: only when serving.exposure is public."""


class FailoverDns(Construct):
    def __init__(self, scope: Construct, id: str, props: FailoverDnsProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        spec = ctx.profile.aws(ctx.target)
        adopted = spec.adopt.dns_zone
        if adopted:
            self.zone_id: str = adopted.rsplit("/", 1)[1]
            self.zone_name = f"{ctx.prefix}.trademl.internal"
        else:
            zone = self._create_zone()
            self.zone_id, self.zone_name = zone.zone_id, zone.name
        self.fqdn = f"{props.record}.{self.zone_name}"
        self.health_checks: dict[str, Route53HealthCheck] = {}
        for role, endpoint in (("PRIMARY", props.primary), ("SECONDARY", props.secondary)):
            check = self._create_health_check(role, endpoint)
            self.health_checks[role] = check
            self._create_record(role, endpoint, check)
        want_accelerator = (
            props.accelerator if props.accelerator is not None else (ctx.profile.serving.exposure == "public")
        )
        self.accelerator = self._create_accelerator() if want_accelerator else None

    def _create_zone(self) -> Route53Zone:
        """Extension point: a private zone visible from both regions' VPCs."""
        ctx, spec = self.props.ctx, self.props.ctx.profile.aws(self.props.ctx.target)
        return Route53Zone(
            self,
            "Zone",
            name=f"{ctx.prefix}.trademl.internal",
            force_destroy=ctx.force_destroy,
            comment="trademl serving failover",
            vpc=[
                Route53ZoneVpc(vpc_id=self.props.primary.vpc_id, vpc_region=spec.region),
                Route53ZoneVpc(vpc_id=self.props.secondary.vpc_id, vpc_region=spec.secondary_region),
            ],
        )

    def _create_health_check(self, role: str, endpoint: RegionalEndpoint) -> Route53HealthCheck:
        ctx, lb = self.props.ctx, endpoint.balancer
        name = ctx.name("serving-healthy", role.lower())
        alarm = CloudwatchMetricAlarm(
            self,
            f"Healthy-{role}",
            alarm_name=name,
            namespace="AWS/ApplicationELB",
            metric_name="HealthyHostCount",
            statistic="Minimum",
            comparison_operator="LessThanThreshold",
            threshold=1,
            period=10 * 6,
            evaluation_periods=2,
            treat_missing_data="breaching",
            dimensions={"TargetGroup": lb.target_group.arn_suffix, "LoadBalancer": lb.lb.arn_suffix},
            alarm_description=f"No healthy serving target answers {ctx.profile.serving.health_path} ({role})",
            region=lb.region if role == "SECONDARY" else None,
        )
        return Route53HealthCheck(
            self,
            f"Check-{role}",
            type="CLOUDWATCH_METRIC",
            cloudwatch_alarm_name=alarm.alarm_name,
            cloudwatch_alarm_region=lb.region,
            insufficient_data_health_status="LastKnownStatus",
            reference_name=f"{ctx.prefix[:20]}-{role.lower()[:3]}",
            tags={"Name": name},
        )

    def _create_record(
        self, role: str, endpoint: RegionalEndpoint, check: Route53HealthCheck
    ) -> Route53Record:
        lb = endpoint.balancer.lb
        return Route53Record(
            self,
            f"Record-{role}",
            zone_id=self.zone_id,
            name=self.fqdn,
            type="A",
            set_identifier=role.lower(),
            failover_routing_policy=Route53RecordFailoverRoutingPolicy(type=role),
            health_check_id=check.id,
            alias=Route53RecordAlias(name=lb.dns_name, zone_id=lb.zone_id, evaluate_target_health=True),
        )

    def _create_accelerator(self) -> GlobalacceleratorAccelerator:
        """Extension point: anycast entry with one endpoint group per region, health-checked on health_path."""
        ctx, serving = self.props.ctx, self.props.ctx.profile.serving
        accelerator = GlobalacceleratorAccelerator(
            self, "Accelerator", name=ctx.name("serving", max_len=64), enabled=True, ip_address_type="IPV4"
        )
        listener = GlobalacceleratorListener(
            self,
            "AcceleratorListener",
            accelerator_arn=accelerator.id,
            protocol="TCP",
            client_affinity="SOURCE_IP",
            port_range=[{"from_port": 80, "to_port": 80}],
        )
        for role, endpoint in (("PRIMARY", self.props.primary), ("SECONDARY", self.props.secondary)):
            GlobalacceleratorEndpointGroup(
                self,
                f"EndpointGroup-{role}",
                listener_arn=listener.id,
                endpoint_group_region=endpoint.balancer.region,
                health_check_path=serving.health_path,
                health_check_protocol="HTTP",
                health_check_port=80,
                health_check_interval_seconds=ctx.profile.failover.health_check_interval_seconds,
                threshold_count=3,
                traffic_dial_percentage=100,
                endpoint_configuration=[
                    GlobalacceleratorEndpointGroupEndpointConfiguration(
                        endpoint_id=endpoint.balancer.lb.arn, client_ip_preservation_enabled=True, weight=100
                    )
                ],
            )
        return accelerator
