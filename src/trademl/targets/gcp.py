"""The gcp target: Vertex AI, GKE and Cloud Run on a private VPC, with CMEK and VPC Service Controls."""

from __future__ import annotations

from cdktn_provider_google.provider import GoogleProvider

from trademl.constructs.gcp.audit import AuditArchive, AuditArchiveProps
from trademl.constructs.gcp.common import label_safe
from trademl.constructs.gcp.desk import GcpDesk, GcpDeskProps
from trademl.constructs.gcp.failover import GcpFailover, GcpFailoverProps
from trademl.constructs.gcp.foundation import Foundation, FoundationProps
from trademl.constructs.gcp.kube import configure_kubernetes
from trademl.constructs.gcp.platform import Platform, PlatformProps
from trademl.constructs.gcp.training import ScheduleTarget
from trademl.constructs.gcp.workloads import GcpWorkloads, GcpWorkloadsProps
from trademl.model import DeskSpec, TargetName
from trademl.targets.base import LayerStack, TargetBuilder


class GcpTarget(TargetBuilder):
    target = TargetName.GCP
    foundation: Foundation
    audit: AuditArchive
    platform: Platform

    def configure_providers(self, stack: LayerStack) -> None:
        spec = self.profile.gcp()
        provider = GoogleProvider(stack, "google", project=spec.project_id, region=spec.region)
        # Set through an override: jsii would rewrite the map's keys to snake_case (cost-center -> cost_center).
        provider.add_override("default_labels", label_safe(self.ctx.tags))

    def build_foundation(self, stack: LayerStack) -> None:
        self.foundation = Foundation(stack, "Foundation", FoundationProps(ctx=self.ctx))

    def build_audit(self, stack: LayerStack) -> None:
        self.audit = AuditArchive(
            stack,
            "Audit",
            AuditArchiveProps(
                ctx=self.ctx, key=self.foundation.keys["storage"], access_logs=self.foundation.access_logs
            ),
        )

    def build_platform(self, stack: LayerStack) -> None:
        f = self.foundation
        self.platform = Platform(
            stack,
            "Platform",
            PlatformProps(ctx=self.ctx, keys=f.keys, network=f.network, stores=dict(f.stores)),
        )

    def build_workloads(self, stack: LayerStack) -> None:
        """In-cluster resources, on the platform's cluster through cross-stack references."""
        configure_kubernetes(stack, self.platform.cluster.cluster)
        self.workloads = GcpWorkloads(
            stack,
            "Workloads",
            GcpWorkloadsProps(
                ctx=self.ctx, image=self.platform.serving_image, address=self.platform.serving_address.ip
            ),
        )

    def build_failover(self, stack: LayerStack) -> None:
        self.failover = GcpFailover(
            stack,
            "Failover",
            GcpFailoverProps(ctx=self.ctx, foundation=self.foundation, platform=self.platform),
        )

    def _schedule_target(self) -> ScheduleTarget | None:
        platform = getattr(self, "platform", None)
        if platform is None:
            return None
        t = platform.training
        return ScheduleTarget(workflow_id=t.workflow.id, invoker_email=t.invoker.email)

    def build_cicd(self, stack: LayerStack) -> None:
        """Keyless CI: workload identity pool, plan/apply service accounts and this target's GitHub variables."""
        from trademl.constructs.cicd.gcp import GcpCicd, GcpCicdProps
        from trademl.constructs.cicd.github import github_cicd

        assert self.profile.cicd is not None
        self.cicd = GcpCicd(stack, "Cicd", GcpCicdProps(ctx=self.ctx, cicd=self.profile.cicd))
        github_cicd(stack, self.ctx, self.cicd.variables)

    def build_desk(self, stack: LayerStack, desk: DeskSpec) -> None:
        cls = self.desk_class(desk, GcpDesk)
        cls(
            stack,
            "Desk",
            GcpDeskProps(
                ctx=self.ctx,
                desk=desk,
                keys=self.foundation.keys,
                access_logs=self.foundation.access_logs,
                training=self._schedule_target(),
            ),
        )
