"""GPU capacity for ECS: Fargate has no GPUs, so GPU inference runs on an EC2 Auto Scaling group of the
ECS GPU-optimized AMI, attached to the cluster as a managed-scaling capacity provider. Spot and on-demand
are mixed inside the group (on-demand base = serving.min_replicas, spot share from training.spot_share)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn import Fn, TerraformResourceLifecycle
from cdktn_provider_aws.autoscaling_group import (
    AutoscalingGroup,
    AutoscalingGroupMixedInstancesPolicy,
    AutoscalingGroupMixedInstancesPolicyInstancesDistribution,
    AutoscalingGroupMixedInstancesPolicyLaunchTemplate,
    AutoscalingGroupMixedInstancesPolicyLaunchTemplateLaunchTemplateSpecification,
    AutoscalingGroupMixedInstancesPolicyLaunchTemplateOverride,
    AutoscalingGroupTag,
)
from cdktn_provider_aws.data_aws_ssm_parameter import DataAwsSsmParameter
from cdktn_provider_aws.ecs_capacity_provider import (
    EcsCapacityProvider,
    EcsCapacityProviderAutoScalingGroupProvider,
    EcsCapacityProviderAutoScalingGroupProviderManagedScaling,
)
from cdktn_provider_aws.iam_instance_profile import IamInstanceProfile
from cdktn_provider_aws.launch_template import (
    LaunchTemplate,
    LaunchTemplateBlockDeviceMappings,
    LaunchTemplateBlockDeviceMappingsEbs,
    LaunchTemplateIamInstanceProfile,
    LaunchTemplateMetadataOptions,
    LaunchTemplateMonitoring,
)
from cdktn_provider_aws.security_group import SecurityGroup
from cdktn_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from constructs import Construct

from trademl.constructs.aws.ecs.placement import Placement
from trademl.constructs.aws.identity import (
    LeastPrivilegeRole,
    LeastPrivilegeRoleProps,
    account_of,
    service_trust,
)
from trademl.constructs.aws.network import NetworkRef
from trademl.model import GpuClass
from trademl.model.gpu import aws_instance_types

# AWS publishes the current ECS GPU AMI here; read at plan time, never hard-coded.
GPU_AMI_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id"
# AWS requires this managed policy for the ECS agent on container instances.
ECS_INSTANCE_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"


@dataclass(frozen=True, kw_only=True, slots=True)
class GpuCapacityProps:
    placement: Placement
    network: NetworkRef
    gpu: GpuClass
    cluster_name: str


class GpuCapacity(Construct):
    def __init__(self, scope: Construct, id: str, props: GpuCapacityProps) -> None:
        super().__init__(scope, id)
        self.props = props
        p = props.placement
        ctx = p.ctx
        self.ami = DataAwsSsmParameter(self, "GpuAmi", name=GPU_AMI_PARAMETER, region=p.region)
        self.role = LeastPrivilegeRole(
            self,
            "InstanceRole",
            LeastPrivilegeRoleProps(
                ctx=ctx,
                name=ctx.name(p.suffix("ecs-gpu-instance")),
                trust_policy=service_trust(["ec2.amazonaws.com"], account_of(ctx)),
                managed_policy_arns=(ECS_INSTANCE_POLICY,),
            ),
        )
        self.instance_profile = IamInstanceProfile(
            self, "InstanceProfile", name=ctx.name(p.suffix("ecs-gpu")), role=self.role.role.name
        )
        self.security_group = SecurityGroup(
            self,
            "SecurityGroup",
            name=ctx.name("ecs-gpu", "dr" if p.secondary else ""),
            vpc_id=props.network.vpc_id,
            region=p.region,
            description="ECS GPU instances: no inbound, HTTPS to the VPC endpoints only",
        )
        VpcSecurityGroupEgressRule(
            self,
            "ToEndpoints",
            security_group_id=self.security_group.id,
            region=p.region,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=p.cidr,
            description="VPC interface endpoints",
        )
        self.launch_template = self._create_launch_template()
        self.group = self._create_group()
        self.provider = EcsCapacityProvider(
            self,
            "Provider",
            name=ctx.name("gpu", "dr" if p.secondary else ""),
            region=p.region,
            auto_scaling_group_provider=EcsCapacityProviderAutoScalingGroupProvider(
                auto_scaling_group_arn=self.group.arn,
                managed_termination_protection="ENABLED",
                managed_draining="ENABLED",
                managed_scaling=EcsCapacityProviderAutoScalingGroupProviderManagedScaling(
                    status="ENABLED",
                    target_capacity=100,
                    minimum_scaling_step_size=1,
                    maximum_scaling_step_size=4,
                    instance_warmup_period=300,
                ),
            ),
        )

    def _user_data(self) -> str:
        # Tasks use awsvpc and their own task role: block them from the instance metadata service.
        lines = [
            "#!/bin/bash",
            f"echo ECS_CLUSTER={self.props.cluster_name} >> /etc/ecs/ecs.config",
            "echo ECS_ENABLE_GPU_SUPPORT=true >> /etc/ecs/ecs.config",
            "echo ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config",
            "echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config",
            "",
        ]
        return Fn.base64encode("\n".join(lines))

    def _create_launch_template(self) -> LaunchTemplate:
        """Extension point: IMDSv2 only, encrypted root volume, detailed monitoring."""
        p = self.props.placement
        return LaunchTemplate(
            self,
            "LaunchTemplate",
            name=p.ctx.name("ecs-gpu", "dr" if p.secondary else ""),
            region=p.region,
            image_id=self.ami.insecure_value,
            user_data=self._user_data(),
            update_default_version=True,
            vpc_security_group_ids=[self.security_group.id],
            ebs_optimized="true",
            iam_instance_profile=LaunchTemplateIamInstanceProfile(arn=self.instance_profile.arn),
            metadata_options=LaunchTemplateMetadataOptions(
                http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=1
            ),
            monitoring=LaunchTemplateMonitoring(enabled=True),
            block_device_mappings=[
                LaunchTemplateBlockDeviceMappings(
                    device_name="/dev/xvda",
                    ebs=LaunchTemplateBlockDeviceMappingsEbs(
                        encrypted="true", volume_size=100, volume_type="gp3", delete_on_termination="true"
                    ),
                )
            ],
        )

    def _create_group(self) -> AutoscalingGroup:
        """Extension point: spread over every private subnet (one per AZ), diversified instance types."""
        p, serving, training = (
            self.props.placement,
            self.props.placement.ctx.profile.serving,
            self.props.placement.ctx.profile.training,
        )
        spec = AutoscalingGroupMixedInstancesPolicyLaunchTemplateLaunchTemplateSpecification(
            launch_template_id=self.launch_template.id, version="$Latest"
        )
        return AutoscalingGroup(
            self,
            "Group",
            name=p.ctx.name("ecs-gpu", "dr" if p.secondary else ""),
            region=p.region,
            min_size=0,
            max_size=serving.max_replicas,
            vpc_zone_identifier=self.props.network.private_subnet_ids,
            protect_from_scale_in=True,
            capacity_rebalance=True,
            health_check_type="EC2",
            mixed_instances_policy=AutoscalingGroupMixedInstancesPolicy(
                launch_template=AutoscalingGroupMixedInstancesPolicyLaunchTemplate(
                    launch_template_specification=spec,
                    override=[
                        AutoscalingGroupMixedInstancesPolicyLaunchTemplateOverride(instance_type=t)
                        for t in aws_instance_types(self.props.gpu)
                    ],
                ),
                instances_distribution=AutoscalingGroupMixedInstancesPolicyInstancesDistribution(
                    on_demand_base_capacity=serving.min_replicas,
                    on_demand_percentage_above_base_capacity=100 - training.spot_percent,
                    spot_allocation_strategy="price-capacity-optimized",
                ),
            ),
            tag=[AutoscalingGroupTag(key="AmazonECSManaged", value="true", propagate_at_launch=True)],
            lifecycle=TerraformResourceLifecycle(ignore_changes=["desired_capacity"]),
        )
