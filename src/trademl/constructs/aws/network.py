"""A private VPC: subnets across zones with no route to the internet, flow logs, locked default SG."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network

from cdktn import Fn, Token
from cdktn_provider_aws.data_aws_availability_zones import DataAwsAvailabilityZones
from cdktn_provider_aws.default_security_group import DefaultSecurityGroup
from cdktn_provider_aws.flow_log import FlowLog
from cdktn_provider_aws.iam_role import IamRole
from cdktn_provider_aws.iam_role_policy import IamRolePolicy
from cdktn_provider_aws.route_table import RouteTable
from cdktn_provider_aws.route_table_association import RouteTableAssociation
from cdktn_provider_aws.subnet import Subnet
from cdktn_provider_aws.vpc import Vpc
from cdktn_provider_aws.vpc_endpoint import VpcEndpoint
from constructs import Construct

from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.aws.logs import LogGroup, LogGroupProps
from trademl.constructs.context import BuildContext
from trademl.model.adopt import AwsAdoptedNetwork


class NetworkRef:
    """A VPC and its private subnets, created here or adopted."""

    vpc_id: str
    private_subnet_ids: list[str]
    edge_subnet_ids: list[str]
    """Subnets for internal load balancers (adopted networks: the private subnets)."""
    adopted: bool = False


class AdoptedNetwork(NetworkRef):
    def __init__(self, spec: AwsAdoptedNetwork) -> None:
        self.vpc_id = spec.vpc.rsplit("/", 1)[1]
        self.private_subnet_ids = [s.rsplit("/", 1)[1] for s in spec.private_subnets]
        self.edge_subnet_ids = self.private_subnet_ids
        self.adopted = True


@dataclass(frozen=True, kw_only=True, slots=True)
class PrivateNetworkProps:
    ctx: BuildContext
    key: KeyRef
    """Encrypts the flow-log group."""
    secondary: bool = False
    """Build the secondary region's network (its CIDR comes from the model)."""
    region: str | None = None


class PrivateNetwork(Construct, NetworkRef):
    def __init__(self, scope: Construct, id: str, props: PrivateNetworkProps) -> None:
        super().__init__(scope, id)
        ctx, net, region = props.ctx, props.ctx.profile.aws(props.ctx.target).network, props.region
        self.vpc = Vpc(
            self,
            "Vpc",
            cidr_block=str(net.region_cidr(props.secondary)),
            enable_dns_hostnames=True,
            enable_dns_support=True,
            region=region,
            tags={"Name": ctx.name("vpc")},
        )
        self.vpc_id = self.vpc.id
        DefaultSecurityGroup(self, "DefaultSgClosed", vpc_id=self.vpc.id, region=region)
        zones = DataAwsAvailabilityZones(self, "Zones", state="available", region=region)
        self.route_table = RouteTable(
            self, "PrivateRoutes", vpc_id=self.vpc.id, region=region, tags={"Name": ctx.name("private")}
        )
        self.private_subnets = self._subnets("Private", net.private_subnets(props.secondary), zones, region)
        self.edge_subnets = self._subnets("Edge", net.edge_subnets(props.secondary), zones, region)
        self.private_subnet_ids = [s.id for s in self.private_subnets]
        self.edge_subnet_ids = [s.id for s in self.edge_subnets]
        VpcEndpoint(
            self,
            "S3Endpoint",
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{region or ctx.profile.aws(ctx.target).region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[self.route_table.id],
            region=region,
        )
        self._flow_logs(ctx, props.key, region)

    def _subnets(
        self, kind: str, cidrs: Sequence[IPv4Network], zones: DataAwsAvailabilityZones, region: str | None
    ) -> list[Subnet]:
        out = []
        for i, cidr in enumerate(cidrs):
            subnet = Subnet(
                self,
                f"{kind}{i}",
                vpc_id=self.vpc.id,
                cidr_block=str(cidr),
                availability_zone=Token.as_string(Fn.element(zones.names, i)),
                map_public_ip_on_launch=False,
                region=region,
                tags={"Name": f"{kind.lower()}-{i}", "trademl/tier": kind.lower()},
            )
            RouteTableAssociation(
                self,
                f"{kind}{i}Routes",
                subnet_id=subnet.id,
                route_table_id=self.route_table.id,
                region=region,
            )
            out.append(subnet)
        return out

    def _flow_logs(self, ctx: BuildContext, key: KeyRef, region: str | None) -> None:
        group = LogGroup(
            self,
            "FlowLogGroup",
            LogGroupProps(
                ctx=ctx,
                name=f"/trademl/{ctx.prefix}/vpc-flow-logs{'-secondary' if region else ''}",
                key=key,
                audit=True,
                region=region,
            ),
        )
        role = IamRole(
            self,
            "FlowLogRole",
            name_prefix="flowlogs-",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
        )
        IamRolePolicy(
            self,
            "FlowLogWrite",
            role=role.id,
            policy=Fn.jsonencode(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": [
                                "logs:CreateLogStream",
                                "logs:PutLogEvents",
                                "logs:DescribeLogStreams",
                            ],
                            "Resource": f"{group.arn}:*",
                        }
                    ],
                }
            ),
        )
        FlowLog(
            self,
            "FlowLog",
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination=group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            region=region,
        )
