"""The seeds' comparison axes, regenerated per target from measured facts in the synthesized output.

Each mark is a count or a measured value (share of training capacity on spot, audit controls present,
zones per node pool...), never an opinion: change the output and the mark changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from trademl.model import TargetName
from trademl.model.capabilities import Stage
from trademl.parity.evidence import Fact, truthy
from trademl.parity.graph import Resource, TargetIndex
from trademl.parity.matrix import Matrix, Status

# Audit controls per cloud: (label, resource type, test on the resource).
Control = tuple[str, str, Callable[[Resource], bool]]
_ANY: Callable[[Resource], bool] = lambda r: True  # noqa: E731
AUDIT_CONTROLS: dict[str, tuple[Control, ...]] = {
    "aws": (
        ("API trail", "aws_cloudtrail", _ANY),
        ("trail log validation", "aws_cloudtrail", lambda r: truthy(r.first("enable_log_file_validation"))),
        ("WORM archive", "aws_s3_bucket_object_lock_configuration", _ANY),
        ("config recorder", "aws_config_configuration_recorder", _ANY),
        ("threat detection", "aws_guardduty_detector", _ANY),
        ("security posture", "aws_securityhub_account", _ANY),
        ("network flow logs", "aws_flow_log", _ANY),
        ("storage access logs", "aws_s3_bucket_logging", _ANY),
        ("key rotation", "aws_kms_key", lambda r: truthy(r.first("enable_key_rotation"))),
    ),
    "azure": (
        ("activity/diagnostic logs", "azurerm_monitor_diagnostic_setting", _ANY),
        ("WORM archive", "azurerm_storage_container_immutability_policy", _ANY),
        ("SIEM (Sentinel)", "azurerm_sentinel_log_analytics_workspace_onboarding", _ANY),
        ("threat detection", "azurerm_security_center_subscription_pricing", _ANY),
        ("data governance (Purview)", "azurerm_purview_account", _ANY),
        ("log workspace", "azurerm_log_analytics_workspace", _ANY),
        ("network flow logs", "azurerm_network_watcher_flow_log", _ANY),
        ("key rotation", "azurerm_key_vault_key", lambda r: bool(r.get("rotation_policy"))),
    ),
    "gcp": (
        ("log sink", "google_logging_project_sink", _ANY),
        ("data access audit logs", "google_project_iam_audit_config", _ANY),
        ("WORM archive", "google_storage_bucket", lambda r: truthy(r.first("retention_policy.is_locked"))),
        ("DLP inspection", "google_data_loss_prevention_job_trigger", _ANY),
        ("VPC Service Controls", "google_access_context_manager_service_perimeter", _ANY),
        ("network flow logs", "google_compute_subnetwork", lambda r: bool(r.get("log_config"))),
        ("key rotation", "google_kms_crypto_key", lambda r: bool(r.first("rotation_period"))),
    ),
}
_LIFECYCLE = ("aws_s3_bucket_lifecycle_configuration", "azurerm_storage_management_policy")


@dataclass(frozen=True, slots=True)
class Mark:
    """One axis on one target: a short measured value and the facts behind it."""

    value: str
    level: int  # 0 none, 1 partial, 2 full: drives the symbol, computed from the facts
    facts: dict[str, Fact] = field(default_factory=dict)

    @property
    def symbol(self) -> str:
        return "○◐●"[self.level]


@dataclass(frozen=True, slots=True)
class Axis:
    id: str
    title: str
    seed: str
    measure: Callable[[Matrix, TargetName], Mark]


def _level(have: int, want: int) -> int:
    return 2 if want and have >= want else (1 if have else 0)


def audit_controls(index: TargetIndex, target: TargetName) -> tuple[list[str], int]:
    controls = AUDIT_CONTROLS[target.cloud.value]
    present = [label for label, type_, test in controls if any(test(r) for r in index.of_type(type_))]
    return present, len(controls)


def _stage_share(m: Matrix, t: TargetName, stages: tuple[Stage, ...]) -> Mark:
    cells = [m.cell(c.id, t) for c in m.rows() if c.stage in stages]
    wanted = [c for c in cells if c.status is not Status.OFF]
    have = [c for c in wanted if c.status in (Status.PRESENT, Status.ADOPTED)]
    return Mark(
        f"{len(have)}/{len(wanted)} capabilities",
        _level(len(have), len(wanted)),
        {"missing": ", ".join(c.capability.id for c in wanted if c not in have) or None},
    )


def _fact(m: Matrix, t: TargetName, cap: str, key: str) -> Fact:
    cell = m.cell(cap, t)
    return cell.evidence.facts.get(key) if cell.evidence.found else None


def _spot(m: Matrix, t: TargetName) -> Mark:
    share = _fact(m, t, "spot-training", "spot_share")
    index = m.indexes[t]
    tiering = sum(1 for r in index.of_type(*_LIFECYCLE)) + sum(
        1 for r in index.of_type("google_storage_bucket") if r.get("lifecycle_rule")
    )
    serving = _serving_spot(index)
    via = _fact(m, t, "spot-training", "via")
    value = (
        f"training spot {share:.0%}"
        if isinstance(share, float)
        else ("training spot (share set at runtime)" if via else "no spot training")
    )
    if serving is not None:
        value += f", serving spot {serving:.0%}"
    level = 2 if via and tiering else (1 if via or tiering else 0)
    return Mark(
        value,
        level,
        {"spot_share": share, "spot_via": via, "tiering_rules": tiering, "serving_spot_share": serving},
    )


def _serving_spot(index: TargetIndex) -> float | None:
    spot = base = 0.0
    for svc in index.of_type("aws_ecs_service"):
        for s in svc.get("capacity_provider_strategy"):
            if isinstance(s, dict):
                weight = float(s.get("weight", 0) or 0)
                spot += weight if "SPOT" in str(s.get("capacity_provider")) else 0
                base += weight
    return round(spot / base, 2) if base else None


def _retraining(m: Matrix, t: TargetName) -> Mark:
    schedules = _fact(m, t, "scheduled-retraining", "schedules") or 0
    drift = m.cell("drift-retraining", t).evidence.found
    want = len(m.profile.training.schedules)
    level = (
        2 if drift and isinstance(schedules, int) and schedules >= want else (1 if drift or schedules else 0)
    )
    return Mark(
        f"{schedules} schedules, drift loop {'closed' if drift else 'open'}",
        level,
        {
            "schedules": schedules,
            "drift_loop": drift,
            "drift_route": _fact(m, t, "drift-retraining", "route"),
        },
    )


def _audit(m: Matrix, t: TargetName) -> Mark:
    present, total = audit_controls(m.indexes[t], t)
    lock = _fact(m, t, "immutable-audit-log", "lock_mode")
    years = _fact(m, t, "immutable-audit-log", "retention_years")
    return Mark(
        f"{len(present)}/{total} audit controls",
        _level(len(present), total),
        {"controls": ", ".join(present) or None, "lock": lock, "retention_years": years},
    )


def _mlflow(m: Matrix, t: TargetName) -> Mark:
    how = _fact(m, t, "experiment-tracking", "mlflow")
    registry = _fact(m, t, "model-registry", "registry")
    return Mark(
        str(how or "no MLflow"),
        2 if how and registry else (1 if how or registry else 0),
        {"tracking": how, "registry": registry},
    )


def _ha(m: Matrix, t: TargetName) -> Mark:
    zones = _fact(m, t, "multi-zone", "min_zones_per_pool")
    pools = _fact(m, t, "multi-zone", "pools")
    level = 2 if isinstance(zones, int) and zones >= 3 else (1 if zones else 0)
    return Mark(
        f"{zones} zones per pool (min)" if zones else "no multi-zone pools",
        level,
        {"min_zones_per_pool": zones, "pools": pools},
    )


def _gpu(m: Matrix, t: TargetName) -> Mark:
    cell = m.cell("gpu-inference", t)
    pools = cell.evidence.facts.get("gpu_pools") or cell.evidence.facts.get("gpu_tasks")
    asked = cell.status is not Status.OFF
    return Mark(
        f"{pools} GPU pools" if cell.evidence.found else ("missing" if asked else "not asked (CPU serving)"),
        2 if cell.evidence.found else (0 if asked else 1),
        {"gpu_pools": pools, "requested": asked},
    )


def _healing(m: Matrix, t: TargetName) -> Mark:
    checks = _fact(m, t, "failover", "health_checks") or _fact(m, t, "failover", "endpoints")
    zones = _fact(m, t, "multi-zone", "min_zones_per_pool")
    parts = int(bool(checks)) + int(bool(zones))
    return Mark(
        f"{checks or 0} health checks, {zones or 0} zones",
        parts,
        {
            "health_checks": checks,
            "min_zones": zones,
            "check_interval_s": _fact(m, t, "failover", "check_interval_s"),
        },
    )


def _notify(m: Matrix, t: TargetName) -> Mark:
    channels = [c for c in ("alert-slack", "alert-pagerduty") if m.cell(c, t).evidence.found]
    present, total = audit_controls(m.indexes[t], t)
    level = 2 if channels and len(present) >= total else (1 if channels or present else 0)
    return Mark(
        f"{len(channels)} channels, {len(present)}/{total} audit controls",
        level,
        {"channels": ", ".join(channels) or None},
    )


AXES: tuple[Axis, ...] = (
    Axis(
        "mlops-integration",
        "MLOps integration",
        "000",
        lambda m, t: _stage_share(m, t, (Stage.EXPERIMENT, Stage.TRAINING, Stage.SERVING)),
    ),
    Axis("cost-optimisation", "Cost optimisation", "000", _spot),
    Axis("retraining-automation", "Retraining automation", "000", _retraining),
    Axis("financial-audit", "Financial-audit readiness", "000", _audit),
    Axis("mlflow", "MLflow integration", "000", _mlflow),
    Axis("ha-kubernetes", "HA Kubernetes", "001", _ha),
    Axis("gpu-inference", "GPU inference", "001", _gpu),
    Axis("self-healing", "Self-healing & failover", "001", _healing),
    Axis("cost-efficiency", "Cost efficiency (spot)", "001", _spot),
    Axis("notification-audit", "Notification & audit", "001", _notify),
)


def measure(matrix: Matrix) -> dict[str, dict[TargetName, Mark]]:
    return {axis.id: {t: axis.measure(matrix, t) for t in matrix.targets} for axis in AXES}
