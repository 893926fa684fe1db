"""The serving path's internal Application Load Balancer, owned by Terraform so DNS failover and Global
Accelerator know it at plan time. Pods join its target group through the platform's own mechanism
(EKS: the load balancer controller's TargetGroupBinding; ECS: the service's load_balancer block)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn import ITerraformDependable, TerraformStack
from cdktn_provider_aws.lb import Lb, LbAccessLogs
from cdktn_provider_aws.lb_listener import LbListener, LbListenerDefaultAction
from cdktn_provider_aws.lb_target_group import LbTargetGroup, LbTargetGroupHealthCheck
from cdktn_provider_aws.security_group import SecurityGroup
from cdktn_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktn_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from trademl.constructs.aws.bucket import ELB_LOG_PREFIX, BucketRef, SecureBucket
from trademl.constructs.aws.network import NetworkRef
from trademl.constructs.context import BuildContext


@dataclass(frozen=True, kw_only=True, slots=True)
class ServingLoadBalancerProps:
    ctx: BuildContext
    network: NetworkRef
    name: str = "serving"
    secondary: bool = False
    """In the secondary region (its CIDR and region come from the model)."""
    target_type: str = "ip"
    """ip: pods or Fargate tasks register by IP. Default: ip."""
    access_logs: BucketRef | None = None
    """SSE-S3 bucket in the balancer's region admitting ELB log delivery (access_logs.access_log_bucket).
    Default: None, no access logs (the gate's CKV_AWS_91 then fails: pass one)."""


class ServingLoadBalancer(Construct):
    """Internal only, reachable from the VPC range, deletion protection in prod, drops invalid headers."""

    def __init__(self, scope: Construct, id: str, props: ServingLoadBalancerProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        spec = ctx.profile.aws(ctx.target)
        self.region = spec.secondary_region if props.secondary else spec.region
        region = self.region if props.secondary else None
        cidr = str(spec.network.region_cidr(props.secondary))
        serving = ctx.profile.serving
        self.security_group = SecurityGroup(
            self,
            "SecurityGroup",
            name=ctx.name(props.name, "alb"),
            vpc_id=props.network.vpc_id,
            region=region,
            description="Internal serving ALB: HTTP from the platform network only",
        )
        VpcSecurityGroupIngressRule(
            self,
            "FromVpc",
            security_group_id=self.security_group.id,
            region=region,
            ip_protocol="tcp",
            from_port=80,
            to_port=80,
            cidr_ipv4=cidr,
            description="clients inside the platform network",
        )
        VpcSecurityGroupEgressRule(
            self,
            "ToTargets",
            security_group_id=self.security_group.id,
            region=region,
            ip_protocol="tcp",
            from_port=serving.port,
            to_port=serving.port,
            cidr_ipv4=cidr,
            description="serving pods",
        )
        self.lb = self._create_lb(region)
        self.target_group = LbTargetGroup(
            self,
            "TargetGroup",
            name=ctx.name(props.name, max_len=32),
            port=serving.port,
            protocol="HTTP",
            target_type=props.target_type,
            vpc_id=props.network.vpc_id,
            region=region,
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
        self.listener = LbListener(
            self,
            "Listener",
            load_balancer_arn=self.lb.arn,
            port=80,
            protocol="HTTP",
            region=region,
            default_action=[LbListenerDefaultAction(type="forward", target_group_arn=self.target_group.arn)],
        )

    def _log_policy(self, logs: BucketRef | None) -> list[ITerraformDependable] | None:
        """The log bucket's policy when it is made in this stack: ELB checks it may write at creation."""
        if isinstance(logs, SecureBucket) and TerraformStack.of(logs) is TerraformStack.of(self):
            return [logs.policy]
        return None

    def _create_lb(self, region: str | None) -> Lb:
        """Extension point: the load balancer."""
        ctx, logs = self.props.ctx, self.props.access_logs
        return Lb(
            self,
            "Alb",
            name=ctx.name(self.props.name, max_len=32),
            internal=True,
            load_balancer_type="application",
            subnets=self.props.network.edge_subnet_ids,
            security_groups=[self.security_group.id],
            drop_invalid_header_fields=True,
            enable_deletion_protection=ctx.profile.protect_stateful,
            region=region,
            access_logs=LbAccessLogs(bucket=logs.name, prefix=ELB_LOG_PREFIX, enabled=True) if logs else None,
            depends_on=self._log_policy(logs),
        )
