"""Interface VPC endpoints for what ECS tasks, GPU instances and SageMaker call: the network has no route
to the internet, so without them no task could pull an image or write a log line."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_aws.security_group import SecurityGroup
from cdktn_provider_aws.vpc_endpoint import VpcEndpoint
from cdktn_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from trademl.constructs.aws.ecs.placement import Placement
from trademl.constructs.aws.network import NetworkRef

# Tasks: ECR, logs, X-Ray, STS, KMS. EC2 GPU instances: the ECS agent endpoints. Training: SageMaker API.
SERVICES = (
    "ecr.api",
    "ecr.dkr",
    "logs",
    "xray",
    "sts",
    "kms",
    "ecs",
    "ecs-agent",
    "ecs-telemetry",
    "monitoring",
    "sagemaker.api",
    "aps-workspaces",
)


@dataclass(frozen=True, kw_only=True, slots=True)
class InterfaceEndpointsProps:
    placement: Placement
    network: NetworkRef
    services: tuple[str, ...] = SERVICES


class InterfaceEndpoints(Construct):
    """Private DNS on, HTTPS only from the region's own network range."""

    def __init__(self, scope: Construct, id: str, props: InterfaceEndpointsProps) -> None:
        super().__init__(scope, id)
        p, region = props.placement, props.placement.region
        self.security_group = SecurityGroup(
            self,
            "SecurityGroup",
            name=p.ctx.name("endpoints", "dr" if p.secondary else ""),
            vpc_id=props.network.vpc_id,
            region=region,
            description="Interface endpoints: HTTPS from the VPC",
        )
        VpcSecurityGroupIngressRule(
            self,
            "Https",
            security_group_id=self.security_group.id,
            region=region,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=p.cidr,
            description="HTTPS from the platform network",
        )
        self.endpoints = {
            service: VpcEndpoint(
                self,
                f"Endpoint-{service}",
                vpc_id=props.network.vpc_id,
                service_name=f"com.amazonaws.{p.region_name}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=props.network.private_subnet_ids,
                security_group_ids=[self.security_group.id],
                region=region,
            )
            for service in props.services
        }
