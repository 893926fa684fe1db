"""The public entry of the serving path when serving.exposure is public: an API Gateway HTTP API (TLS 1.2
at the edge, IAM-signed requests, throttled, access-logged) reaching the internal ALB through a VPC link.
The ALB itself stays internal; nothing else in the VPC becomes reachable from the internet."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cdktn_provider_aws.apigatewayv2_api import Apigatewayv2Api
from cdktn_provider_aws.apigatewayv2_integration import Apigatewayv2Integration
from cdktn_provider_aws.apigatewayv2_route import Apigatewayv2Route
from cdktn_provider_aws.apigatewayv2_stage import (
    Apigatewayv2Stage,
    Apigatewayv2StageAccessLogSettings,
    Apigatewayv2StageDefaultRouteSettings,
)
from cdktn_provider_aws.apigatewayv2_vpc_link import Apigatewayv2VpcLink
from cdktn_provider_aws.security_group import SecurityGroup
from cdktn_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from constructs import Construct

from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.aws.load_balancer import ServingLoadBalancer
from trademl.constructs.aws.logs import LogGroup, LogGroupProps
from trademl.constructs.aws.network import NetworkRef
from trademl.constructs.context import BuildContext

# One line of JSON per request: who called what, and how it went.
ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "caller": "$context.identity.caller",
    "user": "$context.identity.userArn",
    "requestTime": "$context.requestTime",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "latency": "$context.responseLatency",
    "integrationError": "$context.integrationErrorMessage",
}


@dataclass(frozen=True, kw_only=True, slots=True)
class PublicApiProps:
    ctx: BuildContext
    balancer: ServingLoadBalancer
    network: NetworkRef
    key: KeyRef
    """Encrypts the access-log group."""
    burst_limit: int = 500
    rate_limit: int = 1000
    """Requests per second across all clients, before API Gateway answers 429."""


class PublicApi(Construct):
    def __init__(self, scope: Construct, id: str, props: PublicApiProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        self.security_group = SecurityGroup(
            self,
            "SecurityGroup",
            name=ctx.name("serving-vpc-link"),
            vpc_id=props.network.vpc_id,
            description="API Gateway VPC link: HTTP to the internal serving ALB only",
        )
        VpcSecurityGroupEgressRule(
            self,
            "ToAlb",
            security_group_id=self.security_group.id,
            ip_protocol="tcp",
            from_port=80,
            to_port=80,
            referenced_security_group_id=props.balancer.security_group.id,
            description="internal serving ALB",
        )
        # The ALB admits the VPC range, which holds the link's network interfaces.
        self.vpc_link = Apigatewayv2VpcLink(
            self,
            "VpcLink",
            name=ctx.name("serving"),
            subnet_ids=props.network.private_subnet_ids,
            security_group_ids=[self.security_group.id],
        )
        self.api = self._create_api()
        integration = Apigatewayv2Integration(
            self,
            "Integration",
            api_id=self.api.id,
            integration_type="HTTP_PROXY",
            integration_method="ANY",
            connection_type="VPC_LINK",
            connection_id=self.vpc_link.id,
            integration_uri=props.balancer.listener.arn,
            payload_format_version="1.0",
            timeout_milliseconds=29000,
        )
        # Callers sign requests (SigV4) with an IAM identity the platform team grants execute-api:Invoke.
        self.route = Apigatewayv2Route(
            self,
            "Route",
            api_id=self.api.id,
            route_key="ANY /{proxy+}",
            authorization_type="AWS_IAM",
            target=f"integrations/{integration.id}",
        )
        self.stage = self._create_stage()

    def _create_api(self) -> Apigatewayv2Api:
        """Extension point: the HTTP API."""
        ctx = self.props.ctx
        return Apigatewayv2Api(
            self,
            "Api",
            name=ctx.name("serving"),
            protocol_type="HTTP",
            description="Public serving entry (trademl): VPC link to the internal ALB",
        )

    def _create_stage(self) -> Apigatewayv2Stage:
        ctx = self.props.ctx
        group = LogGroup(
            self,
            "AccessLogGroup",
            LogGroupProps(ctx=ctx, name=f"/trademl/{ctx.prefix}/serving-api", key=self.props.key, audit=True),
        )
        return Apigatewayv2Stage(
            self,
            "Stage",
            api_id=self.api.id,
            name="$default",
            auto_deploy=True,
            access_log_settings=Apigatewayv2StageAccessLogSettings(
                destination_arn=group.arn, format=json.dumps(ACCESS_LOG_FORMAT, sort_keys=True)
            ),
            default_route_settings=Apigatewayv2StageDefaultRouteSettings(
                throttling_burst_limit=self.props.burst_limit,
                throttling_rate_limit=self.props.rate_limit,
                detailed_metrics_enabled=True,
            ),
        )
