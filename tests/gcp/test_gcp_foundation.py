"""The gcp foundation, audit and desk layers, asserted on the synthesized JSON."""

from __future__ import annotations

import pytest

from tfjson import assert_resource_like, one, resources, stack

PROJECT = "alpha-trading-prod"


@pytest.fixture(scope="module")
def foundation(synth_out):
    return stack(synth_out, "alpha-gcp-foundation")


@pytest.fixture(scope="module")
def audit(synth_out):
    return stack(synth_out, "alpha-gcp-audit")


def _bucket(stack_json, name):
    return next(
        (k, v) for k, v in resources(stack_json, "google_storage_bucket").items() if v["name"] == name
    )


def test_provider_pins_project_region_and_label_safe_default_labels(foundation):
    provider = foundation["provider"]["google"][0]
    assert provider["project"] == PROJECT and provider["region"] == "asia-northeast1"
    assert provider["default_labels"] == {
        "cost-center": "quant-research",
        "environment": "prod",
        "managed-by": "trademl",
        "owner": "platform-team",
        "platform": "alpha",
        "target": "gcp",
    }


def test_label_safe_rewrites_keys_and_values():
    from trademl.constructs.gcp.common import label_safe

    assert label_safe({"Cost.Center": "Quant Research", "9x": "A/B"}) == {
        "cost_center": "quant_research",
        "k9x": "a_b",
    }


def test_keys_rotate_per_profile_and_are_protected_in_prod(foundation):
    keys = resources(foundation, "google_kms_crypto_key")
    assert {k["name"] for k in keys.values()} >= {"storage", "bigquery", "compute", "vertex", "registry"}
    for key in keys.values():
        assert key["rotation_period"] == f"{90 * 86400}s"
        assert key["purpose"] == "ENCRYPT_DECRYPT"
        assert key["lifecycle"] == {"prevent_destroy": True} and key["deletion_policy"] == "PREVENT"
    assert one(foundation, "google_kms_key_ring")["location"] == "asia-northeast1"


def test_service_agents_get_encrypter_decrypter_only(foundation):
    grants = resources(foundation, "google_kms_crypto_key_iam_member").values()
    assert {g["role"] for g in grants} == {"roles/cloudkms.cryptoKeyEncrypterDecrypter"}
    members = {g["member"] for g in grants}
    assert "serviceAccount:service-123456789012@gcp-sa-aiplatform.iam.gserviceaccount.com" in members
    assert "serviceAccount:bq-123456789012@bigquery-encryption.iam.gserviceaccount.com" in members
    assert any(m.startswith("${data.google_storage_project_service_account.") for m in members)


def test_vpc_is_custom_mode_with_a_private_regional_subnet(foundation):
    assert one(foundation, "google_compute_network")["auto_create_subnetworks"] is False
    subnet = one(foundation, "google_compute_subnetwork")
    assert subnet["private_ip_google_access"] is True
    assert subnet["ip_cidr_range"] == "10.50.0.0/17"
    assert subnet["log_config"]["metadata"] == "INCLUDE_ALL_METADATA"
    assert {r["range_name"]: r["ip_cidr_range"] for r in subnet["secondary_ip_range"]} == {
        "pods": "100.64.0.0/16",
        "services": "172.20.0.0/20",
    }


def test_ingress_is_denied_except_google_health_checks(foundation):
    assert_resource_like(
        foundation,
        "google_compute_firewall",
        {
            "direction": "INGRESS",
            "priority": 65534,
            "deny": [{"protocol": "all"}],
            "source_ranges": ["0.0.0.0/0"],
            "log_config": {"metadata": "INCLUDE_ALL_METADATA"},
        },
    )
    allow = assert_resource_like(
        foundation, "google_compute_firewall", {"direction": "INGRESS", "priority": 1000}
    )
    assert allow["source_ranges"] == ["35.191.0.0/16", "130.211.0.0/22"]
    assert allow["allow"] == [{"protocol": "tcp", "ports": ["8080"]}]


@pytest.mark.parametrize("store", ["data", "models", "logs"])
def test_artifact_stores_are_private_versioned_cmek_and_logged(foundation, store):
    _, bucket = _bucket(foundation, f"alpha-prod-{store}-{PROJECT}")
    assert bucket["location"] == "asia-northeast1"
    assert bucket["uniform_bucket_level_access"] is True
    assert bucket["public_access_prevention"] == "enforced"
    assert bucket["versioning"] == {"enabled": True}
    assert bucket["encryption"]["default_kms_key_name"].startswith(
        "${google_kms_crypto_key.Foundation_Keys_Key-storage"
    )
    assert bucket["logging"]["log_bucket"] == f"alpha-prod-access-logs-{PROJECT}"
    assert bucket["depends_on"] == ["google_kms_crypto_key_iam_member.Foundation_StorageAgentKey_00542C09"]
    assert bucket["lifecycle"] == {"prevent_destroy": True} and bucket["force_destroy"] is False


