"""Workload logs into the WORM archive: each workload log group gets a subscription filter to the audit
trail's Firehose stream (which decompresses CloudWatch Logs records and writes them under its prefix in
the Object Lock bucket). The filter uses the audit trail's logs-to-Firehose role, which may only put
records into that one stream."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cdktn_provider_aws.cloudwatch_log_subscription_filter import CloudwatchLogSubscriptionFilter
from constructs import Construct

from trademl.constructs.aws.audit_trail import AuditTrail
from trademl.constructs.context import BuildContext

FILTER_NAME = "workload-archive"


@dataclass(frozen=True, kw_only=True, slots=True)
class WorkloadLogArchiveProps:
    ctx: BuildContext
    trail: AuditTrail
    """Owns the Firehose stream into the archive and the role CloudWatch Logs assumes to feed it."""
    log_groups: Mapping[str, str]
    """Log group names by a stable short purpose (construct ids derive from the keys)."""


class WorkloadLogArchive(Construct):
    def __init__(self, scope: Construct, id: str, props: WorkloadLogArchiveProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.filters = {
            purpose: self._create_filter(purpose, name) for purpose, name in props.log_groups.items()
        }

    def _create_filter(self, purpose: str, group_name: str) -> CloudwatchLogSubscriptionFilter:
        """Extension point: one filter per group; an empty pattern ships every event."""
        trail = self.props.trail
        return CloudwatchLogSubscriptionFilter(
            self,
            f"Filter-{purpose}",
            name=FILTER_NAME,
            log_group_name=group_name,
            filter_pattern="",
            destination_arn=trail.firehose.arn,
            role_arn=trail.logs_role.arn,
        )
