"""GCP recognisers on hand-written JSON: present with the evidence, failing when any link is removed."""

from __future__ import annotations

import copy
import json
from typing import Any

from parity.fixtures import ctx, without
from trademl.model import TargetName
from trademl.parity.recognisers import gcp

A, P = "alpha-gcp-audit", "alpha-gcp-platform"
SEVEN_YEARS = str(7 * 31_557_600)
BUCKET = "alpha-prod-audit-alpha-trading-prod"
MODELS = "alpha-prod-models-alpha-trading-prod"


def _stacks(destination: str) -> dict[str, dict[str, Any]]:
    audit = {
        "google_storage_bucket": {
            "Archive": {
                "name": BUCKET,
                "retention_policy": {"retention_period": SEVEN_YEARS, "is_locked": True},
            }
        },
        "google_logging_project_sink": {
            "WorkloadSink": {
                "destination": destination,
                "filter": 'resource.type=("k8s_container" OR "cloud_run_revision")',
                "unique_writer_identity": True,
            }
        },
        "google_storage_bucket_iam_member": {
            "Writer": {
                "bucket": "${google_storage_bucket.Archive.name}",
                "role": "roles/storage.objectCreator",
                "member": "${google_logging_project_sink.WorkloadSink.writer_identity}",
            }
        },
    }
    deploy_src = json.dumps(
        {
            "main": {
                "steps": [
                    {"read": {"args": {"bucket": MODELS, "object": "trademl/runspecs/deploy.json"}}},
                    {"deploy": {"call": "googleapis.aiplatform.v1.projects.locations.endpoints.deployModel"}},
                ]
            }
        }
    )
    platform = {
        "google_vertex_ai_endpoint": {"Endpoint": {"name": "1234567890"}},
        "google_storage_bucket_object": {
            "Spec": {
                "bucket": MODELS,
                "name": "trademl/runspecs/deploy.json",
                "content": json.dumps({"strategy": "canary", "canaryPercent": 10}),
            }
        },
        "google_service_account": {"Deployer": {"account_id": "alpha-prod-model-deployer"}},
        "google_project_iam_member": {
            "DeployerVertex": {
                "role": "roles/aiplatform.user",
                "member": "${google_service_account.Deployer.member}",
            }
        },
        "google_workflows_workflow": {
            "Deploy": {
                "source_contents": deploy_src,
                "service_account": "${google_service_account.Deployer.id}",
            }
        },
    }
    return {A: {"resource": audit}, P: {"resource": platform}}


def _ctx(stacks: dict[str, dict[str, Any]]) -> Any:
    return ctx(stacks, TargetName.GCP)


def test_workload_archive_present_by_token():
    found = gcp.GCP["workload-log-archive"](
        _ctx(_stacks("storage.googleapis.com/${google_storage_bucket.Archive.name}"))
    )
    assert found.found, found.missing
    assert found.facts["lock_mode"] == "locked"


def test_workload_archive_present_by_literal_bucket_name():
    found = gcp.GCP["workload-log-archive"](_ctx(_stacks(f"storage.googleapis.com/{BUCKET}")))
    assert found.found, found.missing


def test_workload_archive_fails_without_the_writer_grant():
    stacks = without(_stacks(f"storage.googleapis.com/{BUCKET}"), A, "google_storage_bucket_iam_member")
    assert not gcp.GCP["workload-log-archive"](_ctx(stacks)).found


def test_workload_archive_fails_when_the_literal_names_another_bucket():
    assert not gcp.GCP["workload-log-archive"](
        _ctx(_stacks("storage.googleapis.com/some-other-bucket"))
    ).found


def test_canary_present_when_the_deploy_workflow_reads_the_input():
    found = gcp.canary(_ctx(_stacks(f"storage.googleapis.com/{BUCKET}")))
    assert found.found, found.missing
    assert found.facts["canary_percent"] == 10


def test_canary_fails_when_no_workflow_reads_the_input():
    stacks = without(_stacks(""), P, "google_workflows_workflow")
    assert not gcp.canary(_ctx(stacks)).found


def test_canary_fails_when_the_deployer_may_not_deploy():
    stacks = without(_stacks(""), P, "google_project_iam_member")
    assert not gcp.canary(_ctx(stacks)).found


def test_canary_fails_when_the_share_is_zero():
    stacks = copy.deepcopy(_stacks(""))
    stacks[P]["resource"]["google_storage_bucket_object"]["Spec"]["content"] = json.dumps(
        {"canaryPercent": 0}
    )
    assert not gcp.canary(_ctx(stacks)).found


def _streaming(
    kms: bool = True, topic: str = "${google_pubsub_topic.Ingest.id}"
) -> dict[str, dict[str, Any]]:
    stacks = _stacks("")
    stacks[P]["resource"]["google_pubsub_topic"] = {
        "Ingest": {
            "name": "alpha-prod-ingest",
            **({"kms_key_name": "projects/p/cryptoKeys/k"} if kms else {}),
        },
        "Other": {"name": "alpha-prod-other"},
    }
    stacks[P]["resource"]["google_pubsub_subscription"] = {
        "ToStorage": {"topic": topic, "cloud_storage_config": {"bucket": "alpha-prod-data-x"}}
    }
    return stacks


def test_streaming_present_when_the_sink_reads_the_cmek_topic():
    assert gcp.streaming(_ctx(_streaming())).found


def test_streaming_fails_without_cmek_or_when_the_sink_reads_another_topic():
    assert not gcp.streaming(_ctx(_streaming(kms=False))).found
    assert not gcp.streaming(_ctx(_streaming(topic="${google_pubsub_topic.Other.id}"))).found


def _mlflow(ingress: str, key: bool) -> dict[str, dict[str, Any]]:
    stacks = _stacks("")
    template = {"containers": [{"image": "x/mlflow/mlflow:v3.9.0-full"}]}
    if key:
        template["encryption_key"] = "projects/p/cryptoKeys/k"
    stacks[P]["resource"]["google_cloud_run_v2_service"] = {
        "Mlflow": {"name": "alpha-prod-mlflow", "ingress": ingress, "template": template}
    }
    return stacks


def test_tracking_present_for_an_internal_cmek_mlflow_service():
    assert gcp.tracking(_ctx(_mlflow("INGRESS_TRAFFIC_INTERNAL_ONLY", key=True))).found


def test_tracking_fails_for_a_public_or_unencrypted_mlflow_service():
    assert not gcp.tracking(_ctx(_mlflow("INGRESS_TRAFFIC_ALL", key=True))).found
    assert not gcp.tracking(_ctx(_mlflow("INGRESS_TRAFFIC_INTERNAL_ONLY", key=False))).found
