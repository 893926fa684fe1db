"""The audit trail: Cloud Audit Logs on for every service, exported by a project sink into a bucket under a
retention policy (locked in prod). Its own layer, since a locked bucket can never be deleted early."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_google.logging_project_sink import LoggingProjectSink
from cdktn_provider_google.project_iam_audit_config import (
    ProjectIamAuditConfig,
    ProjectIamAuditConfigAuditLogConfig,
)
from constructs import Construct

from trademl.constructs.context import BuildContext

from .bucket import AdoptedBucket, BucketRef, Retention, SecureBucket, SecureBucketProps, Tiering
from .kms import KeyRef

AUDIT_LOG_FILTER = 'logName:"/logs/cloudaudit.googleapis.com%2F"'  # activity, data access, system, policy
# What the workloads write: GKE containers (serving, training, desks), the Cloud Run fallback and functions.
WORKLOAD_LOG_FILTER = 'resource.type=("k8s_container" OR "cloud_run_revision" OR "cloud_function")'


@dataclass(frozen=True, kw_only=True, slots=True)
class AuditArchiveProps:
    ctx: BuildContext
    key: KeyRef
    """The foundation's storage key (its storage-agent grant already exists: earlier layer)."""
    access_logs: BucketRef


class AuditArchive(Construct):
    """Retention from security.audit (locked only in compliance mode), sink with its own writer identity."""

    def __init__(self, scope: Construct, id: str, props: AuditArchiveProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        spec = ctx.profile.gcp()
        self.project_id = spec.project_id
        self.bucket: BucketRef = (
            AdoptedBucket(spec.adopt.audit_archive) if spec.adopt.audit_archive else self._create_bucket()
        )
        self.audit_config = self._create_audit_config()
        self.sink = self._create_sink("Sink", "audit-archive", AUDIT_LOG_FILTER)
        self.workload_sink = self._create_sink("WorkloadSink", "workload-archive", WORKLOAD_LOG_FILTER)

    def _create_bucket(self) -> SecureBucket:
        """Extension point: the archive bucket."""
        ctx = self.props.ctx
        spec = ctx.profile.gcp()
        mode = ctx.profile.audit_lock_mode
        retention = (
            None
            if mode == "none"
            else Retention(
                years=ctx.profile.security.audit.retention_years, locked=ctx.profile.audit_lock_locked
            )
        )
        return SecureBucket(
            self,
            "Archive",
            SecureBucketProps(
                ctx=ctx,
                name=ctx.name("audit", spec.project_id),
                location=spec.region,
                key=self.props.key,
                access_logs=self.props.access_logs,
                tiering=Tiering.ARCHIVE,
                retention=retention,
            ),
        )

    def _create_audit_config(self) -> ProjectIamAuditConfig:
        """Extension point: which audit logs are written (all three types, every service, no exemptions)."""
        return ProjectIamAuditConfig(
            self,
            "AuditConfig",
            project=self.project_id,
            service="allServices",
            audit_log_config=[
                ProjectIamAuditConfigAuditLogConfig(log_type=t)
                for t in ("ADMIN_READ", "DATA_READ", "DATA_WRITE")
            ],
        )

    def _create_sink(self, id: str, name: str, filter: str) -> LoggingProjectSink:
        """Extension point: one export of logs (audit, or workload logs) into the archive, with a writer
        identity of its own that may only create objects there (GCS sinks write under the log's name)."""
        # By reference when created here: the sink then follows the bucket (and the graph sees the link).
        bucket = self.bucket.bucket.name if isinstance(self.bucket, SecureBucket) else self.bucket.name
        sink = LoggingProjectSink(
            self,
            id,
            name=self.props.ctx.name(name),
            project=self.project_id,
            destination=f"storage.googleapis.com/{bucket}",
            filter=filter,
            unique_writer_identity=True,
        )
        if isinstance(self.bucket, SecureBucket):
            writer = "SinkWriter" if id == "Sink" else f"{id}Writer"
            self.bucket.grant(writer, "roles/storage.objectCreator", sink.writer_identity)
        return sink
