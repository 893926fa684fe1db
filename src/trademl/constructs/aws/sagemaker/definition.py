"""The SageMaker pipeline definition, rendered deterministically (sorted keys) from the model.

Shape: Condition(UseSpot) -> [Train -> Evaluate -> Check(score) -> Register | Fail] in a spot branch and an
on-demand branch. Spot training is managed (EnableManagedSpotTraining, MaxWaitTimeInSeconds) and resumes
from CheckpointConfig after an interruption; capacity and internal errors are retried. When spot capacity
stays absent the run fails after its retries, and the orchestrator starts it again with UseSpot=false:
SageMaker Pipelines has no catch, so the fallback is the parameter-selected on-demand branch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

RETRYABLE = ("SageMaker.CAPACITY_ERROR", "SageMaker.JOB_INTERNAL_ERROR", "SageMaker.RESOURCE_LIMIT")
STEP_RETRYABLE = ("Step.SERVICE_FAULT", "Step.THROTTLING")
CHECKPOINT_PATH = "/opt/ml/checkpoints"


@dataclass(frozen=True, kw_only=True, slots=True)
class PipelineInputs:
    role_arn: str
    image: str
    instance_type: str
    """SageMaker instance type (ml.*)."""
    data_uri: str
    output_uri: str
    """s3:// prefix in the models store for artifacts, checkpoints and evaluations."""
    key_arn: str
    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]
    model_package_group: str
    max_runtime_hours: int
    retries: int
    spot_default: bool
    min_score: float = 0.0


def _get(path: str) -> dict[str, str]:
    return {"Get": path}


def _retry(retries: int) -> list[dict[str, object]]:
    return [
        {
            "ExceptionType": list(RETRYABLE),
            "IntervalSeconds": 60,
            "BackoffRate": 2.0,
            "MaxAttempts": max(retries, 1),
        },
        {"ExceptionType": list(STEP_RETRYABLE), "IntervalSeconds": 10, "BackoffRate": 2.0, "MaxAttempts": 5},
    ]


def _vpc(i: PipelineInputs) -> dict[str, object]:
    return {"Subnets": list(i.subnet_ids), "SecurityGroupIds": list(i.security_group_ids)}


def _train(i: PipelineInputs, name: str, spot: bool) -> dict[str, object]:
    runtime = i.max_runtime_hours * 3600
    stopping: dict[str, int] = {"MaxRuntimeInSeconds": runtime}
    args: dict[str, object] = {
        "AlgorithmSpecification": {"TrainingImage": i.image, "TrainingInputMode": "File"},
        "RoleArn": i.role_arn,
        "InputDataConfig": [
            {
                "ChannelName": "train",
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": _get("Parameters.TrainingData"),
                        "S3DataDistributionType": "FullyReplicated",
                    }
                },
            }
        ],
        "OutputDataConfig": {"S3OutputPath": f"{i.output_uri}/artifacts", "KmsKeyId": i.key_arn},
        "ResourceConfig": {
            "InstanceCount": 1,
            "InstanceType": i.instance_type,
            "VolumeSizeInGB": 100,
            "VolumeKmsKeyId": i.key_arn,
        },
        "VpcConfig": _vpc(i),
        "EnableNetworkIsolation": True,
        "EnableInterContainerTrafficEncryption": True,
        "CheckpointConfig": {"S3Uri": f"{i.output_uri}/checkpoints/{name}", "LocalPath": CHECKPOINT_PATH},
        "StoppingCondition": stopping,
    }
    if spot:
        args["EnableManagedSpotTraining"] = True
        stopping["MaxWaitTimeInSeconds"] = runtime * 2  # time waiting for spot capacity plus runtime
    return {"Name": name, "Type": "Training", "Arguments": args, "RetryPolicies": _retry(i.retries)}


