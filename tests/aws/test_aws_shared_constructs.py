"""The AWS constructs both flavours share, asserted on the aws-eks synthesis of the example profile."""

from __future__ import annotations

import json

import pytest

from trademl.constructs.aws.eks.retraining import eventbridge_cron

from tfjson import assert_resource_like, one, resources, stack

pytestmark = pytest.mark.slow
AUDIT, PLATFORM, FAILOVER = "alpha-aws-eks-audit", "alpha-aws-eks-platform", "alpha-aws-eks-failover"


def test_cloudtrail_multi_region_validated_encrypted_to_logs(synth_out):
    s = stack(synth_out, AUDIT)
    trail = assert_resource_like(
        s,
        "aws_cloudtrail",
        {
            "is_multi_region_trail": True,
            "enable_log_file_validation": True,
            "include_global_service_events": True,
            "s3_key_prefix": "cloudtrail",
        },
    )
    assert trail["kms_key_id"] and trail["cloud_watch_logs_group_arn"].endswith(":*")
    assert_resource_like(
        s, "aws_cloudwatch_log_group", {"name": "/trademl/alpha-prod/cloudtrail", "retention_in_days": 365}
    )


def test_firehose_decompresses_cloudwatch_logs_into_archive(synth_out):
    s = stack(synth_out, AUDIT)
    stream = one(s, "aws_kinesis_firehose_delivery_stream")
    assert stream["server_side_encryption"]["key_type"] == "CUSTOMER_MANAGED_CMK"
    processors = stream["extended_s3_configuration"]["processing_configuration"]["processors"]
    assert processors[0]["type"] == "Decompression"
    assert processors[0]["parameters"][0] == {
        "parameter_name": "CompressionFormat",
        "parameter_value": "GZIP",
    }
    assert one(s, "aws_cloudwatch_log_subscription_filter")["filter_pattern"] == ""


def test_archive_policy_admits_only_this_trail(synth_out):
    s = stack(synth_out, AUDIT)
    policies = [json.loads(p["policy"]) for p in resources(s, "aws_s3_bucket_policy").values()]
    sids = {st["Sid"]: st for p in policies for st in p["Statement"]}
    assert sids["CloudTrailWrite"]["Condition"]["StringEquals"]["aws:SourceArn"].endswith(
        ":trail/alpha-prod-trail"
    )


def test_config_guardduty_security_hub(synth_out):
    s = stack(synth_out, AUDIT)
    assert one(s, "aws_config_configuration_recorder")["recording_group"]["all_supported"] is True
    assert one(s, "aws_config_delivery_channel")["s3_kms_key_arn"]
    assert one(s, "aws_config_configuration_recorder_status")["is_enabled"] is True
    assert one(s, "aws_guardduty_detector")["enable"] is True
    features = {f["name"]: f for f in resources(s, "aws_guardduty_detector_feature").values()}
    assert {"EKS_AUDIT_LOGS", "RUNTIME_MONITORING", "S3_DATA_EVENTS"} <= set(features)
    assert {"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"} in features["RUNTIME_MONITORING"][
        "additional_configuration"
    ]
    assert one(s, "aws_securityhub_account")["enable_default_standards"] is False
    arns = sorted(r["standards_arn"] for r in resources(s, "aws_securityhub_standards_subscription").values())
    assert any("aws-foundational-security-best-practices" in a for a in arns)


def test_ecr_immutable_scanned_kms_replicated(synth_out):
    s = stack(synth_out, PLATFORM)
    repos = resources(s, "aws_ecr_repository")
    assert len(repos) == 3
    for repo in repos.values():
        assert repo["image_tag_mutability"] == "IMMUTABLE"
        assert repo["image_scanning_configuration"] == {"scan_on_push": True}
        assert repo["encryption_configuration"][0]["encryption_type"] == "KMS"
    rule = one(s, "aws_ecr_replication_configuration")["replication_configuration"]["rule"][0]
    assert rule["destination"][0]["region"] == "ap-northeast-3"
    template = one(s, "aws_ecr_repository_creation_template")
    assert template["applied_for"] == ["REPLICATION"] and template["region"] == "ap-northeast-3"


def test_kinesis_stream_encrypted(synth_out):
    stream = one(stack(synth_out, PLATFORM), "aws_kinesis_stream")
    assert stream["encryption_type"] == "KMS" and stream["kms_key_id"]


def test_alerts_topic_encrypted_slack_and_pagerduty_from_sensitive_variables(synth_out):
    s = stack(synth_out, PLATFORM)
    assert one(s, "aws_sns_topic")["kms_master_key_id"]
    assert s["variable"]["slack_webhook_url"]["sensitive"] is True
    assert s["variable"]["pagerduty_routing_key"]["sensitive"] is True
    assert one(s, "aws_cloudwatch_event_api_destination")["invocation_endpoint"] == "${var.slack_webhook_url}"
    sub = one(s, "aws_sns_topic_subscription")
    assert sub["protocol"] == "https" and "${var.pagerduty_routing_key}" in sub["endpoint"]
    text = json.dumps(s)
    assert "hooks.slack.com" not in text


def test_alarms_notify_topic(synth_out):
    alarms = resources(stack(synth_out, PLATFORM), "aws_cloudwatch_metric_alarm")
    names = {a["alarm_name"] for a in alarms.values()}
    assert {"alpha-prod-alarm-accuracy-drop", "alpha-prod-alarm-serving-latency-p99"} <= names
    assert all(a["alarm_actions"] for a in alarms.values())


def test_failover_dns_health_checks_and_records(synth_out):
    s = stack(synth_out, FAILOVER)
    checks = resources(s, "aws_route53_health_check")
    assert {c["type"] for c in checks.values()} == {"CLOUDWATCH_METRIC"}
    policies = sorted(
        r["failover_routing_policy"]["type"] for r in resources(s, "aws_route53_record").values()
    )
    assert policies == ["PRIMARY", "SECONDARY"]
    assert len(one(s, "aws_route53_zone")["vpc"]) == 2
    # exposure is private in the example: no public anycast entry
    assert not resources(s, "aws_globalaccelerator_accelerator")


def test_models_store_replicated_to_secondary_region_key(synth_out):
    s = stack(synth_out, FAILOVER)
    rule = one(s, "aws_s3_bucket_replication_configuration")["rule"][0]
    assert rule["destination"]["replication_time"]["status"] == "Enabled"
    assert rule["source_selection_criteria"]["sse_kms_encrypted_objects"]["status"] == "Enabled"
    assert_resource_like(
        stack(synth_out, "alpha-aws-eks-foundation"),
        "aws_kms_key",
        {"region": "ap-northeast-3", "enable_key_rotation": True},
    )


def test_eventbridge_cron_conversion():
    assert eventbridge_cron("30 21 * * 1-5") == "cron(30 21 ? * 2-6 *)"
    assert eventbridge_cron("0 3 * * 6") == "cron(0 3 ? * 7 *)"
    assert eventbridge_cron("0 3 1 * *") == "cron(0 3 1 * ? *)"


def test_fails_cron_with_both_days():
    with pytest.raises(ValueError, match="both day-of-month and day-of-week"):
        eventbridge_cron("0 3 1 * 1")
