"""The platform's Cloud Monitoring dashboard. GKE's Managed Service for Prometheus (gke.py) stores the
workload metrics in Monarch, so the same dashboard charts PromQL series of the serving pods beside the
Vertex AI endpoint's and the serving error log metric."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cdktn_provider_google.monitoring_dashboard import MonitoringDashboard
from constructs import Construct

from trademl.constructs.context import BuildContext


@dataclass(frozen=True, kw_only=True, slots=True)
class DashboardProps:
    ctx: BuildContext
    endpoint_id: str
    """Vertex AI endpoint id (numeric) of the serving endpoint."""
    error_metric: str
    """Name of the log-based serving error metric."""


def _promql(title: str, query: str) -> dict[str, object]:
    return {"title": title, "xyChart": {"dataSets": [{"timeSeriesQuery": {"prometheusQuery": query}}]}}


def _filter(title: str, flt: str, aligner: str) -> dict[str, object]:
    query = {"filter": flt, "aggregation": {"alignmentPeriod": "60s", "perSeriesAligner": aligner}}
    return {"title": title, "xyChart": {"dataSets": [{"timeSeriesQuery": {"timeSeriesFilter": query}}]}}


def dashboard_json(ctx: BuildContext, endpoint_id: str, error_metric: str) -> str:
    """The dashboard document (Cloud Monitoring's dashboards API schema)."""
    endpoint = (
        f'resource.type="aiplatform.googleapis.com/Endpoint" AND resource.labels.endpoint_id="{endpoint_id}"'
    )
    widgets = [
        _promql(
            "Serving pods CPU (cores)",
            'sum(rate(kubernetes_io:container_cpu_core_usage_time{namespace_name="serving"}[5m]))',
        ),
        _promql(
            "Serving pod restarts",
            'sum(increase(kubernetes_io:container_restart_count{namespace_name="serving"}[10m]))',
        ),
        _promql(
            "Training pods running",
            'count(kubernetes_io:container_uptime{node_label_trademl_pool=~"train-.*"})',
        ),
        _filter(
            "Endpoint p99 latency",
            f'{endpoint} AND metric.type="aiplatform.googleapis.com/prediction/online/prediction_latencies"',
            "ALIGN_PERCENTILE_99",
        ),
        _filter("Serving errors", f'metric.type="logging.googleapis.com/user/{error_metric}"', "ALIGN_RATE"),
    ]
    doc = {
        "displayName": f"{ctx.prefix} trademl platform",
        "mosaicLayout": {
            "columns": 12,
            "tiles": [
                {"xPos": (i % 2) * 6, "yPos": (i // 2) * 4, "width": 6, "height": 4, "widget": w}
                for i, w in enumerate(widgets)
            ],
        },
    }
    return json.dumps(doc, sort_keys=True)


class PlatformDashboard(Construct):
    def __init__(self, scope: Construct, id: str, props: DashboardProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.dashboard = self._create_dashboard()

    def _create_dashboard(self) -> MonitoringDashboard:
        """Extension point: the dashboard."""
        p = self.props
        return MonitoringDashboard(
            self, "Dashboard", dashboard_json=dashboard_json(p.ctx, p.endpoint_id, p.error_metric)
        )
