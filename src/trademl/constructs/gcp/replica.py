"""The models store again in the failover region: a CMEK bucket keyed in that region (key and bucket
locations must match) and Storage Transfer Service cross-bucket replication, which copies every new or
changed object as Cloud Storage reports it (event-driven, not a schedule)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn import ITerraformDependable
from cdktn_provider_google.data_google_storage_transfer_project_service_account import (
    DataGoogleStorageTransferProjectServiceAccount,
)
from cdktn_provider_google.project_iam_member import ProjectIamMember
from cdktn_provider_google.storage_bucket_iam_member import StorageBucketIamMember
from cdktn_provider_google.storage_transfer_job import (
    StorageTransferJob,
    StorageTransferJobReplicationSpec,
    StorageTransferJobReplicationSpecGcsDataSink,
    StorageTransferJobReplicationSpecGcsDataSource,
    StorageTransferJobReplicationSpecTransferOptions,
)
from constructs import Construct

from trademl.constructs.context import BuildContext

from .bucket import BucketRef, SecureBucket, SecureBucketProps, Tiering
from .kms import KeyRef

# What the transfer agent needs on each side, bucket by bucket (never storage.admin on the project).
SOURCE_ROLES = ("roles/storage.legacyBucketReader", "roles/storage.objectViewer")
SINK_ROLES = ("roles/storage.legacyBucketWriter", "roles/storage.objectAdmin")
# Cross-bucket replication subscribes to the source bucket's change notifications it creates itself.
NOTIFICATION_ROLE = "roles/pubsub.editor"


@dataclass(frozen=True, kw_only=True, slots=True)
class ModelsReplicaProps:
    ctx: BuildContext
    source: BucketRef
    """The primary region's models bucket (a cross-stack reference)."""
    region: str
    key: KeyRef
    """The storage key of the failover region."""
    access_logs: BucketRef
    key_grant: ITerraformDependable
    """The storage agent's grant on `key`: CMEK fails if the bucket comes first."""


class ModelsReplica(Construct):
    def __init__(self, scope: Construct, id: str, props: ModelsReplicaProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        self.bucket = SecureBucket(
            self,
            "Bucket",
            SecureBucketProps(
                ctx=ctx,
                name=ctx.name("models-replica", ctx.profile.gcp().project_id),
                location=props.region,
                key=props.key,
                access_logs=props.access_logs,
                tiering=Tiering.AUTOCLASS,
                depends_on=[props.key_grant],
            ),
        )
        self.agent = DataGoogleStorageTransferProjectServiceAccount(
            self, "TransferAgent", project=ctx.profile.gcp().project_id
        )
        self.grants = self._grant_agent()
        self.job = self._create_job()

    def _grant_agent(self) -> list[ITerraformDependable]:
        """Extension point: the transfer agent reads the source and writes the replica, nothing else."""
        project = self.props.ctx.profile.gcp().project_id
        grants: list[ITerraformDependable] = [
            StorageBucketIamMember(
                self,
                f"Source-{role.rsplit('.', 1)[1]}",
                bucket=self.props.source.name,
                role=role,
                member=self.agent.member,
            )
            for role in SOURCE_ROLES
        ]
        grants += [
            self.bucket.grant(f"Sink-{role.rsplit('.', 1)[1]}", role, self.agent.member)
            for role in SINK_ROLES
        ]
        grants.append(
            ProjectIamMember(
                self, "Notifications", project=project, role=NOTIFICATION_ROLE, member=self.agent.member
            )
        )
        return grants

    def _create_job(self) -> StorageTransferJob:
        """Extension point: the replication job (new and changed objects; deletions stay in the replica)."""
        ctx = self.props.ctx
        return StorageTransferJob(
            self,
            "Replication",
            description=f"{ctx.prefix}: models to {self.props.region} (trademl)",
            project=ctx.profile.gcp().project_id,
            replication_spec=StorageTransferJobReplicationSpec(
                gcs_data_source=StorageTransferJobReplicationSpecGcsDataSource(
                    bucket_name=self.props.source.name
                ),
                gcs_data_sink=StorageTransferJobReplicationSpecGcsDataSink(
                    bucket_name=self.bucket.bucket.name
                ),
                transfer_options=StorageTransferJobReplicationSpecTransferOptions(
                    overwrite_when="DIFFERENT",
                    delete_objects_unique_in_sink=False,
                    delete_objects_from_source_after_transfer=False,
                ),
            ),
            depends_on=self.grants,
        )
