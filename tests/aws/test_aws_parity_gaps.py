"""The aws parity gaps closed on the real synth of profiles/example.yaml: workload logs into the WORM
archive, managed MLflow, drift retraining on ECS, and KServe autoscaling/ECR images on EKS."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from trademl.model import load_profile

from tfjson import assert_resource_like, one, resources, stack

EXAMPLE_SERVING = load_profile(Path(__file__).resolve().parents[2] / "profiles" / "example.yaml").serving
FIREHOSE = "cross-stack-output-aws_kinesis_firehose_delivery_streamAuditTrail_Firehose_"
LOGS_ROLE = "cross-stack-output-aws_iam_roleAuditTrail_LogsToFirehoseRole_"


def _statements(policy: str) -> list[dict[str, object]]:
    return list(json.loads(policy)["Statement"])


@pytest.mark.parametrize(
    ("name", "groups"),
    [
        ("alpha-aws-eks-platform", {"application", "dataplane"}),
        ("alpha-aws-ecs-platform", {"inference", "ops-ui"}),
        ("alpha-aws-ecs-desk-momentum", {"inference"}),
    ],
)
def test_workload_log_groups_subscribe_to_the_audit_firehose(synth_out, name, groups):
    filters = resources(stack(synth_out, name), "aws_cloudwatch_log_subscription_filter")
    assert {k.split("_Filter-")[1].rsplit("_", 1)[0] for k in filters} == groups
    for flt in filters.values():
        assert flt["log_group_name"].startswith("${aws_cloudwatch_log_group.")
        assert FIREHOSE in flt["destination_arn"] and LOGS_ROLE in flt["role_arn"]
        assert flt["filter_pattern"] == ""


def test_audit_logs_role_may_only_put_into_the_archive_stream(synth_out):
    audit = stack(synth_out, "alpha-aws-eks-audit")
    role = next(v for k, v in resources(audit, "aws_iam_role_policy").items() if "LogsToFirehose" in k)
    assert _statements(role["policy"]) == [
        {
            "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
            "Effect": "Allow",
            "Resource": "${aws_kinesis_firehose_delivery_stream.AuditTrail_Firehose_C6640098.arn}",
        }
    ]


@pytest.mark.parametrize("target", ["aws-eks", "aws-ecs"])
def test_managed_mlflow_in_the_platform_layer_with_a_prefix_scoped_role(synth_out, target):
    platform = stack(synth_out, f"alpha-{target}-platform")
    server = one(platform, "aws_sagemaker_mlflow_tracking_server")
    assert server["artifact_store_uri"].startswith("s3://alpha-prod-models-")
    assert server["artifact_store_uri"].endswith("/mlflow")
    assert server["automatic_model_registration"] is False
    assert server["lifecycle"] == {"prevent_destroy": True}  # example is prod
    role = next(v for k, v in resources(platform, "aws_iam_role").items() if "ExperimentTracking" in k)
    assert "sagemaker.amazonaws.com" in role["assume_role_policy"]
    assert server["role_arn"] == "${aws_iam_role.ExperimentTracking_Role_8F475C0E.arn}"
    policy = next(
        v for k, v in resources(platform, "aws_iam_role_policy").items() if "ExperimentTracking" in k
    )
    for stmt in _statements(policy["policy"]):
        assert stmt["Resource"] != "*"
        if stmt["Action"] in (
            ["s3:GetObject", "s3:GetObjectVersion"],
            ["s3:PutObject", "s3:AbortMultipartUpload"],
        ):
            assert str(stmt["Resource"]).endswith("/mlflow/*")


def test_ecs_accuracy_alarm_starts_the_retraining_state_machine(synth_out):
    platform = stack(synth_out, "alpha-aws-ecs-platform")
    alarm = assert_resource_like(
        platform,
        "aws_cloudwatch_metric_alarm",
        {
            "namespace": "Trademl/Models",
            "metric_name": "AccuracyDropPercent",
            "dimensions": {"Model": "platform"},
        },
    )
    assert alarm["threshold"] == 5.0
    rule = next(v for k, v in resources(platform, "aws_cloudwatch_event_rule").items() if "Drift" in k)
    pattern = json.loads(rule["event_pattern"])
    assert pattern["detail-type"] == ["CloudWatch Alarm State Change"]
    assert pattern["resources"] == [
        "${aws_cloudwatch_metric_alarm.Alerts_Alarm-AccuracyDrop-platform_BBCCD3E5.arn}"
    ]
    target = next(v for k, v in resources(platform, "aws_cloudwatch_event_target").items() if "Drift" in k)
    machine = "${aws_sfn_state_machine.Retraining_StateMachine_A62712DD.arn}"
    assert target["arn"] == machine
    policy = next(v for k, v in resources(platform, "aws_iam_role_policy").items() if "DriftRetraining" in k)
    starts = [s for s in _statements(policy["policy"]) if s["Action"] == "states:StartExecution"]
    assert starts == [{"Action": "states:StartExecution", "Effect": "Allow", "Resource": machine}]


def test_ecs_serving_task_may_publish_only_the_model_metrics(synth_out):
    platform = stack(synth_out, "alpha-aws-ecs-platform")
    policy = next(
        v
        for k, v in resources(platform, "aws_iam_role_policy").items()
        if k.startswith("Inference_Task_TaskRole")
    )
    puts = [s for s in _statements(policy["policy"]) if s["Action"] == "cloudwatch:PutMetricData"]
    assert puts and puts[0]["Condition"] == {"StringEquals": {"cloudwatch:namespace": "Trademl/Models"}}


def _objects(synth_out) -> dict[str, dict[str, object]]:
    release = next(
        v
        for k, v in resources(stack(synth_out, "alpha-aws-eks-workloads"), "helm_release").items()
        if "Helm-objects" in k
    )
    return dict(yaml.safe_load(release["values"][0])["objects"])


def test_eks_inference_service_scales_within_the_serving_range(synth_out):
    predictor = _objects(synth_out)["inferenceservice-serving-platform"]["spec"]["predictor"]
    assert predictor["minReplicas"] == EXAMPLE_SERVING.min_replicas
    assert predictor["maxReplicas"] == EXAMPLE_SERVING.max_replicas


def test_eks_serving_image_comes_from_the_ecr_runtime_repository_the_nodes_may_pull(synth_out):
    predictor = _objects(synth_out)["inferenceservice-serving-platform"]["spec"]["predictor"]
    image = predictor["containers"][0]["image"]
    assert "cross-stack-output-aws_ecr_repositoryRegistry_Repo-runtime_" in image
    platform = stack(synth_out, "alpha-aws-eks-platform")
    assert_resource_like(
        platform,
        "aws_iam_role_policy_attachment",
        {"policy_arn": "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly"},
    )
