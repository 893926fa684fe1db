"""Scheduled retraining: EventBridge Scheduler (one schedule per training.schedules entry, no flexible
window, KMS) starts a Step Functions state machine that runs train -> evaluate -> register -> deploy.

train:    start the SageMaker pipeline with UseSpot=true and poll it; when the run fails (spot capacity
          absent after its retries) and training.on_demand_fallback is on, start it once with UseSpot=false.
evaluate: the pipeline's own Check step gated the score; pick the newest package it registered.
register: approve that package in the model package group.
deploy:   force a new deployment of the inference service (rolling, circuit breaker).
Every task retries service errors and catches failures into an SNS notification to the alert topic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from cdktn_provider_aws.scheduler_schedule import (
    SchedulerSchedule,
    SchedulerScheduleFlexibleTimeWindow,
    SchedulerScheduleTarget,
    SchedulerScheduleTargetRetryPolicy,
)
from cdktn_provider_aws.scheduler_schedule_group import SchedulerScheduleGroup
from cdktn_provider_aws.sfn_state_machine import (
    SfnStateMachine,
    SfnStateMachineEncryptionConfiguration,
    SfnStateMachineLoggingConfiguration,
    SfnStateMachineTracingConfiguration,
)
from constructs import Construct

from trademl.constructs.aws.alerts import Alerts
from trademl.constructs.aws.ecs.service import BalancedService
from trademl.constructs.aws.identity import (
    LeastPrivilegeRole,
    LeastPrivilegeRoleProps,
    account_of,
    grant_key,
    service_trust,
)
from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.aws.logs import LogGroup, LogGroupProps
from trademl.constructs.aws.sagemaker.training import TrainingPipeline
from trademl.constructs.aws.schedule_expr import eventbridge_cron
from trademl.constructs.context import BuildContext
from trademl.model.stages import Schedule

SERVICE_ERRORS = ["SageMaker.AmazonSageMakerException", "Ecs.EcsException", "States.TaskFailed"]
POLL_SECONDS = 300
CATCH = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "NotifyFailure"}]


def _retry(retries: int) -> list[dict[str, object]]:
    return [
        {
            "ErrorEquals": SERVICE_ERRORS,
            "IntervalSeconds": 30,
            "BackoffRate": 2.0,
            "MaxAttempts": max(retries, 1),
        }
    ]


def _sdk(service: str, action: str) -> str:
    return f"arn:aws:states:::aws-sdk:{service}:{action}"


def state_machine_definition(
    *,
    pipeline: str,
    model_group: str,
    cluster: str,
    service: str,
    topic_arn: str,
    retries: int,
    fallback: bool,
) -> str:
    """The ASL document, deterministic. Names, not objects: it is rendered into a JSON string."""

    def start(use_spot: bool) -> dict[str, object]:
        return {
            "Type": "Task",
            "Resource": _sdk("sagemaker", "startPipelineExecution"),
            "Parameters": {
                "PipelineName": pipeline,
                "PipelineParameters": [{"Name": "UseSpot", "Value": "true" if use_spot else "false"}],
            },
            "ResultSelector": {"arn.$": "$.PipelineExecutionArn"},
            "ResultPath": "$.execution",
            "Retry": _retry(retries),
            "Catch": CATCH,
            "Next": "WaitForTraining",
        }

    failed_then: list[dict[str, object]] = []
    if fallback:
        failed_then.append(
            {
                "And": [
                    {"Variable": "$.pipeline.status", "StringEquals": "Failed"},
                    {"Variable": "$.onDemand", "IsPresent": False},
                ],
                "Next": "FallBackToOnDemand",
            }
        )
    states: dict[str, object] = {
        "Train": start(use_spot=True),
        "WaitForTraining": {"Type": "Wait", "Seconds": POLL_SECONDS, "Next": "PollTraining"},
        "PollTraining": {
            "Type": "Task",
            "Resource": _sdk("sagemaker", "describePipelineExecution"),
            "Parameters": {"PipelineExecutionArn.$": "$.execution.arn"},
            "ResultSelector": {"status.$": "$.PipelineExecutionStatus"},
            "ResultPath": "$.pipeline",
            "Retry": _retry(retries),
            "Catch": CATCH,
            "Next": "TrainingDone",
        },
        "TrainingDone": {
            "Type": "Choice",
            "Default": "NotifyFailure",
            "Choices": [
                {"Variable": "$.pipeline.status", "StringEquals": "Succeeded", "Next": "Evaluate"},
                {
                    "Or": [
                        {"Variable": "$.pipeline.status", "StringEquals": "Executing"},
                        {"Variable": "$.pipeline.status", "StringEquals": "Stopping"},
                    ],
                    "Next": "WaitForTraining",
                },
                *failed_then,
            ],
        },
        "Evaluate": {
            "Type": "Task",
            "Resource": _sdk("sagemaker", "listModelPackages"),
            "Parameters": {
                "ModelPackageGroupName": model_group,
                "SortBy": "CreationTime",
                "SortOrder": "Descending",
                "MaxResults": 1,
            },
            "ResultSelector": {"arn.$": "$.ModelPackageSummaryList[0].ModelPackageArn"},
            "ResultPath": "$.model",
            "Retry": _retry(retries),
            "Catch": CATCH,
            "Next": "Register",
        },
        "Register": {
            "Type": "Task",
            "Resource": _sdk("sagemaker", "updateModelPackage"),
            "Parameters": {"ModelPackageArn.$": "$.model.arn", "ModelApprovalStatus": "Approved"},
            "ResultPath": None,
            "Retry": _retry(retries),
            "Catch": CATCH,
            "Next": "Deploy",
        },
        "Deploy": {
            "Type": "Task",
            "Resource": _sdk("ecs", "updateService"),
            "Parameters": {"Cluster": cluster, "Service": service, "ForceNewDeployment": True},
            "ResultPath": None,
            "Retry": _retry(retries),
            "Catch": CATCH,
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
        "NotifyFailure": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sns:publish",
            "Parameters": {
                "TopicArn": topic_arn,
                "Subject": "trademl retraining failed",
                "Message.$": "States.JsonToString($)",
            },
            "ResultPath": None,
            "Next": "Failed",
        },
        "Failed": {"Type": "Fail", "Error": "RetrainingFailed", "Cause": "see the alert topic"},
    }
    if fallback:
        states["FallBackToOnDemand"] = {
            "Type": "Pass",
            "Result": True,
            "ResultPath": "$.onDemand",
            "Next": "TrainOnDemand",
        }
        states["TrainOnDemand"] = start(use_spot=False)
    return json.dumps(
        {"Comment": "train -> evaluate -> register -> deploy", "StartAt": "Train", "States": states},
        sort_keys=True,
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class RetrainingProps:
    ctx: BuildContext
    key: KeyRef
    name: str
    """Short name: "platform" or a desk's name. Names the state machine, roles and schedules."""
    pipeline: TrainingPipeline
    service: BalancedService
    """The inference service a new model is rolled out to."""
    alerts: Alerts
    schedules: tuple[Schedule, ...] | None = None
    """Default: training.schedules."""


