"""aws-ecs platform layer: cluster, inference service, operations UI, monitoring, self-healing."""

from __future__ import annotations

import json

import pytest

from trademl.constructs.aws.bucket import AdoptedBucket
from trademl.constructs.aws.ecs import alb_logs

from tfjson import assert_resource_like, one, resources, stack


@pytest.fixture(scope="module")
def platform(synth_out):
    return stack(synth_out, "alpha-aws-ecs-platform")


def _service(platform, name):
    return assert_resource_like(platform, "aws_ecs_service", {"name": name})


def _containers(platform, family):
    task = assert_resource_like(platform, "aws_ecs_task_definition", {"family": family})
    return task, json.loads(task["container_definitions"])


def test_cluster_has_enhanced_container_insights_and_fargate_spot(platform):
    cluster = one(platform, "aws_ecs_cluster")
    assert cluster["setting"] == [{"name": "containerInsights", "value": "enhanced"}]
    providers = one(platform, "aws_ecs_cluster_capacity_providers")
    assert providers["capacity_providers"] == ["FARGATE", "FARGATE_SPOT"]


def test_inference_mixes_fargate_and_spot_from_the_model_spot_share(platform):
    service = _service(platform, "alpha-prod-serving")
    assert service["capacity_provider_strategy"] == [
        {"capacity_provider": "FARGATE", "base": 2, "weight": 30},
        {"capacity_provider": "FARGATE_SPOT", "base": 0, "weight": 70},
    ]


def test_inference_rolls_with_circuit_breaker_and_health_checks(platform):
    service = _service(platform, "alpha-prod-serving")
    assert service["deployment_circuit_breaker"] == {"enable": True, "rollback": True}
    assert service["deployment_configuration"] == {"strategy": "ROLLING"}
    assert service["deployment_controller"] == {"type": "ECS"}
    assert service["health_check_grace_period_seconds"] == 120
    assert service["enable_execute_command"] is False
    assert service["network_configuration"]["assign_public_ip"] is False
    assert len(service["network_configuration"]["subnets"]) == 3  # one private subnet per AZ
    assert service["load_balancer"][0]["container_port"] == 8080


def test_inference_alb_is_internal_and_health_checked(platform):
    lb = assert_resource_like(platform, "aws_lb", {"name": "alpha-prod-serving"})
    assert lb["internal"] is True and lb["drop_invalid_header_fields"] is True
    assert_resource_like(
        platform,
        "aws_lb_target_group",
        {
            "name": "alpha-prod-serving",
            "target_type": "ip",
            "port": 8080,
            "health_check": {"path": "/healthz", "matcher": "200"},
        },
    )


def test_inference_scales_on_target_utilization(platform):
    assert_resource_like(platform, "aws_appautoscaling_target", {"min_capacity": 2, "max_capacity": 12})
    assert_resource_like(
        platform,
        "aws_appautoscaling_policy",
        {
            "policy_type": "TargetTrackingScaling",
            "target_tracking_scaling_policy_configuration": {
                "target_value": 60,
                "predefined_metric_specification": {
                    "predefined_metric_type": "ECSServiceAverageCPUUtilization"
                },
            },
        },
    )


def test_containers_are_hardened_with_xray_sidecar(platform):
    task, containers = _containers(platform, "alpha-prod-serving")
    assert task["requires_compatibilities"] == ["FARGATE"] and task["network_mode"] == "awsvpc"
    app, xray = containers
    assert app["readonlyRootFilesystem"] is True and app["privileged"] is False
    assert app["user"] == "10001:10001"
    assert app["linuxParameters"]["capabilities"] == {"drop": ["ALL"]}
    assert "/healthz" in app["healthCheck"]["command"][1]
    assert app["logConfiguration"]["logDriver"] == "awslogs"
    assert app["image"].endswith(".dkr.ecr.ap-northeast-1.amazonaws.com/alpha-prod/runtime:1.0.0")
    assert xray["name"] == "xray-daemon" and xray["readonlyRootFilesystem"] is True
    assert "/ecr-public/xray/" in xray["image"]


