"""An ECS service behind an ALB target group, spread over every private subnet (one per AZ), replaced on
failed container or ALB health checks, and scaled by target tracking.

Deployments, per service:
- ROLLING (inference): the deployment circuit breaker with rollback. The breaker works only with the
  rolling (ECS) controller, and rolling keeps GPU/Spot capacity flat instead of doubling it.
- BLUE_GREEN (operations UI): ECS native blue/green (aws provider >= 6.4) shifts the production listener
  rule between two target groups after a bake time; CloudWatch alarms roll it back. No CodeDeploy.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cdktn import TerraformResourceLifecycle
from cdktn_provider_aws.appautoscaling_policy import (
    AppautoscalingPolicy,
    AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration,
    AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification,
)
from cdktn_provider_aws.appautoscaling_target import AppautoscalingTarget
from cdktn_provider_aws.data_aws_ec2_managed_prefix_list import DataAwsEc2ManagedPrefixList
from cdktn_provider_aws.ecs_service import (
    EcsService,
    EcsServiceAlarms,
    EcsServiceCapacityProviderStrategy,
    EcsServiceDeploymentCircuitBreaker,
    EcsServiceDeploymentConfiguration,
    EcsServiceDeploymentController,
    EcsServiceLoadBalancer,
    EcsServiceLoadBalancerAdvancedConfiguration,
    EcsServiceNetworkConfiguration,
    EcsServiceOrderedPlacementStrategy,
)
from cdktn_provider_aws.security_group import SecurityGroup
from cdktn_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktn_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from trademl.constructs.aws.ecs.cluster import EcsPlatformCluster
from trademl.constructs.aws.ecs.placement import Placement
from trademl.constructs.aws.ecs.task import HardenedTask
from trademl.constructs.aws.network import NetworkRef


class Deployment(StrEnum):
    ROLLING = "ROLLING"
    BLUE_GREEN = "BLUE_GREEN"


@dataclass(frozen=True, kw_only=True, slots=True)
class BlueGreen:
    """What ECS native blue/green needs: the idle target group, the rule it rewrites, a role, alarms."""

    alternate_target_group_arn: str
    production_listener_rule_arn: str
    role_arn: str
    rollback_alarm_names: tuple[str, ...]
    bake_minutes: int = 10


@dataclass(frozen=True, kw_only=True, slots=True)
class Capacity:
    """Fargate with a Spot share (on-demand base), or the cluster's EC2 GPU capacity provider."""

    on_demand_base: int
    spot_percent: int
    gpu_provider: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class BalancedServiceProps:
    placement: Placement
    name: str
    cluster: EcsPlatformCluster
    network: NetworkRef
    task: HardenedTask
    target_group_arn: str
    balancer_security_group_id: str
    port: int
    capacity: Capacity
    min_count: int
    max_count: int
    target_utilization: int
    deployment: Deployment = Deployment.ROLLING
    blue_green: BlueGreen | None = None
    """Required with Deployment.BLUE_GREEN."""
    health_check_grace_seconds: int = 120
    """Time a new task gets before failed ALB health checks count. Default: 120 s."""


