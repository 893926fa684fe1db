"""Alerting and retraining: action group (Slack through a Logic App relay, PagerDuty when named), log
alerts with the profile's thresholds, the data drift monitor and the Logic App that starts retraining."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cdktn import TerraformVariable
from cdktn_provider_azapi.resource import Resource
from cdktn_provider_azurerm.logic_app_action_custom import LogicAppActionCustom
from cdktn_provider_azurerm.logic_app_trigger_http_request import LogicAppTriggerHttpRequest
from cdktn_provider_azurerm.logic_app_workflow import LogicAppWorkflow, LogicAppWorkflowIdentity
from cdktn_provider_azurerm.monitor_action_group import (
    MonitorActionGroup,
    MonitorActionGroupLogicAppReceiver,
    MonitorActionGroupWebhookReceiver,
)
from cdktn_provider_azurerm.monitor_scheduled_query_rules_alert_v2 import (
    MonitorScheduledQueryRulesAlertV2,
    MonitorScheduledQueryRulesAlertV2Action,
    MonitorScheduledQueryRulesAlertV2Criteria,
)
from cdktn_provider_azurerm.resource_group import ResourceGroup
from cdktn_provider_azurerm.role_assignment import RoleAssignment
from constructs import Construct

from trademl.constructs.azure.observability import Observability
from trademl.constructs.azure.training import SCHEDULE_TYPE
from trademl.constructs.azure.workspace import ML_API, MlWorkspace
from trademl.constructs.context import BuildContext

JOBS_API = f"{ML_API}"


@dataclass(frozen=True, kw_only=True, slots=True)
class AlertingProps:
    ctx: BuildContext
    group: ResourceGroup
    observability: Observability
    ml: MlWorkspace
    retrain_job: dict[str, object]
    """The pipeline job the drift/accuracy alert submits."""


class Alerting(Construct):
    def __init__(self, scope: Construct, id: str, props: AlertingProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        notify = ctx.profile.monitoring.notifications
        receivers: list[MonitorActionGroupWebhookReceiver] = []
        self.slack_relay: LogicAppWorkflow | None = None
        if notify.slack is not None:
            self.slack_relay, trigger = self._create_slack_relay(
                notify.slack.webhook_variable, notify.slack.channel
            )
            receivers.append(
                MonitorActionGroupWebhookReceiver(
                    name="slack-relay", service_uri=trigger.callback_url, use_common_alert_schema=True
                )
            )
        if notify.pagerduty is not None:
            key = TerraformVariable(
                self,
                notify.pagerduty.routing_key_variable,
                type="string",
                sensitive=True,
                description="PagerDuty Azure integration key",
            )
            key.override_logical_id(notify.pagerduty.routing_key_variable)  # the name the profile gives
            receivers.append(
                MonitorActionGroupWebhookReceiver(
                    name="pagerduty",
                    use_common_alert_schema=True,
                    service_uri=f"https://events.pagerduty.com/integration/{key.string_value}/enqueue",
                )
            )
        self.action_group = MonitorActionGroup(
            self,
            "ActionGroup",
            name=ctx.name("ag"),
            short_name="trademl",
            resource_group_name=props.group.name,
            location="global",
            webhook_receiver=receivers or None,
            tags=ctx.tags,
        )
        self.retrain = self._create_retrainer()
        self.alerts = self._create_alerts()
        self.drift: Resource | None = (
            self._create_drift_monitor() if ctx.profile.monitoring.drift_monitoring else None
        )

    def _workflow(
        self,
        id: str,
        name: str,
        identity: LogicAppWorkflowIdentity | None = None,
        workflow_parameters: dict[str, str] | None = None,
        parameters: dict[str, str] | None = None,
    ) -> LogicAppWorkflow:
        group = self.props.group
        return LogicAppWorkflow(
            self,
            id,
            name=self.props.ctx.name("logic", name),
            location=group.location,
            resource_group_name=group.name,
            tags=self.props.ctx.tags,
            identity=identity,
            workflow_parameters=workflow_parameters,
            parameters=parameters,
        )

    def _create_slack_relay(
        self, variable: str, channel: str
    ) -> tuple[LogicAppWorkflow, LogicAppTriggerHttpRequest]:
        """Extension point: Azure Monitor posts its common alert schema; Slack expects {text}. The webhook
        URL is a sensitive variable passed as a securestring workflow parameter, never a literal."""
        url = TerraformVariable(
            self, variable, type="string", sensitive=True, description="Slack incoming webhook"
        )
        url.override_logical_id(variable)  # the name the profile gives, not a construct path
        relay = self._workflow(
            "SlackRelay",
            "slack-relay",
            workflow_parameters={"slackWebhook": json.dumps({"type": "securestring"})},
            parameters={"slackWebhook": url.string_value},
        )
        trigger = LogicAppTriggerHttpRequest(
            self,
            "SlackRelayTrigger",
            name="alert",
            logic_app_id=relay.id,
            schema=json.dumps({"type": "object"}),
        )
        LogicAppActionCustom(
            self,
            "SlackRelayPost",
            name="post-to-slack",
            logic_app_id=relay.id,
            body=json.dumps(
                {
                    "type": "Http",
                    "runAfter": {},
                    "inputs": {
                        "method": "POST",
                        "uri": "@parameters('slackWebhook')",
                        "body": {
                            "channel": channel,
                            "text": "@{triggerBody()?['data']?['essentials']?['severity']} "
                            "@{triggerBody()?['data']?['essentials']?['alertRule']}: "
                            "@{triggerBody()?['data']?['essentials']?['monitorCondition']}",
                        },
                    },
                },
                sort_keys=True,
            ),
        )
        return relay, trigger

    def _create_retrainer(self) -> LogicAppWorkflow:
        """Extension point: the Logic App that starts retraining (drift or accuracy alert), submitting the
        same pipeline job as the schedules through ARM with its managed identity (AzureML Data Scientist)."""
        app = self._workflow("Retrain", "retrain", identity=LogicAppWorkflowIdentity(type="SystemAssigned"))
        RoleAssignment(
            self,
            "RetrainMlScientist",
            scope=self.props.ml.workspace_id,
            role_definition_name="AzureML Data Scientist",
            principal_id=app.identity.principal_id,
            principal_type="ServicePrincipal",
        )
        trigger = LogicAppTriggerHttpRequest(
            self, "RetrainTrigger", name="alert", logic_app_id=app.id, schema=json.dumps({"type": "object"})
        )
        self.retrain_url = trigger.callback_url
        LogicAppActionCustom(
            self,
            "RetrainSubmit",
            name="submit-pipeline",
            logic_app_id=app.id,
            body=json.dumps(
                {
                    "type": "Http",
                    "runAfter": {},
                    "inputs": {
                        "method": "PUT",
                        "uri": f"https://management.azure.com{self.props.ml.workspace_id}/jobs/@{{guid()}}"
                        f"?api-version={JOBS_API}",
                        "body": {"properties": self.props.retrain_job},
                        "authentication": {
                            "type": "ManagedServiceIdentity",
                            "audience": "https://management.azure.com/",
                        },
                    },
                },
                sort_keys=True,
            ),
        )
        return app

    def _log_alert(
        self, name: str, query: str, threshold: float, severity: int, extra_groups: list[str] | None = None
    ) -> MonitorScheduledQueryRulesAlertV2:
        ctx, group = self.props.ctx, self.props.group
        return MonitorScheduledQueryRulesAlertV2(
            self,
            f"Alert-{name}",
            name=ctx.name("alert", name),
            location=group.location,
            resource_group_name=group.name,
            scopes=[self.props.observability.workspace.id],
            severity=severity,
            evaluation_frequency="PT5M",
            window_duration="PT15M",
            criteria=[
                MonitorScheduledQueryRulesAlertV2Criteria(
                    query=query,
                    time_aggregation_method="Maximum",
                    metric_measure_column="value",
                    operator="GreaterThan",
                    threshold=threshold,
                )
            ],
            action=MonitorScheduledQueryRulesAlertV2Action(
                action_groups=[self.action_group.id, *(extra_groups or [])]
            ),
            auto_mitigation_enabled=True,
            tags=ctx.tags,
        )

    def _create_alerts(self) -> dict[str, MonitorScheduledQueryRulesAlertV2]:
        """Extension point: alert rules on the serving telemetry (App Insights tables in Log Analytics)."""
        a = self.props.ctx.profile.monitoring.alerts
        alerts = {
            "latency-p99": self._log_alert(
                "latency-p99",
                "AppRequests | summarize value = percentile(DurationMs, 99) by bin(TimeGenerated, 5m)",
                a.latency_p99_ms,
                2,
            ),
            "error-rate": self._log_alert(
                "error-rate",
                "AppRequests | summarize value = 100.0 * countif(Success == false) / count() "
                "by bin(TimeGenerated, 5m)",
                a.error_rate_percent,
                1,
            ),
        }
        if self.props.ctx.profile.training.drift_retraining:
            group = self.props.group
            retrain_group = MonitorActionGroup(
                self,
                "RetrainActionGroup",
                name=self.props.ctx.name("ag", "retrain"),
                short_name="retrain",
                resource_group_name=group.name,
                location="global",
                tags=self.props.ctx.tags,
                # A Logic App receiver (not a bare webhook): the group names the workflow it starts, whose
                # managed identity holds AzureML Data Scientist on the workspace to submit the job.
                logic_app_receiver=[
                    MonitorActionGroupLogicAppReceiver(
                        name="retrain",
                        resource_id=self.retrain.id,
                        callback_url=self.retrain_url,
                        use_common_alert_schema=True,
                    )
                ],
            )
            alerts["accuracy-drop"] = self._log_alert(
                "accuracy-drop",
                "AppMetrics | where Name == 'model_accuracy_drop_percent' "
                "| summarize value = max(Max) by bin(TimeGenerated, 15m)",
                a.accuracy_drop_percent,
                2,
                [retrain_group.id],
            )
        return alerts

    def _create_drift_monitor(self) -> Resource:
        """Extension point: AML model monitor (azapi schedule with CreateMonitor) for data drift on the
        serving data collected from the endpoint, daily."""
        return Resource(
            self,
            "DriftMonitor",
            type=SCHEDULE_TYPE,
            name="data-drift",
            parent_id=self.props.ml.workspace_id,
            body={
                "properties": {
                    "displayName": "data drift",
                    "isEnabled": True,
                    "trigger": {
                        "triggerType": "Recurrence",
                        "frequency": "Day",
                        "interval": 1,
                        "timeZone": "UTC",
                        "schedule": {"hours": [22], "minutes": [0]},
                    },
                    "action": {
                        "actionType": "CreateMonitor",
                        "monitorDefinition": {
                            "computeConfiguration": {
                                "computeType": "ServerlessSpark",
                                "instanceType": "standard_e4s_v3",
                                "runtimeVersion": "3.4",
                                "computeIdentity": {"computeIdentityType": "ManagedIdentity"},
                            },
                            "monitoringTarget": {"taskType": "Classification", "deploymentId": None},
                            "signals": {
                                "data-drift": {
                                    "signalType": "DataDrift",
                                    "featureImportanceSettings": {"mode": "Disabled"},
                                    "metricThresholds": [
                                        {
                                            "metric": "NormalizedWassersteinDistance",
                                            "threshold": {"value": 0.1},
                                        }
                                    ],
                                    "productionData": {
                                        "inputDataType": "Rolling",
                                        "jobInputType": "uri_folder",
                                        "uri": "azureml:trading-endpoint-model_inputs:1",
                                        "windowSize": "P7D",
                                    },
                                    "referenceData": {
                                        "inputDataType": "Rolling",
                                        "jobInputType": "uri_folder",
                                        "uri": "azureml:training-data:1",
                                        "windowSize": "P60D",
                                        "windowOffset": "P7D",
                                    },
                                }
                            },
                            "alertNotificationSettings": {},
                        },
                    },
                }
            },
            ignore_null_property=True,
        )
