"""Operational alerts both AWS flavours share: CloudWatch alarms -> an encrypted SNS topic -> PagerDuty,
and every alarm state change -> Slack.

Slack is reached through an EventBridge API destination, not an SNS HTTPS subscription: SNS posts its
own JSON envelope and waits for a subscription confirmation, and a Slack incoming webhook neither confirms
nor accepts that body. The API destination reshapes the event into Slack's {"text": ...} and needs no
Lambda. (AWS Chatbot would need the Slack workspace and channel ids, which the profile does not carry.)
Secrets (the webhook URL, the PagerDuty routing key) come only from sensitive Terraform variables.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktn import TerraformVariable
from cdktn_provider_aws.cloudwatch_event_api_destination import CloudwatchEventApiDestination
from cdktn_provider_aws.cloudwatch_event_connection import (
    CloudwatchEventConnection,
    CloudwatchEventConnectionAuthParameters,
    CloudwatchEventConnectionAuthParametersApiKey,
)
from cdktn_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktn_provider_aws.cloudwatch_event_target import (
    CloudwatchEventTarget,
    CloudwatchEventTargetInputTransformer,
    CloudwatchEventTargetRetryPolicy,
)
from cdktn_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktn_provider_aws.sns_topic import SnsTopic
from cdktn_provider_aws.sns_topic_policy import SnsTopicPolicy
from cdktn_provider_aws.sns_topic_subscription import SnsTopicSubscription
from constructs import Construct

from trademl.constructs.aws.identity import (
    LeastPrivilegeRole,
    LeastPrivilegeRoleProps,
    account_of,
    policy_json,
    service_trust,
)
from trademl.constructs.aws.kms import EncryptionKey, EncryptionKeyProps, KeyRef
from trademl.constructs.context import BuildContext

SLACK_TEXT = (
    '{"text": ":rotating_light: <alarm> is <state> (was <previous>) in <region>: <reason>", '
    '"channel": "CHANNEL"}'
)


# The metric a serving container publishes: live accuracy drop (percent) against the training score.
ACCURACY_NAMESPACE = "Trademl/Models"
ACCURACY_METRIC = "AccuracyDropPercent"


@dataclass(frozen=True, kw_only=True, slots=True)
class AlarmSpec:
    """One CloudWatch alarm; its name is prefixed so the Slack rule picks it up."""

    name: str
    namespace: str
    metric_name: str
    threshold: float
    comparison: str = "GreaterThanThreshold"
    statistic: str | None = "Average"
    extended_statistic: str | None = None
    """e.g. p99; replaces statistic."""
    dimensions: Mapping[str, str] = field(default_factory=dict)
    period_seconds: int = 60
    evaluation_periods: int = 5
    datapoints_to_alarm: int = 3
    treat_missing_data: str = "notBreaching"
    description: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class AlertsProps:
    ctx: BuildContext
    key: KeyRef | None = None
    """Encrypts the topic. Default: a new key that CloudWatch and EventBridge may use to publish."""


class Alerts(Construct):
    def __init__(self, scope: Construct, id: str, props: AlertsProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        self.key: KeyRef = props.key or EncryptionKey(
            self,
            "Key",
            EncryptionKeyProps(
                ctx=ctx,
                purpose="alerts",
                service_principals=("cloudwatch.amazonaws.com", "events.amazonaws.com"),
            ),
        )
        self.topic = self._create_topic()
        self.arn: str = self.topic.arn
        self.alarm_prefix = ctx.name("alarm")
        self.alarms: dict[str, CloudwatchMetricAlarm] = {}
        notifications = ctx.profile.monitoring.notifications
        if notifications.slack is not None:
            self._slack(notifications.slack.webhook_variable, notifications.slack.channel)
        if notifications.pagerduty is not None:
            self._pagerduty(notifications.pagerduty.routing_key_variable)

    def _create_topic(self) -> SnsTopic:
        """Extension point: the alarm topic; only CloudWatch and EventBridge of this account publish."""
        ctx = self.props.ctx
        topic = SnsTopic(self, "Topic", name=ctx.name("alerts"), kms_master_key_id=self.key.arn)
        SnsTopicPolicy(
            self,
            "TopicPolicy",
            arn=topic.arn,
            policy=policy_json(
                [
                    {
                        "Sid": "AccountServicesPublish",
                        "Effect": "Allow",
                        "Principal": {"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
                        "Action": "sns:Publish",
                        "Resource": topic.arn,
                        "Condition": {"StringEquals": {"aws:SourceAccount": account_of(ctx)}},
                    }
                ]
            ),
        )
        return topic

    def _secret(self, name: str, description: str) -> TerraformVariable:
        variable = TerraformVariable(
            self, f"Var-{name}", type="string", sensitive=True, nullable=False, description=description
        )
        variable.override_logical_id(name)  # the profile names the variable: keep it exact
        return variable

    def _slack(self, variable_name: str, channel: str) -> None:
        ctx = self.props.ctx
        webhook = self._secret(variable_name, f"Slack incoming webhook URL for {channel} (sensitive)")
        # Slack ignores the header; EventBridge connections require some authorization.
        connection = CloudwatchEventConnection(
            self,
            "SlackConnection",
            name=ctx.name("slack"),
            authorization_type="API_KEY",
            kms_key_identifier=self.key.arn,
            auth_parameters=CloudwatchEventConnectionAuthParameters(
                api_key=CloudwatchEventConnectionAuthParametersApiKey(
                    key="X-Trademl-Source", value=ctx.prefix
                )
            ),
        )
        destination = CloudwatchEventApiDestination(
            self,
            "SlackDestination",
            name=ctx.name("slack"),
            connection_arn=connection.arn,
            http_method="POST",
            invocation_endpoint=webhook.string_value,
            invocation_rate_limit_per_second=1,
        )
        self.slack_rule = CloudwatchEventRule(
            self,
            "SlackRule",
            name=ctx.name("alarms-to-slack"),
            description="CloudWatch alarm changes to Slack",
            event_pattern=json.dumps(
                {
                    "source": ["aws.cloudwatch"],
                    "detail-type": ["CloudWatch Alarm State Change"],
                    "detail": {"alarmName": [{"prefix": self.alarm_prefix}]},
                },
                sort_keys=True,
            ),
        )
        role = LeastPrivilegeRole(
            self,
            "SlackInvokeRole",
            LeastPrivilegeRoleProps(
                ctx=ctx,
                name=ctx.name("alerts-slack"),
                trust_policy=service_trust(["events.amazonaws.com"], account_of(ctx)),
                statements=(
                    {"Effect": "Allow", "Action": "events:InvokeApiDestination", "Resource": destination.arn},
                ),
            ),
        )
        CloudwatchEventTarget(
            self,
            "SlackTarget",
            rule=self.slack_rule.name,
            arn=destination.arn,
            role_arn=role.arn,
            retry_policy=CloudwatchEventTargetRetryPolicy(
                maximum_retry_attempts=5, maximum_event_age_in_seconds=3600
            ),
            input_transformer=CloudwatchEventTargetInputTransformer(
                input_paths={
                    "alarm": "$.detail.alarmName",
                    "state": "$.detail.state.value",
                    "previous": "$.detail.previousState.value",
                    "region": "$.region",
                    "reason": "$.detail.state.reason",
                },
                input_template=SLACK_TEXT.replace("CHANNEL", channel),
            ),
        )

    def _pagerduty(self, variable_name: str) -> None:
        key = self._secret(variable_name, "PagerDuty Events integration key for CloudWatch (sensitive)")
        # PagerDuty's CloudWatch integration confirms SNS subscriptions itself.
        SnsTopicSubscription(
            self,
            "PagerDuty",
            topic_arn=self.topic.arn,
            protocol="https",
            endpoint_auto_confirms=True,
            endpoint=f"https://events.pagerduty.com/integration/{key.string_value}/enqueue",
        )

    def add_alarm(self, id: str, spec: AlarmSpec) -> CloudwatchMetricAlarm:
        """A metric alarm that notifies the topic on ALARM and OK (and Slack through EventBridge)."""
        alarm = CloudwatchMetricAlarm(
            self,
            f"Alarm-{id}",
            alarm_name=f"{self.alarm_prefix}-{spec.name}",
            namespace=spec.namespace,
            metric_name=spec.metric_name,
            threshold=spec.threshold,
            comparison_operator=spec.comparison,
            statistic=None if spec.extended_statistic else spec.statistic,
            extended_statistic=spec.extended_statistic,
            dimensions=dict(spec.dimensions) or None,
            period=spec.period_seconds,
            evaluation_periods=spec.evaluation_periods,
            datapoints_to_alarm=spec.datapoints_to_alarm,
            treat_missing_data=spec.treat_missing_data,
            alarm_description=spec.description or None,
            alarm_actions=[self.arn],
            ok_actions=[self.arn],
        )
        self.alarms[id] = alarm
        return alarm