class BalancedService(Construct):
    def __init__(self, scope: Construct, id: str, props: BalancedServiceProps) -> None:
        super().__init__(scope, id)
        if props.deployment is Deployment.BLUE_GREEN and props.blue_green is None:
            raise ValueError(
                f"{self.node.path}: Deployment.BLUE_GREEN needs blue_green (target group, rule, "
                "role, alarms); fix: pass BlueGreen(...)"
            )
        self.props = props
        p = props.placement
        self.security_group = self._create_security_group()
        self.service = self._create_service()
        self.name: str = self.service.name
        self.scaling_target = AppautoscalingTarget(
            self,
            "ScalingTarget",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=f"service/{props.cluster.name}/{self.service.name}",
            region=p.region,
            min_capacity=props.min_count,
            max_capacity=props.max_count,
        )
        self.cpu_scaling = AppautoscalingPolicy(
            self,
            "CpuTracking",
            name=p.ctx.name(props.name, "cpu"),
            policy_type="TargetTrackingScaling",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            region=p.region,
            resource_id=self.scaling_target.resource_id,
            target_tracking_scaling_policy_configuration=AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration(
                target_value=props.target_utilization,
                scale_in_cooldown=300,
                scale_out_cooldown=60,
                predefined_metric_specification=(
                    AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification(
                        predefined_metric_type="ECSServiceAverageCPUUtilization"
                    )
                ),
            ),
        )

    def _create_security_group(self) -> SecurityGroup:
        """Extension point: tasks accept the service port from their ALB only; egress to the VPC and S3."""
        props, p = self.props, self.props.placement
        sg = SecurityGroup(
            self,
            "SecurityGroup",
            name=p.ctx.name(props.name, "tasks", "dr" if p.secondary else ""),
            vpc_id=props.network.vpc_id,
            region=p.region,
            description=f"{props.name} tasks: service port from the ALB only",
        )
        VpcSecurityGroupIngressRule(
            self,
            "FromAlb",
            security_group_id=sg.id,
            region=p.region,
            ip_protocol="tcp",
            from_port=props.port,
            to_port=props.port,
            referenced_security_group_id=props.balancer_security_group_id,
            description="ALB to the service port",
        )
        VpcSecurityGroupEgressRule(
            self,
            "ToVpc",
            security_group_id=sg.id,
            region=p.region,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=p.cidr,
            description="VPC interface endpoints",
        )
        s3 = DataAwsEc2ManagedPrefixList(
            self, "S3Prefixes", name=f"com.amazonaws.{p.region_name}.s3", region=p.region
        )
        VpcSecurityGroupEgressRule(
            self,
            "ToS3",
            security_group_id=sg.id,
            region=p.region,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            prefix_list_id=s3.id,
            description="S3 through the gateway endpoint",
        )
        return sg

    def _strategy(self) -> list[EcsServiceCapacityProviderStrategy]:
        cap = self.props.capacity
        if cap.gpu_provider is not None:
            # Spot/on-demand mixing happens inside the GPU Auto Scaling group.
            return [EcsServiceCapacityProviderStrategy(capacity_provider=cap.gpu_provider, base=0, weight=1)]
        return [
            EcsServiceCapacityProviderStrategy(
                capacity_provider="FARGATE", base=cap.on_demand_base, weight=100 - cap.spot_percent
            ),
            EcsServiceCapacityProviderStrategy(
                capacity_provider="FARGATE_SPOT", base=0, weight=cap.spot_percent
            ),
        ]

    def _create_service(self) -> EcsService:
        """Extension point: the service."""
        props, p = self.props, self.props.placement
        bg = props.blue_green if props.deployment is Deployment.BLUE_GREEN else None
        advanced = (
            None
            if bg is None
            else EcsServiceLoadBalancerAdvancedConfiguration(
                alternate_target_group_arn=bg.alternate_target_group_arn,
                production_listener_rule=bg.production_listener_rule_arn,
                role_arn=bg.role_arn,
            )
        )
        return EcsService(
            self,
            "Service",
            name=p.ctx.name(props.name),
            cluster=props.cluster.arn,
            region=p.region,
            task_definition=props.task.arn,
            desired_count=props.min_count,
            capacity_provider_strategy=self._strategy(),
            platform_version=None if props.capacity.gpu_provider else "LATEST",
            propagate_tags="SERVICE",
            enable_ecs_managed_tags=True,
            enable_execute_command=False,
            health_check_grace_period_seconds=props.health_check_grace_seconds,
            availability_zone_rebalancing="ENABLED",
            wait_for_steady_state=False,
            # Fargate spreads tasks over the subnets' AZs itself; EC2 capacity needs the strategy.
            ordered_placement_strategy=[
                EcsServiceOrderedPlacementStrategy(type="spread", field="attribute:ecs.availability-zone")
            ]
            if props.capacity.gpu_provider
            else None,
            deployment_minimum_healthy_percent=100,
            deployment_maximum_percent=200,
            deployment_controller=EcsServiceDeploymentController(type="ECS"),
            deployment_configuration=EcsServiceDeploymentConfiguration(
                strategy=props.deployment.value,
                bake_time_in_minutes=str(bg.bake_minutes) if bg is not None else None,
            ),
            # The circuit breaker belongs to rolling deployments; blue/green rolls back on its alarms.
            deployment_circuit_breaker=EcsServiceDeploymentCircuitBreaker(enable=True, rollback=True)
            if bg is None
            else None,
            alarms=EcsServiceAlarms(alarm_names=list(bg.rollback_alarm_names), enable=True, rollback=True)
            if bg is not None
            else None,
            network_configuration=EcsServiceNetworkConfiguration(
                subnets=props.network.private_subnet_ids,
                security_groups=[self.security_group.id],
                assign_public_ip=False,
            ),
            load_balancer=[
                EcsServiceLoadBalancer(
                    container_name="app",
                    container_port=props.port,
                    target_group_arn=props.target_group_arn,
                    advanced_configuration=advanced,
                )
            ],
            # Auto scaling owns the count; the GPU provider is spread by its own group.
            lifecycle=TerraformResourceLifecycle(ignore_changes=["desired_count"]),
        )
