"""aws-ecs training: SageMaker pipeline definition, model registry, Step Functions and schedules."""

from __future__ import annotations

import json

import pytest

from tfjson import assert_resource_like, one, resources, stack


@pytest.fixture(scope="module")
def platform(synth_out):
    return stack(synth_out, "alpha-aws-ecs-platform")


@pytest.fixture(scope="module")
def definition(platform):
    pipeline = one(platform, "aws_sagemaker_pipeline")
    return json.loads(pipeline["pipeline_definition"])


def _branch(definition, use_spot):
    choice = definition["Steps"][0]
    assert choice["Type"] == "Condition"
    return {s["Name"]: s for s in choice["Arguments"]["IfSteps" if use_spot else "ElseSteps"]}


def test_spot_training_is_managed_checkpointed_and_bounded(definition):
    train = _branch(definition, True)["TrainSpot"]["Arguments"]
    assert train["EnableManagedSpotTraining"] is True
    assert train["CheckpointConfig"]["S3Uri"].startswith(
        "s3://alpha-prod-models-222222222222/training/platform/"
    )
    stop = train["StoppingCondition"]
    assert (
        stop["MaxRuntimeInSeconds"] == 24 * 3600
        and stop["MaxWaitTimeInSeconds"] >= stop["MaxRuntimeInSeconds"]
    )
    assert train["EnableNetworkIsolation"] is True and train["VpcConfig"]["Subnets"]
    assert train["ResourceConfig"]["InstanceType"] == "ml.g4dn.xlarge"
    assert train["ResourceConfig"]["VolumeKmsKeyId"] and train["OutputDataConfig"]["KmsKeyId"]


def test_capacity_errors_are_retried(definition):
    retry = _branch(definition, True)["TrainSpot"]["RetryPolicies"][0]
    assert {"SageMaker.CAPACITY_ERROR", "SageMaker.JOB_INTERNAL_ERROR"} <= set(retry["ExceptionType"])
    assert retry["MaxAttempts"] == 3


def test_on_demand_branch_is_the_fallback(definition):
    on_demand = _branch(definition, False)["TrainOnDemand"]["Arguments"]
    assert "EnableManagedSpotTraining" not in on_demand
    assert "MaxWaitTimeInSeconds" not in on_demand["StoppingCondition"]
    assert {p["Name"] for p in definition["Parameters"]} == {"TrainingData", "UseSpot", "MinScore"}


def test_evaluate_gates_registration_with_a_fail_step(definition):
    steps = _branch(definition, True)
    assert steps["EvaluateSpot"]["Type"] == "Processing"
    check = steps["CheckSpot"]["Arguments"]
    assert check["IfSteps"][0]["Type"] == "RegisterModel"
    assert check["IfSteps"][0]["Arguments"]["ModelPackageGroupName"].startswith(
        "${aws_sagemaker_model_package_group."
    )
    assert check["ElseSteps"][0]["Type"] == "Fail"


def test_model_package_group_is_the_registry(platform):
    assert_resource_like(
        platform,
        "aws_sagemaker_model_package_group",
        {"model_package_group_name": "alpha-prod-platform-models"},
    )


def test_sagemaker_role_reaches_only_its_buckets_and_key(platform):
    role = assert_resource_like(platform, "aws_iam_role", {"name": "alpha-prod-platform-sagemaker"})
    assert "sagemaker.amazonaws.com" in role["assume_role_policy"]
    policy = next(
        json.loads(p["policy"])
        for p in resources(platform, "aws_iam_role_policy").values()
        if p["//"]["metadata"]["path"].endswith("Training/Role/Inline")
    )
    s3 = [
        s
        for s in policy["Statement"]
        if any(a.startswith("s3:") for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))
    ]
    buckets = {
        r.split("/")[0]
        for s in s3
        for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])
    }
    assert buckets == {
        "arn:aws:s3:::alpha-prod-data-222222222222",
        "arn:aws:s3:::alpha-prod-models-222222222222",
    }


def test_state_machine_trains_evaluates_registers_deploys(platform):
    machine = assert_resource_like(
        platform, "aws_sfn_state_machine", {"name": "alpha-prod-platform-retraining"}
    )
    asl = json.loads(machine["definition"])
    assert asl["StartAt"] == "Train"
    states = asl["States"]
    assert {"Train", "Evaluate", "Register", "Deploy", "NotifyFailure", "TrainOnDemand"} <= set(states)
    for name in ("Train", "Evaluate", "Register", "Deploy"):
        assert states[name]["Retry"] and states[name]["Catch"][0]["Next"] == "NotifyFailure"
    assert states["NotifyFailure"]["Resource"] == "arn:aws:states:::sns:publish"
    assert states["TrainOnDemand"]["Parameters"]["PipelineParameters"] == [
        {"Name": "UseSpot", "Value": "false"}
    ]
    assert machine["tracing_configuration"] == {"enabled": True}
    assert machine["logging_configuration"]["level"] == "ALL"
    assert machine["encryption_configuration"]["type"] == "CUSTOMER_MANAGED_KMS_KEY"


def test_one_schedule_per_training_schedule(platform):
    schedules = {s["name"]: s for s in resources(platform, "aws_scheduler_schedule").values()}
    assert set(schedules) == {"alpha-prod-platform-retrain-daily", "alpha-prod-platform-retrain-weekly"}
    daily = schedules["alpha-prod-platform-retrain-daily"]
    assert daily["schedule_expression"] == "cron(30 21 ? * 2-6 *)"
    assert daily["flexible_time_window"] == {"mode": "OFF"}
    assert daily["kms_key_arn"]
    assert "aws_sfn_state_machine" in daily["target"]["arn"]
