"""The operations web app: an ECS Fargate service with ECS native blue/green behind an internal ALB
that only CloudFront (VPC origin) reaches.

Blue/green here, not rolling: the UI is small, so running two full copies for the bake time is cheap, and
operators switch over to a fully warmed green at once with an instant rollback. The circuit breaker is a
rolling-deployment feature, so this service rolls back on CloudWatch alarms (5xx, unhealthy targets)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn import TerraformResourceLifecycle
from cdktn_provider_aws.data_aws_ec2_managed_prefix_list import DataAwsEc2ManagedPrefixList
from cdktn_provider_aws.internet_gateway import InternetGateway
from cdktn_provider_aws.lb import Lb
from cdktn_provider_aws.lb_listener import (
    LbListener,
    LbListenerDefaultAction,
    LbListenerDefaultActionFixedResponse,
)
from cdktn_provider_aws.lb_listener_rule import (
    LbListenerRule,
    LbListenerRuleAction,
    LbListenerRuleActionForward,
    LbListenerRuleActionForwardTargetGroup,
    LbListenerRuleCondition,
    LbListenerRuleConditionPathPattern,
)
from cdktn_provider_aws.lb_target_group import LbTargetGroup, LbTargetGroupHealthCheck
from cdktn_provider_aws.security_group import SecurityGroup
from cdktn_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktn_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from trademl.constructs.aws.alerts import AlarmSpec, Alerts
from trademl.constructs.aws.bucket import BucketRef
from trademl.constructs.aws.ecs.alb_logs import log_access
from trademl.constructs.aws.ecs.cluster import EcsPlatformCluster
from trademl.constructs.aws.ecs.edge import UiEdge, UiEdgeProps
from trademl.constructs.aws.ecs.images import PublicImageCache
from trademl.constructs.aws.ecs.placement import Placement
from trademl.constructs.aws.ecs.service import (
    BalancedService,
    BalancedServiceProps,
    BlueGreen,
    Capacity,
    Deployment,
)
from trademl.constructs.aws.ecs.task import ContainerSpec, HardenedTask, HardenedTaskProps
from trademl.constructs.aws.identity import (
    LeastPrivilegeRole,
    LeastPrivilegeRoleProps,
    account_of,
    service_trust,
)
from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.aws.network import NetworkRef

CLOUDFRONT_ORIGIN_FACING = "com.amazonaws.global.cloudfront.origin-facing"


@dataclass(frozen=True, kw_only=True, slots=True)
class OpsUiProps:
    placement: Placement
    cluster: EcsPlatformCluster
    network: NetworkRef
    key: KeyRef
    public_images: PublicImageCache
    alerts: Alerts
    image: str
    """Resolved image reference (an ECR mirror of serving.ops_ui_image)."""
    min_count: int = 2
    """Tasks at rest: two, so every AZ failure leaves one. Default: 2."""
    max_count: int = 6
    access_logs: BucketRef | None = None
    """Bucket for the ALB's access logs (one that admits ELB delivery, see alb_logs). Default: none."""


