"""Stage 2 on Google Cloud: Vertex AI Pipelines runs launched by a Workflow that tries Spot capacity first
and on-demand second, Cloud Scheduler jobs from training.schedules, and the drift path
(BigQuery drift rows -> log sink -> Pub/Sub -> Eventarc -> the same Workflow)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from cdktn_provider_google.artifact_registry_repository import ArtifactRegistryRepository
from cdktn_provider_google.artifact_registry_repository_iam_member import ArtifactRegistryRepositoryIamMember
from cdktn_provider_google.cloud_scheduler_job import (
    CloudSchedulerJob,
    CloudSchedulerJobHttpTarget,
    CloudSchedulerJobHttpTargetOauthToken,
    CloudSchedulerJobRetryConfig,
)
from cdktn_provider_google.eventarc_trigger import (
    EventarcTrigger,
    EventarcTriggerDestination,
    EventarcTriggerMatchingCriteria,
    EventarcTriggerTransport,
    EventarcTriggerTransportPubsub,
)
from cdktn_provider_google.logging_project_sink import LoggingProjectSink
from cdktn_provider_google.pubsub_topic import PubsubTopic
from cdktn_provider_google.pubsub_topic_iam_member import PubsubTopicIamMember
from cdktn_provider_google.storage_bucket_iam_member import StorageBucketIamMember
from cdktn_provider_google.workflows_workflow import WorkflowsWorkflow
from constructs import Construct

from trademl.constructs.context import BuildContext
from trademl.model.stages import Schedule

from .common import label_safe
from .identity import Condition, ServiceIdentity, ServiceIdentityProps, in_region
from .kms import KeyRef
from .network import NetworkRef
from .runspec import PipelineTarget, training_workflow

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
DRIFT_TABLE = "drift_alerts"


@dataclass(frozen=True, kw_only=True, slots=True)
class TrainingProps:
    ctx: BuildContext
    keys: dict[str, KeyRef]
    network: NetworkRef
    pipelines_repo: ArtifactRegistryRepository
    """KFP repository that holds the pipeline template `train`."""
    models_bucket: str
    data_bucket: str
    monitoring_dataset: str
    """BigQuery dataset id whose drift table triggers retraining."""


class Training(Construct):
    def __init__(self, scope: Construct, id: str, props: TrainingProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        spec = ctx.profile.gcp()
        self.project_id, self.region = spec.project_id, spec.region
        self.runner = self._create_runner()
        self.launcher = ServiceIdentity(
            self,
            "LauncherIdentity",
            ServiceIdentityProps(
                ctx=ctx,
                name="train-launcher",
                description="Runs the training Workflow; launches pipeline jobs",
            ),
        )
        self.launcher.grant_project("roles/aiplatform.user", in_region(self.project_id, self.region))
        self.launcher.grant_project("roles/logging.logWriter")
        self.runner.allow_act_as("LauncherActsAsRunner", self.launcher.member)
        self.workflow = self._create_workflow()
        self.invoker = ServiceIdentity(
            self,
            "SchedulerIdentity",
            ServiceIdentityProps(
                ctx=ctx, name="train-scheduler", description="Cloud Scheduler and Eventarc start training"
            ),
        )
        self.invoker.grant_project(
            "roles/workflows.invoker",
            Condition(
                title="training-workflow-only",
                expression=f'resource.name == "projects/{self.project_id}/locations/{self.region}/workflows/'
                f'{self.workflow_name}"',
            ),
        )
        self.schedules = {s.name: self.add_schedule(s) for s in ctx.profile.training.schedules}
        self.retrain_topic = self._create_topic()
        if ctx.profile.training.drift_retraining:
            self._create_drift_path()

    @property
    def workflow_name(self) -> str:
        return self.props.ctx.name("train")

    def _create_runner(self) -> ServiceIdentity:
        """Extension point: the identity pipeline steps run as (buckets and repository scoped grants)."""
        p = self.props
        runner = ServiceIdentity(
            self,
            "RunnerIdentity",
            ServiceIdentityProps(ctx=p.ctx, name="pipelines", description="Vertex AI pipeline steps"),
        )
        runner.grant_project("roles/aiplatform.user", in_region(self.project_id, self.region))
        for store, role in (
            (p.models_bucket, "roles/storage.objectAdmin"),
            (p.data_bucket, "roles/storage.objectViewer"),
        ):
            StorageBucketIamMember(
                self, f"Runner-{role.rsplit('.', 1)[1]}", bucket=store, role=role, member=runner.member
            )
        ArtifactRegistryRepositoryIamMember(
            self,
            "RunnerReadsTemplates",
            repository=p.pipelines_repo.name,
            location=self.region,
            role="roles/artifactregistry.reader",
            member=runner.member,
        )
        return runner

    def pipeline_target(self) -> PipelineTarget:
        p = self.props
        number = p.ctx.profile.gcp().project_number
        return PipelineTarget(
            template_uri=f"https://{self.region}-kfp.pkg.dev/{self.project_id}/{p.ctx.name('pipelines')}/train/latest",
            service_account=self.runner.email,
            kms_key=p.keys["vertex"].id,
            output_uri=f"gs://{p.models_bucket}",
            network=f"projects/{number}/global/networks/{p.network.network_name}",
        )

    def _create_workflow(self) -> WorkflowsWorkflow:
        """Extension point: the Workflow that launches training (Spot first, on-demand fallback)."""
        ctx = self.props.ctx
        return WorkflowsWorkflow(
            self,
            "Workflow",
            name=self.workflow_name,
            region=self.region,
            description="Runs the training pipeline on Spot, then on demand if Spot does not succeed",
            source_contents=training_workflow(
                ctx.profile, self.region, self.project_id, self.pipeline_target()
            ),
            service_account=self.launcher.id,
            crypto_key_name=self.props.keys["vertex"].id,
            call_log_level="LOG_ERRORS_ONLY",
            execution_history_level="EXECUTION_HISTORY_DETAILED",
            deletion_protection=ctx.profile.protect_stateful,
            labels=label_safe(ctx.tags),
        )

    def add_schedule(self, schedule: Schedule) -> CloudSchedulerJob:
        """A Cloud Scheduler job that starts the training Workflow (times are UTC)."""
        return schedule_job(
            self,
            f"Schedule-{schedule.name}",
            self.props.ctx,
            schedule,
            ScheduleTarget(workflow_id=self.workflow.id, invoker_email=self.invoker.email),
            {"schedule": schedule.name},
        )

    def _create_topic(self) -> PubsubTopic:
        """Extension point: the retraining topic (drift rows, model-monitoring alerts), CMEK-encrypted."""
        ctx = self.props.ctx
        return PubsubTopic(
            self,
            "RetrainTopic",
            name=ctx.name("retrain"),
            kms_key_name=self.props.keys["messaging"].id,
            message_retention_duration="604800s",
            labels=label_safe(ctx.tags),
        )

    def _create_drift_path(self) -> None:
        """Rows landing in the drift table publish to the topic; Eventarc starts the Workflow from it."""
        ctx = self.props.ctx
        table = f"projects/{self.project_id}/datasets/{self.props.monitoring_dataset}/tables/{DRIFT_TABLE}"
        sink = LoggingProjectSink(
            self,
            "DriftSink",
            name=ctx.name("drift-to-retrain"),
            project=self.project_id,
            destination=f"pubsub.googleapis.com/{self.retrain_topic.id}",
            unique_writer_identity=True,
            filter=(
                'protoPayload.serviceName="bigquery.googleapis.com" AND '
                f'protoPayload.resourceName="{table}" AND '
                "protoPayload.metadata.tableDataChange.insertedRowsCount>0"
            ),
        )
        PubsubTopicIamMember(
            self,
            "DriftSinkPublishes",
            topic=self.retrain_topic.name,
            role="roles/pubsub.publisher",
            member=sink.writer_identity,
        )
        self.invoker.grant_project("roles/eventarc.eventReceiver", in_region(self.project_id, self.region))
        EventarcTrigger(
            self,
            "DriftTrigger",
            name=ctx.name("retrain-on-drift"),
            location=self.region,
            matching_criteria=[
                EventarcTriggerMatchingCriteria(
                    attribute="type", value="google.cloud.pubsub.topic.v1.messagePublished"
                )
            ],
            transport=EventarcTriggerTransport(
                pubsub=EventarcTriggerTransportPubsub(topic=self.retrain_topic.id)
            ),
            destination=EventarcTriggerDestination(workflow=self.workflow.id),
            service_account=self.invoker.email,
            labels=label_safe(ctx.tags),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class ScheduleTarget:
    """The training Workflow and the identity allowed to start it (possibly cross-stack references)."""

    workflow_id: str
    invoker_email: str


def schedule_job(
    scope: Construct,
    id: str,
    ctx: BuildContext,
    schedule: Schedule,
    target: ScheduleTarget,
    argument: dict[str, str],
    prefix: str = "",
) -> CloudSchedulerJob:
    """Cloud Scheduler POSTs {"argument": <json>} to the Workflow executions API with an OAuth token."""
    body = json.dumps({"argument": json.dumps(argument, sort_keys=True)}, sort_keys=True)
    return CloudSchedulerJob(
        scope,
        id,
        name=ctx.name("train", prefix, schedule.name),
        region=ctx.profile.gcp().region,
        schedule=schedule.cron,
        time_zone="Etc/UTC",
        attempt_deadline="320s",
        retry_config=CloudSchedulerJobRetryConfig(
            retry_count=ctx.profile.training.retries, min_backoff_duration="30s", max_doublings=3
        ),
        http_target=CloudSchedulerJobHttpTarget(
            uri=f"https://workflowexecutions.googleapis.com/v1/{target.workflow_id}/executions",
            http_method="POST",
            headers={"Content-Type": "application/json"},
            body=base64.b64encode(body.encode()).decode(),
            oauth_token=CloudSchedulerJobHttpTargetOauthToken(
                service_account_email=target.invoker_email, scope=CLOUD_PLATFORM
            ),
        ),
    )
