"""The capability catalogue: what a platform must be able to do, in cloud-neutral terms.

Each capability belongs to a stage and is asked for by a profile setting (`wanted`). `trademl parity`
recognises each one in every target's synthesized Terraform; a requested capability a target lacks fails it.
`flow` capabilities are chains (A -> B -> C) that count only when every link and grant is in the output.
`adoptable` names the `targets.<t>.adopt.*` ids the capability may rest on instead of created resources.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from trademl.model.gpu import GpuClass
from trademl.model.profile import Profile


class Stage(StrEnum):
    EXPERIMENT = "experiment"
    TRAINING = "training"
    SERVING = "serving"
    MONITORING = "monitoring"
    SECURITY = "security"
    FAILOVER = "failover"


@dataclass(frozen=True, kw_only=True, slots=True)
class Capability:
    id: str
    title: str
    stage: Stage
    setting: str  # the profile setting that asks for it, as a reader would write it
    wanted: Callable[[Profile], bool]
    flow: bool = False  # a chain: only counts when connected by references and grants
    adoptable: tuple[str, ...] = ()  # adopt.* fields this capability may rest on

    def requested(self, profile: Profile) -> bool:
        return self.wanted(profile)


CATALOGUE: tuple[Capability, ...] = (
    Capability(
        id="artifact-store",
        title="Versioned, CMK-encrypted artifact store",
        stage=Stage.EXPERIMENT,
        setting="experiment.artifact_stores",
        wanted=lambda p: bool(p.experiment.artifact_stores),
        adoptable=("key",),
    ),
    Capability(
        id="container-registry",
        title="Private container registry, scanned and encrypted",
        stage=Stage.EXPERIMENT,
        setting="always (serving.image is pulled through it)",
        wanted=lambda p: True,
        adoptable=("registry",),
    ),
    Capability(
        id="experiment-tracking",
        title="MLflow experiment tracking",
        stage=Stage.EXPERIMENT,
        setting="experiment.tracking == mlflow",
        wanted=lambda p: p.experiment.tracking == "mlflow",
    ),
    Capability(
        id="model-registry",
        title="Model registry",
        stage=Stage.EXPERIMENT,
        setting="experiment.registry",
        wanted=lambda p: True,
    ),
    Capability(
        id="spot-training",
        title="Spot training with on-demand fallback",
        stage=Stage.TRAINING,
        setting="training.spot_share > 0 and training.on_demand_fallback",
        wanted=lambda p: p.training.spot_share > 0 and p.training.on_demand_fallback,
    ),
    Capability(
        id="scheduled-retraining",
        title="Scheduled retraining",
        stage=Stage.TRAINING,
        setting="training.schedules",
        wanted=lambda p: bool(p.training.schedules),
        flow=True,
    ),
    Capability(
        id="streaming-ingestion",
        title="Streaming ingestion beside batch",
        stage=Stage.TRAINING,
        setting="training.streaming_ingestion",
        wanted=lambda p: p.training.streaming_ingestion,
    ),
    Capability(
        id="canary-serving",
        title="Canary serving",
        stage=Stage.SERVING,
        setting="serving.strategy == canary",
        wanted=lambda p: p.serving.strategy == "canary",
    ),
    Capability(
        id="blue-green-serving",
        title="Blue/green serving",
        stage=Stage.SERVING,
        setting="serving.strategy == blue_green",
        wanted=lambda p: p.serving.strategy == "blue_green",
    ),
    Capability(
        id="autoscaled-serving",
        title="Autoscaled serving",
        stage=Stage.SERVING,
        setting="serving.max_replicas > serving.min_replicas",
        wanted=lambda p: p.serving.max_replicas > p.serving.min_replicas,
    ),
    Capability(
        id="gpu-inference",
        title="GPU inference",
        stage=Stage.SERVING,
        setting="serving.gpu != none",
        wanted=lambda p: p.serving.gpu != GpuClass.NONE,
    ),
    Capability(
        id="serving-pulls-registry",
        title="Serving pulls from the registry with its own identity",
        stage=Stage.SERVING,
        setting="always",
        wanted=lambda p: True,
        flow=True,
        adoptable=("registry", "cluster"),
    ),
    Capability(
        id="metrics-dashboards",
        title="Metrics + dashboards",
        stage=Stage.MONITORING,
        setting="monitoring.metrics",
        wanted=lambda p: True,
        adoptable=("cluster",),
    ),
    Capability(
        id="alert-slack",
        title="Alerts to Slack",
        stage=Stage.MONITORING,
        setting="monitoring.notifications.slack",
        wanted=lambda p: p.monitoring.notifications.slack is not None,
        flow=True,
    ),
    Capability(
        id="alert-pagerduty",
        title="Alerts to PagerDuty",
        stage=Stage.MONITORING,
        setting="monitoring.notifications.pagerduty",
        wanted=lambda p: p.monitoring.notifications.pagerduty is not None,
        flow=True,
    ),
    Capability(
        id="drift-retraining",
        title="Drift-triggered retraining",
        stage=Stage.MONITORING,
        setting="training.drift_retraining and monitoring.drift_monitoring",
        wanted=lambda p: p.training.drift_retraining and p.monitoring.drift_monitoring,
        flow=True,
    ),
    Capability(
        id="workload-log-archive",
        title="Workload logs archived to a locked store",
        stage=Stage.MONITORING,
        setting="security.audit.lock_mode != none",
        wanted=lambda p: p.audit_lock_mode != "none",
        flow=True,
        adoptable=("audit_archive",),
    ),
    Capability(
        id="immutable-audit-log",
        title="Immutable audit log with retention",
        stage=Stage.SECURITY,
        setting="security.audit (lock_mode, retention_years)",
        wanted=lambda p: p.audit_lock_mode != "none",
        adoptable=("audit_archive",),
    ),
    Capability(
        id="threat-detection",
        title="Threat detection",
        stage=Stage.SECURITY,
        setting="security.threat_detection",
        wanted=lambda p: p.security.threat_detection,
    ),
    Capability(
        id="key-rotation",
        title="Customer-managed keys with rotation",
        stage=Stage.SECURITY,
        setting="security.customer_managed_keys",
        wanted=lambda p: p.security.customer_managed_keys,
        adoptable=("key",),
    ),
    Capability(
        id="private-networking",
        title="Private networking",
        stage=Stage.SECURITY,
        setting="security.private_networking",
        wanted=lambda p: p.security.private_networking,
        adoptable=("network",),
    ),
    Capability(
        id="workload-identity",
        title="Workload identity",
        stage=Stage.SECURITY,
        setting="security.workload_identity",
        wanted=lambda p: p.security.workload_identity,
        adoptable=("cluster",),
    ),
    Capability(
        id="multi-zone",
        title="Compute spread across zones",
        stage=Stage.FAILOVER,
        setting="targets.<t>.network.zones >= 2",
        wanted=lambda p: True,
        adoptable=("cluster", "network"),  # adopted subnets: their zones are known only to the cloud
    ),
    Capability(
        id="failover",
        title="Cross-region failover with health checks",
        stage=Stage.FAILOVER,
        setting="failover.enabled",
        wanted=lambda p: p.failover.enabled,
        adoptable=("dns_zone",),
    ),
)

BY_ID: dict[str, Capability] = {c.id: c for c in CATALOGUE}


def requested(profile: Profile) -> list[Capability]:
    """The capabilities this profile asks for, in catalogue order."""
    return [c for c in CATALOGUE if c.requested(profile)]