class OpsUi(Construct):
    def __init__(self, scope: Construct, id: str, props: OpsUiProps) -> None:
        super().__init__(scope, id)
        self.props = props
        p = props.placement
        ctx, serving = p.ctx, p.ctx.profile.serving
        self.port = serving.port
        self.security_group = self._create_balancer_security_group()
        self.lb = Lb(
            self,
            "Alb",
            name=ctx.name("ops-ui", max_len=32),
            internal=True,
            load_balancer_type="application",
            subnets=props.network.edge_subnet_ids,
            security_groups=[self.security_group.id],
            drop_invalid_header_fields=True,
            enable_deletion_protection=ctx.profile.protect_stateful,
        )
        log_access(self.lb, props.access_logs, ctx.name("ops-ui"))
        self.target_groups = {color: self._target_group(color) for color in ("blue", "green")}
        self.listener = LbListener(
            self,
            "Listener",
            load_balancer_arn=self.lb.arn,
            port=80,
            protocol="HTTP",
            default_action=[
                LbListenerDefaultAction(
                    type="fixed-response",
                    fixed_response=(
                        LbListenerDefaultActionFixedResponse(content_type="text/plain", status_code="404")
                    ),
                )
            ],
        )
        # ECS rewrites this rule's weights at each deployment; Terraform must not set them back.
        self.production_rule = LbListenerRule(
            self,
            "ProductionRule",
            listener_arn=self.listener.arn,
            priority=100,
            condition=[
                LbListenerRuleCondition(path_pattern=LbListenerRuleConditionPathPattern(values=["/*"]))
            ],
            action=[
                LbListenerRuleAction(
                    type="forward",
                    forward=LbListenerRuleActionForward(
                        target_group=[
                            LbListenerRuleActionForwardTargetGroup(
                                arn=self.target_groups["blue"].arn, weight=100
                            ),
                            LbListenerRuleActionForwardTargetGroup(
                                arn=self.target_groups["green"].arn, weight=0
                            ),
                        ]
                    ),
                )
            ],
            lifecycle=TerraformResourceLifecycle(ignore_changes=["action"]),
        )
        self.deploy_role = self._create_deploy_role()
        dims = {"LoadBalancer": self.lb.arn_suffix}
        rollback = (
            props.alerts.add_alarm(
                "OpsUi5xx",
                AlarmSpec(
                    name="ops-ui-5xx",
                    namespace="AWS/ApplicationELB",
                    metric_name="HTTPCode_Target_5XX_Count",
                    statistic="Sum",
                    threshold=5,
                    dimensions=dims,
                    period_seconds=60,
                    evaluation_periods=3,
                    datapoints_to_alarm=2,
                    description="Operations UI answers 5xx: blue/green rolls back",
                ),
            ),
            props.alerts.add_alarm(
                "OpsUiUnhealthy",
                AlarmSpec(
                    name="ops-ui-unhealthy",
                    namespace="AWS/ApplicationELB",
                    metric_name="UnHealthyHostCount",
                    statistic="Maximum",
                    threshold=0,
                    period_seconds=60,
                    evaluation_periods=3,
                    datapoints_to_alarm=2,
                    dimensions={**dims, "TargetGroup": self.target_groups["blue"].arn_suffix},
                    description="An operations UI task fails its ALB health check",
                ),
            ),
        )
        self.task = HardenedTask(
            self,
            "Task",
            HardenedTaskProps(
                placement=p,
                name="ops-ui",
                key=props.key,
                public_images=props.public_images,
                container=ContainerSpec(
                    image=props.image, port=self.port, health_path=serving.health_path, cpu=512, memory=1024
                ),
            ),
        )
        self.service = BalancedService(
            self,
            "Service",
            BalancedServiceProps(
                placement=p,
                name="ops-ui",
                cluster=props.cluster,
                network=props.network,
                task=self.task,
                target_group_arn=self.target_groups["blue"].arn,
                balancer_security_group_id=self.security_group.id,
                port=self.port,
                capacity=Capacity(on_demand_base=props.min_count, spot_percent=0),
                min_count=props.min_count,
                max_count=props.max_count,
                target_utilization=serving.target_utilization,
                deployment=Deployment.BLUE_GREEN,
                blue_green=BlueGreen(
                    alternate_target_group_arn=self.target_groups["green"].arn,
                    production_listener_rule_arn=self.production_rule.arn,
                    role_arn=self.deploy_role.arn,
                    rollback_alarm_names=tuple(a.alarm_name for a in rollback),
                ),
            ),
        )
        self.service.service.node.add_dependency(self.production_rule)
        # CloudFront VPC origins require an internet gateway on the VPC; no route table points at it, so
        # every subnet stays private. An adopted network brings its own.
        if not props.network.adopted:
            InternetGateway(
                self,
                "VpcOriginGateway",
                vpc_id=props.network.vpc_id,
                tags={"Name": ctx.name("vpc-origin-igw")},
            )
        self.edge = UiEdge(self, "Edge", UiEdgeProps(ctx=ctx, origin=self.lb))

    def _create_balancer_security_group(self) -> SecurityGroup:
        """Extension point: HTTP in from CloudFront's origin-facing ranges only; out to the UI tasks."""
        p = self.props.placement
        sg = SecurityGroup(
            self,
            "SecurityGroup",
            name=p.ctx.name("ops-ui", "alb"),
            vpc_id=self.props.network.vpc_id,
            description="Operations UI ALB: CloudFront only",
        )
        cloudfront = DataAwsEc2ManagedPrefixList(self, "CloudFront", name=CLOUDFRONT_ORIGIN_FACING)
        VpcSecurityGroupIngressRule(
            self,
            "FromCloudFront",
            security_group_id=sg.id,
            ip_protocol="tcp",
            from_port=80,
            to_port=80,
            prefix_list_id=cloudfront.id,
            description="CloudFront origin-facing servers (VPC origin)",
        )
        VpcSecurityGroupEgressRule(
            self,
            "ToTasks",
            security_group_id=sg.id,
            ip_protocol="tcp",
            from_port=self.port,
            to_port=self.port,
            cidr_ipv4=p.cidr,
            description="operations UI tasks",
        )
        return sg

    def _target_group(self, color: str) -> LbTargetGroup:
        ctx, serving = self.props.placement.ctx, self.props.placement.ctx.profile.serving
        return LbTargetGroup(
            self,
            f"TargetGroup-{color}",
            name=ctx.name("ops-ui", color, max_len=32),
            port=self.port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=self.props.network.vpc_id,
            deregistration_delay="30",
            health_check=LbTargetGroupHealthCheck(
                enabled=True,
                path=serving.health_path,
                protocol="HTTP",
                matcher="200",
                interval=10,
                healthy_threshold=2,
                unhealthy_threshold=2,
            ),
        )

    def _create_deploy_role(self) -> LeastPrivilegeRole:
        """The role ECS assumes to shift the production rule between blue and green."""
        ctx = self.props.placement.ctx
        role = LeastPrivilegeRole(
            self,
            "DeployRole",
            LeastPrivilegeRoleProps(
                ctx=ctx,
                name=ctx.name("ops-ui-blue-green"),
                trust_policy=service_trust(["ecs.amazonaws.com"], account_of(ctx)),
            ),
        )
        role.add_statement(
            {
                "Effect": "Allow",
                "Action": ["elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule"],
                "Resource": [self.listener.arn, self.production_rule.arn],
            }
        )
        # Describe calls accept no resource ARN.
        role.add_statement(
            {
                "Effect": "Allow",
                "Resource": "*",
                "Action": [
                    "elasticloadbalancing:DescribeListeners",
                    "elasticloadbalancing:DescribeRules",
                    "elasticloadbalancing:DescribeTargetGroups",
                    "elasticloadbalancing:DescribeTargetHealth",
                ],
            }
        )
        return role
