"""Encrypted CloudWatch log groups: never auto-created by an agent, always with a key and a retention."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from constructs import Construct

from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.context import BuildContext


@dataclass(frozen=True, kw_only=True, slots=True)
class LogGroupProps:
    ctx: BuildContext
    name: str
    key: KeyRef
    retention_days: int | None = None
    """Default: monitoring.log_retention_days, at least one year for security logs (audit=True)."""
    audit: bool = False
    region: str | None = None


class LogGroup(Construct):
    def __init__(self, scope: Construct, id: str, props: LogGroupProps) -> None:
        super().__init__(scope, id)
        days = props.retention_days or props.ctx.profile.monitoring.log_retention_days
        if props.audit:
            days = max(days, 365)
        self.group = CloudwatchLogGroup(
            self,
            "Group",
            name=props.name,
            kms_key_id=props.key.arn,
            retention_in_days=days,
            region=props.region,
        )
        self.arn = self.group.arn
        self.name = self.group.name
