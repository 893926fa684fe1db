"""Where aws-eks and aws-ecs differ: compute, serving and metrics. Shared AWS evidence lives in aws.py."""

from __future__ import annotations

import json
import re

import yaml

from trademl.parity.evidence import Ctx, Evidence, Proof, Recogniser, number, text_of
from trademl.parity.graph import Resource, TargetIndex
from trademl.parity.recognisers import k8s
from trademl.parity.recognisers.aws import SHARED, json_field, workload_identity_task_roles
from trademl.parity.recognisers.aws_iam import allows, trusts

_PULL = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
_GPU_AMI = re.compile(r"NVIDIA|GPU", re.I)
_GPU_TYPE = re.compile(r"^(g\d|p\d)", re.I)


def _ecr_source(index: TargetIndex, holder: Resource, image: str) -> list[Resource]:
    """The ECR repository or pull-through cache rule an image string comes from."""
    found = [r for r in index.resolve_text(holder.stack, image) if r.type == "aws_ecr_repository"]
    if found or ".dkr.ecr." not in image:
        return found
    path = image.split("/", 1)[-1]
    for rule in index.of_type("aws_ecr_pull_through_cache_rule"):
        if path.startswith(str(rule.first("ecr_repository_prefix")) + "/"):
            return [rule]
    return [r for r in index.of_type("aws_ecr_repository") if path.startswith(str(r.first("name")))]


def monitoring_managed(ctx: Ctx) -> Evidence:
    proof = Proof()
    amp = ctx.index.of_type("aws_prometheus_workspace")
    amg = ctx.index.of_type("aws_grafana_workspace")
    if amp and amg:
        proof.add(amp, amg)
        return proof.ok(via="Amazon Managed Prometheus + Grafana")
    return proof.fail("no aws_prometheus_workspace + aws_grafana_workspace")


# -- aws-eks ---------------------------------------------------------------------------------------------
def _taint_keys(pool: Resource) -> frozenset[str]:
    return frozenset(str(k) for k in pool.get("taint.key"))


def eks_spot(ctx: Ctx) -> Evidence:
    """A SPOT and an ON_DEMAND node group with the same taints (or a Karpenter NodePool allowing both)."""
    index, proof = ctx.index, Proof()
    groups = index.of_type("aws_eks_node_group")
    spot = [g for g in groups if g.first("capacity_type") == "SPOT"]
    for s in spot:
        fallback = [
            g
            for g in groups
            if g.first("capacity_type") in (None, "ON_DEMAND") and _taint_keys(g) == _taint_keys(s)
        ]
        if fallback:
            s_max = number(s.first("scaling_config.max_size")) or 0
            o_max = sum(number(g.first("scaling_config.max_size")) or 0 for g in fallback)
            proof.add(s, fallback)
            share = round(s_max / (s_max + o_max), 2) if s_max + o_max else None
            return proof.ok(spot_share=share, instance_types=len(s.get("instance_types")), via="node groups")
    for pool in k8s.manifests(index, "NodePool"):
        types = {
            str(v)
            for req in pool.get("manifest.spec.template.spec.requirements")
            if isinstance(req, dict) and req.get("key") == "karpenter.sh/capacity-type"
            for v in req.get("values", [])
        }
        if {"spot", "on-demand"} <= types:
            proof.add(pool)
            return proof.ok(spot_share=None, capacity_types="spot+on-demand", via="Karpenter NodePool")
    if not spot:
        return proof.fail(
            "no aws_eks_node_group with capacity_type SPOT (or Karpenter NodePool allowing spot)"
        )
    return proof.fail(f"{spot[0].address}: no ON_DEMAND node group with the same taints to fall back to")


def eks_identity(ctx: Ctx) -> Evidence:
    """IRSA: OIDC provider -> role trusting it -> service account annotated with that role (or Pod Identity)."""
    index, proof = ctx.index, Proof()
    for assoc in index.of_type("aws_eks_pod_identity_association"):
        roles = index.targets(assoc, "aws_iam_role", where="role_arn")
        if roles and trusts(index, roles[0], "pods.eks.amazonaws.com"):
            proof.add(assoc, roles)
    for oidc in index.of_type("aws_iam_openid_connect_provider"):
        roles = [r for r in index.referrers(oidc, "aws_iam_role", where="assume_role_policy")]
        for sa, arn in k8s.service_account_annotation(index, "eks.amazonaws.com/role-arn"):
            bound = [r for r in roles if index.mentions(sa.stack, arn, r)]
            if bound:
                proof.add(oidc, bound, sa)
    if not proof.resources:
        return proof.fail(
            "no service account bound to an IAM role through the cluster's OIDC provider "
            "(or aws_eks_pod_identity_association)"
        )
    return proof.ok(
        bound_identities=sum(1 for a in proof.resources if "service_account" in a or "pod_identity" in a)
    )


