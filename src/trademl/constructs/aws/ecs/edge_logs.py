"""Logs of the operations UI's edge, in us-east-1 where CloudFront and its WAF live: WAF request logs into
an `aws-waf-logs-*` log group (the name WAF requires) and CloudFront access logs through standard logging
v2 (a CloudWatch Logs delivery source/destination/delivery) into a vended-logs group. Both groups are
encrypted with a us-east-1 key of their own (KMS keys never leave their region) and keep
monitoring.log_retention_days.

Why not legacy CloudFront logging to S3: it writes with object ACLs, and every trademl bucket enforces
bucket-owner ownership (ACLs disabled)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cdktn_provider_aws.cloudfront_distribution import CloudfrontDistribution
from cdktn_provider_aws.cloudwatch_log_delivery import CloudwatchLogDelivery
from cdktn_provider_aws.cloudwatch_log_delivery_destination import (
    CloudwatchLogDeliveryDestination,
    CloudwatchLogDeliveryDestinationDeliveryDestinationConfiguration,
)
from cdktn_provider_aws.cloudwatch_log_delivery_source import CloudwatchLogDeliverySource
from cdktn_provider_aws.cloudwatch_log_resource_policy import CloudwatchLogResourcePolicy
from cdktn_provider_aws.wafv2_web_acl import Wafv2WebAcl
from cdktn_provider_aws.wafv2_web_acl_logging_configuration import Wafv2WebAclLoggingConfiguration
from constructs import Construct

from trademl.constructs.aws.kms import EncryptionKey, EncryptionKeyProps
from trademl.constructs.aws.logs import LogGroup, LogGroupProps
from trademl.constructs.context import BuildContext

EDGE_REGION = "us-east-1"


@dataclass(frozen=True, kw_only=True, slots=True)
class EdgeLogsProps:
    ctx: BuildContext
    web_acl: Wafv2WebAcl
    distribution: CloudfrontDistribution
    name: str = "ops-ui"


class EdgeLogs(Construct):
    def __init__(self, scope: Construct, id: str, props: EdgeLogsProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        self.key = EncryptionKey(
            self,
            "Key",
            EncryptionKeyProps(
                ctx=ctx,
                purpose=f"{props.name}-edge-logs",
                region=EDGE_REGION,
                service_principals=(f"logs.{EDGE_REGION}.amazonaws.com", "delivery.logs.amazonaws.com"),
            ),
        )
        self.waf_group = self._group("WafLogs", f"aws-waf-logs-{ctx.prefix}-{props.name}")
        self.cdn_group = self._group("CdnLogs", f"/aws/vendedlogs/cloudfront/{ctx.prefix}-{props.name}")
        self.delivery_policy = self._create_delivery_policy()
        self.waf_logging = Wafv2WebAclLoggingConfiguration(
            self,
            "WafLogging",
            resource_arn=props.web_acl.arn,
            log_destination_configs=[self.waf_group.arn],
            region=EDGE_REGION,
            depends_on=[self.delivery_policy],
        )
        self.cdn_delivery = self._create_cdn_delivery()

    def _group(self, id: str, name: str) -> LogGroup:
        return LogGroup(
            self, id, LogGroupProps(ctx=self.props.ctx, name=name, key=self.key, region=EDGE_REGION)
        )

    def _create_delivery_policy(self) -> CloudwatchLogResourcePolicy:
        """Extension point: log delivery may write these two groups, for this account's sources only."""
        ctx = self.props.ctx
        account = ctx.profile.aws(ctx.target).account_id
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "EdgeLogDelivery",
                    "Effect": "Allow",
                    "Principal": {"Service": "delivery.logs.amazonaws.com"},
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": [f"{self.waf_group.arn}:*", f"{self.cdn_group.arn}:*"],
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": account},
                        "ArnLike": {"aws:SourceArn": f"arn:aws:logs:{EDGE_REGION}:{account}:*"},
                    },
                }
            ],
        }
        return CloudwatchLogResourcePolicy(
            self,
            "DeliveryPolicy",
            policy_name=ctx.name(self.props.name, "edge-log-delivery"),
            policy_document=json.dumps(policy, sort_keys=True),
            region=EDGE_REGION,
        )

    def _create_cdn_delivery(self) -> CloudwatchLogDelivery:
        """Extension point: CloudFront standard logging (v2) into the vended-logs group."""
        ctx, name = self.props.ctx, self.props.name
        source = CloudwatchLogDeliverySource(
            self,
            "CdnSource",
            name=ctx.name(name, "cdn"),
            log_type="ACCESS_LOGS",
            resource_arn=self.props.distribution.arn,
            region=EDGE_REGION,
        )
        destination = CloudwatchLogDeliveryDestination(
            self,
            "CdnDestination",
            name=ctx.name(name, "cdn-logs"),
            output_format="json",
            delivery_destination_configuration=[
                CloudwatchLogDeliveryDestinationDeliveryDestinationConfiguration(
                    destination_resource_arn=self.cdn_group.arn
                )
            ],
            region=EDGE_REGION,
        )
        return CloudwatchLogDelivery(
            self,
            "CdnDelivery",
            delivery_source_name=source.name,
            delivery_destination_arn=destination.arn,
            region=EDGE_REGION,
            depends_on=[self.delivery_policy],
        )
