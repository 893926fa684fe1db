"""AWS recognisers on hand-written JSON: present with the evidence, failing when any link is removed."""

from __future__ import annotations

import copy

import pytest

from parity.fixtures import aws_stacks, ctx, without
from trademl.parity.graph import index_target
from trademl.parity.recognisers import aws

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
