"""The gcp platform layer: experiments, training, serving, monitoring and security, asserted on the JSON."""

from __future__ import annotations

import base64
import json

import pytest

from tfjson import assert_resource_like, one, resources, stack

PROJECT = "alpha-trading-prod"
REMOTE = "${data.terraform_remote_state.cross-stack-reference-input-alpha-gcp-foundation.outputs."


@pytest.fixture(scope="module")
def platform(synth_out):
    return stack(synth_out, "alpha-gcp-platform")


def _key(purpose):
    return f"{REMOTE}cross-stack-output-google_kms_crypto_keyFoundation_Keys_Key-{purpose}"


def test_workbench_is_private_shielded_cmek_and_stops_when_idle(platform):
    setup = one(platform, "google_workbench_instance")["gce_setup"]
    assert setup["disable_public_ip"] is True
    assert setup["boot_disk"]["disk_encryption"] == "CMEK" and setup["boot_disk"]["kms_key"].startswith(
        _key("compute")
    )
    assert setup["data_disks"]["disk_encryption"] == "CMEK"
    assert setup["shielded_instance_config"] == {
        "enable_integrity_monitoring": True,
        "enable_secure_boot": True,
        "enable_vtpm": True,
    }
    assert setup["metadata"]["idle-timeout-seconds"] == "3600"
    assert setup["metadata"]["notebook-disable-root"] == "true"


def test_bigquery_datasets_use_the_bigquery_key(platform):
    datasets = resources(platform, "google_bigquery_dataset").values()
    assert {d["dataset_id"] for d in datasets} == {
        "alpha_prod_features",
        "alpha_prod_predictions",
        "alpha_prod_monitoring",
    }
    for d in datasets:
        assert d["default_encryption_configuration"]["kms_key_name"].startswith(_key("bigquery"))
        assert d["location"] == "asia-northeast1" and d["delete_contents_on_destroy"] is False


def test_registries_docker_kfp_and_a_mirror_all_cmek(platform):
    repos = resources(platform, "google_artifact_registry_repository").values()
    assert {(r["format"], r.get("mode", "STANDARD_REPOSITORY")) for r in repos} == {
        ("DOCKER", "STANDARD_REPOSITORY"),
        ("KFP", "STANDARD_REPOSITORY"),
        ("DOCKER", "REMOTE_REPOSITORY"),
    }
    assert all(r["kms_key_name"].startswith(_key("registry")) for r in repos)
    mirrors = [r for r in repos if r.get("mode") == "REMOTE_REPOSITORY"]
    # serving.image's host, and gcr.io for the Cloud SQL Auth Proxy of MLflow
    assert {
        m["remote_repository_config"]["docker_repository"]["custom_repository"]["uri"] for m in mirrors
    } == {"https://ghcr.io", "https://gcr.io"}


def test_training_workflow_tries_spot_then_on_demand(platform):
    workflow = resources(platform, "google_workflows_workflow")["Platform_Training_Workflow_3E7860A2"]
    assert workflow["crypto_key_name"].startswith(_key("vertex"))
    source = json.loads(workflow["source_contents"])
    attempts = source["main"]["steps"][0]["init"]["assign"][0]["attempts"]
    assert [a["strategy"] for a in attempts] == ["SPOT", "ON_DEMAND"]
    body = attempts[0]["body"]
    assert (
        body["templateUri"]
        == f"https://asia-northeast1-kfp.pkg.dev/{PROJECT}/alpha-prod-pipelines/train/latest"
    )
    assert body["runtimeConfig"]["parameterValues"]["scheduling_strategy"] == "SPOT"
    assert body["runtimeConfig"]["parameterValues"]["accelerator_type"] == "NVIDIA_TESLA_T4"
    assert body["encryptionSpec"]["kmsKeyName"].startswith(_key("vertex"))
    launch = source["main"]["steps"][1]["each_capacity"]["for"]["steps"][0]["launch"]
    assert launch["try"]["args"]["url"].endswith(
        f"/projects/{PROJECT}/locations/asia-northeast1/pipelineJobs"
    )
    assert launch["retry"]["max_retries"] == 3
    # Workflows expressions are escaped so Terraform interpolates only its own references.
    assert launch["try"]["args"]["body"] == "$${attempt.body}"


def test_schedules_post_to_the_workflow_with_an_oauth_token(platform):
    jobs = {j["name"]: j for j in resources(platform, "google_cloud_scheduler_job").values()}
    assert {n: j["schedule"] for n, j in jobs.items()} == {
        "alpha-prod-train-daily": "30 21 * * 1-5",
        "alpha-prod-train-weekly": "0 3 * * 6",
    }
    target = jobs["alpha-prod-train-daily"]["http_target"]
    assert target["uri"].startswith(
        "https://workflowexecutions.googleapis.com/v1/${google_workflows_workflow."
    )
    assert target["oauth_token"]["scope"] == "https://www.googleapis.com/auth/cloud-platform"
    assert json.loads(json.loads(base64.b64decode(target["body"]))["argument"]) == {"schedule": "daily"}
    assert jobs["alpha-prod-train-daily"]["time_zone"] == "Etc/UTC"


