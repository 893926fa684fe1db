"""The AWS foundation, audit and desk layers (shared by aws-eks and aws-ecs), asserted on the JSON."""

from __future__ import annotations

import pytest

from tfjson import assert_resource_like, one, resources, stack

TARGETS = ["aws-eks", "aws-ecs"]


def resources_of_data(stack_json, type_):
    return sorted(stack_json.get("data", {}).get(type_, {}))


ACCOUNT = {"aws-eks": "111111111111", "aws-ecs": "222222222222"}


@pytest.fixture(params=TARGETS)
def target(request):
    return request.param


@pytest.fixture
def foundation(target, synth_out):
    return stack(synth_out, f"alpha-{target}-foundation")


def test_customer_managed_key_rotates_and_survives_destroy_in_prod(foundation):
    key = assert_resource_like(foundation, "aws_kms_key", {"description": "alpha-prod platform (trademl)"})
    assert key["enable_key_rotation"] is True
    assert key["rotation_period_in_days"] == 90
    assert key["deletion_window_in_days"] == 30
    assert key["lifecycle"] == {"prevent_destroy": True}


def test_private_subnets_span_three_zones_without_public_ips(foundation):
    subnets = resources(foundation, "aws_subnet")
    private = [s for s in subnets.values() if s["tags"]["trademl/tier"] == "private"]
    assert len(private) == 3
    zones = {s["availability_zone"] for s in private}
    (data_source,) = resources_of_data(foundation, "aws_availability_zones")
    assert zones == {f"${{element(data.aws_availability_zones.{data_source}.names, {i})}}" for i in range(3)}
    assert all(s["map_public_ip_on_launch"] is False for s in subnets.values())
    assert not resources(foundation, "aws_internet_gateway")
    assert one(foundation, "aws_default_security_group").get("ingress") is None


def test_flow_logs_go_to_an_encrypted_log_group(foundation):
    flow = one(foundation, "aws_flow_log")
    assert flow["traffic_type"] == "ALL"
    group_ref = flow["log_destination"].split(".")[1]
    group = resources(foundation, "aws_cloudwatch_log_group")[group_ref]
    assert group["kms_key_id"].startswith("${aws_kms_key.")
    assert group["retention_in_days"] >= 365


@pytest.mark.parametrize("store", ["data", "models", "logs"])
def test_artifact_stores_are_versioned_cmk_encrypted_and_private(foundation, target, store):
    account = ACCOUNT[target]
    name = f"alpha-prod-{store}-{account}"
    bucket_id, bucket = next(
        (k, v) for k, v in resources(foundation, "aws_s3_bucket").items() if v["bucket"] == name
    )
    ref = f"${{aws_s3_bucket.{bucket_id}.id}}"
    assert bucket["lifecycle"] == {"prevent_destroy": True} and bucket["force_destroy"] is False
    assert_resource_like(
        foundation,
        "aws_s3_bucket_versioning",
        {"bucket": ref, "versioning_configuration": {"status": "Enabled"}},
    )
    sse = assert_resource_like(
        foundation, "aws_s3_bucket_server_side_encryption_configuration", {"bucket": ref}
    )
    rule = sse["rule"][0]
    assert rule["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"
    assert rule["apply_server_side_encryption_by_default"]["kms_master_key_id"].startswith("${aws_kms_key.")
    assert_resource_like(
        foundation,
        "aws_s3_bucket_public_access_block",
        {
            "bucket": ref,
            "block_public_acls": True,
            "block_public_policy": True,
            "ignore_public_acls": True,
            "restrict_public_buckets": True,
        },
    )
    assert_resource_like(
        foundation,
        "aws_s3_bucket_ownership_controls",
        {"bucket": ref, "rule": {"object_ownership": "BucketOwnerEnforced"}},
    )
    assert_resource_like(
        foundation,
        "aws_s3_bucket_logging",
        {"bucket": ref, "target_bucket": f"alpha-prod-access-logs-{account}"},
    )
    policy = assert_resource_like(foundation, "aws_s3_bucket_policy", {"bucket": ref})["policy"]
    assert '"aws:SecureTransport": "false"' in policy


def test_audit_archive_is_worm_in_compliance_mode_for_the_retention_years(synth_out):
    audit = stack(synth_out, "alpha-aws-eks-audit")
    bucket = assert_resource_like(audit, "aws_s3_bucket", {"bucket": "alpha-prod-audit-111111111111"})
    assert bucket["object_lock_enabled"] is True
    assert bucket["lifecycle"] == {"prevent_destroy": True}
    lock = one(audit, "aws_s3_bucket_object_lock_configuration")
    assert lock["rule"] == {"default_retention": {"mode": "COMPLIANCE", "years": 7}}
    sse = assert_resource_like(audit, "aws_s3_bucket_server_side_encryption_configuration", {})
    key = sse["rule"][0]["apply_server_side_encryption_by_default"]["kms_master_key_id"]
    assert "terraform_remote_state.cross-stack-reference-input-alpha-aws-eks-foundation" in key


def test_desk_extension_changes_one_property(synth_out):
    momentum = stack(synth_out, "alpha-aws-eks-desk-momentum")
    stat_arb = stack(synth_out, "alpha-aws-eks-desk-stat-arb")

    def noncurrent(s):
        rules = one(s, "aws_s3_bucket_lifecycle_configuration")["rule"]
        return next(r for r in rules if r["id"] == "expire-noncurrent")["noncurrent_version_expiration"]

    assert noncurrent(momentum) == [{"noncurrent_days": 365}]
    assert noncurrent(stat_arb) == [{"noncurrent_days": 90}]
    assert_resource_like(momentum, "aws_s3_bucket", {"bucket": "alpha-prod-desk-momentum-111111111111"})
