"""What both AWS flavours share: provider, foundation, audit and desk layers, and the shared platform
pieces (container registry, alerts, market-data stream) each flavour's platform layer starts from."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_aws.provider import AwsProvider

from trademl.constructs.aws.alerts import Alerts, AlertsProps
from trademl.constructs.aws.audit import AuditArchive, AuditArchiveProps
from trademl.constructs.aws.audit_trail import AuditTrail, AuditTrailProps
from trademl.constructs.aws.desk import AwsDesk, AwsDeskProps
from trademl.constructs.aws.foundation import Foundation, FoundationProps
from trademl.constructs.aws.registry import ContainerRegistry, ContainerRegistryProps
from trademl.constructs.aws.sagemaker.mlflow import ExperimentTracking, ExperimentTrackingProps
from trademl.constructs.aws.stream import MarketStream, MarketStreamProps
from trademl.model import DeskSpec
from trademl.targets.base import LayerStack, TargetBuilder


@dataclass(frozen=True, slots=True)
class SharedPlatform:
    registry: ContainerRegistry
    alerts: Alerts
    stream: MarketStream | None
    tracking: ExperimentTracking | None


class AwsTargetBuilder(TargetBuilder):
    foundation: Foundation

    def configure_providers(self, stack: LayerStack) -> None:
        spec = self.profile.aws(self.target)
        AwsProvider(
            stack,
            "aws",
            region=spec.region,
            allowed_account_ids=[spec.account_id],
            default_tags=[{"tags": self.ctx.tags}],
        )

    def build_foundation(self, stack: LayerStack) -> None:
        self.foundation = Foundation(stack, "Foundation", FoundationProps(ctx=self.ctx))

    def build_audit(self, stack: LayerStack) -> None:
        self.audit = AuditArchive(
            stack,
            "Audit",
            AuditArchiveProps(ctx=self.ctx, key=self.foundation.key, access_logs=self.foundation.access_logs),
        )
        self.audit_trail = AuditTrail(
            stack,
            "AuditTrail",
            AuditTrailProps(
                ctx=self.ctx,
                key=self.foundation.key,
                archive=self.audit.bucket,
                data_event_buckets=tuple(self.foundation.stores.values()),
            ),
        )

    def build_shared_platform(self, stack: LayerStack) -> SharedPlatform:
        """The registry (replicated to the failover region), the alert topic and the market-data stream."""
        registry = ContainerRegistry(
            stack,
            "Registry",
            ContainerRegistryProps(
                ctx=self.ctx, key=self.foundation.key, replica_key=self.foundation.secondary_key
            ),
        )
        alerts = Alerts(stack, "Alerts", AlertsProps(ctx=self.ctx))
        stream = (
            MarketStream(stack, "MarketStream", MarketStreamProps(ctx=self.ctx, key=self.foundation.key))
            if self.profile.training.streaming_ingestion
            else None
        )
        return SharedPlatform(
            registry=registry, alerts=alerts, stream=stream, tracking=self._experiment_tracking(stack)
        )

    def _experiment_tracking(self, stack: LayerStack) -> ExperimentTracking | None:
        """Managed MLflow; its artifacts go to the models store (or the first store a profile names)."""
        stores = self.foundation.stores
        if self.profile.experiment.tracking != "mlflow" or not stores:
            return None
        models = stores.get("models") or next(iter(stores.values()))
        return ExperimentTracking(
            stack,
            "ExperimentTracking",
            ExperimentTrackingProps(ctx=self.ctx, models=models, key=self.foundation.key),
        )

    def build_cicd(self, stack: LayerStack) -> None:
        """Keyless CI: GitHub's OIDC provider, plan/apply roles and this target's GitHub variables."""
        from trademl.constructs.cicd.aws import AwsCicd, AwsCicdProps
        from trademl.constructs.cicd.github import github_cicd

        assert self.profile.cicd is not None
        self.cicd = AwsCicd(stack, "Cicd", AwsCicdProps(ctx=self.ctx, cicd=self.profile.cicd))
        github_cicd(stack, self.ctx, self.cicd.variables)

    def build_desk(self, stack: LayerStack, desk: DeskSpec) -> None:
        cls = self.desk_class(desk, AwsDesk)
        self.desk = cls(
            stack,
            "Desk",
            AwsDeskProps(
                ctx=self.ctx, desk=desk, key=self.foundation.key, access_logs=self.foundation.access_logs
            ),
        )