def _evaluate(i: PipelineInputs, name: str, trained: str) -> dict[str, object]:
    return {
        "Name": name,
        "Type": "Processing",
        "RetryPolicies": _retry(i.retries),
        "Arguments": {
            "AppSpecification": {"ImageUri": i.image, "ContainerEntrypoint": ["python", "-m", "evaluate"]},
            "RoleArn": i.role_arn,
            "ProcessingResources": {
                "ClusterConfig": {
                    "InstanceCount": 1,
                    "InstanceType": i.instance_type,
                    "VolumeSizeInGB": 50,
                    "VolumeKmsKey": i.key_arn,
                }
            },
            "NetworkConfig": {
                "EnableNetworkIsolation": True,
                "EnableInterContainerTrafficEncryption": True,
                "VpcConfig": _vpc(i),
            },
            "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
            "ProcessingInputs": [
                {
                    "InputName": "model",
                    "S3Input": {
                        "S3Uri": _get(f"Steps.{trained}.ModelArtifacts.S3ModelArtifacts"),
                        "LocalPath": "/opt/ml/processing/model",
                        "S3DataType": "S3Prefix",
                        "S3InputMode": "File",
                    },
                }
            ],
            "ProcessingOutputConfig": {
                "KmsKeyId": i.key_arn,
                "Outputs": [
                    {
                        "OutputName": "evaluation",
                        "S3Output": {
                            "S3Uri": f"{i.output_uri}/evaluations/{name}",
                            "LocalPath": "/opt/ml/processing/evaluation",
                            "S3UploadMode": "EndOfJob",
                        },
                    }
                ],
            },
        },
        "PropertyFiles": [
            {"PropertyFileName": "Evaluation", "OutputName": "evaluation", "FilePath": "evaluation.json"}
        ],
    }


def _register(i: PipelineInputs, name: str, trained: str) -> dict[str, object]:
    return {
        "Name": name,
        "Type": "RegisterModel",
        "Arguments": {
            "ModelPackageGroupName": i.model_package_group,
            "ModelApprovalStatus": "PendingManualApproval",
            "InferenceSpecification": {
                "Containers": [
                    {
                        "Image": i.image,
                        "ModelDataUrl": _get(f"Steps.{trained}.ModelArtifacts.S3ModelArtifacts"),
                    }
                ],
                "SupportedContentTypes": ["application/json"],
                "SupportedResponseMIMETypes": ["application/json"],
            },
        },
    }


def _branch(i: PipelineInputs, suffix: str, spot: bool) -> list[dict[str, object]]:
    train, evaluate = f"Train{suffix}", f"Evaluate{suffix}"
    check: dict[str, object] = {
        "Name": f"Check{suffix}",
        "Type": "Condition",
        "Arguments": {
            "Conditions": [
                {
                    "Type": "GreaterThanOrEqualTo",
                    "LeftValue": {
                        "Std:JsonGet": {
                            "PropertyFile": _get(f"Steps.{evaluate}.PropertyFiles.Evaluation"),
                            "Path": "metrics.score",
                        }
                    },
                    "RightValue": _get("Parameters.MinScore"),
                }
            ],
            "IfSteps": [_register(i, f"Register{suffix}", train)],
            "ElseSteps": [
                {
                    "Name": f"Reject{suffix}",
                    "Type": "Fail",
                    "Arguments": {"ErrorMessage": "evaluation score below MinScore: model not registered"},
                }
            ],
        },
    }
    return [_train(i, train, spot), _evaluate(i, evaluate, train), check]


def render(i: PipelineInputs) -> str:
    definition = {
        "Version": "2020-12-01",
        "Metadata": {},
        "Parameters": [
            {"Name": "TrainingData", "Type": "String", "DefaultValue": i.data_uri},
            {"Name": "UseSpot", "Type": "Boolean", "DefaultValue": i.spot_default},
            {"Name": "MinScore", "Type": "Float", "DefaultValue": i.min_score},
        ],
        "PipelineExperimentConfig": {
            "ExperimentName": _get("Execution.PipelineName"),
            "TrialName": _get("Execution.PipelineExecutionId"),
        },
        "Steps": [
            {
                "Name": "CapacityChoice",
                "Type": "Condition",
                "Arguments": {
                    "Conditions": [
                        {"Type": "Equals", "LeftValue": _get("Parameters.UseSpot"), "RightValue": True}
                    ],
                    "IfSteps": _branch(i, "Spot", spot=True),
                    "ElseSteps": _branch(i, "OnDemand", spot=False),
                },
            }
        ],
    }
    return json.dumps(definition, sort_keys=True)