def chart_objects(index: TargetIndex, *kinds: str) -> list[tuple[Resource, dict[str, object]]]:
    """Kubernetes objects a helm_release applies verbatim from its values (`objects: {key: object}`, the
    raw-object chart the EKS workloads layer uses because kubernetes_manifest needs the CRDs at plan time).
    They are as much part of the output as a kubernetes_manifest (correction: the shared k8s recognisers
    read only kubernetes_manifest and missed them)."""
    out: list[tuple[Resource, dict[str, object]]] = []
    for rel in index.of_type("helm_release"):
        for text in rel.get("values"):
            try:
                doc = yaml.safe_load(text) if isinstance(text, str) else None
            except yaml.YAMLError:
                continue
            objects = doc.get("objects") if isinstance(doc, dict) else None
            for obj in objects.values() if isinstance(objects, dict) else []:
                if isinstance(obj, dict) and obj.get("apiVersion") and obj.get("kind") in kinds:
                    out.append((rel, obj))
    return out


def _dig(node: object, *path: str) -> object:
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _images(node: object) -> list[str]:
    """Every `image:` string inside an object (containers, init containers, predictor runtimes)."""
    if isinstance(node, dict):
        own = [str(v) for k, v in node.items() if k == "image" and isinstance(v, str)]
        return own + [i for v in node.values() for i in _images(v)]
    if isinstance(node, list):
        return [i for v in node for i in _images(v)]
    return []


def eks_autoscaling(ctx: Ctx) -> Evidence:
    """HPA or InferenceService min/maxReplicas, as kubernetes resources or as chart-applied objects."""
    found = k8s.autoscaling(ctx)
    if found.found:
        return found
    proof = Proof()
    for rel, obj in chart_objects(ctx.index, "InferenceService", "HorizontalPodAutoscaler"):
        top = number(_dig(obj, "spec", "predictor", "maxReplicas") or _dig(obj, "spec", "maxReplicas"))
        low = number(_dig(obj, "spec", "predictor", "minReplicas") or _dig(obj, "spec", "minReplicas"))
        if top and (low or 0) < top:
            proof.add(rel)
            return proof.ok(min_replicas=low, max_replicas=top, via=f"{obj['kind']} (chart objects)")
    return found


def eks_pull(ctx: Ctx) -> Evidence:
    """Serving workload image -> ECR repository / pull-through cache, and the node role may pull it."""
    index, proof = ctx.index, Proof()
    node_roles = [
        r
        for g in index.of_type("aws_eks_node_group")
        for r in index.targets(g, "aws_iam_role", where="node_role_arn")
    ]
    candidates: list[tuple[Resource, list[str]]] = [
        (wl, k8s.containers_images(wl) + [s for s in [text_of(wl)] if "${aws_ecr_repository." in s])
        for wl in k8s.serving_workloads(index)
    ]
    candidates += [(rel, _images(obj)) for rel, obj in chart_objects(index, "InferenceService", "Rollout")]
    for wl, images in candidates:
        for image in images:
            sources = _ecr_source(index, wl, image)
            if not sources:
                continue
            repo = sources[0] if sources[0].type == "aws_ecr_repository" else None
            grants = [g for role in node_roles for g in allows(index, role, _PULL, repo)]
            if not grants:
                return proof.fail(f"{wl.address}: pulls from {sources[0].address} but no node role may pull")
            proof.add(wl, sources, node_roles, grants)
            return proof.ok(image=image[:120])
    return proof.fail("no serving workload whose image comes from an ECR repository or pull-through cache")


