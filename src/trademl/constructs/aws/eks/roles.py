"""IRSA roles of the platform's in-cluster services, each scoped to one namespace/service account and
granted only what that service touches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from constructs import Construct

from trademl.constructs.aws.alerts import Alerts
from trademl.constructs.aws.bucket import BucketRef
from trademl.constructs.aws.eks.irsa import IrsaRole, IrsaRoleProps
from trademl.constructs.aws.eks.namespaces import SERVICE_ACCOUNTS
from trademl.constructs.aws.eks.retraining import RetrainingTriggers
from trademl.constructs.aws.eks.workloads import platform_role_name
from trademl.constructs.aws.identity import OidcIssuer, grant_bucket_read, grant_bucket_write, grant_key
from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.aws.stream import MarketStream
from trademl.constructs.context import BuildContext

# The load balancer controller only binds pods to a Terraform-owned target group: no ELB creation rights.
LB_CONTROLLER_READ = (
    "ec2:DescribeAvailabilityZones",
    "ec2:DescribeInstances",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
)

# The cluster autoscaler reads every group and instance type (scale-from-zero templates come from the managed
# node group's labels and taints), and resizes only the groups EKS tagged as this cluster's.
AUTOSCALER_READ = (
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:DescribeAutoScalingInstances",
    "autoscaling:DescribeLaunchConfigurations",
    "autoscaling:DescribeScalingActivities",
    "autoscaling:DescribeTags",
    "ec2:DescribeImages",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:GetInstanceTypesFromInstanceRequirements",
    "eks:DescribeNodegroup",
)
AUTOSCALER_WRITE = ("autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup")


@dataclass(frozen=True, kw_only=True, slots=True)
class PlatformRolesProps:
    ctx: BuildContext
    issuer: OidcIssuer
    key: KeyRef
    stores: Mapping[str, BucketRef]
    target_group_arn: str
    log_group_arns: Mapping[str, str]
    alerts: Alerts
    retraining: RetrainingTriggers
    stream: MarketStream | None = None
    cluster_name: str | None = None
    """Creates the cluster autoscaler's role, limited to the node groups of this cluster."""


class PlatformRoles(Construct):
    def __init__(self, scope: Construct, id: str, props: PlatformRolesProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.roles: dict[str, IrsaRole] = {}
        data, models = props.stores.get("data"), props.stores.get("models")
        lbc = self._role("lb-controller")
        lbc.add_statement({"Effect": "Allow", "Action": list(LB_CONTROLLER_READ), "Resource": "*"})
        lbc.add_statement(
            {
                "Effect": "Allow",
                "Resource": props.target_group_arn,
                "Action": ["elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:RegisterTargets"],
            }
        )
        if props.cluster_name is not None:
            scaler = self._role("cluster-autoscaler")
            scaler.add_statement({"Effect": "Allow", "Action": list(AUTOSCALER_READ), "Resource": "*"})
            scaler.add_statement(
                {
                    "Effect": "Allow",
                    "Action": list(AUTOSCALER_WRITE),
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {
                            f"aws:ResourceTag/k8s.io/cluster-autoscaler/{props.cluster_name}": "owned"
                        }
                    },
                }
            )
        bit = self._role("fluent-bit")
        bit.add_statement(
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                "Resource": sorted(f"{arn}:*" for arn in props.log_group_arns.values()),
            }
        )
        am = self._role("alertmanager")
        am.add_statement({"Effect": "Allow", "Action": "sns:Publish", "Resource": props.alerts.arn})
        grant_key(am, props.alerts.key, write=True)
        dispatcher = self._role("dispatcher")
        props.retraining.grant_consume(dispatcher)
        for purpose in ("notebooks", "pipelines", "retraining", "serving") + (
            ("mlflow",) if props.ctx.profile.experiment.registry == "mlflow" else ()
        ):
            role = self._role(purpose)
            if data is not None:
                grant_bucket_read(role, data, props.key)
            if models is not None:
                if purpose == "serving":
                    grant_bucket_read(role, models, props.key, prefix="serving/")
                elif purpose == "notebooks":
                    grant_bucket_write(role, models, props.key, prefix="experiments/")
                else:
                    grant_bucket_write(role, models, props.key)
            if props.stream is not None and purpose in ("pipelines", "retraining"):
                props.stream.grant_read(role)

    def _role(self, purpose: str) -> IrsaRole:
        namespace, account = SERVICE_ACCOUNTS[purpose]
        role = IrsaRole(
            self,
            f"Irsa-{purpose}",
            IrsaRoleProps(
                ctx=self.props.ctx,
                issuer=self.props.issuer,
                namespace=namespace,
                service_account=account,
                name=platform_role_name(self.props.ctx, purpose),
            ),
        )
        self.roles[purpose] = role
        return role
