"""The operations UI's edge: CloudFront reaching an internal ALB through a CloudFront VPC origin (the ALB
has no public address, so CloudFront is the only way in), TLS 1.2+ towards the origin, security headers,
and a WAF web ACL. serving.exposure decides the ACL's default: private blocks everyone not on the
operators' IP set (filled by the platform team), public allows all but what the managed rules block.
WAF and CloudFront access logs go to us-east-1 log groups (edge_logs.py)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_aws.cloudfront_distribution import (
    CloudfrontDistribution,
    CloudfrontDistributionDefaultCacheBehavior,
    CloudfrontDistributionOrigin,
    CloudfrontDistributionOriginVpcOriginConfig,
    CloudfrontDistributionRestrictions,
    CloudfrontDistributionRestrictionsGeoRestriction,
    CloudfrontDistributionViewerCertificate,
)
from cdktn_provider_aws.cloudfront_response_headers_policy import (
    CloudfrontResponseHeadersPolicy,
    CloudfrontResponseHeadersPolicySecurityHeadersConfig,
)
from cdktn_provider_aws.cloudfront_vpc_origin import (
    CloudfrontVpcOrigin,
    CloudfrontVpcOriginVpcOriginEndpointConfig,
    CloudfrontVpcOriginVpcOriginEndpointConfigOriginSslProtocols,
)
from cdktn_provider_aws.lb import Lb
from cdktn_provider_aws.wafv2_ip_set import Wafv2IpSet
from cdktn_provider_aws.wafv2_web_acl import (
    Wafv2WebAcl,
    Wafv2WebAclDefaultAction,
    Wafv2WebAclRule,
    Wafv2WebAclRuleAction,
    Wafv2WebAclRuleOverrideAction,
    Wafv2WebAclRuleVisibilityConfig,
    Wafv2WebAclVisibilityConfig,
)
from constructs import Construct

from trademl.constructs.aws.ecs.edge_logs import EdgeLogs, EdgeLogsProps
from trademl.constructs.context import BuildContext

# CloudFront-scoped WAF resources live in us-east-1, whatever the platform's region.
WAF_REGION = "us-east-1"
# AWS managed CloudFront policies (fixed ids): no caching for a live UI, all viewer headers to the
# origin.
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3"
MANAGED_RULES = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
)


@dataclass(frozen=True, kw_only=True, slots=True)
class UiEdgeProps:
    ctx: BuildContext
    origin: Lb
    """The internal ALB in front of the UI service."""
    origin_port: int = 80


class UiEdge(Construct):
    def __init__(self, scope: Construct, id: str, props: UiEdgeProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        self.public = ctx.profile.serving.exposure == "public"
        self.operators = Wafv2IpSet(
            self,
            "Operators",
            name=ctx.name("ops-ui-operators"),
            scope="CLOUDFRONT",
            region=WAF_REGION,
            ip_address_version="IPV4",
            addresses=[],
            description="Operator networks allowed to reach the operations UI (exposure: private)",
        )
        self.web_acl = self._create_web_acl()
        self.vpc_origin = CloudfrontVpcOrigin(
            self,
            "VpcOrigin",
            vpc_origin_endpoint_config=[
                CloudfrontVpcOriginVpcOriginEndpointConfig(
                    name=ctx.name("ops-ui"),
                    arn=props.origin.arn,
                    http_port=props.origin_port,
                    https_port=443,
                    origin_protocol_policy="http-only",
                    origin_ssl_protocols=[
                        CloudfrontVpcOriginVpcOriginEndpointConfigOriginSslProtocols(
                            items=["TLSv1.2"], quantity=1
                        )
                    ],
                )
            ],
        )
        self.headers = CloudfrontResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            name=ctx.name("ops-ui-headers"),
            comment="HSTS, no framing, no sniffing",
            security_headers_config=CloudfrontResponseHeadersPolicySecurityHeadersConfig(
                strict_transport_security={
                    "access_control_max_age_sec": 63072000,
                    "include_subdomains": True,
                    "preload": True,
                    "override": True,
                },
                content_type_options={"override": True},
                frame_options={"frame_option": "DENY", "override": True},
                referrer_policy={"referrer_policy": "same-origin", "override": True},
                xss_protection={"protection": True, "mode_block": True, "override": True},
            ),
        )
        self.distribution = self._create_distribution()
        self.logs = EdgeLogs(
            self, "Logs", EdgeLogsProps(ctx=ctx, web_acl=self.web_acl, distribution=self.distribution)
        )

    def _rules(self) -> list[Wafv2WebAclRule]:
        """Managed rule groups and a rate limit first; with private exposure, then allow the operators."""

        def visibility(name: str) -> Wafv2WebAclRuleVisibilityConfig:
            return Wafv2WebAclRuleVisibilityConfig(
                cloudwatch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
            )

        # `statement` is schemaless in the binding: its keys are written as Terraform's own.
        rules = [
            Wafv2WebAclRule(
                name=name,
                priority=i,
                override_action=Wafv2WebAclRuleOverrideAction(none={}),
                statement={"managed_rule_group_statement": {"name": name, "vendor_name": "AWS"}},
                visibility_config=visibility(name),
            )
            for i, name in enumerate(MANAGED_RULES, start=1)
        ]
        rules.append(
            Wafv2WebAclRule(
                name="rate-limit",
                priority=len(rules) + 1,
                action=Wafv2WebAclRuleAction(block={}),
                statement={"rate_based_statement": {"limit": 2000, "aggregate_key_type": "IP"}},
                visibility_config=visibility("rate-limit"),
            )
        )
        if not self.public:
            rules.append(
                Wafv2WebAclRule(
                    name="allow-operators",
                    priority=len(rules) + 1,
                    action=Wafv2WebAclRuleAction(allow={}),
                    statement={"ip_set_reference_statement": {"arn": self.operators.arn}},
                    visibility_config=visibility("allow-operators"),
                )
            )
        return rules

    def _create_web_acl(self) -> Wafv2WebAcl:
        """Extension point: the web ACL (us-east-1, CLOUDFRONT scope)."""
        ctx = self.props.ctx
        default = Wafv2WebAclDefaultAction(allow={}) if self.public else Wafv2WebAclDefaultAction(block={})
        return Wafv2WebAcl(
            self,
            "WebAcl",
            name=ctx.name("ops-ui"),
            scope="CLOUDFRONT",
            region=WAF_REGION,
            default_action=default,
            rule=self._rules(),
            description=f"operations UI ({ctx.profile.serving.exposure})",
            visibility_config=Wafv2WebAclVisibilityConfig(
                cloudwatch_metrics_enabled=True, metric_name=ctx.name("ops-ui"), sampled_requests_enabled=True
            ),
        )

    def _create_distribution(self) -> CloudfrontDistribution:
        """Extension point: the distribution. HTTPS only for viewers, TLS 1.2 minimum."""
        ctx, origin_id = self.props.ctx, "ops-ui-alb"
        return CloudfrontDistribution(
            self,
            "Distribution",
            enabled=True,
            comment=f"{ctx.prefix} operations UI",
            http_version="http2and3",
            is_ipv6_enabled=True,
            price_class="PriceClass_200",
            web_acl_id=self.web_acl.arn,
            origin=[
                CloudfrontDistributionOrigin(
                    origin_id=origin_id,
                    domain_name=self.props.origin.dns_name,
                    vpc_origin_config=CloudfrontDistributionOriginVpcOriginConfig(
                        vpc_origin_id=self.vpc_origin.id, origin_keepalive_timeout=5, origin_read_timeout=30
                    ),
                )
            ],
            default_cache_behavior=CloudfrontDistributionDefaultCacheBehavior(
                target_origin_id=origin_id,
                viewer_protocol_policy="https-only",
                compress=True,
                allowed_methods=["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"],
                cached_methods=["GET", "HEAD"],
                cache_policy_id=CACHING_DISABLED,
                origin_request_policy_id=ALL_VIEWER,
                response_headers_policy_id=self.headers.id,
            ),
            restrictions=CloudfrontDistributionRestrictions(
                geo_restriction=CloudfrontDistributionRestrictionsGeoRestriction(restriction_type="none")
            ),
            # The profile names no domain, so the distribution answers on *.cloudfront.net; with an
            # aliased ACM certificate this minimum (TLSv1.2_2021) is what CloudFront enforces.
            viewer_certificate=CloudfrontDistributionViewerCertificate(
                cloudfront_default_certificate=True, minimum_protocol_version="TLSv1.2_2021"
            ),
        )