def test_drift_rows_reach_the_workflow_through_pubsub(platform):
    sink = assert_resource_like(platform, "google_logging_project_sink", {"unique_writer_identity": True})
    assert sink["destination"].startswith("pubsub.googleapis.com/${google_pubsub_topic.")
    assert "tables/drift_alerts" in sink["filter"] and "insertedRowsCount>0" in sink["filter"]
    trigger = one(platform, "google_eventarc_trigger")
    assert trigger["destination"]["workflow"].startswith("${google_workflows_workflow.")
    assert trigger["matching_criteria"] == [
        {"attribute": "type", "value": "google.cloud.pubsub.topic.v1.messagePublished"}
    ]
    topics = resources(platform, "google_pubsub_topic").values()
    assert all(t["kms_key_name"].startswith(_key("messaging")) for t in topics)


def test_project_grants_carry_conditions_where_resources_can_be_named(platform):
    grants = list(resources(platform, "google_project_iam_member").values())
    assert not any(g["role"] in ("roles/owner", "roles/editor") for g in grants)
    conditioned = {g["role"] for g in grants if "condition" in g}
    assert {"roles/aiplatform.user", "roles/workflows.invoker", "roles/dns.admin"} <= conditioned
    invoker = next(g for g in grants if g["role"] == "roles/workflows.invoker")
    assert invoker["condition"]["expression"].endswith('/workflows/alpha-prod-train"')


def test_endpoint_is_numeric_private_cmek_and_logs_to_bigquery(platform):
    endpoint = one(platform, "google_vertex_ai_endpoint")
    assert endpoint["name"].isdigit() and len(endpoint["name"]) <= 10
    assert endpoint["encryption_spec"]["kms_key_name"].startswith(_key("vertex"))
    assert endpoint["private_service_connect_config"]["enable_private_service_connect"] is True
    logging = endpoint["predict_request_response_logging_config"]
    assert logging["enabled"] is True
    assert (
        logging["bigquery_destination"]["output_uri"]
        == f"bq://{PROJECT}.${{google_bigquery_dataset.Platform_Experiments_Dataset-predictions_EE54A3DC.dataset_id}}"
        ".request_response"
    )
    assert endpoint["lifecycle"]["ignore_changes"] == ["traffic_split"]


def test_deploy_input_keeps_the_canary_share_and_autoscaling(platform):
    objects = {o["name"]: o for o in resources(platform, "google_storage_bucket_object").values()}
    deploy = json.loads(objects["trademl/runspecs/deploy.json"]["content"])
    assert deploy["canaryPercent"] == 10 and deploy["strategy"] == "canary"
    resources_ = deploy["deployedModel"]["dedicatedResources"]
    assert (resources_["minReplicaCount"], resources_["maxReplicaCount"]) == (2, 12)
    monitor = json.loads(objects["trademl/runspecs/model-monitoring.json"]["content"])
    assert monitor["objective"]["featureDriftSpec"]["defaultThreshold"] == 0.05
    assert monitor["notification"]["pubsubTopic"].startswith("${google_pubsub_topic.")


def test_gke_is_private_regional_with_workload_identity_and_cmek_secrets(platform):
    cluster = one(platform, "google_container_cluster")
    assert cluster["location"] == "asia-northeast1"  # regional: control plane and nodes in every zone
    assert cluster["private_cluster_config"]["enable_private_nodes"] is True
    assert cluster["private_cluster_config"]["enable_private_endpoint"] is True
    assert cluster["workload_identity_config"] == {"workload_pool": f"{PROJECT}.svc.id.goog"}
    assert cluster["database_encryption"]["state"] == "ENCRYPTED"
    assert cluster["database_encryption"]["key_name"].startswith(_key("compute"))
    assert cluster["enable_shielded_nodes"] is True and cluster["datapath_provider"] == "ADVANCED_DATAPATH"
    assert cluster["release_channel"] == {"channel": "STABLE"}
    assert cluster["master_authorized_networks_config"]["cidr_blocks"] == [
        {"cidr_block": "10.50.0.0/17", "display_name": "private-subnet"}
    ]
    assert cluster["remove_default_node_pool"] is True and cluster["deletion_protection"] is True


def test_gpu_training_pools_spot_and_on_demand_auto_repaired(platform):
    pools = {p["name"]: p for p in resources(platform, "google_container_node_pool").values()}
    assert set(pools) == {"system", "serving", "train-spot", "train-ondemand"}
    spot, on_demand = pools["train-spot"], pools["train-ondemand"]
    assert spot["node_config"]["spot"] is True and on_demand["node_config"]["spot"] is False
    assert spot["node_config"]["taint"] == on_demand["node_config"]["taint"]
    assert spot["node_config"]["guest_accelerator"][0]["type"] == "nvidia-tesla-t4"
    assert spot["autoscaling"]["total_max_node_count"] == 6  # ceil(8 * 0.7)
    assert on_demand["autoscaling"]["total_max_node_count"] == 8  # fallback can carry the whole load
    for pool in pools.values():
        assert pool["management"] == {"auto_repair": True, "auto_upgrade": True}
        config = pool["node_config"]
        assert config["shielded_instance_config"] == {
            "enable_integrity_monitoring": True,
            "enable_secure_boot": True,
        }
        assert config["workload_metadata_config"] == {"mode": "GKE_METADATA"}
        assert config["boot_disk_kms_key"].startswith(_key("compute"))