def eks_gpu(ctx: Ctx) -> Evidence:
    proof = Proof()
    gpu = [
        g
        for g in ctx.index.of_type("aws_eks_node_group")
        if _GPU_AMI.search(str(g.first("ami_type")))
        or any(_GPU_TYPE.match(str(t)) for t in g.get("instance_types"))
    ]
    plugin = k8s.releases(ctx.index, "nvidia-device-plugin")
    if not gpu or not plugin:
        return proof.fail("no GPU node group with the NVIDIA device plugin")
    proof.add(gpu, plugin)
    return proof.ok(gpu_pools=len(gpu))


def eks_metrics(ctx: Ctx) -> Evidence:
    found = k8s.prometheus_grafana(ctx)
    return found if found.found else monitoring_managed(ctx)


AWS_EKS: dict[str, Recogniser] = {
    **SHARED,
    "spot-training": eks_spot,
    "canary-serving": k8s.canary,
    "autoscaled-serving": eks_autoscaling,
    "gpu-inference": eks_gpu,
    "serving-pulls-registry": eks_pull,
    "metrics-dashboards": eks_metrics,
    "workload-identity": eks_identity,
}


# -- aws-ecs ---------------------------------------------------------------------------------------------
def _steps(steps: object) -> list[dict[str, object]]:
    """Every step, including those a Condition step runs in its If/Else branches: SageMaker executes
    them like top-level steps, so a training step there is as real as one at the top (correction: the
    recogniser used to read only the top level and missed branch-selected spot/on-demand steps)."""
    out: list[dict[str, object]] = []
    for step in steps if isinstance(steps, list) else []:
        if not isinstance(step, dict):
            continue
        out.append(step)
        args = step.get("Arguments")
        if step.get("Type") == "Condition" and isinstance(args, dict):
            out.extend(_steps(args.get("IfSteps")) + _steps(args.get("ElseSteps")))
    return out


def _training_steps(pipe: Resource) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for doc in json_field(pipe, "pipeline_definition"):
        if isinstance(doc, dict):
            out.extend(s for s in _steps(doc.get("Steps")) if s.get("Type") == "Training")
    return out


def ecs_spot(ctx: Ctx) -> Evidence:
    """SageMaker pipeline training steps: managed spot + checkpoints + MaxWait, and a fallback."""
    proof = Proof()
    for pipe in ctx.index.of_type("aws_sagemaker_pipeline"):
        steps = _training_steps(pipe)
        spot = [s for s in steps if json.dumps(s).find('"EnableManagedSpotTraining": true') >= 0]
        if not spot:
            continue
        args = json.dumps(spot[0])
        if "CheckpointConfig" not in args or "MaxWaitTimeInSeconds" not in args:
            return proof.fail(
                f"{pipe.address}: spot training without CheckpointConfig and MaxWaitTimeInSeconds"
            )
        on_demand = [s for s in steps if s not in spot]
        retry = "SageMaker.CAPACITY_ERROR" in json.dumps(steps)
        if not on_demand and not retry:
            return proof.fail(f"{pipe.address}: no on-demand step or CAPACITY_ERROR retry to fall back to")
        proof.add(pipe)
        return proof.ok(
            spot_share=round(len(spot) / len(steps), 2), capacity_retry=retry, via="SageMaker managed spot"
        )
    return proof.fail("no aws_sagemaker_pipeline with a managed-spot training step")


def ecs_serving(index: TargetIndex) -> list[Resource]:
    return index.of_type("aws_ecs_service")


def ecs_canary(ctx: Ctx) -> Evidence:
    index, proof = ctx.index, Proof()
    for svc in ecs_serving(index):
        strategy = svc.first("deployment_configuration.strategy")
        if strategy in ("CANARY", "LINEAR"):
            proof.add(svc)
            pct = number(svc.first("deployment_configuration.canary_configuration.canary_percent"))
            return proof.ok(canary_percent=pct, via=f"ECS native {strategy}")
    for cfg in index.of_type("aws_codedeploy_deployment_config"):
        if "Canary" in str(cfg.first("traffic_routing_config.type")):
            groups = index.referrers(cfg, "aws_codedeploy_deployment_group")
            if groups:
                proof.add(cfg, groups)
                pct = number(cfg.first("traffic_routing_config.time_based_canary.percentage"))
                return proof.ok(canary_percent=pct, via="CodeDeploy canary")
    for lst in index.of_type("aws_lb_listener", "aws_lb_listener_rule"):
        weights = [
            number(w)
            for w in lst.get("default_action.forward.target_group.weight")
            + lst.get("action.forward.target_group.weight")
        ]
        if len(weights) >= 2 and all(w is not None for w in weights):
            proof.add(lst)
            small = min(w for w in weights if w is not None)
            return proof.ok(canary_percent=small, via="weighted ALB forward")
    return proof.fail("no ECS canary deployment, CodeDeploy canary config or weighted ALB forward")