def test_log_groups_are_pre_created_with_kms(platform):
    for name in ("serving", "ops-ui"):
        group = assert_resource_like(
            platform, "aws_cloudwatch_log_group", {"name": f"/trademl/alpha-prod/ecs/{name}"}
        )
        assert group["kms_key_id"]


def test_task_roles_are_least_privilege(platform):
    policies = {
        p["//"]["metadata"]["path"]: json.loads(p["policy"])
        for p in resources(platform, "aws_iam_role_policy").values()
    }
    task = next(v for k, v in policies.items() if k.endswith("Inference/Task/TaskRole/Inline"))
    resources_ = [s["Resource"] for s in task["Statement"]]
    assert "arn:aws:s3:::alpha-prod-models-222222222222/serving/*" in resources_
    assert not any(
        r == "*" and "s3:GetObject" in s["Action"] for s, r in zip(task["Statement"], resources_, strict=True)
    )
    execution = next(v for k, v in policies.items() if k.endswith("Inference/Task/ExecutionRole/Inline"))
    actions = {
        a
        for s in execution["Statement"]
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert "ecr:BatchGetImage" in actions and "logs:PutLogEvents" in actions
    assert not any(a.startswith("s3:") for a in actions)


def test_ops_ui_uses_ecs_native_blue_green_with_alarm_rollback(platform):
    service = _service(platform, "alpha-prod-ops-ui")
    assert service["deployment_configuration"]["strategy"] == "BLUE_GREEN"
    assert service["alarms"]["enable"] is True and service["alarms"]["rollback"] is True
    assert len(service["alarms"]["alarm_names"]) == 2
    assert "deployment_circuit_breaker" not in service  # rolling-only feature
    advanced = service["load_balancer"][0]["advanced_configuration"]
    assert {"alternate_target_group_arn", "production_listener_rule", "role_arn"} <= set(advanced)
    rule = one(platform, "aws_lb_listener_rule")
    assert rule["lifecycle"] == {"ignore_changes": ["action"]}


def test_ops_ui_origin_is_reached_only_through_cloudfront(platform):
    lb = assert_resource_like(platform, "aws_lb", {"name": "alpha-prod-ops-ui"})
    assert lb["internal"] is True
    origin = one(platform, "aws_cloudfront_vpc_origin")["vpc_origin_endpoint_config"][0]
    assert origin["origin_ssl_protocols"][0]["items"] == ["TLSv1.2"]
    assert origin["arn"].startswith("${aws_lb.OpsUi_Alb")
    ingress = assert_resource_like(
        platform,
        "aws_vpc_security_group_ingress_rule",
        {"description": "CloudFront origin-facing servers (VPC origin)"},
    )
    assert "prefix_list_id" in ingress and "cidr_ipv4" not in ingress
    distribution = one(platform, "aws_cloudfront_distribution")
    assert distribution["viewer_certificate"]["minimum_protocol_version"] == "TLSv1.2_2021"
    assert distribution["default_cache_behavior"]["viewer_protocol_policy"] == "https-only"
    assert distribution["origin"][0]["vpc_origin_config"]["vpc_origin_id"]
    assert distribution["web_acl_id"]


def test_private_exposure_waf_blocks_all_but_operators(platform):
    acl = one(platform, "aws_wafv2_web_acl")
    assert acl["scope"] == "CLOUDFRONT" and acl["region"] == "us-east-1"
    assert "block" in acl["default_action"]
    rules = acl["rule"]
    assert rules[-1]["name"] == "allow-operators" and rules[-1]["action"] == {"allow": {}}
    managed = {r["statement"]["managed_rule_group_statement"]["name"] for r in rules[:-2]}
    assert {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} <= managed


def test_vpc_endpoints_are_private(platform):
    endpoints = resources(platform, "aws_vpc_endpoint").values()
    names = {
        e["service_name"].rsplit(".", 2)[-1]
        if "ecr" not in e["service_name"]
        else ".".join(e["service_name"].split(".")[-2:])
        for e in endpoints
    }
    assert {"ecr.api", "ecr.dkr", "logs"} <= names
    assert all(e["private_dns_enabled"] is True for e in endpoints)


def test_managed_prometheus_and_grafana(platform):
    amp = one(platform, "aws_prometheus_workspace")
    assert amp["kms_key_arn"] and amp["logging_configuration"]["log_group_arn"]
    grafana = one(platform, "aws_grafana_workspace")
    assert grafana["authentication_providers"] == ["AWS_SSO"]
    assert grafana["vpc_configuration"]["subnet_ids"]
    assert "PROMETHEUS" in grafana["data_sources"]


def test_anomaly_detection_alarm_drives_scaling(platform):
    alarm = assert_resource_like(
        platform,
        "aws_cloudwatch_metric_alarm",
        {"comparison_operator": "GreaterThanUpperThreshold", "threshold_metric_id": "band"},
    )
    expressions = [q.get("expression", "") for q in alarm["metric_query"]]
    assert any(e.startswith("ANOMALY_DETECTION_BAND(") for e in expressions)
    assert any("aws_appautoscaling_policy" in a for a in alarm["alarm_actions"])
    assert any("aws_sns_topic" in a for a in alarm["alarm_actions"])


def test_spot_interruptions_reach_the_alert_topic(platform):
    rule = assert_resource_like(
        platform, "aws_cloudwatch_event_rule", {"name": "alpha-prod-ecs-spot-interruption"}
    )
    pattern = json.loads(rule["event_pattern"])
    assert pattern["detail"]["stopCode"] == ["SpotInterruption"]
    assert pattern["detail-type"] == ["ECS Task State Change"]
    assert_resource_like(
        platform,
        "aws_cloudwatch_metric_alarm",
        {"metric_name": "RunningTaskCount", "namespace": "ECS/ContainerInsights", "threshold": 2},
    )


def test_edge_logs_go_to_encrypted_us_east_1_groups(platform):
    groups = {g["name"]: g for g in resources(platform, "aws_cloudwatch_log_group").values()}
    waf = groups["aws-waf-logs-alpha-prod-ops-ui"]
    cdn = groups["/aws/vendedlogs/cloudfront/alpha-prod-ops-ui"]
    for group in (waf, cdn):
        assert group["region"] == "us-east-1"
        assert group["retention_in_days"] == 365
        assert "aws_kms_key.OpsUi_Edge_Logs_Key" in group["kms_key_id"]
    key = assert_resource_like(platform, "aws_kms_key", {"region": "us-east-1", "enable_key_rotation": True})
    assert key["rotation_period_in_days"] == 90
    logging = one(platform, "aws_wafv2_web_acl_logging_configuration")
    assert logging["region"] == "us-east-1"
    assert "aws_wafv2_web_acl.OpsUi_Edge_WebAcl" in logging["resource_arn"]
    assert "OpsUi_Edge_Logs_WafLogs_Group" in logging["log_destination_configs"][0]
    source = one(platform, "aws_cloudwatch_log_delivery_source")
    assert source["log_type"] == "ACCESS_LOGS"
    assert "aws_cloudfront_distribution.OpsUi_Edge_Distribution" in source["resource_arn"]
    destination = one(platform, "aws_cloudwatch_log_delivery_destination")
    assert (
        "OpsUi_Edge_Logs_CdnLogs_Group"
        in destination["delivery_destination_configuration"][0]["destination_resource_arn"]
    )
    assert one(platform, "aws_cloudwatch_log_delivery")["region"] == "us-east-1"
    policy = json.loads(one(platform, "aws_cloudwatch_log_resource_policy")["policy_document"])
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": "222222222222"}


def test_alb_access_logs_go_to_the_access_log_bucket_that_admits_elb(platform):
    for lb in resources(platform, "aws_lb").values():
        assert lb["access_logs"]["bucket"] == "alpha-prod-access-logs-222222222222"
        assert lb["access_logs"]["prefix"] == "elb" and lb["access_logs"]["enabled"] is True
    assert alb_logs.elb_log_bucket(AdoptedBucket("arn:aws:s3:::adopted")) is None
