"""Streaming ingestion beside batch (training.streaming_ingestion): a CMEK Pub/Sub topic that market-data
producers publish to, and a Cloud Storage subscription that lands the stream as Avro files in the data
bucket (its CMEK default key applies), where the batch pipelines already read. Pub/Sub's own service agent
writes the files, granted only on that bucket."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_google.pubsub_subscription import (
    PubsubSubscription,
    PubsubSubscriptionCloudStorageConfig,
    PubsubSubscriptionCloudStorageConfigAvroConfig,
)
from cdktn_provider_google.pubsub_topic import PubsubTopic
from cdktn_provider_google.storage_bucket_iam_member import StorageBucketIamMember
from constructs import Construct

from trademl.constructs.context import BuildContext

from .common import label_safe, service_agent
from .kms import KeyRef

# objectCreator writes the files; legacyBucketReader lets the agent check the bucket exists (documented).
WRITER_ROLES = ("roles/storage.objectCreator", "roles/storage.legacyBucketReader")


@dataclass(frozen=True, kw_only=True, slots=True)
class StreamingIngestionProps:
    ctx: BuildContext
    key: KeyRef
    """The messaging key (the Pub/Sub agent may already use it)."""
    data_bucket: str
    """Name of the data bucket the stream lands in."""


class StreamingIngestion(Construct):
    def __init__(self, scope: Construct, id: str, props: StreamingIngestionProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.topic = self._create_topic()
        agent = service_agent(props.ctx.profile.gcp().project_number, "pubsub")
        self.writer = [
            StorageBucketIamMember(
                self,
                f"AgentWriter-{role.rsplit('.', 1)[1]}",
                bucket=props.data_bucket,
                role=role,
                member=agent,
            )
            for role in WRITER_ROLES
        ]
        self.subscription = self._create_subscription()

    def _create_topic(self) -> PubsubTopic:
        """Extension point: the ingestion topic, CMEK, messages kept a week for replays."""
        ctx = self.props.ctx
        return PubsubTopic(
            self,
            "Topic",
            name=ctx.name("ingest"),
            kms_key_name=self.props.key.id,
            message_retention_duration="604800s",
            labels=label_safe(ctx.tags),
        )

    def _create_subscription(self) -> PubsubSubscription:
        """Extension point: the Cloud Storage subscription (Avro files every 5 minutes or 100 MB)."""
        ctx = self.props.ctx
        return PubsubSubscription(
            self,
            "ToStorage",
            name=ctx.name("ingest-to-gcs"),
            topic=self.topic.id,
            ack_deadline_seconds=300,
            message_retention_duration="604800s",
            cloud_storage_config=PubsubSubscriptionCloudStorageConfig(
                bucket=self.props.data_bucket,
                filename_prefix="stream/",
                filename_suffix=".avro",
                max_duration="300s",
                max_bytes=100 * 1024 * 1024,
                avro_config=PubsubSubscriptionCloudStorageConfigAvroConfig(write_metadata=True),
            ),
            labels=label_safe(ctx.tags),
            depends_on=self.writer,
        )