class Retraining(Construct):
    def __init__(self, scope: Construct, id: str, props: RetrainingProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        self.log_group = LogGroup(
            self,
            "Logs",
            LogGroupProps(
                ctx=ctx, name=f"/aws/vendedlogs/states/{ctx.name(props.name, 'retraining')}", key=props.key
            ),
        )
        self.role = self._create_role()
        cluster = props.service.props.cluster
        self.state_machine = SfnStateMachine(
            self,
            "StateMachine",
            name=ctx.name(props.name, "retraining"),
            role_arn=self.role.arn,
            type="STANDARD",
            depends_on=[self.role.policy],
            definition=state_machine_definition(
                pipeline=props.pipeline.name,
                model_group=props.pipeline.group.model_package_group_name,
                cluster=cluster.name,
                service=props.service.name,
                topic_arn=props.alerts.arn,
                retries=ctx.profile.training.retries,
                fallback=ctx.profile.training.on_demand_fallback,
            ),
            logging_configuration=SfnStateMachineLoggingConfiguration(
                level="ALL", include_execution_data=True, log_destination=f"{self.log_group.arn}:*"
            ),
            tracing_configuration=SfnStateMachineTracingConfiguration(enabled=True),
            encryption_configuration=SfnStateMachineEncryptionConfiguration(
                type="CUSTOMER_MANAGED_KMS_KEY",
                kms_key_id=props.key.arn,
                kms_data_key_reuse_period_seconds=300,
            ),
        )
        self.group = SchedulerScheduleGroup(self, "ScheduleGroup", name=ctx.name(props.name, "retraining"))
        self.scheduler_role = LeastPrivilegeRole(
            self,
            "SchedulerRole",
            LeastPrivilegeRoleProps(
                ctx=ctx,
                name=ctx.name(props.name, "retrain-scheduler"),
                trust_policy=service_trust(["scheduler.amazonaws.com"], account_of(ctx)),
                statements=(
                    {
                        "Effect": "Allow",
                        "Action": "states:StartExecution",
                        "Resource": self.state_machine.arn,
                    },
                ),
            ),
        )
        grant_key(self.scheduler_role, props.key, write=True)
        self.schedules = {
            s.name: self._create_schedule(s) for s in props.schedules or ctx.profile.training.schedules
        }

    def _create_schedule(self, schedule: Schedule) -> SchedulerSchedule:
        """Extension point: one schedule; fires exactly on time (no flexible window), UTC."""
        ctx = self.props.ctx
        return SchedulerSchedule(
            self,
            f"Schedule-{schedule.name}",
            name=ctx.name(self.props.name, "retrain", schedule.name),
            group_name=self.group.name,
            schedule_expression=eventbridge_cron(schedule.cron),
            schedule_expression_timezone="UTC",
            kms_key_arn=self.props.key.arn,
            state="ENABLED",
            flexible_time_window=SchedulerScheduleFlexibleTimeWindow(mode="OFF"),
            target=SchedulerScheduleTarget(
                arn=self.state_machine.arn,
                role_arn=self.scheduler_role.arn,
                input=json.dumps({"schedule": schedule.name}, sort_keys=True),
                retry_policy=SchedulerScheduleTargetRetryPolicy(
                    maximum_retry_attempts=3, maximum_event_age_in_seconds=3600
                ),
            ),
        )

    def _create_role(self) -> LeastPrivilegeRole:
        ctx, props = self.props.ctx, self.props
        account, region = account_of(ctx), ctx.profile.aws(ctx.target).region
        sm = f"arn:aws:sagemaker:{region}:{account}"
        group = props.pipeline.group.model_package_group_name
        role = LeastPrivilegeRole(
            self,
            "Role",
            LeastPrivilegeRoleProps(
                ctx=ctx,
                name=ctx.name(props.name, "retrain-states"),
                trust_policy=service_trust(["states.amazonaws.com"], account),
                statements=(
                    {
                        "Effect": "Allow",
                        "Action": "sagemaker:StartPipelineExecution",
                        "Resource": props.pipeline.arn,
                    },
                    {
                        "Effect": "Allow",
                        "Action": "sagemaker:DescribePipelineExecution",
                        "Resource": f"{props.pipeline.arn}/execution/*",
                    },
                    {
                        "Effect": "Allow",
                        "Action": ["sagemaker:ListModelPackages", "sagemaker:UpdateModelPackage"],
                        "Resource": [f"{sm}:model-package-group/{group}", f"{sm}:model-package/{group}/*"],
                    },
                    {"Effect": "Allow", "Action": "ecs:UpdateService", "Resource": props.service.service.id},
                    {"Effect": "Allow", "Action": "sns:Publish", "Resource": props.alerts.arn},
                    # Log delivery and X-Ray APIs take no resource ARN.
                    {
                        "Effect": "Allow",
                        "Resource": "*",
                        "Action": [
                            "logs:CreateLogDelivery",
                            "logs:DeleteLogDelivery",
                            "logs:DescribeLogGroups",
                            "logs:DescribeResourcePolicies",
                            "logs:GetLogDelivery",
                            "logs:ListLogDeliveries",
                            "logs:PutResourcePolicy",
                            "logs:UpdateLogDelivery",
                            "xray:GetSamplingRules",
                            "xray:GetSamplingTargets",
                            "xray:PutTelemetryRecords",
                            "xray:PutTraceSegments",
                        ],
                    },
                ),
            ),
        )
        grant_key(role, props.key, write=True)
        grant_key(role, props.alerts.key, write=True)
        return role
