"""aws-ecs failover (secondary region serving path, replicas, DNS) and desk layers."""

from __future__ import annotations

import json

import pytest

from tfjson import assert_resource_like, one, resources, stack


@pytest.fixture(scope="module")
def failover(synth_out):
    return stack(synth_out, "alpha-aws-ecs-failover")


@pytest.fixture(scope="module")
def desk(synth_out):
    return stack(synth_out, "alpha-aws-ecs-desk-stat-arb")


def test_secondary_region_runs_the_serving_path(failover):
    cluster = one(failover, "aws_ecs_cluster")
    assert cluster["region"] == "ap-northeast-3" and cluster["name"] == "alpha-prod-ecs-dr"
    service = one(failover, "aws_ecs_service")
    assert service["region"] == "ap-northeast-3"
    assert service["deployment_circuit_breaker"] == {"enable": True, "rollback": True}
    lb = one(failover, "aws_lb")
    assert lb["region"] == "ap-northeast-3" and lb["internal"] is True
    task = one(failover, "aws_ecs_task_definition")
    app = json.loads(task["container_definitions"])[0]
    assert ".dkr.ecr.ap-northeast-3.amazonaws.com/alpha-prod/runtime:" in app["image"]  # ECR replica
    group = assert_resource_like(
        failover, "aws_cloudwatch_log_group", {"name": "/trademl/alpha-prod/ecs/serving"}
    )
    assert group["region"] == "ap-northeast-3" and group["kms_key_id"]


def test_models_store_is_replicated(failover):
    replication = one(failover, "aws_s3_bucket_replication_configuration")
    assert replication["rule"][0]["destination"]["encryption_configuration"]["replica_kms_key_id"]
    assert_resource_like(
        failover,
        "aws_s3_bucket",
        {"bucket": "alpha-prod-models-replica-222222222222", "region": "ap-northeast-3"},
    )


def test_route53_failover_between_regions(failover):
    records = resources(failover, "aws_route53_record").values()
    assert {r["failover_routing_policy"]["type"] for r in records} == {"PRIMARY", "SECONDARY"}
    assert all(r["health_check_id"] for r in records)
    assert len(resources(failover, "aws_route53_health_check")) == 2


def test_desk_gets_its_service_roles_and_pipeline(desk):
    assert_resource_like(desk, "aws_ecs_service", {"name": "alpha-prod-stat-arb-serving"})
    pipeline = one(desk, "aws_sagemaker_pipeline")
    assert pipeline["pipeline_name"] == "alpha-prod-stat-arb-training"
    definition = json.loads(pipeline["pipeline_definition"])
    train = definition["Steps"][0]["Arguments"]["IfSteps"][0]["Arguments"]
    assert train["CheckpointConfig"]["S3Uri"].startswith("s3://alpha-prod-desk-stat-arb-222222222222/")
    assert_resource_like(
        desk, "aws_sagemaker_model_package_group", {"model_package_group_name": "alpha-prod-stat-arb-models"}
    )
    assert len(resources(desk, "aws_scheduler_schedule")) == 2


def test_desk_task_role_reaches_only_its_store(desk):
    policy = next(
        json.loads(p["policy"])
        for p in resources(desk, "aws_iam_role_policy").values()
        if p["//"]["metadata"]["path"].endswith("Inference/Task/TaskRole/Inline")
    )
    s3 = {
        r
        for s in policy["Statement"]
        if str(s["Action"]).count("s3:")
        for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])
    }
    assert s3 and all(r.startswith("arn:aws:s3:::alpha-prod-desk-stat-arb-222222222222") for r in s3)


def test_desk_gpu_sets_the_training_instance(synth_out):
    momentum = stack(synth_out, "alpha-aws-ecs-desk-momentum")
    definition = json.loads(one(momentum, "aws_sagemaker_pipeline")["pipeline_definition"])
    train = definition["Steps"][0]["Arguments"]["IfSteps"][0]["Arguments"]
    assert train["ResourceConfig"]["InstanceType"] == "ml.p4d.24xlarge"
