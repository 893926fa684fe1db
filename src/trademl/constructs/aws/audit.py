"""The audit archive: a WORM (S3 Object Lock) bucket, in a layer of its own since it can never be deleted."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from trademl.constructs.aws.audit_trail import archive_writer_statements
from trademl.constructs.aws.bucket import (
    AdoptedBucket,
    BucketRef,
    ObjectLock,
    SecureBucket,
    SecureBucketProps,
    Tiering,
)
from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.context import BuildContext


@dataclass(frozen=True, kw_only=True, slots=True)
class AuditArchiveProps:
    ctx: BuildContext
    key: KeyRef
    access_logs: BucketRef


class AuditArchive(Construct):
    """Object Lock in COMPLIANCE mode in prod (GOVERNANCE elsewhere), retention from security.audit."""

    def __init__(self, scope: Construct, id: str, props: AuditArchiveProps) -> None:
        super().__init__(scope, id)
        ctx = props.ctx
        spec = ctx.profile.aws(ctx.target)
        mode = ctx.profile.audit_lock_mode
        lock = (
            None
            if mode == "none"
            else ObjectLock(
                mode="COMPLIANCE" if mode == "compliance" else "GOVERNANCE",
                years=ctx.profile.security.audit.retention_years,
            )
        )
        name = ctx.name("audit", spec.account_id)
        # An adopted archive's owner grants CloudTrail write access in their own bucket policy.
        self.bucket: BucketRef = (
            AdoptedBucket(spec.adopt.audit_archive)
            if spec.adopt.audit_archive
            else SecureBucket(
                self,
                "Archive",
                SecureBucketProps(
                    ctx=ctx,
                    name=name,
                    key=props.key,
                    access_logs=props.access_logs,
                    tiering=Tiering.ARCHIVE,
                    object_lock=lock,
                    policy_statements=archive_writer_statements(ctx, name),
                ),
            )
        )
