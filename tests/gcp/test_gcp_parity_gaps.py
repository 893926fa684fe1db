"""The gcp parity gaps closed: dashboards on managed Prometheus, the workload log archive, repository-scoped
pulls, streaming ingestion, the canary deploy Workflow and the MLflow tracking server, asserted on the JSON."""

from __future__ import annotations

import json

import pytest

from tfjson import assert_resource_like, one, resources, stack

PROJECT = "alpha-trading-prod"


@pytest.fixture(scope="module")
def platform(synth_out):
    return stack(synth_out, "alpha-gcp-platform")


@pytest.fixture(scope="module")
def audit(synth_out):
    return stack(synth_out, "alpha-gcp-audit")


def test_managed_prometheus_on_and_a_dashboard_charts_promql_and_the_endpoint(platform):
    cluster = one(platform, "google_container_cluster")
    assert cluster["monitoring_config"]["managed_prometheus"]["enabled"] is True
    doc = json.loads(one(platform, "google_monitoring_dashboard")["dashboard_json"])
    queries = [t["widget"]["xyChart"]["dataSets"][0]["timeSeriesQuery"] for t in doc["mosaicLayout"]["tiles"]]
    assert any('namespace_name="serving"' in q.get("prometheusQuery", "") for q in queries)
    assert any("prediction_latencies" in q.get("timeSeriesFilter", {}).get("filter", "") for q in queries)


def test_workload_logs_sink_into_the_locked_audit_bucket_with_its_own_writer(audit):
    sinks = resources(audit, "google_logging_project_sink")
    workload = next(s for s in sinks.values() if "k8s_container" in s["filter"])
    assert "cloud_run_revision" in workload["filter"]
    assert "cloudaudit" not in workload["filter"]
    bucket = next(iter(resources(audit, "google_storage_bucket")))
    assert workload["destination"] == f"storage.googleapis.com/${{google_storage_bucket.{bucket}.name}}"
    assert workload["unique_writer_identity"] is True
    name = next(n for n, s in sinks.items() if s is workload)
    assert_resource_like(
        audit,
        "google_storage_bucket_iam_member",
        {
            "role": "roles/storage.objectCreator",
            "member": f"${{google_logging_project_sink.{name}.writer_identity}}",
        },
    )


def test_nodes_read_images_per_repository_not_project_wide(platform):
    roles = {r["role"] for r in resources(platform, "google_project_iam_member").values()}
    node_grants = [
        g for g in resources(platform, "google_project_iam_member").values() if "NodeIdentity" in g["member"]
    ]
    assert all(g["role"] != "roles/artifactregistry.reader" for g in node_grants)
    assert "roles/logging.logWriter" in roles
    pulls = [
        g
        for g in resources(platform, "google_artifact_registry_repository_iam_member").values()
        if "Gke_NodeIdentity" in g["member"]
    ]
    assert pulls and all(g["role"] == "roles/artifactregistry.reader" for g in pulls)
    assert any("Repository-images" in g["repository"] for g in pulls)


def test_failover_nodes_read_the_primary_repositories(synth_out):
    failover = stack(synth_out, "alpha-gcp-failover")
    pulls = resources(failover, "google_artifact_registry_repository_iam_member")
    assert pulls and all(g["role"] == "roles/artifactregistry.reader" for g in pulls.values())


def test_streaming_topic_is_cmek_and_lands_in_the_data_bucket(platform):
    topic = assert_resource_like(platform, "google_pubsub_topic", {"message_retention_duration": "604800s"})
    ingest = next(
        t for t in resources(platform, "google_pubsub_topic").values() if t["name"].endswith("ingest")
    )
    assert "Key-messaging" in ingest["kms_key_name"] and topic
    sub = one(platform, "google_pubsub_subscription")
    cfg = sub["cloud_storage_config"]
    assert cfg["bucket"].startswith("alpha-prod-data") and cfg["avro_config"]["write_metadata"] is True
    agent = "serviceAccount:service-"
    writers = [
        g
        for g in resources(platform, "google_storage_bucket_iam_member").values()
        if g["member"].startswith(agent) and "gcp-sa-pubsub" in g["member"]
    ]
    assert {g["role"] for g in writers} == {"roles/storage.objectCreator", "roles/storage.legacyBucketReader"}


def test_deploy_workflow_reads_the_canary_input_and_splits_traffic(platform):
    flows = resources(platform, "google_workflows_workflow")
    deploy = next(f for f in flows.values() if f["name"].endswith("deploy"))
    src = deploy["source_contents"]
    assert "trademl/runspecs/deploy.json" in src and "deployModel" in src and "spec.canaryPercent" in src
    spec = next(
        o
        for o in resources(platform, "google_storage_bucket_object").values()
        if o["name"].endswith("deploy.json")
    )
    assert json.loads(spec["content"])["canaryPercent"] == 10
    assert spec["bucket"] in src
    assert deploy["crypto_key_name"] and "Deploy_Identity" in deploy["service_account"]
    assert_resource_like(
        platform,
        "google_service_account_iam_member",
        {"role": "roles/iam.serviceAccountUser"},
    )


def test_mlflow_on_cloud_run_is_internal_cmek_with_its_own_identity(platform):
    run = next(
        s for s in resources(platform, "google_cloud_run_v2_service").values() if s["name"].endswith("mlflow")
    )
    assert run["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY" and run["invoker_iam_disabled"] is False
    tpl = run["template"]
    assert "Key-serverless" in tpl["encryption_key"] and "Tracking_Identity" in tpl["service_account"]
    server, proxy = tpl["containers"]
    assert server["image"].endswith("/mlflow/mlflow:v3.9.0-full")
    assert any(a.startswith("--backend-store-uri=postgresql+psycopg2://") for a in server["args"])
    assert any(a.startswith("--artifacts-destination=gs://alpha-prod-models") for a in server["args"])
    assert "--auto-iam-authn" in proxy["args"] and "--private-ip" in proxy["args"]


def test_mlflow_database_is_private_cmek_mtls_and_iam_authenticated(platform):
    sql = one(platform, "google_sql_database_instance")
    ip = sql["settings"]["ip_configuration"]
    assert ip["ipv4_enabled"] is False and ip["ssl_mode"] == "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    assert "Key-database" in sql["encryption_key_name"]
    flags = {f["name"]: f["value"] for f in sql["settings"]["database_flags"]}
    assert flags["cloudsql.iam_authentication"] == "on"
    assert sql["settings"]["backup_configuration"]["point_in_time_recovery_enabled"] is True
    assert sql["deletion_protection"] is True
    assert one(platform, "google_sql_user")["type"] == "CLOUD_IAM_SERVICE_ACCOUNT"
    assert (
        one(platform, "google_service_networking_connection")["service"] == "servicenetworking.googleapis.com"
    )


def test_scc_findings_export_into_the_monitoring_dataset(platform):
    export = one(platform, "google_scc_project_scc_big_query_export")
    monitoring = next(
        n
        for n, d in resources(platform, "google_bigquery_dataset").items()
        if d["dataset_id"].endswith("monitoring")
    )
    assert (
        export["dataset"]
        == f"projects/{PROJECT}/datasets/${{google_bigquery_dataset.{monitoring}.dataset_id}}"
    )
    assert 'state="ACTIVE"' in export["filter"]
