"""Diagnostic settings: every resource that has them sends all logs and metrics to Log Analytics."""

from __future__ import annotations

from cdktn_provider_azurerm.monitor_diagnostic_setting import (
    MonitorDiagnosticSetting,
    MonitorDiagnosticSettingEnabledLog,
    MonitorDiagnosticSettingEnabledMetric,
)
from constructs import Construct


def send_diagnostics(
    scope: Construct, id: str, target_id: str, workspace_id: str, metrics: bool = True, logs: bool = True
) -> MonitorDiagnosticSetting:
    """The `allLogs` category group (audit included) and AllMetrics, resource-specific tables."""
    return MonitorDiagnosticSetting(
        scope,
        f"Diagnostics-{id}",
        name="to-log-analytics",
        target_resource_id=target_id,
        log_analytics_workspace_id=workspace_id,
        log_analytics_destination_type="Dedicated",
        enabled_log=[MonitorDiagnosticSettingEnabledLog(category_group="allLogs")] if logs else None,
        enabled_metric=[MonitorDiagnosticSettingEnabledMetric(category="AllMetrics")] if metrics else None,
    )
