"""Spot interruption handling: ECS replaces an interrupted Fargate Spot task by itself (the service keeps
its desired count, the on-demand base keeps the floor); these rules make every interruption visible on
the alert topic (and so in Slack), including the two-minute warning of EC2 GPU Spot instances."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cdktn_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktn_provider_aws.cloudwatch_event_target import (
    CloudwatchEventTarget,
    CloudwatchEventTargetInputTransformer,
)
from constructs import Construct

from trademl.constructs.aws.alerts import Alerts
from trademl.constructs.aws.ecs.cluster import EcsPlatformCluster
from trademl.constructs.context import BuildContext


@dataclass(frozen=True, kw_only=True, slots=True)
class SpotInterruptionsProps:
    ctx: BuildContext
    cluster: EcsPlatformCluster
    alerts: Alerts


class SpotInterruptions(Construct):
    def __init__(self, scope: Construct, id: str, props: SpotInterruptionsProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.rules = {
            "Task": self._rule(
                "Task",
                "ecs-spot-interruption",
                {
                    "source": ["aws.ecs"],
                    "detail-type": ["ECS Task State Change"],
                    "detail": {"clusterArn": [props.cluster.arn], "stopCode": ["SpotInterruption"]},
                },
                {"task": "$.detail.taskArn", "group": "$.detail.group"},
                '"Fargate Spot interrupted <task> of <group>; ECS starts a replacement"',
            )
        }
        if props.cluster.gpu is not None:
            self.rules["Instance"] = self._rule(
                "Instance",
                "ec2-spot-interruption",
                {"source": ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"]},
                {"instance": "$.detail.instance-id"},
                '"Spot GPU instance <instance> is reclaimed in two minutes; ECS drains its tasks"',
            )

    def _rule(
        self, id: str, name: str, pattern: dict[str, object], paths: dict[str, str], template: str
    ) -> CloudwatchEventRule:
        ctx, alerts = self.props.ctx, self.props.alerts
        rule = CloudwatchEventRule(
            self,
            f"Rule-{id}",
            name=ctx.name(name),
            event_pattern=json.dumps(pattern, sort_keys=True),
            description="Spot interruptions to the alert topic",
        )
        CloudwatchEventTarget(
            self,
            f"Target-{id}",
            rule=rule.name,
            arn=alerts.arn,
            input_transformer=CloudwatchEventTargetInputTransformer(
                input_paths=paths, input_template=template
            ),
        )
        return rule