def test_data_and_models_use_autoclass_logs_age_into_archive(foundation):
    for store in ("data", "models"):
        assert _bucket(foundation, f"alpha-prod-{store}-{PROJECT}")[1]["autoclass"]["enabled"] is True
    _, logs = _bucket(foundation, f"alpha-prod-logs-{PROJECT}")
    assert "autoclass" not in logs
    classes = [
        r["action"].get("storage_class")
        for r in logs["lifecycle_rule"]
        if r["action"]["type"] == "SetStorageClass"
    ]
    assert classes == ["NEARLINE", "COLDLINE", "ARCHIVE"]


def test_usage_log_writer_may_only_create_objects_in_the_access_log_bucket(foundation):
    assert_resource_like(
        foundation,
        "google_storage_bucket_iam_member",
        {"role": "roles/storage.objectCreator", "member": "group:cloud-storage-analytics@google.com"},
    )


def test_audit_bucket_has_a_locked_retention_policy_and_no_versioning(audit):
    _, bucket = _bucket(audit, f"alpha-prod-audit-{PROJECT}")
    assert bucket["retention_policy"] == {"is_locked": True, "retention_period": str(7 * 31_557_600)}
    assert bucket["versioning"] == {"enabled": False}  # GCS refuses versioning beside a retention policy
    assert bucket["force_destroy"] is False
    assert "terraform_remote_state" in bucket["encryption"]["default_kms_key_name"]


def test_all_audit_logs_are_on_and_sunk_into_the_archive(audit):
    config = one(audit, "google_project_iam_audit_config")
    assert config["service"] == "allServices"
    assert {c["log_type"] for c in config["audit_log_config"]} == {"ADMIN_READ", "DATA_READ", "DATA_WRITE"}
    assert all("exempted_members" not in c for c in config["audit_log_config"])
    sink = resources(audit, "google_logging_project_sink")["Audit_Sink_2C7987E8"]
    bucket, _ = _bucket(audit, f"alpha-prod-audit-{PROJECT}")
    assert sink["destination"] == f"storage.googleapis.com/${{google_storage_bucket.{bucket}.name}}"
    assert "cloudaudit.googleapis.com" in sink["filter"] and sink["unique_writer_identity"] is True
    assert_resource_like(
        audit,
        "google_storage_bucket_iam_member",
        {
            "role": "roles/storage.objectCreator",
            "member": "${google_logging_project_sink.Audit_Sink_2C7987E8.writer_identity}",
        },
    )


@pytest.mark.parametrize("desk", ["momentum", "stat-arb"])
def test_each_desk_has_a_store_encrypted_with_the_foundation_key(synth_out, desk):
    desk_stack = stack(synth_out, f"alpha-gcp-desk-{desk}")
    _, bucket = _bucket(desk_stack, f"alpha-prod-desk-{desk}-{PROJECT}")
    key = bucket["encryption"]["default_kms_key_name"]
    assert key.startswith("${data.terraform_remote_state.cross-stack-reference-input-alpha-gcp-foundation")
    assert bucket["public_access_prevention"] == "enforced" and bucket["versioning"] == {"enabled": True}


@pytest.mark.parametrize("desk", ["momentum", "stat-arb"])
def test_each_desk_has_its_own_identity_bound_by_workload_identity(synth_out, desk):
    desk_stack = stack(synth_out, f"alpha-gcp-desk-{desk}")
    assert one(desk_stack, "google_service_account")["account_id"] == f"alpha-prod-desk-{desk}"
    binding = one(desk_stack, "google_service_account_iam_member")
    assert binding["role"] == "roles/iam.workloadIdentityUser"
    assert binding["member"] == f"serviceAccount:{PROJECT}.svc.id.goog[desk-{desk}/desk-{desk}]"
    grant = one(desk_stack, "google_storage_bucket_iam_member")
    assert grant["role"] == "roles/storage.objectAdmin" and grant["bucket"].startswith(
        "${google_storage_bucket."
    )
    assert "condition" in one(desk_stack, "google_project_iam_member")


@pytest.mark.parametrize("desk", ["momentum", "stat-arb"])
def test_each_desk_schedules_retraining_into_its_own_store(synth_out, desk):
    import base64
    import json

    desk_stack = stack(synth_out, f"alpha-gcp-desk-{desk}")
    jobs = {j["name"]: j for j in resources(desk_stack, "google_cloud_scheduler_job").values()}
    assert set(jobs) == {f"alpha-prod-train-{desk}-daily", f"alpha-prod-train-{desk}-weekly"}
    target = jobs[f"alpha-prod-train-{desk}-daily"]["http_target"]
    assert "cross-stack-reference-input-alpha-gcp-platform" in target["uri"]
    argument = json.loads(json.loads(base64.b64decode(target["body"]))["argument"])
    assert argument == {
        "desk": desk,
        "output_uri": f"gs://alpha-prod-desk-{desk}-{PROJECT}",
        "schedule": "daily",
    }
