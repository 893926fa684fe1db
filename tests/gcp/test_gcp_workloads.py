"""The gcp workloads layer: providers from the platform's cluster, the serving workload and the desk
namespaces, asserted on the JSON."""

from __future__ import annotations

import pytest

from tfjson import assert_resource_like, one, resources, stack

PLATFORM = "${data.terraform_remote_state.cross-stack-reference-input-alpha-gcp-platform.outputs."
CLUSTER = "cross-stack-output-google_container_clusterPlatform_Gke_Cluster_48D9BA5A"


@pytest.fixture(scope="module")
def workloads(synth_out):
    return stack(synth_out, "alpha-gcp-workloads")


def test_providers_read_the_platform_cluster_and_use_an_access_token(workloads):
    kube = workloads["provider"]["kubernetes"][0]
    helm = workloads["provider"]["helm"][0]["kubernetes"]
    for p in (kube, helm):
        assert p["host"] == f"https://{PLATFORM}{CLUSTER}endpoint}}"
        assert (
            p["cluster_ca_certificate"]
            == f"${{base64decode({PLATFORM[2:]}{CLUSTER}master_auth0cluster_ca_certificate)}}"
        )
        assert p["token"] == "${data.google_client_config.GoogleClient.access_token}"
        assert "exec" not in p
    assert "google_client_config" in workloads["data"]
    assert not resources(workloads, "google_container_cluster")  # never a cluster made in this stack


def test_serving_deployment_runs_the_mirrored_image_restricted(workloads):
    dep = one(workloads, "kubernetes_deployment_v1")
    spec = dep["spec"]["template"]["spec"]
    container = spec["container"][0]
    assert container["image"] == (
        "asia-northeast1-docker.pkg.dev/alpha-trading-prod/alpha-prod-mirror-ghcr/acme/trading-runtime:1.0.0"
    )
    assert container["readiness_probe"]["http_get"] == {"path": "/healthz", "port": "8080"}
    assert container["security_context"]["allow_privilege_escalation"] is False
    assert container["security_context"]["capabilities"] == {"drop": ["ALL"]}
    assert spec["security_context"]["run_as_non_root"] is True
    assert spec["security_context"]["seccomp_profile"] == {"type": "RuntimeDefault"}
    assert spec["node_selector"] == {"trademl/pool": "serving"}
    assert dep["spec"]["replicas"] == "2"


def test_hpa_scales_between_profile_replicas_on_cpu(workloads):
    spec = one(workloads, "kubernetes_horizontal_pod_autoscaler_v2")["spec"]
    assert (spec["min_replicas"], spec["max_replicas"]) == (2, 12)
    assert spec["scale_target_ref"] == {"api_version": "apps/v1", "kind": "Deployment", "name": "serving"}
    resource = spec["metric"][0]["resource"]
    assert resource["name"] == "cpu" and resource["target"]["type"] == "Utilization"
    assert resource["target"]["average_utilization"] == 60


def test_service_is_an_internal_load_balancer_on_the_reserved_address(workloads):
    svc = one(workloads, "kubernetes_service_v1")
    assert svc["metadata"]["annotations"] == {"networking.gke.io/load-balancer-type": "Internal"}
    assert svc["spec"]["type"] == "LoadBalancer"
    assert svc["spec"]["load_balancer_ip"].startswith(PLATFORM)
    assert svc["spec"]["external_traffic_policy"] == "Local"
    assert svc["spec"]["port"][0]["port"] == 8080


def test_desk_namespaces_are_locked_down(workloads):
    namespaces = {
        n["metadata"][0]["name"]: n for n in resources(workloads, "kubernetes_namespace_v1").values()
    }
    assert set(namespaces) == {"serving", "desk-momentum", "desk-stat-arb"}
    for ns in namespaces.values():
        labels = ns["metadata"][0]["labels"]
        assert {labels[f"pod-security.kubernetes.io/{m}"] for m in ("enforce", "audit", "warn")} == {
            "restricted"
        }
    policies = resources(workloads, "kubernetes_network_policy_v1").values()
    denied = {p["metadata"]["namespace"] for p in policies if p["metadata"]["name"] == "default-deny"}
    assert denied == set(namespaces)
    for p in policies:
        if p["metadata"]["name"] == "default-deny":
            assert p["spec"]["policy_types"] == ["Ingress", "Egress"] and p["spec"]["pod_selector"] == {}
    quotas = {
        q["metadata"]["namespace"] for q in resources(workloads, "kubernetes_resource_quota_v1").values()
    }
    assert quotas == set(namespaces)


def test_desk_service_accounts_carry_the_desk_google_identity(workloads):
    accounts = {
        a["metadata"]["namespace"]: a["metadata"]
        for a in resources(workloads, "kubernetes_service_account_v1").values()
    }
    for desk in ("momentum", "stat-arb"):
        meta = accounts[f"desk-{desk}"]
        assert meta["name"] == f"desk-{desk}"
        assert meta["annotations"] == {
            "iam.gke.io/gcp-service-account": f"alpha-prod-desk-{desk}@alpha-trading-prod.iam.gserviceaccount.com"
        }


def test_desk_workload_identity_binding_matches_the_service_account(synth_out):
    desk = stack(synth_out, "alpha-gcp-desk-momentum")
    assert_resource_like(
        desk,
        "google_service_account_iam_member",
        {
            "role": "roles/iam.workloadIdentityUser",
            "member": "serviceAccount:alpha-trading-prod.svc.id.goog[desk-momentum/desk-momentum]",
        },
    )
    assert_resource_like(desk, "google_service_account", {"account_id": "alpha-prod-desk-momentum"})