def test_cloud_run_fallback_is_internal_and_cmek(platform):
    service = resources(platform, "google_cloud_run_v2_service")["Platform_Fallback_Service_8CB21326"]
    assert service["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY"
    template = service["template"]
    assert template["encryption_key"].startswith(_key("serverless"))
    assert template["containers"][0]["image"] == (
        f"asia-northeast1-docker.pkg.dev/{PROJECT}/alpha-prod-mirror-ghcr/acme/trading-runtime:1.0.0"
    )
    assert template["vpc_access"]["egress"] == "ALL_TRAFFIC"


def test_switch_function_source_is_a_stable_object_and_it_listens_to_serving_alerts(platform):
    function = one(platform, "google_cloudfunctions2_function")
    assert function["event_trigger"]["event_type"] == "google.cloud.pubsub.topic.v1.messagePublished"
    assert function["service_config"]["ingress_settings"] == "ALLOW_INTERNAL_ONLY"
    env = function["service_config"]["environment_variables"]
    assert env["RECORD"] == "serve.alpha-prod.trademl.internal." and env["TTL"] == "30"
    source = function["build_config"]["source"]["storage_source"]
    assert source["object"].startswith("${google_storage_bucket_object.")
    objects = [o for o in resources(platform, "google_storage_bucket_object").values() if "source" in o]
    assert len(objects) == 1 and objects[0]["source"].startswith("assets/")  # relative: no checkout path


def test_switch_zip_is_byte_stable():
    from trademl.constructs.gcp.functions import switch_zip

    assert switch_zip() == switch_zip()


def test_notification_secrets_come_from_sensitive_variables(platform):
    assert platform["variable"]["slack_webhook_url"]["sensitive"] is True
    assert platform["variable"]["pagerduty_routing_key"]["sensitive"] is True
    slack = assert_resource_like(platform, "google_monitoring_notification_channel", {"type": "slack"})
    assert slack["sensitive_labels"]["auth_token"] == "${var.slack_webhook_url}"
    assert slack["labels"] == {"channel_name": "#trading-alerts"}
    pager = assert_resource_like(platform, "google_monitoring_notification_channel", {"type": "pagerduty"})
    assert pager["sensitive_labels"]["service_key"] == "${var.pagerduty_routing_key}"


def test_alert_thresholds_come_from_the_profile(platform):
    policies = {p["display_name"]: p for p in resources(platform, "google_monitoring_alert_policy").values()}
    latency = policies["alpha-prod: p99 prediction latency above 250 ms"]
    threshold = latency["conditions"][0]["condition_threshold"]
    assert threshold["threshold_value"] == 250
    assert threshold["aggregations"][0]["per_series_aligner"] == "ALIGN_PERCENTILE_99"
    accuracy = policies["alpha-prod: model accuracy dropped more than 5.0%"]
    assert len(accuracy["notification_channels"]) == 3  # Slack, PagerDuty and the retraining topic
    metrics = {m["name"] for m in resources(platform, "google_logging_metric").values()}
    assert metrics == {"trademl/serving_errors", "trademl/training_failures"}


def test_vpc_service_controls_enforced_in_prod_around_the_project_number(platform):
    perimeter = one(platform, "google_access_context_manager_service_perimeter")
    assert perimeter["parent"] == "accessPolicies/987654321"
    assert perimeter["use_explicit_dry_run_spec"] is False  # prod enforces; other environments dry-run
    assert perimeter["status"]["resources"] == ["projects/123456789012"]
    assert {"storage.googleapis.com", "bigquery.googleapis.com", "aiplatform.googleapis.com"} <= set(
        perimeter["status"]["restricted_services"]
    )


def test_dlp_inspects_data_and_models_daily(platform):
    template = one(platform, "google_data_loss_prevention_inspect_template")
    assert {"CREDIT_CARD_NUMBER", "IBAN_CODE"} <= {
        t["name"] for t in template["inspect_config"]["info_types"]
    }
    triggers = resources(platform, "google_data_loss_prevention_job_trigger").values()
    urls = {t["inspect_job"]["storage_config"]["cloud_storage_options"]["file_set"]["url"] for t in triggers}
    assert urls == {f"gs://alpha-prod-data-{PROJECT}/**", f"gs://alpha-prod-models-{PROJECT}/**"}
    assert all(t["triggers"][0]["schedule"]["recurrence_period_duration"] == "86400s" for t in triggers)
