"""AWS recognisers on hand-written JSON: present with the evidence, failing when any link is removed."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from parity.fixtures import aws_stacks, ctx, without
from trademl.parity.graph import index_target
from trademl.parity.recognisers import aws, aws_flavours

F, A, P = "alpha-aws-eks-foundation", "alpha-aws-eks-audit", "alpha-aws-eks-platform"


def test_graph_follows_cross_stack_outputs_to_the_producer():
    index = index_target(aws_stacks(), "alpha", "aws-eks")
    trail = index.resources[f"{A}/aws_cloudtrail.Trail"]
    assert [r.address for r in index.targets(trail, "aws_kms_key", where="kms_key_id")] == [
        f"{F}/aws_kms_key.Key"
    ]


def test_artifact_store_present_with_versioning_and_cmk():
    found = aws.artifact_store(ctx(aws_stacks()))
    assert found.found, found.missing
    assert found.facts["stores"] == 3


@pytest.mark.parametrize(
    "type_", ["aws_s3_bucket_versioning", "aws_s3_bucket_server_side_encryption_configuration"]
)
def test_fails_artifact_store_when_one_store_loses(type_):
    suffix = "_v" if "versioning" in type_ else "_e"
    found = aws.artifact_store(ctx(without(aws_stacks(), F, type_, "Models" + suffix)))
    assert not found.found
    assert "Models" in found.missing


def test_fails_artifact_store_when_key_reference_is_not_a_cmk():
    stacks = aws_stacks()
    rule = stacks[F]["resource"]["aws_s3_bucket_server_side_encryption_configuration"]["Data_e"]["rule"][0]
    rule["apply_server_side_encryption_by_default"] = {"sse_algorithm": "AES256"}
    assert not aws.artifact_store(ctx(stacks)).found


def test_drift_flow_connected_alarm_rule_target_pipeline_grant():
    found = aws.drift_retraining(ctx(aws_stacks()))
    assert found.found, found.missing
    assert f"{P}/aws_iam_role_policy.StarterStarts" in found.resources


@pytest.mark.parametrize(
    ("type_", "name"),
    [
        ("aws_cloudwatch_event_target", "OnDriftT"),  # the rule starts nothing
        ("aws_iam_role_policy", "StarterStarts"),  # the trigger's identity may not start the pipeline
        ("aws_sagemaker_pipeline", "Retrain"),  # the pipeline is gone: the target's reference dangles
    ],
)
def test_fails_drift_flow_when_a_link_is_removed(type_, name):
    assert not aws.drift_retraining(ctx(without(aws_stacks(), P, type_, name))).found


def test_fails_drift_flow_when_grant_names_another_resource():
    stacks = aws_stacks()
    pol = stacks[P]["resource"]["aws_iam_role_policy"]["StarterStarts"]
    pol["policy"] = pol["policy"].replace(
        "${aws_sagemaker_pipeline.Retrain.arn}", "arn:aws:sagemaker:x:1:pipeline/y"
    )
    found = aws.drift_retraining(ctx(stacks))
    assert not found.found
    assert "may not start" in found.missing


def test_scheduled_retraining_counts_connected_schedules():
    assert aws.scheduled_retraining(ctx(aws_stacks())).facts["schedules"] == 2
    broken = without(aws_stacks(), P, "aws_cloudwatch_event_target", "WeeklyT")
    assert not aws.scheduled_retraining(ctx(broken)).found


def test_slack_flow_alarm_topic_subscriber_sensitive_variable():
    found = aws.alert_slack(ctx(aws_stacks()))
    assert found.found, found.missing
    assert f"{P}/aws_lambda_function.Relay" in found.resources


def test_fails_slack_flow_without_subscription():
    assert not aws.alert_slack(ctx(without(aws_stacks(), P, "aws_sns_topic_subscription"))).found


def test_fails_slack_flow_when_webhook_variable_is_not_sensitive():
    stacks = aws_stacks()
    stacks[P]["variable"]["slack_webhook_url"]["sensitive"] = False
    assert not aws.alert_slack(ctx(stacks)).found


def test_pagerduty_missing_when_no_subscriber_uses_its_key():
    found = aws.alert_pagerduty(ctx(aws_stacks()))
    assert not found.found
    assert "pagerduty_routing_key" in found.missing


def test_workload_logs_reach_the_locked_archive():
    found = aws.workload_log_archive(ctx(aws_stacks()))
    assert found.found, found.missing
    assert found.facts["lock_mode"] == "COMPLIANCE"


@pytest.mark.parametrize(
    ("type_", "name"),
    [
        ("aws_s3_bucket_object_lock_configuration", "Lock"),
        ("aws_iam_role_policy", "FirehoseWritesS3"),
        ("aws_iam_role_policy", "ToFirehosePut"),
    ],
)
def test_fails_log_archive_when_a_link_is_removed(type_, name):
    assert not aws.workload_log_archive(ctx(without(aws_stacks(), A, type_, name))).found


def test_audit_log_lock_mode_and_retention_follow_the_profile():
    assert aws.immutable_audit_log(ctx(aws_stacks())).found
    stacks = aws_stacks()
    lock = stacks[A]["resource"]["aws_s3_bucket_object_lock_configuration"]["Lock"]
    governance = copy.deepcopy(stacks)
    governance[A]["resource"]["aws_s3_bucket_object_lock_configuration"]["Lock"]["rule"]["default_retention"][
        "mode"
    ] = "GOVERNANCE"
    assert "COMPLIANCE" in aws.immutable_audit_log(ctx(governance)).missing  # prod asks compliance
    lock["rule"]["default_retention"]["years"] = 1
    assert "retention" in aws.immutable_audit_log(ctx(stacks)).missing


def test_fails_key_rotation_when_rotation_is_off():
    stacks = aws_stacks()
    stacks[F]["resource"]["aws_kms_key"]["Key"]["enable_key_rotation"] = False
    assert not aws.key_rotation(ctx(stacks)).found


# -- workload log archive: CloudTrail's group is no workload; a literal archive ARN is a real link ---------
def test_fails_log_archive_when_only_the_cloudtrail_group_is_shipped():
    stacks = aws_stacks()
    stacks[A]["resource"]["aws_cloudtrail"]["Trail"]["cloud_watch_logs_group_arn"] = (
        "${aws_cloudwatch_log_group.Workloads.arn}:*"
    )
    found = aws.workload_log_archive(ctx(stacks))
    assert not found.found
    assert "CloudTrail" in found.missing


def test_log_archive_follows_a_literal_archive_arn():
    stacks = aws_stacks()
    hose = stacks[A]["resource"]["aws_kinesis_firehose_delivery_stream"]["Hose"]
    hose["extended_s3_configuration"]["bucket_arn"] = "arn:aws:s3:::alpha-prod-audit-111111111111"
    found = aws.workload_log_archive(ctx(stacks))
    assert found.found, found.missing
    assert f"{A}/aws_s3_bucket.Archive" in found.resources


# -- aws-ecs spot training: steps inside a Condition's branches are steps of the pipeline ------------------
def _training(name: str, spot: bool) -> dict[str, object]:
    args: dict[str, object] = {"StoppingCondition": {"MaxRuntimeInSeconds": 3600}}
    if spot:
        args = {
            "EnableManagedSpotTraining": True,
            "CheckpointConfig": {"S3Uri": "s3://models/checkpoints"},
            "StoppingCondition": {"MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 7200},
        }
    return {"Name": name, "Type": "Training", "Arguments": args}


def _spot_pipeline(else_steps: list[dict[str, object]], spot: bool = True) -> dict[str, dict[str, object]]:
    choice = {
        "Name": "CapacityChoice",
        "Type": "Condition",
        "Arguments": {"IfSteps": [_training("TrainSpot", spot)], "ElseSteps": else_steps},
    }
    stacks = aws_stacks()
    stacks[P]["resource"]["aws_sagemaker_pipeline"]["Retrain"]["pipeline_definition"] = json.dumps(
        {"Steps": [choice]}
    )
    return stacks


# (the fixture's stacks are named for aws-eks; ecs_spot reads only the index, not the target name)
def test_ecs_spot_reads_training_steps_inside_condition_branches():
    found = aws_flavours.ecs_spot(ctx(_spot_pipeline([_training("TrainOnDemand", False)])))
    assert found.found, found.missing
    assert found.facts["spot_share"] == 0.5


@pytest.mark.parametrize(("else_steps", "spot"), [([], True), ([_training("TrainOnDemand", False)], False)])
def test_fails_ecs_spot_without_fallback_branch_or_spot_flag(else_steps, spot):
    assert not aws_flavours.ecs_spot(ctx(_spot_pipeline(else_steps, spot))).found


# -- aws-eks: objects applied by a raw-object chart count like kubernetes_manifest objects -----------------
W = "alpha-aws-eks-workloads"


def _eks_with_objects(predictor: dict[str, object]) -> dict[str, dict[str, object]]:
    stacks = aws_stacks()
    stacks[P]["resource"]["aws_ecr_repository"] = {"Runtime": {"name": "alpha-prod/runtime"}}
    stacks[P]["resource"]["aws_iam_role"]["NodeRole"] = {
        "name": "alpha-prod-nodes",
        "assume_role_policy": "{}",
    }
    stacks[P]["resource"]["aws_iam_role_policy_attachment"] = {
        "NodePull": {
            "role": "${aws_iam_role.NodeRole.name}",
            "policy_arn": "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
        }
    }
    stacks[P]["resource"]["aws_eks_node_group"] = {"Serve": {"node_role_arn": "${aws_iam_role.NodeRole.arn}"}}
    isvc = {
        "apiVersion": "serving.kserve.io/v1beta1",
        "kind": "InferenceService",
        "metadata": {"name": "platform", "namespace": "serving"},
        "spec": {"predictor": predictor},
    }
    values = yaml.safe_dump({"objects": {"inferenceservice-platform": isvc}})
    stacks[W] = {"resource": {"helm_release": {"Objects": {"name": "trademl-objects", "values": [values]}}}}
    return stacks


RUNTIME = {
    "containers": [{"name": "kserve-container", "image": "${aws_ecr_repository.Runtime.repository_url}:1.0"}]
}


def test_eks_autoscaling_reads_inference_service_from_chart_objects():
    found = aws_flavours.eks_autoscaling(
        ctx(_eks_with_objects({**RUNTIME, "minReplicas": 2, "maxReplicas": 12}))
    )
    assert found.found, found.missing
    assert (found.facts["min_replicas"], found.facts["max_replicas"]) == (2, 12)


@pytest.mark.parametrize("predictor", [RUNTIME, {**RUNTIME, "minReplicas": 3, "maxReplicas": 3}])
def test_fails_eks_autoscaling_without_a_replica_range(predictor):
    assert not aws_flavours.eks_autoscaling(ctx(_eks_with_objects(predictor))).found


def test_eks_pull_follows_a_chart_object_image_to_ecr_and_the_node_role():
    stacks = _eks_with_objects({**RUNTIME, "maxReplicas": 4})
    # the image reaches the repository from the workloads stack only through a cross-stack output
    stacks[P]["output"] = {"repo_url": {"value": "${aws_ecr_repository.Runtime.repository_url}"}}
    remote = f"${{data.terraform_remote_state.cross-stack-reference-input-{P}.outputs.repo_url}}"
    values = stacks[W]["resource"]["helm_release"]["Objects"]["values"]
    values[0] = values[0].replace("${aws_ecr_repository.Runtime.repository_url}", remote)
    found = aws_flavours.eks_pull(ctx(stacks))
    assert found.found, found.missing
    assert f"{P}/aws_ecr_repository.Runtime" in found.resources
    broken = aws_flavours.eks_pull(ctx(without(stacks, P, "aws_iam_role_policy_attachment")))
    assert "no node role may pull" in broken.missing
