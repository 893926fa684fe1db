"""Cloud Storage buckets: uniform access, public access prevented, versioned, CMEK, access-logged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from cdktn import ITerraformDependable
from cdktn_provider_google.storage_bucket import (
    StorageBucket,
    StorageBucketAutoclass,
    StorageBucketEncryption,
    StorageBucketLifecycleRule,
    StorageBucketLifecycleRuleAction,
    StorageBucketLifecycleRuleCondition,
    StorageBucketLogging,
    StorageBucketRetentionPolicy,
    StorageBucketVersioning,
)
from cdktn_provider_google.storage_bucket_iam_member import StorageBucketIamMember
from constructs import Construct

from trademl.constructs.context import BuildContext

from .common import label_safe, protect
from .kms import KeyRef

SECONDS_PER_YEAR = 31_557_600  # 365.25 days


class Tiering(StrEnum):
    """How objects move between storage classes."""

    NONE = "none"
    AUTOCLASS = "autoclass"  # data and models: read unpredictably (backtests), let GCS place them
    ARCHIVE = "archive"  # logs: only age; Nearline at 30 days, Coldline at 90, Archive at 365


class BucketRef:
    """A bucket, created here or adopted: its name is all dependents need."""

    name: str
    adopted: bool = False


class AdoptedBucket(BucketRef):
    def __init__(self, resource_name: str) -> None:
        self.name = resource_name.rsplit("/", 1)[1]
        self.adopted = True


@dataclass(frozen=True, kw_only=True, slots=True)
class Retention:
    """A bucket retention policy (WORM). Locking it is irreversible: the bucket can then never be deleted
    before every object has aged out."""

    years: int
    locked: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class SecureBucketProps:
    ctx: BuildContext
    name: str
    """Globally unique bucket name (derive it with ctx.name(..., project_id))."""
    location: str
    """The region; must equal the key's location."""
    key: KeyRef
    """Customer-managed key for every object (default_kms_key_name)."""
    access_logs: BucketRef | None = None
    """Where usage logs go. None only for the access-log bucket itself."""
    tiering: Tiering = Tiering.NONE
    retention: Retention | None = None
    """WORM retention. GCS refuses object versioning together with a retention policy, so it turns
    versioning off (the retention policy is what keeps every object)."""
    noncurrent_days: int = 90
    depends_on: Sequence[ITerraformDependable] = field(default=())
    """Usually the storage service agent's grant on the key: CMEK fails if the bucket comes first."""


class SecureBucket(Construct, BucketRef):
    def __init__(self, scope: Construct, id: str, props: SecureBucketProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.bucket = self._create_bucket()
        self.name = props.name
        self.url = self.bucket.url

    def grant(self, id: str, role: str, member: str) -> StorageBucketIamMember:
        """Grant `role` on this bucket only (never project-wide)."""
        return StorageBucketIamMember(self, id, bucket=self.bucket.name, role=role, member=member)

    def _create_bucket(self) -> StorageBucket:
        """Extension point: the bucket itself."""
        p, ctx = self.props, self.props.ctx
        return StorageBucket(
            self,
            "Bucket",
            name=p.name,
            location=p.location,
            storage_class="STANDARD",
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            versioning=StorageBucketVersioning(enabled=p.retention is None),
            encryption=StorageBucketEncryption(default_kms_key_name=p.key.id),
            logging=StorageBucketLogging(log_bucket=p.access_logs.name, log_object_prefix=f"gcs/{p.name}/")
            if p.access_logs is not None
            else None,
            autoclass=StorageBucketAutoclass(enabled=True, terminal_storage_class="ARCHIVE")
            if p.tiering is Tiering.AUTOCLASS
            else None,
            retention_policy=StorageBucketRetentionPolicy(
                retention_period=str(p.retention.years * SECONDS_PER_YEAR), is_locked=p.retention.locked
            )
            if p.retention is not None
            else None,
            lifecycle_rule=self._lifecycle_rules(),
            labels=label_safe(ctx.tags),
            force_destroy=ctx.force_destroy and p.retention is None,
            depends_on=list(p.depends_on) or None,
            **protect(ctx),
        )

    def _lifecycle_rules(self) -> list[StorageBucketLifecycleRule]:
        """Extension point: the lifecycle rules of this bucket."""
        p = self.props

        def rule(action: str, storage_class: str | None = None, **when: object) -> StorageBucketLifecycleRule:
            return StorageBucketLifecycleRule(
                action=StorageBucketLifecycleRuleAction(type=action, storage_class=storage_class),
                condition=StorageBucketLifecycleRuleCondition(**when),  # type: ignore[arg-type]
            )

        rules = [rule("AbortIncompleteMultipartUpload", age=7)]
        if p.retention is None:
            rules.append(
                rule(
                    "Delete",
                    days_since_noncurrent_time=p.noncurrent_days,
                    with_state="ARCHIVED",
                    send_days_since_noncurrent_time_if_zero=False,
                )
            )
        if p.tiering is Tiering.ARCHIVE:
            rules += [
                rule("SetStorageClass", "NEARLINE", age=30, matches_storage_class=["STANDARD"]),
                rule("SetStorageClass", "COLDLINE", age=90, matches_storage_class=["NEARLINE"]),
                rule("SetStorageClass", "ARCHIVE", age=365, matches_storage_class=["COLDLINE"]),
            ]
        return rules
