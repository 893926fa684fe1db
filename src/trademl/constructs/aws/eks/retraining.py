"""Retraining triggers outside the cluster: EventBridge rules for each training schedule and for the
accuracy-degradation alarm, delivering to an encrypted SQS queue that the in-cluster dispatcher
(an IRSA service account in the retraining namespace) turns into Argo Workflows runs.

A queue rather than an API destination: the Argo server is private and EventBridge API destinations
reach only public endpoints; the queue also keeps requests while the cluster is unavailable.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from cdktn_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktn_provider_aws.cloudwatch_event_target import CloudwatchEventTarget
from cdktn_provider_aws.sqs_queue import SqsQueue
from cdktn_provider_aws.sqs_queue_policy import SqsQueuePolicy
from constructs import Construct

from trademl.constructs.aws.alerts import ACCURACY_METRIC, ACCURACY_NAMESPACE, AlarmSpec, Alerts
from trademl.constructs.aws.identity import LeastPrivilegeRole, grant_key, policy_json
from trademl.constructs.aws.kms import EncryptionKey, EncryptionKeyProps
from trademl.constructs.context import BuildContext


def eventbridge_cron(cron: str) -> str:
    """A 5-field UTC cron as EventBridge's cron(): weekdays shift from 0-6 (Sun=0) to 1-7 (Sun=1), and
    one of day-of-month and day-of-week must be '?'."""
    minute, hour, dom, month, dow = cron.split()
    if dow == "*":
        dow = "?"
    else:
        dow = re.sub(r"\d+", lambda m: str(int(m.group()) % 7 + 1), dow)
        if dom != "*":
            raise ValueError(f"{cron!r} sets both day-of-month and day-of-week; fix: set one of them to '*'")
        dom = "?"
    return f"cron({minute} {hour} {dom} {month} {dow} *)"


@dataclass(frozen=True, kw_only=True, slots=True)
class RetrainingTriggersProps:
    ctx: BuildContext
    alerts: Alerts
    """Owns the accuracy alarm, so it also reaches Slack and PagerDuty."""


class RetrainingTriggers(Construct):
    def __init__(self, scope: Construct, id: str, props: RetrainingTriggersProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        self.key = EncryptionKey(
            self,
            "Key",
            EncryptionKeyProps(ctx=ctx, purpose="retraining", service_principals=("events.amazonaws.com",)),
        )
        self.dead_letters = SqsQueue(
            self,
            "DeadLetters",
            name=ctx.name("retraining-dlq"),
            kms_master_key_id=self.key.arn,
            message_retention_seconds=1209600,
        )
        self.queue = SqsQueue(
            self,
            "Queue",
            name=ctx.name("retraining"),
            kms_master_key_id=self.key.arn,
            message_retention_seconds=345600,
            visibility_timeout_seconds=300,
            redrive_policy=json.dumps(
                {"deadLetterTargetArn": self.dead_letters.arn, "maxReceiveCount": 5}, sort_keys=True
            ),
        )
        self.rules: dict[str, CloudwatchEventRule] = {}
        for schedule in ctx.profile.training.schedules:
            rule = CloudwatchEventRule(
                self,
                f"Schedule-{schedule.name}",
                name=ctx.name("retrain", schedule.name),
                schedule_expression=eventbridge_cron(schedule.cron),
                description=f"Retraining '{schedule.name}' ({schedule.cron} UTC)",
            )
            self._target(rule, {"trigger": "schedule", "schedule": schedule.name})
        if ctx.profile.training.drift_retraining:
            threshold = ctx.profile.monitoring.alerts.accuracy_drop_percent
            alarm = props.alerts.add_alarm(
                "AccuracyDrop",
                AlarmSpec(
                    name="accuracy-drop",
                    namespace=ACCURACY_NAMESPACE,
                    metric_name=ACCURACY_METRIC,
                    threshold=threshold,
                    statistic="Maximum",
                    period_seconds=300,
                    evaluation_periods=3,
                    datapoints_to_alarm=2,
                    description=f"Live accuracy fell more than {threshold}% below training",
                ),
            )
            rule = CloudwatchEventRule(
                self,
                "AccuracyDegraded",
                name=ctx.name("retrain", "accuracy"),
                description="Retrain when the accuracy-degradation alarm fires",
                event_pattern=json.dumps(
                    {
                        "source": ["aws.cloudwatch"],
                        "detail-type": ["CloudWatch Alarm State Change"],
                        "resources": [alarm.arn],
                        "detail": {"state": {"value": ["ALARM"]}},
                    },
                    sort_keys=True,
                ),
            )
            self._target(rule, {"trigger": "accuracy-degradation"})
        SqsQueuePolicy(
            self,
            "QueuePolicy",
            queue_url=self.queue.url,
            policy=policy_json(
                [
                    {
                        "Sid": "RulesSend",
                        "Effect": "Allow",
                        "Principal": {"Service": "events.amazonaws.com"},
                        "Action": "sqs:SendMessage",
                        "Resource": self.queue.arn,
                        "Condition": {
                            "ArnEquals": {"aws:SourceArn": sorted(r.arn for r in self.rules.values())}
                        },
                    }
                ]
            ),
        )

    def _target(self, rule: CloudwatchEventRule, message: dict[str, str]) -> None:
        self.rules[rule.node.id] = rule
        CloudwatchEventTarget(
            self,
            f"Target-{rule.node.id}",
            rule=rule.name,
            arn=self.queue.arn,
            input=json.dumps(message, sort_keys=True),
        )

    def grant_consume(self, role: LeastPrivilegeRole) -> None:
        role.add_statement(
            {
                "Effect": "Allow",
                "Resource": self.queue.arn,
                "Action": [
                    "sqs:ChangeMessageVisibility",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes",
                    "sqs:ReceiveMessage",
                ],
            }
        )
        grant_key(role, self.key, write=False)
