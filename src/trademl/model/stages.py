"""The six stages of the platform, in cloud-neutral terms. Every field has a secure default."""

from __future__ import annotations

import re
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, Field, model_validator

from trademl.model.base import DnsName, Strict
from trademl.model.gpu import GpuClass

_CRON_FIELD = re.compile(r"^(\*|\d{1,2}(-\d{1,2})?)(/\d{1,2})?(,(\d{1,2}(-\d{1,2})?)(/\d{1,2})?)*$")


def _cron(value: str) -> str:
    fields = value.split()
    if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
        raise ValueError(
            f"{value!r} is not a 5-field cron expression; fix: use 'minute hour day month weekday', "
            "e.g. '0 21 * * 1-5'"
        )
    return value


Cron = Annotated[str, AfterValidator(_cron)]


class Schedule(Strict):
    """A recurring retraining run. Times are UTC."""

    name: DnsName
    cron: Cron


DEFAULT_SCHEDULES = (
    Schedule(name="daily", cron="30 21 * * 1-5"),
    Schedule(name="weekly", cron="0 3 * * 6"),
)


class NotebookSpec(Strict):
    enabled: bool = True
    idle_shutdown_minutes: int = Field(default=60, ge=15, le=1440, description="Stop idle notebooks.")


class ExperimentSpec(Strict):
    """Stage 1: notebooks, experiment tracking, artifact stores and the model registry."""

    notebooks: NotebookSpec = NotebookSpec()
    artifact_stores: tuple[DnsName, ...] = Field(
        default=("data", "models", "logs"), min_length=1, description="One versioned, encrypted store each."
    )
    tracking: Literal["mlflow"] = "mlflow"
    registry: Literal["native", "mlflow"] = Field(
        default="native", description="native: the cloud's model registry; mlflow: MLflow on the platform."
    )

    @model_validator(mode="after")
    def _unique(self) -> Self:
        if len(set(self.artifact_stores)) != len(self.artifact_stores):
            raise ValueError("artifact_stores lists a store twice; fix: name each store once")
        return self


class TrainingSpec(Strict):
    """Stage 2: training pipelines on spot capacity with an on-demand fallback."""

    gpu: GpuClass = GpuClass.T4
    spot_share: float = Field(
        default=0.7, ge=0.0, le=1.0, description="Share of training capacity on spot/low-priority nodes."
    )
    on_demand_fallback: bool = Field(default=True, description="Fall back to on-demand when spot is absent.")
    max_nodes: int = Field(default=8, ge=1, le=500)
    schedules: tuple[Schedule, ...] = DEFAULT_SCHEDULES
    drift_retraining: bool = Field(default=True, description="Retrain when monitoring reports drift.")
    retries: int = Field(default=3, ge=0, le=10, description="Retries of a failed or interrupted step.")
    checkpointing: bool = Field(default=True, description="Checkpoint to the models store to resume.")
    max_runtime_hours: int = Field(default=24, ge=1, le=120)
    streaming_ingestion: bool = Field(default=True, description="A stream beside batch ingestion.")

    @model_validator(mode="after")
    def _fallback(self) -> Self:
        if self.spot_share == 1.0 and not self.on_demand_fallback:
            raise ValueError(
                "spot_share is 1.0 with on_demand_fallback off: training stops whenever spot capacity "
                "is absent; fix: turn on_demand_fallback on or lower spot_share"
            )
        names = [s.name for s in self.schedules]
        if len(set(names)) != len(names):
            raise ValueError("schedules repeat a name; fix: give each schedule a unique name")
        return self

    @property
    def spot_percent(self) -> int:
        return round(self.spot_share * 100)


