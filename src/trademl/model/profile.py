"""The profile: one platform, described once, compiled for every target it lists."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from trademl.model.base import DnsName, Strict
from trademl.model.cicd import CicdSpec
from trademl.model.desks import DeskSpec
from trademl.model.gpu import GpuClass, available, offered_by
from trademl.model.stages import (
    ExperimentSpec,
    FailoverSpec,
    MonitoringSpec,
    SecuritySpec,
    ServingSpec,
    TrainingSpec,
)
from trademl.model.targets import AwsTarget, AzureTarget, GcpTarget, TargetName, Targets

Environment = Literal["dev", "staging", "prod"]


class Profile(Strict):
    """A platform: its name, environment, targets, the six stages and the desks it hosts."""

    name: DnsName = Field(description="Platform name; prefixes every resource. At most 12 characters.")
    environment: Environment
    tags: dict[str, str] = Field(default_factory=dict, description="Added to every taggable resource.")
    targets: Targets
    experiment: ExperimentSpec = ExperimentSpec()
    training: TrainingSpec = TrainingSpec()
    serving: ServingSpec = ServingSpec()
    monitoring: MonitoringSpec = MonitoringSpec()
    security: SecuritySpec = SecuritySpec()
    failover: FailoverSpec = FailoverSpec()
    desks: tuple[DeskSpec, ...] = ()
    cicd: CicdSpec | None = Field(default=None, description="Keyless GitHub Actions; omit for none.")

    @model_validator(mode="after")
    def _cross_field(self) -> Self:
        if len(self.name) > 12:
            raise ValueError(f"name {self.name!r} is longer than 12 characters; fix: shorten it")
        for key in self.tags:
            if not key.replace("-", "").replace("_", "").isalnum() or len(key) > 63:
                raise ValueError(
                    f"tag key {key!r} is not valid on every cloud; fix: use letters, digits, - and _"
                )
        if self.cicd and self.cicd.enabled and self.is_prod and not self.cicd.reviewers:
            raise ValueError("cicd.reviewers is empty in prod; fix: name who approves applies")
        names = [d.name for d in self.desks]
        if len(set(names)) != len(names):
            raise ValueError("desks repeat a name; fix: give each desk a unique name")
        if self.environment == "prod" and self.security.audit.lock_mode == "none":
            raise ValueError(
                "security.audit.lock_mode is 'none' in prod; fix: use 'auto' or 'compliance' (WORM is required)"
            )
        eks, ecs = self.targets.aws_eks, self.targets.aws_ecs
        if eks and ecs and eks.account_id == ecs.account_id:
            raise ValueError(
                f"targets.aws-ecs.account_id equals targets.aws-eks.account_id ({eks.account_id}): account-level "
                "services (CloudTrail, Config, GuardDuty, Security Hub) and resource names would collide; "
                "fix: deploy the two AWS flavours into separate accounts"
            )
        for target in self.targets.names():
            spec = self.targets.get(target)
            assert spec is not None
            if self.failover.enabled and spec.secondary_region is None:
                raise ValueError(
                    f"targets.{target.value}.secondary_region is missing while failover.enabled is true; "
                    "fix: name a secondary region or set failover.enabled: false"
                )
            gpus = {self.training.gpu, self.serving.gpu} | {d.gpu for d in self.desks if d.gpu}
            for gpu in sorted(gpus):
                if not available(target.cloud, gpu):
                    raise ValueError(
                        f"GPU class {gpu.value!r} is not offered on {target.value}; "
                        f"fix: use one of {', '.join(offered_by(target.cloud))}"
                    )
        return self

    # Derived values: decided once here, never in a cloud's constructs.
    @property
    def is_prod(self) -> bool:
        return self.environment == "prod"

    @property
    def protect_stateful(self) -> bool:
        """Stateful resources get prevent_destroy and never force_destroy in prod."""
        return self.is_prod

    @property
    def audit_lock_mode(self) -> Literal["compliance", "governance", "none"]:
        mode = self.security.audit.lock_mode
        if mode == "auto":
            return "compliance" if self.is_prod else "governance"
        return mode

    @property
    def audit_lock_locked(self) -> bool:
        """Whether the audit archive's retention is locked (irreversible): compliance mode only."""
        return self.audit_lock_mode == "compliance"

    @property
    def prefix(self) -> str:
        return f"{self.name}-{self.environment}"

    def all_tags(self, target: TargetName) -> dict[str, str]:
        base = {
            "platform": self.name,
            "environment": self.environment,
            "target": target.value,
            "managed-by": "trademl",
        }
        return {**base, **self.tags}

    def desk(self, name: str) -> DeskSpec:
        for d in self.desks:
            if d.name == name:
                return d
        raise KeyError(name)

    def desk_gpu(self, desk: DeskSpec) -> GpuClass:
        return desk.gpu or self.training.gpu

    def aws(self, target: TargetName) -> AwsTarget:
        spec = self.targets.get(target)
        assert isinstance(spec, AwsTarget), target
        return spec

    def azure(self) -> AzureTarget:
        assert self.targets.azure is not None
        return self.targets.azure

    def gcp(self) -> GcpTarget:
        assert self.targets.gcp is not None
        return self.targets.gcp
