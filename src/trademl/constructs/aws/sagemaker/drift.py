"""Drift retraining (training.drift_retraining): the serving containers publish the live accuracy drop to
CloudWatch; an alarm on it (which also notifies the alert topic, hence Slack/PagerDuty) changes state, an
EventBridge rule on that state change starts the retraining state machine, through a role allowed to start
exactly that state machine."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cdktn_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktn_provider_aws.cloudwatch_event_target import (
    CloudwatchEventTarget,
    CloudwatchEventTargetRetryPolicy,
)
from cdktn_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from constructs import Construct

from trademl.constructs.aws.alerts import ACCURACY_METRIC, ACCURACY_NAMESPACE, AlarmSpec, Alerts
from trademl.constructs.aws.identity import (
    LeastPrivilegeRole,
    LeastPrivilegeRoleProps,
    account_of,
    grant_key,
    service_trust,
)
from trademl.constructs.aws.sagemaker.orchestration import Retraining
from trademl.constructs.context import BuildContext


@dataclass(frozen=True, kw_only=True, slots=True)
class DriftRetrainingProps:
    ctx: BuildContext
    alerts: Alerts
    """Owns the alarm, so a drift also reaches the on-call channels."""
    retraining: Retraining
    """The state machine a drift starts (train -> evaluate -> register -> deploy)."""
    model: str
    """The model dimension the serving containers publish under ("platform" or a desk name)."""


class DriftRetraining(Construct):
    def __init__(self, scope: Construct, id: str, props: DriftRetrainingProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.alarm = self._create_alarm()
        self.rule = self._create_rule()
        self.role = self._create_role()
        self.target = CloudwatchEventTarget(
            self,
            "Target",
            rule=self.rule.name,
            arn=props.retraining.state_machine.arn,
            role_arn=self.role.arn,
            input=json.dumps({"trigger": "accuracy-degradation", "model": props.model}, sort_keys=True),
            retry_policy=CloudwatchEventTargetRetryPolicy(
                maximum_retry_attempts=3, maximum_event_age_in_seconds=3600
            ),
        )

    def _create_alarm(self) -> CloudwatchMetricAlarm:
        """Extension point: the accuracy-drop alarm (monitoring.alerts.accuracy_drop_percent)."""
        props = self.props
        threshold = props.ctx.profile.monitoring.alerts.accuracy_drop_percent
        return props.alerts.add_alarm(
            f"AccuracyDrop-{props.model}",
            AlarmSpec(
                name=f"{props.model}-accuracy-drop",
                namespace=ACCURACY_NAMESPACE,
                metric_name=ACCURACY_METRIC,
                threshold=threshold,
                statistic="Maximum",
                dimensions={"Model": props.model},
                period_seconds=300,
                evaluation_periods=3,
                datapoints_to_alarm=2,
                description=f"{props.model}: live accuracy fell more than {threshold}% below training",
            ),
        )

    def _create_rule(self) -> CloudwatchEventRule:
        ctx = self.props.ctx
        return CloudwatchEventRule(
            self,
            "AccuracyDegraded",
            name=ctx.name(self.props.model, "retrain", "accuracy"),
            description="Retrain when the accuracy-degradation alarm fires",
            event_pattern=json.dumps(
                {
                    "source": ["aws.cloudwatch"],
                    "detail-type": ["CloudWatch Alarm State Change"],
                    "resources": [self.alarm.arn],
                    "detail": {"state": {"value": ["ALARM"]}},
                },
                sort_keys=True,
            ),
        )

    def _create_role(self) -> LeastPrivilegeRole:
        """EventBridge's role: start this one state machine; its executions are encrypted with the CMK."""
        ctx, retraining = self.props.ctx, self.props.retraining
        role = LeastPrivilegeRole(
            self,
            "Role",
            LeastPrivilegeRoleProps(
                ctx=ctx,
                name=ctx.name(self.props.model, "retrain-drift"),
                trust_policy=service_trust(["events.amazonaws.com"], account_of(ctx)),
                statements=(
                    {
                        "Effect": "Allow",
                        "Action": "states:StartExecution",
                        "Resource": retraining.state_machine.arn,
                    },
                ),
            ),
        )
        grant_key(role, retraining.props.key, write=True)
        return role

    def grant_publish(self, role: LeastPrivilegeRole) -> None:
        """Let a serving task publish the accuracy metric, only into the models namespace."""
        role.add_statement(
            {
                "Effect": "Allow",
                "Action": "cloudwatch:PutMetricData",
                "Resource": "*",  # PutMetricData takes no resource ARN; the namespace condition scopes it
                "Condition": {"StringEquals": {"cloudwatch:namespace": ACCURACY_NAMESPACE}},
            }
        )
