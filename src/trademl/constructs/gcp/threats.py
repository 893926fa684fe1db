"""Threat detection (security.threat_detection): Security Command Center findings of the project (Event
Threat Detection, Container Threat Detection, Security Health Analytics) exported continuously into the
monitoring dataset (CMEK), beside the DLP findings, where they are queried and alerted on. Activating SCC
itself is an organization/console step with no Terraform resource (docs/targets/gcp.md)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_google.scc_project_scc_big_query_export import SccProjectSccBigQueryExport
from constructs import Construct

from trademl.constructs.context import BuildContext

ACTIVE_FINDINGS = 'state="ACTIVE" AND NOT mute="MUTED"'


@dataclass(frozen=True, kw_only=True, slots=True)
class ThreatFindingsProps:
    ctx: BuildContext
    findings_dataset: str
    """Dataset id (in the platform project) the findings are written to."""


class ThreatFindings(Construct):
    def __init__(self, scope: Construct, id: str, props: ThreatFindingsProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.export = self._create_export()

    def _create_export(self) -> SccProjectSccBigQueryExport:
        """Extension point: the continuous export of active, unmuted findings."""
        ctx = self.props.ctx
        project = ctx.profile.gcp().project_id
        return SccProjectSccBigQueryExport(
            self,
            "Export",
            big_query_export_id=ctx.name("scc-findings"),
            project=project,
            dataset=f"projects/{project}/datasets/{self.props.findings_dataset}",
            description=f"{ctx.prefix}: active Security Command Center findings (trademl)",
            filter=ACTIVE_FINDINGS,
        )
