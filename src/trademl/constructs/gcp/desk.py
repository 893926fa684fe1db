"""A trading desk on Google Cloud: its own CMEK store, its own service account (bound to the desk's
Kubernetes service account through Workload Identity) and its retraining schedules."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_google.cloud_scheduler_job import CloudSchedulerJob
from cdktn_provider_google.service_account_iam_member import ServiceAccountIamMember
from constructs import Construct

from trademl.constructs.context import BuildContext
from trademl.model import DeskSpec

from .bucket import BucketRef, SecureBucket, SecureBucketProps, Tiering
from .identity import ServiceIdentity, ServiceIdentityProps, in_region
from .kms import KeyRef
from .training import ScheduleTarget, schedule_job


def desk_namespace(desk: DeskSpec) -> str:
    return f"desk-{desk.name}"


@dataclass(frozen=True, kw_only=True, slots=True)
class GcpDeskProps:
    ctx: BuildContext
    desk: DeskSpec
    keys: dict[str, KeyRef]
    """The foundation's keys by purpose (cross-stack references)."""
    access_logs: BucketRef
    training: ScheduleTarget | None = None
    """The platform's training Workflow. None: the desk gets no schedules (no platform layer)."""


class GcpDesk(Construct):
    """Subclass this in constructs/desks/ (as `GcpDesk`) and override a `_create_*` hook to change one thing."""

    def __init__(self, scope: Construct, id: str, props: GcpDeskProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.store = self._create_store()
        self.identity = self._create_identity()
        self.schedules = self._create_schedules()

    def _create_store(self) -> SecureBucket:
        """Extension point: the desk's private store for features, models and results."""
        ctx, desk = self.props.ctx, self.props.desk
        spec = ctx.profile.gcp()
        return SecureBucket(
            self,
            "Store",
            SecureBucketProps(
                ctx=ctx,
                name=ctx.name("desk", desk.name, spec.project_id),
                location=spec.region,
                key=self.props.keys["storage"],
                access_logs=self.props.access_logs,
                tiering=Tiering.AUTOCLASS,
            ),
        )

    def _create_identity(self) -> ServiceIdentity:
        """Extension point: the desk's Google identity: its store only, Vertex AI in the region only, and
        usable solely by the desk's Kubernetes service account (Workload Identity)."""
        ctx, desk = self.props.ctx, self.props.desk
        spec = ctx.profile.gcp()
        identity = ServiceIdentity(
            self,
            "Identity",
            ServiceIdentityProps(
                ctx=ctx, name=f"desk-{desk.name}", description=f"Desk {desk.name}: workloads and pipelines"
            ),
        )
        self.store.grant("DeskWrites", "roles/storage.objectAdmin", identity.member)
        identity.grant_project("roles/aiplatform.user", in_region(spec.project_id, spec.region))
        ns = desk_namespace(desk)
        ServiceAccountIamMember(
            self,
            "WorkloadIdentity",
            service_account_id=identity.account.name,
            role="roles/iam.workloadIdentityUser",
            member=f"serviceAccount:{spec.project_id}.svc.id.goog[{ns}/{ns}]",
        )
        return identity

    def _create_schedules(self) -> dict[str, CloudSchedulerJob]:
        """Extension point: the desk's retraining schedules (desk.schedules, else training.schedules)."""
        p = self.props
        if p.training is None:
            return {}
        schedules = p.desk.schedules or p.ctx.profile.training.schedules
        argument = {"desk": p.desk.name, "output_uri": f"gs://{self.store.name}"}
        return {
            s.name: schedule_job(
                self,
                f"Schedule-{s.name}",
                p.ctx,
                s,
                p.training,
                {**argument, "schedule": s.name},
                prefix=p.desk.name,
            )
            for s in schedules
        }