class ServingSpec(Strict):
    """Stage 3: the inference endpoint and the operations web app."""

    min_replicas: int = Field(default=2, ge=1, le=100)
    max_replicas: int = Field(default=10, ge=1, le=1000)
    gpu: GpuClass = GpuClass.NONE
    target_utilization: int = Field(default=60, ge=10, le=95, description="Autoscaling target, percent.")
    strategy: Literal["canary", "blue_green"] = "canary"
    canary_percent: int = Field(default=10, ge=1, le=50, description="Traffic to the new model at first.")
    exposure: Literal["private", "public"] = Field(
        default="private", description="private: reachable only inside the network."
    )
    health_path: str = Field(default="/healthz", pattern=r"^/[A-Za-z0-9/_.-]*$")
    port: int = Field(default=8080, ge=1024, le=65535)
    image: str = Field(
        default="ghcr.io/acme/trading-runtime:1.0.0",
        pattern=r"^[a-z0-9.-]+(:\d+)?/[a-z0-9._/-]+(:[\w.-]+|@sha256:[0-9a-f]{64})$",
        description="Inference runtime image, pinned by tag or digest.",
    )
    ops_ui_image: str = Field(
        default="ghcr.io/acme/trading-ops-ui:1.0.0",
        pattern=r"^[a-z0-9.-]+(:\d+)?/[a-z0-9._/-]+(:[\w.-]+|@sha256:[0-9a-f]{64})$",
        description="Operations web app image.",
    )

    @model_validator(mode="after")
    def _replicas(self) -> Self:
        if self.max_replicas < self.min_replicas:
            raise ValueError(
                f"max_replicas ({self.max_replicas}) < min_replicas ({self.min_replicas}); "
                "fix: raise max_replicas"
            )
        return self


class SlackChannel(Strict):
    channel: str = Field(pattern=r"^#[a-z0-9_-]{1,80}$", description="Slack channel, e.g. #trading-alerts.")
    webhook_variable: str = Field(
        default="slack_webhook_url",
        pattern=r"^[a-z][a-z0-9_]{0,63}$",
        description="Name of the sensitive Terraform variable that holds the webhook URL.",
    )


class PagerDuty(Strict):
    routing_key_variable: str = Field(default="pagerduty_routing_key", pattern=r"^[a-z][a-z0-9_]{0,63}$")


class Notifications(Strict):
    slack: SlackChannel | None = SlackChannel(channel="#trading-alerts")
    pagerduty: PagerDuty | None = None


class AlertThresholds(Strict):
    latency_p99_ms: int = Field(default=250, ge=1)
    error_rate_percent: float = Field(default=1.0, gt=0, le=100)
    accuracy_drop_percent: float = Field(default=5.0, gt=0, le=100)


LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


class MonitoringSpec(Strict):
    """Stage 4: metrics, dashboards, logs, alerts and drift monitoring."""

    metrics: Literal["prometheus", "native"] = Field(
        default="prometheus", description="prometheus: Prometheus + Grafana (managed where offered)."
    )
    log_retention_days: int = Field(
        default=365,
        description="Operational logs (at least a year, for investigations); audit logs follow security.",
    )
    alerts: AlertThresholds = AlertThresholds()
    drift_monitoring: bool = True
    notifications: Notifications = Notifications()

    @model_validator(mode="after")
    def _retention(self) -> Self:
        if self.log_retention_days not in LOG_RETENTION_DAYS:
            nearest = min(LOG_RETENTION_DAYS, key=lambda d: abs(d - self.log_retention_days))
            raise ValueError(
                f"log_retention_days {self.log_retention_days} is not offered by every cloud; fix: use {nearest}"
            )
        return self


class AuditSpec(Strict):
    retention_years: int = Field(default=7, ge=1, le=100, description="SEC 17a-4 asks for 6, FISC for 7+.")
    lock_mode: Literal["auto", "compliance", "governance", "none"] = Field(
        default="auto",
        description="WORM lock of the audit archive. auto: compliance in prod, governance elsewhere. "
        "none is refused in prod.",
    )


class SecuritySpec(Strict):
    """Stage 5: keys, private networking, identity, pod security and the audit trail."""

    customer_managed_keys: bool = Field(default=True, description="Turning this off is explicit.")
    key_rotation_days: int = Field(
        default=90,
        ge=90,
        le=2560,
        description="Key rotation period (90 days: the strictest stock check, CIS GCP).",
    )
    private_networking: bool = Field(
        default=True, description="No public endpoints on data or control planes."
    )
    workload_identity: bool = True
    pod_security: Literal["restricted", "baseline"] = "restricted"
    threat_detection: bool = True
    audit: AuditSpec = AuditSpec()


class FailoverSpec(Strict):
    """Stage 6: a second region with health-checked DNS failover for the serving path."""

    enabled: bool = True
    rto_minutes: int = Field(default=15, ge=1, le=1440)
    rpo_minutes: int = Field(default=5, ge=0, le=1440)
    dns_ttl_seconds: int = Field(default=30, ge=5, le=3600)
    health_check_interval_seconds: Literal[10, 30] = 10
