"""The aws-eks target: cluster, node pools, IRSA, in-cluster workloads, desks and failover."""

from __future__ import annotations

import json

import pytest
import yaml

from tfjson import assert_resource_like, one, resources, stack

pytestmark = pytest.mark.slow
PLATFORM, WORKLOADS = "alpha-aws-eks-platform", "alpha-aws-eks-workloads"


def _values(s, key):
    releases = resources(s, "helm_release")
    body = next(r for k, r in releases.items() if f"Helm-{key}_" in k)
    return body, yaml.safe_load(body["values"][0])


def test_layers(synth_out):
    names = sorted(p.name for p in (synth_out / "stacks").iterdir() if "aws-eks" in p.name)
    assert names == [
        "alpha-aws-eks-audit",
        "alpha-aws-eks-cicd",
        "alpha-aws-eks-desk-momentum",
        "alpha-aws-eks-desk-stat-arb",
        "alpha-aws-eks-failover",
        "alpha-aws-eks-foundation",
        "alpha-aws-eks-platform",
        "alpha-aws-eks-workloads",
    ]


def test_cluster_private_encrypted_all_logs_api_auth(synth_out):
    cluster = one(stack(synth_out, PLATFORM), "aws_eks_cluster")
    assert cluster["vpc_config"]["endpoint_public_access"] is False
    assert cluster["vpc_config"]["endpoint_private_access"] is True
    assert cluster["encryption_config"]["resources"] == ["secrets"]
    assert sorted(cluster["enabled_cluster_log_types"]) == [
        "api",
        "audit",
        "authenticator",
        "controllerManager",
        "scheduler",
    ]
    assert cluster["access_config"]["authentication_mode"] == "API"
    assert cluster["deletion_protection"] is True


def test_vpc_cni_enforces_network_policy(synth_out):
    addon = assert_resource_like(stack(synth_out, PLATFORM), "aws_eks_addon", {"addon_name": "vpc-cni"})
    assert json.loads(addon["configuration_values"]) == {"enableNetworkPolicy": "true"}


def test_gpu_spot_with_on_demand_fallback_same_labels_and_taint(synth_out):
    groups = {
        g["node_group_name"]: g for g in resources(stack(synth_out, PLATFORM), "aws_eks_node_group").values()
    }
    spot, od = groups["gpu-spot"], groups["gpu-on-demand"]
    assert spot["capacity_type"] == "SPOT" and od["capacity_type"] == "ON_DEMAND"
    assert spot["labels"] == od["labels"] and spot["taint"] == od["taint"]
    assert spot["taint"] == [{"effect": "NO_SCHEDULE", "key": "nvidia.com/gpu", "value": "true"}]
    assert len(spot["instance_types"]) >= 5
    assert spot["scaling_config"]["max_size"] + od["scaling_config"]["max_size"] == 8  # max_nodes
    assert spot["scaling_config"]["max_size"] == 6  # round(8 * 0.7)
    assert "length" not in json.dumps(spot["subnet_ids"])


def test_node_launch_template_imdsv2_encrypted(synth_out):
    for lt in resources(stack(synth_out, PLATFORM), "aws_launch_template").values():
        assert lt["metadata_options"]["http_tokens"] == "required"
        assert lt["metadata_options"]["http_put_response_hop_limit"] == 1
        assert lt["block_device_mappings"][0]["ebs"]["encrypted"] == "true"


def test_irsa_roles_scoped_to_service_account(synth_out):
    roles = resources(stack(synth_out, PLATFORM), "aws_iam_role")
    lbc = next(r for r in roles.values() if r["name"] == "alpha-prod-irsa-lb-controller")
    # The issuer host is a Terraform interpolation inside the key, so assert on the text.
    trust = lbc["assume_role_policy"]
    assert '"Action": "sts:AssumeRoleWithWebIdentity"' in trust
    assert ':sub": "system:serviceaccount:kube-system:aws-load-balancer-controller"' in trust
    assert ':aud": "sts.amazonaws.com"' in trust
    one(stack(synth_out, PLATFORM), "aws_iam_openid_connect_provider")


def test_codecommit_model_registry_eventbridge(synth_out):
    s = stack(synth_out, PLATFORM)
    assert one(s, "aws_codecommit_repository")["kms_key_id"]
    one(s, "aws_sagemaker_model_package_group")
    rules = {r["name"]: r for r in resources(s, "aws_cloudwatch_event_rule").values()}
    assert rules["alpha-prod-retrain-daily"]["schedule_expression"] == "cron(30 21 ? * 2-6 *)"
    assert "CloudWatch Alarm State Change" in rules["alpha-prod-retrain-accuracy"]["event_pattern"]
    assert all(q["kms_master_key_id"] for q in resources(s, "aws_sqs_queue").values())


def test_internal_alb_owned_by_terraform(synth_out):
    s = stack(synth_out, PLATFORM)
    assert one(s, "aws_lb")["internal"] is True
    assert one(s, "aws_lb_target_group")["target_type"] == "ip"
    assert not resources(s, "aws_apigatewayv2_api")  # exposure: private


def test_workloads_providers_from_platform_stack(synth_out):
    s = stack(synth_out, WORKLOADS)
    assert "terraform_remote_state" in s["data"] and "aws_eks_cluster_auth" in s["data"]
    assert "remote_state" in s["provider"]["kubernetes"][0]["host"]
    assert "exec" not in s["provider"]["helm"][0]["kubernetes"]