def ecs_blue_green(ctx: Ctx) -> Evidence:
    proof = Proof()
    for svc in ecs_serving(ctx.index):
        if (
            svc.first("deployment_configuration.strategy") == "BLUE_GREEN"
            or svc.first("deployment_controller.type") == "CODE_DEPLOY"
        ):
            proof.add(svc)
            return proof.ok()
    return proof.fail("no aws_ecs_service with a blue/green deployment")


def ecs_autoscaling(ctx: Ctx) -> Evidence:
    index, proof = ctx.index, Proof()
    for tgt in index.of_type("aws_appautoscaling_target"):
        if tgt.first("service_namespace") != "ecs":
            continue
        policies = [
            p
            for p in index.referrers(tgt, "aws_appautoscaling_policy")
            if p.first("policy_type") == "TargetTrackingScaling"
        ]
        if policies:
            proof.add(tgt, policies)
            return proof.ok(
                min_replicas=number(tgt.first("min_capacity")),
                max_replicas=number(tgt.first("max_capacity")),
                via="target tracking",
            )
    return proof.fail("no ECS aws_appautoscaling_target with a TargetTrackingScaling policy")


def ecs_pull(ctx: Ctx) -> Evidence:
    """Task definition image -> ECR repository / pull-through cache; the execution role may pull."""
    index, proof = ctx.index, Proof()
    for td in index.of_type("aws_ecs_task_definition"):
        for container in json_field(td, "container_definitions"):
            image = str(container.get("image", "")) if isinstance(container, dict) else ""
            sources = _ecr_source(index, td, image)
            if not sources:
                continue
            roles = index.targets(td, "aws_iam_role", where="execution_role_arn")
            grants = [
                g
                for r in roles
                for g in allows(
                    index, r, _PULL, sources[0] if sources[0].type == "aws_ecr_repository" else None
                )
            ]
            if not grants:
                return proof.fail(f"{td.address}: its execution role may not pull from {sources[0].address}")
            proof.add(td, sources, roles, grants)
            return proof.ok(image=image[:120])
    return proof.fail("no task definition whose image comes from an ECR repository or pull-through cache")


def ecs_identity(ctx: Ctx) -> Evidence:
    proof = Proof()
    roles = workload_identity_task_roles(ctx)
    if not roles:
        return proof.fail("no task definition with a task role trusted by ecs-tasks.amazonaws.com")
    proof.add(roles)
    return proof.ok(task_roles=len(roles))


def ecs_gpu(ctx: Ctx) -> Evidence:
    proof = Proof()
    tds = [
        td
        for td in ctx.index.of_type("aws_ecs_task_definition")
        if '"GPU"' in str(td.first("container_definitions"))
    ]
    cps = ctx.index.of_type("aws_ecs_capacity_provider")
    if not tds or not cps:
        return proof.fail("no GPU task definition on an EC2 capacity provider")
    proof.add(tds, cps)
    return proof.ok(gpu_tasks=len(tds))


def ecs_metrics(ctx: Ctx) -> Evidence:
    managed = monitoring_managed(ctx)
    insights = [
        c
        for c in ctx.index.of_type("aws_ecs_cluster")
        if any(
            s.get("name") == "containerInsights" and s.get("value") in ("enabled", "enhanced")
            for s in c.get("setting")
            if isinstance(s, dict)
        )
    ]
    if not managed.found:
        return managed
    if not insights:
        return Proof().fail("no aws_ecs_cluster with containerInsights enabled")
    return Evidence(
        True,
        managed.resources + tuple(c.address for c in insights),
        {**managed.facts, "container_insights": True},
    )


AWS_ECS: dict[str, Recogniser] = {
    **SHARED,
    "spot-training": ecs_spot,
    "canary-serving": ecs_canary,
    "blue-green-serving": ecs_blue_green,
    "autoscaled-serving": ecs_autoscaling,
    "gpu-inference": ecs_gpu,
    "serving-pulls-registry": ecs_pull,
    "metrics-dashboards": ecs_metrics,
    "workload-identity": ecs_identity,
}
