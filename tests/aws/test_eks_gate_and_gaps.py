"""aws-eks pieces added for the security gate (access logs, approval rule) and the predecessor's gaps
(cluster autoscaler, the in-cluster consumer of the retraining queue)."""

from __future__ import annotations

import json

import pytest
import yaml

from tfjson import assert_resource_like, one, resources, stack

pytestmark = pytest.mark.slow
FOUNDATION, PLATFORM = "alpha-aws-eks-foundation", "alpha-aws-eks-platform"
WORKLOADS, FAILOVER = "alpha-aws-eks-workloads", "alpha-aws-eks-failover"


def _policy_of(s, bucket_fragment):
    body = next(p for k, p in resources(s, "aws_s3_bucket_policy").items() if bucket_fragment in k)
    return {st["Sid"]: st for st in json.loads(body["policy"])["Statement"]}


def _values(s, key):
    body = next(r for k, r in resources(s, "helm_release").items() if f"Helm-{key}_" in k)
    return body, yaml.safe_load(body["values"][0])


def test_access_log_bucket_admits_s3_and_elb_delivery_only(synth_out):
    s = stack(synth_out, FOUNDATION)
    sids = _policy_of(s, "Foundation_AccessLogs")
    assert sids["S3ServerAccessLogs"]["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert sids["S3ServerAccessLogs"]["Condition"]["StringEquals"]["aws:SourceAccount"] == "111111111111"
    assert "data.aws_elb_service_account" in sids["ElbAccessLogsRegionalAccount"]["Principal"]["AWS"]
    assert sids["ElbAccessLogsService"]["Resource"].endswith("/elb/AWSLogs/111111111111/*")
    assert "DenyInsecureTransport" in sids


def test_serving_alb_writes_access_logs_in_its_region(synth_out):
    primary = one(stack(synth_out, PLATFORM), "aws_lb")
    assert primary["access_logs"]["enabled"] is True and primary["access_logs"]["prefix"] == "elb"
    failover = stack(synth_out, FAILOVER)
    secondary = one(failover, "aws_lb")
    assert secondary["access_logs"]["bucket"] == "alpha-prod-access-logs-secondary-111111111111"
    assert any("AccessLogs_TlsOnly" in d for d in secondary["depends_on"])
    assert_resource_like(
        failover,
        "aws_s3_bucket",
        {"bucket": "alpha-prod-access-logs-secondary-111111111111", "region": "ap-northeast-3"},
    )


def test_models_replica_is_access_logged_in_the_failover_region(synth_out):
    s = stack(synth_out, FAILOVER)
    logging = assert_resource_like(s, "aws_s3_bucket_logging", {"region": "ap-northeast-3"})
    assert "ModelsReplica" in logging["bucket"]
    assert logging["target_bucket"] == "alpha-prod-access-logs-secondary-111111111111"


def test_codecommit_main_needs_one_approval(synth_out):
    s = stack(synth_out, PLATFORM)
    template = one(s, "aws_codecommit_approval_rule_template")
    content = json.loads(template["content"])
    assert content["DestinationReferences"] == ["refs/heads/main"]
    assert content["Statements"] == [{"NumberOfApprovalsNeeded": 1, "Type": "Approvers"}]
    assoc = one(s, "aws_codecommit_approval_rule_template_association")
    assert "Development_Repository" in assoc["repository_name"]


def test_cluster_autoscaler_pinned_with_scoped_irsa(synth_out):
    body, values = _values(stack(synth_out, WORKLOADS), "cluster-autoscaler")
    assert body["version"] == "9.46.6" and body["namespace"] == "kube-system"
    assert values["autoDiscovery"]["clusterName"] and values["awsRegion"] == "ap-northeast-1"
    assert values["rbac"]["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"].endswith(
        "irsa-cluster-autoscaler"
    )
    policies = [json.dumps(p) for p in resources(stack(synth_out, PLATFORM), "aws_iam_role_policy").values()]
    scaler = next(p for p in policies if "SetDesiredCapacity" in p)
    assert "aws:ResourceTag/k8s.io/cluster-autoscaler/" in scaler and "owned" in scaler
    assert "ec2:RunInstances" not in scaler and "autoscaling:*" not in scaler


def test_gpu_groups_scale_from_zero_with_template_hints(synth_out):
    groups = {
        g["node_group_name"]: g for g in resources(stack(synth_out, PLATFORM), "aws_eks_node_group").values()
    }
    for name in ("gpu-spot", "gpu-on-demand"):
        assert groups[name]["scaling_config"]["min_size"] == 0
        assert (
            groups[name]["tags"]["k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu"]
            == "true:NoSchedule"
        )


def test_retraining_queue_consumed_by_argo_events(synth_out):
    s = stack(synth_out, WORKLOADS)
    body, values = _values(s, "argo-events")
    assert body["version"] == "2.4.9" and body["namespace"] == "retraining"
    assert values["controller"]["rbac"] == {"namespaced": True, "managedNamespace": "retraining"}
    _, objects = _values(s, "objects")
    objects = objects["objects"]
    source = objects["eventsource-retraining"]["spec"]
    assert source["template"]["serviceAccountName"] == "retraining-dispatcher"
    assert "Retraining_Queue" in source["sqs"]["requests"]["queue"]
    trigger = objects["sensor-retraining"]["spec"]["triggers"][0]["template"]["argoWorkflow"]
    assert trigger["operation"] == "submit"
    assert trigger["source"]["resource"]["spec"]["workflowTemplateRef"] == {"name": "retrain"}
    assert {p["src"]["dataKey"] for p in trigger["parameters"]} == {"body.desk", "body.trigger"}
    rules = objects["role-retraining-sensor"]["rules"]
    assert rules[0] == {"apiGroups": ["argoproj.io"], "resources": ["workflows"], "verbs": ["create", "get"]}
