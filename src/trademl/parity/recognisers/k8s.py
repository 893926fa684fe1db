"""In-cluster evidence (helm releases and Kubernetes objects), the same on EKS, AKS and GKE."""

from __future__ import annotations

import re
from collections.abc import Mapping

from trademl.parity.evidence import Ctx, Evidence, Proof, number, text_of
from trademl.parity.graph import Resource, TargetIndex

MANIFESTS = ("kubernetes_manifest",)


def releases(index: TargetIndex, chart: str) -> list[Resource]:
    """helm_release resources of a chart (pinned versions only: an unpinned chart is not evidence)."""
    return [r for r in index.of_type("helm_release") if chart in str(r.first("chart")) and r.first("version")]


def manifests(index: TargetIndex, kind: str) -> list[Resource]:
    return [r for r in index.of_type(*MANIFESTS) if r.first("manifest.kind") == kind]


def canary(ctx: Ctx) -> Evidence:
    """KServe canaryTrafficPercent or an Argo Rollout with canary steps (in a manifest or chart values)."""
    proof = Proof()
    for svc in manifests(ctx.index, "InferenceService"):
        pct = number(svc.first("manifest.spec.predictor.canaryTrafficPercent"))
        if pct is not None:
            proof.add(svc)
            return proof.ok(canary_percent=pct, via="KServe")
    for ro in manifests(ctx.index, "Rollout"):
        weights = [number(w) for w in ro.get("manifest.spec.strategy.canary.steps.setWeight")]
        if weights:
            proof.add(ro)
            return proof.ok(canary_percent=weights[0], via="Argo Rollouts")
    for rel in ctx.index.of_type("helm_release"):
        m = re.search(r"canaryTrafficPercent:\s*(\d+)", text_of(rel))
        if m:
            proof.add(rel)
            return proof.ok(canary_percent=int(m.group(1)), via="chart values")
    return proof.fail("no InferenceService with canaryTrafficPercent or Rollout with canary steps")


def autoscaling(ctx: Ctx) -> Evidence:
    proof = Proof()
    for hpa in ctx.index.of_type(
        "kubernetes_horizontal_pod_autoscaler_v2", "kubernetes_horizontal_pod_autoscaler"
    ):
        proof.add(hpa)
        return proof.ok(
            min_replicas=number(hpa.first("spec.min_replicas")),
            max_replicas=number(hpa.first("spec.max_replicas")),
            via="HPA",
        )
    for svc in manifests(ctx.index, "InferenceService"):
        top = number(svc.first("manifest.spec.predictor.maxReplicas"))
        if top:
            proof.add(svc)
            return proof.ok(
                min_replicas=number(svc.first("manifest.spec.predictor.minReplicas")),
                max_replicas=top,
                via="KServe autoscaler",
            )
    return proof.fail("no HorizontalPodAutoscaler or InferenceService with maxReplicas")


def prometheus_grafana(ctx: Ctx) -> Evidence:
    proof = Proof()
    stack = releases(ctx.index, "kube-prometheus-stack")
    if not stack:
        return proof.fail("no pinned helm_release of kube-prometheus-stack")
    if re.search(r"grafana:\s*\n\s*enabled:\s*false", text_of(stack[0])):
        return proof.fail(f"{stack[0].address}: Grafana disabled")
    proof.add(stack)
    return proof.ok(chart_version=str(stack[0].first("version")), via="kube-prometheus-stack")


def cron_jobs(index: TargetIndex) -> list[Resource]:
    jobs = index.of_type("kubernetes_cron_job_v1", "kubernetes_cron_job")
    return jobs + manifests(index, "CronWorkflow")


def containers_images(res: Resource) -> list[str]:
    """Image strings anywhere in a workload (deployment spec, manifest or chart values)."""
    return re.findall(r"[\w.\-]+(?::\d+)?/[\w./\-]+(?::[\w.\-]+|@sha256:[0-9a-f]{64})", text_of(res))


def serving_workloads(index: TargetIndex) -> list[Resource]:
    out = manifests(index, "InferenceService") + manifests(index, "Rollout")
    out += index.of_type("kubernetes_deployment_v1", "kubernetes_deployment")
    return out


def service_account_annotation(index: TargetIndex, key: str) -> list[tuple[Resource, str]]:
    out: list[tuple[Resource, str]] = []
    for sa in index.of_type("kubernetes_service_account_v1", "kubernetes_service_account"):
        for ann in sa.get("metadata.annotations"):
            if isinstance(ann, Mapping) and isinstance(ann.get(key), str):
                out.append((sa, str(ann[key])))
    return out