@pytest.mark.parametrize(
    ("key", "version"),
    [
        ("jupyterhub", "4.4.0"),
        ("argo-cd", "10.1.1"),
        ("argo-workflows", "1.0.18"),
        ("argo-rollouts", "2.41.0"),
        ("kube-prometheus-stack", "88.5.3"),
        ("aws-load-balancer-controller", "3.5.0"),
        ("aws-for-fluent-bit", "0.2.0"),
        ("kserve-crd", "v0.20.0"),
        ("kserve-resources", "v0.20.0"),
    ],
)
def test_charts_pinned(synth_out, key, version):
    body, _ = _values(stack(synth_out, WORKLOADS), key)
    assert body["version"] == version


def test_jupyterhub_no_dummy_auth_non_root(synth_out):
    _, values = _values(stack(synth_out, WORKLOADS), "jupyterhub")
    assert "Dummy" not in values["hub"]["config"]["JupyterHub"]["authenticator_class"]
    assert values["singleuser"]["uid"] == 1000 and values["proxy"]["service"]["type"] == "ClusterIP"


def test_argo_workflows_separate_instance_private_crds(synth_out):
    body, values = _values(stack(synth_out, WORKLOADS), "argo-workflows")
    assert body["namespace"] == "retraining" and values["crds"]["full"] is False
    assert values["controller"]["instanceID"]["explicitID"] == "trademl-retraining"


def test_fluent_bit_to_precreated_groups(synth_out):
    _, values = _values(stack(synth_out, WORKLOADS), "aws-for-fluent-bit")
    assert values["cloudWatchLogs"]["autoCreateGroup"] is False
    groups = resources(stack(synth_out, PLATFORM), "aws_cloudwatch_log_group")
    app = next(g for g in groups.values() if g["name"].endswith("/eks/application"))
    assert app["kms_key_id"] and app["retention_in_days"] == 365  # monitoring.log_retention_days


def test_kserve_standard_mode_and_canary(synth_out):
    s = stack(synth_out, WORKLOADS)
    _, values = _values(s, "kserve-resources")
    assert values["kserve"]["controller"]["deploymentMode"] == "Standard"
    _, objects = _values(s, "objects")
    isvc = objects["objects"]["inferenceservice-desk-momentum"]
    assert isvc["spec"]["predictor"]["canaryTrafficPercent"] == 10
    tgb = objects["objects"]["targetgroupbinding-serving"]
    assert tgb["kind"] == "TargetGroupBinding" and "aws_lb_target_group" in tgb["spec"]["targetGroupARN"]
    ops = objects["objects"]["deployment-ops-ui"]
    assert ops["spec"]["template"]["spec"]["containers"][0]["image"] == "ghcr.io/acme/trading-ops-ui:1.0.0"
    crons = [k for k in objects["objects"] if k.startswith("cronjob-desk-momentum-")]
    assert sorted(crons) == ["cronjob-desk-momentum-daily", "cronjob-desk-momentum-weekly"]


def test_kubeflow_via_argo_cd_applications(synth_out):
    _, values = _values(stack(synth_out, WORKLOADS), "argocd-apps")
    kfp = values["applications"]["kfp"]["source"]
    assert kfp["repoURL"].endswith("kubeflow/pipelines.git") and kfp["targetRevision"] == "2.5.0"
    assert "katib" in values["applications"]


def test_namespaces_pod_security(synth_out):
    namespaces = {
        n["metadata"][0]["name"]: n["metadata"][0]
        for n in resources(stack(synth_out, WORKLOADS), "kubernetes_namespace_v1").values()
    }
    for name in ("jupyterhub", "kserve", "serving", "retraining", "desk-momentum", "desk-stat-arb"):
        assert namespaces[name]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for name in ("gpu-plugins", "amazon-cloudwatch"):
        assert namespaces[name]["labels"]["pod-security.kubernetes.io/enforce"] == "privileged"
        assert namespaces[name]["annotations"]["trademl.io/pss-exemption"]


def test_desk_default_deny_quota_and_irsa(synth_out):
    s = stack(synth_out, WORKLOADS)
    assert_resource_like(
        s,
        "kubernetes_network_policy_v1",
        {
            "metadata": {"name": "default-deny", "namespace": "desk-momentum"},
            "spec": {"policy_types": ["Ingress", "Egress"]},
        },
    )
    assert_resource_like(s, "kubernetes_resource_quota_v1", {"metadata": {"namespace": "desk-stat-arb"}})
    sa = assert_resource_like(
        s, "kubernetes_service_account_v1", {"metadata": {"namespace": "desk-momentum"}}
    )
    arn = sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
    desk = stack(synth_out, "alpha-aws-eks-desk-momentum")
    role = assert_resource_like(desk, "aws_iam_role", {"name": arn.rsplit("/", 1)[1]})
    assert "system:serviceaccount:desk-momentum:desk-runner" in role["assume_role_policy"]


def test_failover_region_serving_path(synth_out):
    s = stack(synth_out, "alpha-aws-eks-failover")
    assert one(s, "aws_eks_cluster")["region"] == "ap-northeast-3"
    assert one(s, "aws_lb")["region"] == "ap-northeast-3"
    groups = [g["node_group_name"] for g in resources(s, "aws_eks_node_group").values()]
    assert groups == ["system"]
