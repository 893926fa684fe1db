"""A SageMaker training pipeline and its model registry: network-isolated jobs in the private subnets,
KMS on volumes and outputs, and an execution role that reaches only its own buckets, key and image."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_aws.data_aws_ec2_managed_prefix_list import DataAwsEc2ManagedPrefixList
from cdktn_provider_aws.sagemaker_model_package_group import SagemakerModelPackageGroup
from cdktn_provider_aws.sagemaker_pipeline import SagemakerPipeline
from cdktn_provider_aws.security_group import SecurityGroup
from cdktn_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from constructs import Construct

from trademl.constructs.aws.bucket import BucketRef
from trademl.constructs.aws.identity import (
    LeastPrivilegeRole,
    LeastPrivilegeRoleProps,
    account_of,
    grant_bucket_read,
    grant_bucket_write,
    service_trust,
)
from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.aws.network import NetworkRef
from trademl.constructs.aws.registry import ContainerRegistry
from trademl.constructs.aws.sagemaker.definition import PipelineInputs, render
from trademl.constructs.context import BuildContext
from trademl.model import GpuClass
from trademl.model.gpu import aws_instance_types


@dataclass(frozen=True, kw_only=True, slots=True)
class TrainingPipelineProps:
    ctx: BuildContext
    name: str
    """Short name: "platform" or a desk's name. Names the pipeline, group, role and prefixes."""
    key: KeyRef
    network: NetworkRef
    registry: ContainerRegistry
    image: str
    """Resolved training image (an ECR mirror)."""
    data: BucketRef
    """Read: the training data."""
    models: BucketRef
    """Written under training/<name>/: artifacts, checkpoints, evaluations."""
    gpu: GpuClass | None = None
    """Default: training.gpu."""


class TrainingPipeline(Construct):
    def __init__(self, scope: Construct, id: str, props: TrainingPipelineProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        training = ctx.profile.training
        self.prefix = f"training/{props.name}/"
        self.security_group = self._create_security_group()
        self.role = self._create_role()
        self.group = SagemakerModelPackageGroup(
            self,
            "ModelGroup",
            model_package_group_name=ctx.name(props.name, "models"),
            model_package_group_description=f"{ctx.prefix} {props.name}: registered models (trademl)",
        )
        gpu = props.gpu or training.gpu
        inputs = PipelineInputs(
            role_arn=self.role.arn,
            image=props.image,
            instance_type=f"ml.{aws_instance_types(gpu)[0]}",
            data_uri=f"s3://{props.data.name}/",
            output_uri=f"s3://{props.models.name}/{self.prefix.rstrip('/')}",
            key_arn=props.key.arn,
            subnet_ids=tuple(props.network.private_subnet_ids),
            security_group_ids=(self.security_group.id,),
            model_package_group=self.group.model_package_group_name,
            max_runtime_hours=training.max_runtime_hours,
            retries=training.retries,
            spot_default=training.spot_share > 0,
        )
        self.definition = render(inputs)
        self.pipeline = SagemakerPipeline(
            self,
            "Pipeline",
            pipeline_name=ctx.name(props.name, "training"),
            pipeline_display_name=ctx.name(props.name, "training"),
            role_arn=self.role.arn,
            pipeline_definition=self.definition,
            depends_on=[self.role.policy],
            pipeline_description=f"{ctx.prefix} {props.name}: spot training with on-demand fallback",
        )
        self.arn: str = self.pipeline.arn
        self.name: str = self.pipeline.pipeline_name

    def _create_security_group(self) -> SecurityGroup:
        """Extension point: jobs call only the VPC endpoints and S3."""
        ctx, net = self.props.ctx, self.props.network
        region = ctx.profile.aws(ctx.target).region
        sg = SecurityGroup(
            self,
            "SecurityGroup",
            name=ctx.name(self.props.name, "training"),
            vpc_id=net.vpc_id,
            description="SageMaker jobs: no inbound; HTTPS to endpoints and S3",
        )
        VpcSecurityGroupEgressRule(
            self,
            "ToVpc",
            security_group_id=sg.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=str(ctx.profile.aws(ctx.target).network.cidr),
            description="VPC interface endpoints",
        )
        s3 = DataAwsEc2ManagedPrefixList(self, "S3Prefixes", name=f"com.amazonaws.{region}.s3")
        VpcSecurityGroupEgressRule(
            self,
            "ToS3",
            security_group_id=sg.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            prefix_list_id=s3.id,
            description="S3 gateway endpoint",
        )
        return sg

    def _create_role(self) -> LeastPrivilegeRole:
        """Extension point: the execution role of the pipeline and of every job it starts."""
        ctx, props = self.props.ctx, self.props
        account, region = account_of(ctx), ctx.profile.aws(ctx.target).region
        name = ctx.name(props.name, "sagemaker")
        arn = f"arn:aws:sagemaker:{region}:{account}"
        role = LeastPrivilegeRole(
            self,
            "Role",
            LeastPrivilegeRoleProps(
                ctx=ctx, name=name, trust_policy=service_trust(["sagemaker.amazonaws.com"], account)
            ),
        )
        grant_bucket_read(role, props.data, props.key)
        grant_bucket_write(role, props.models, props.key, prefix=self.prefix)
        props.registry.grant_pull(role)
        role.add_statement(
            {
                "Effect": "Allow",
                "Action": ["kms:CreateGrant"],
                "Resource": props.key.arn,
                "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
            }
        )
        role.add_statement(
            {
                "Effect": "Allow",
                "Resource": [
                    f"{arn}:training-job/*",
                    f"{arn}:processing-job/*",
                    f"{arn}:model-package/*",
                    f"{arn}:model-package-group/{ctx.name(props.name, 'models')}",
                    f"{arn}:experiment/*",
                    f"{arn}:experiment-trial/*",
                    f"{arn}:experiment-trial-component/*",
                    f"{arn}:pipeline/*",
                ],
                "Action": [
                    "sagemaker:AddTags",
                    "sagemaker:CreateModelPackage",
                    "sagemaker:CreateProcessingJob",
                    "sagemaker:CreateTrainingJob",
                    "sagemaker:DescribeModelPackage",
                    "sagemaker:DescribeProcessingJob",
                    "sagemaker:DescribeTrainingJob",
                    "sagemaker:StopProcessingJob",
                    "sagemaker:StopTrainingJob",
                    "sagemaker:CreateExperiment",
                    "sagemaker:CreateTrial",
                    "sagemaker:AssociateTrialComponent",
                ],
            }
        )
        role.add_statement(
            {
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": f"arn:aws:iam::{account}:role/{name}",
                "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            }
        )
        role.add_statement(
            {
                "Effect": "Allow",
                "Action": [
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:DescribeLogStreams",
                ],
                "Resource": f"arn:aws:logs:{region}:{account}:log-group:/aws/sagemaker/*",
            }
        )
        role.add_statement(
            {
                "Effect": "Allow",
                "Action": "cloudwatch:PutMetricData",
                "Resource": "*",
                "Condition": {"StringLike": {"cloudwatch:namespace": "/aws/sagemaker/*"}},
            }
        )
        # VPC-mode jobs attach ENIs in the private subnets; EC2's describe calls take no resource ARN.
        role.add_statement(
            {
                "Effect": "Allow",
                "Resource": "*",
                "Action": [
                    "ec2:CreateNetworkInterface",
                    "ec2:CreateNetworkInterfacePermission",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DeleteNetworkInterfacePermission",
                    "ec2:DescribeDhcpOptions",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeVpcs",
                ],
                "Condition": {"StringEquals": {"aws:RequestedRegion": region}},
            }
        )
        return role
