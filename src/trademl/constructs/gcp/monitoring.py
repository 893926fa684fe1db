"""Stage 4 on Google Cloud: Slack and PagerDuty channels (secrets only from sensitive variables), log-based
metrics standing in for Error Reporting (which has no Terraform resource), alert policies with the profile's
thresholds, and drift alerts published to the retraining topic."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn import TerraformStack, TerraformVariable
from cdktn_provider_google.logging_metric import LoggingMetric, LoggingMetricMetricDescriptor
from cdktn_provider_google.monitoring_alert_policy import (
    MonitoringAlertPolicy,
    MonitoringAlertPolicyAlertStrategy,
    MonitoringAlertPolicyConditions,
    MonitoringAlertPolicyConditionsConditionThreshold,
    MonitoringAlertPolicyConditionsConditionThresholdAggregations,
    MonitoringAlertPolicyDocumentation,
)
from cdktn_provider_google.monitoring_notification_channel import (
    MonitoringNotificationChannel,
    MonitoringNotificationChannelSensitiveLabels,
)
from cdktn_provider_google.pubsub_topic import PubsubTopic
from cdktn_provider_google.pubsub_topic_iam_member import PubsubTopicIamMember
from constructs import Construct

from trademl.constructs.context import BuildContext

# Cloud Monitoring publishes alert notifications to Pub/Sub as this agent.
NOTIFICATION_AGENT = "serviceAccount:service-{number}@gcp-sa-monitoring-notification.iam.gserviceaccount.com"
ACCURACY_METRIC = "custom.googleapis.com/trademl/accuracy_drop_percent"


@dataclass(frozen=True, kw_only=True, slots=True)
class MonitoringProps:
    ctx: BuildContext
    endpoint_id: str
    """Vertex AI endpoint id (numeric) whose latency is watched."""
    retrain_topic: PubsubTopic
    serving_alerts_topic: PubsubTopic | None = None
    """Receives the serving-health incidents that switch traffic to the fallback."""


class Monitoring(Construct):
    def __init__(self, scope: Construct, id: str, props: MonitoringProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        self.channels = self._create_channels()
        self.error_metric = self._create_error_metric()
        self.training_failures = LoggingMetric(
            self,
            "TrainingFailures",
            name="trademl/training_failures",
            filter='resource.type="workflows.googleapis.com/Workflow" AND severity>=ERROR',
            metric_descriptor=LoggingMetricMetricDescriptor(metric_kind="DELTA", value_type="INT64"),
        )
        alerts = ctx.profile.monitoring.alerts
        every = list(self.channels.values())
        self.policies = {
            "latency": self._threshold(
                "latency",
                f"p99 prediction latency above {alerts.latency_p99_ms} ms",
                f'resource.type="aiplatform.googleapis.com/Endpoint" AND resource.labels.endpoint_id='
                f'"{props.endpoint_id}" AND metric.type="aiplatform.googleapis.com/prediction/online/'
                'prediction_latencies"',
                alerts.latency_p99_ms,
                "ALIGN_PERCENTILE_99",
                every,
            ),
            "errors": self._threshold(
                "errors",
                f"serving errors above {alerts.error_rate_percent}% of requests",
                f'metric.type="logging.googleapis.com/user/{self.error_metric.name}"',
                alerts.error_rate_percent,
                "ALIGN_RATE",
                every,
            ),
            "training": self._threshold(
                "training",
                "a training run failed",
                'metric.type="logging.googleapis.com/user/trademl/training_failures"',
                0,
                "ALIGN_COUNT",
                every,
            ),
        }
        self.drift_channel = self._pubsub_channel("Drift", props.retrain_topic)
        self.policies["accuracy"] = self._threshold(
            "accuracy",
            f"model accuracy dropped more than {alerts.accuracy_drop_percent}%",
            f'metric.type="{ACCURACY_METRIC}"',
            alerts.accuracy_drop_percent,
            "ALIGN_MAX",
            [*every, self.drift_channel.id] if ctx.profile.training.drift_retraining else every,
        )
        if props.serving_alerts_topic is not None:
            switch = self._pubsub_channel("ServingSwitch", props.serving_alerts_topic)
            self.policies["serving-health"] = self._threshold(
                "serving-health",
                "serving backends unhealthy: switch to the Cloud Run fallback",
                'resource.type="k8s_container" AND metric.type="kubernetes.io/container/restart_count" '
                'AND resource.labels.namespace_name="serving"',
                3,
                "ALIGN_DELTA",
                [*every, switch.id],
            )

    def _create_channels(self) -> dict[str, str]:
        """Extension point: notification channels. Secrets come from sensitive variables the profile names."""
        ctx = self.props.ctx
        notify = ctx.profile.monitoring.notifications
        out: dict[str, str] = {}
        # Variables sit at the stack's root so their names are exactly the profile's.
        root = TerraformStack.of(self)
        if notify.slack is not None:
            token = TerraformVariable(
                root,
                notify.slack.webhook_variable,
                type="string",
                sensitive=True,
                description="Slack app token of the alert channel (sensitive)",
            )
            out["slack"] = MonitoringNotificationChannel(
                self,
                "Slack",
                type="slack",
                display_name=f"{ctx.prefix} Slack",
                labels={"channel_name": notify.slack.channel},
                sensitive_labels=MonitoringNotificationChannelSensitiveLabels(auth_token=token.string_value),
            ).id
        if notify.pagerduty is not None:
            key = TerraformVariable(
                root,
                notify.pagerduty.routing_key_variable,
                type="string",
                sensitive=True,
                description="PagerDuty integration key (sensitive)",
            )
            out["pagerduty"] = MonitoringNotificationChannel(
                self,
                "PagerDuty",
                type="pagerduty",
                display_name=f"{ctx.prefix} PagerDuty",
                sensitive_labels=MonitoringNotificationChannelSensitiveLabels(service_key=key.string_value),
            ).id
        return out

    def _pubsub_channel(self, id: str, topic: PubsubTopic) -> MonitoringNotificationChannel:
        number = self.props.ctx.profile.gcp().project_number
        PubsubTopicIamMember(
            self,
            f"{id}Publisher",
            topic=topic.name,
            role="roles/pubsub.publisher",
            member=NOTIFICATION_AGENT.format(number=number),
        )
        return MonitoringNotificationChannel(
            self,
            f"{id}Channel",
            type="pubsub",
            display_name=f"{self.props.ctx.prefix} {id}",
            labels={"topic": topic.id},
        )

    def _create_error_metric(self) -> LoggingMetric:
        """Extension point: errors of the serving path (GKE runtime and the Cloud Run fallback)."""
        return LoggingMetric(
            self,
            "ServingErrors",
            name="trademl/serving_errors",
            filter='severity>=ERROR AND ((resource.type="k8s_container" AND resource.labels.namespace_name='
            '"serving") OR resource.type="cloud_run_revision")',
            metric_descriptor=LoggingMetricMetricDescriptor(metric_kind="DELTA", value_type="INT64"),
        )

    def _threshold(
        self, id: str, title: str, filter: str, value: float, aligner: str, channels: list[str]
    ) -> MonitoringAlertPolicy:
        ctx = self.props.ctx
        return MonitoringAlertPolicy(
            self,
            f"Alert-{id}",
            display_name=f"{ctx.prefix}: {title}",
            combiner="OR",
            severity="ERROR",
            conditions=[
                MonitoringAlertPolicyConditions(
                    display_name=title,
                    condition_threshold=MonitoringAlertPolicyConditionsConditionThreshold(
                        filter=filter,
                        comparison="COMPARISON_GT",
                        threshold_value=value,
                        duration="300s",
                        aggregations=[
                            MonitoringAlertPolicyConditionsConditionThresholdAggregations(
                                alignment_period="60s", per_series_aligner=aligner
                            )
                        ],
                    ),
                )
            ],
            notification_channels=channels,
            alert_strategy=MonitoringAlertPolicyAlertStrategy(auto_close="1800s"),
            documentation=MonitoringAlertPolicyDocumentation(
                content=f"trademl {ctx.prefix}: {title}. Runbook: docs/targets/gcp.md",
                mime_type="text/markdown",
            ),
        )
