"""Google Cloud recognisers (google 8.x), read from the synthesized JSON.

Where no Terraform resource exists (deploying a model, pipeline runs), the evidence is the declarative input
a runtime step consumes (Scheduler body, Workflow source, function config), as REFERENCES.md prescribes.
"""

from __future__ import annotations

import base64
import contextlib
import re

from trademl.parity.evidence import (
    Ctx,
    Evidence,
    Proof,
    Recogniser,
    number,
    reaches_secret,
    sensitive_variable,
    text_of,
    truthy,
)
from trademl.parity.graph import Resource, TargetIndex
from trademl.parity.recognisers import k8s

_DRIFT = re.compile(r"accuracy|drift|quality|skew", re.I)
_REGIONAL = re.compile(r"^[a-z]+-[a-z]+\d$")
_START_ROLES = (
    "roles/aiplatform.user",
    "roles/workflows.invoker",
    "roles/run.invoker",
    "roles/cloudfunctions.invoker",
    "roles/aiplatform.admin",
)


def iam_members(index: TargetIndex, sa: Resource, roles: tuple[str, ...]) -> list[Resource]:
    """IAM member/binding resources granting one of roles to a service account (by reference or email)."""
    out = []
    for res in index.resources.values():
        if res.data or not res.type.endswith(("_iam_member", "_iam_binding")):
            continue
        if str(res.first("role")) in roles and (
            index.points_to(res, sa, where="member") or index.points_to(res, sa, where="members")
        ):
            out.append(res)
    return out


def _sink_bucket(index: TargetIndex, sink: Resource) -> list[Resource]:
    """The bucket a sink writes to. Correction: a destination naming the bucket literally
    (`storage.googleapis.com/<name>`, as for adopted buckets) proves the link as much as a token does."""
    found = index.targets(sink, "google_storage_bucket", where="destination")
    dest = str(sink.first("destination") or "")
    literal = [
        b
        for b in index.of_type("google_storage_bucket")
        if b not in found and dest == f"storage.googleapis.com/{b.first('name')}"
    ]
    return found + literal


def _locked(ctx: Ctx, bucket: Resource) -> str:
    seconds = number(bucket.first("retention_policy.retention_period"))
    if seconds is None:
        return f"{bucket.address}: no retention policy"
    if seconds < ctx.profile.security.audit.retention_years * 365 * 86400:
        return (
            f"{bucket.address}: retention {seconds / 86400 / 365:.1f} years < security.audit.retention_years"
        )
    if ctx.profile.audit_lock_locked and not truthy(bucket.first("retention_policy.is_locked")):
        return f"{bucket.address}: retention policy not locked, profile asks compliance"
    return ""


def _lock_facts(bucket: Resource) -> dict[str, str | int | float | bool | None]:
    seconds = number(bucket.first("retention_policy.retention_period")) or 0
    return {
        "lock_mode": "locked" if truthy(bucket.first("retention_policy.is_locked")) else "unlocked",
        "retention_years": round(seconds / 86400 / 365, 1),
    }


def _archive(ctx: Ctx, audit: bool) -> Evidence:
    """log sink (filter) -> locked bucket, and the sink's writer identity may create objects there."""
    index, proof, why = ctx.index, Proof(), ""
    for sink in index.of_type(
        "google_logging_project_sink", "google_logging_folder_sink", "google_logging_organization_sink"
    ):
        flt = str(sink.first("filter") or "")
        if audit != ("cloudaudit.googleapis.com" in flt):
            continue
        for bucket in _sink_bucket(index, sink):
            bad = _locked(ctx, bucket)
            writer = [
                m
                for m in index.of_type("google_storage_bucket_iam_member")
                if index.points_to(m, bucket, where="bucket") and index.points_to(m, sink, where="member")
            ]
            if bad or not writer:
                why = why or bad or f"{sink.address}: its writer identity may not write {bucket.address}"
                continue
            proof.add(sink, bucket, writer)
            extra = index.of_type("google_project_iam_audit_config") if audit else []
            if audit and not extra:
                return proof.fail("no google_project_iam_audit_config (data access audit logs)")
            proof.add(extra)
            return proof.ok(**_lock_facts(bucket))
    kind = "audit-log (cloudaudit.googleapis.com)" if audit else "workload-log"
    return proof.fail(why or f"no {kind} sink into a storage bucket")


def artifact_store(ctx: Ctx) -> Evidence:
    index, proof, stores = ctx.index, Proof(), 0
    log_sinks = {str(v) for b in index.of_type("google_storage_bucket") for v in b.get("logging.log_bucket")}
    for bucket in index.of_type("google_storage_bucket"):
        if (
            bucket.first("retention_policy.retention_period")
            or any(i in log_sinks for i in [str(bucket.first("name"))])
            or any(bucket in index.resolve_text(bucket.stack, s) for s in log_sinks)
        ):
            continue
        if not truthy(bucket.first("versioning.enabled")):
            return proof.fail(f"{bucket.address}: versioning off")
        keys = index.targets(bucket, "google_kms_crypto_key", where="encryption.default_kms_key_name")
        if not keys and not bucket.first("encryption.default_kms_key_name"):
            return proof.fail(f"{bucket.address}: no CMEK default key")
        stores += 1
        proof.add(bucket, keys)
    want = len(ctx.profile.experiment.artifact_stores)
    if stores < want:
        return proof.fail(f"{stores} versioned CMEK buckets, experiment.artifact_stores asks {want}")
    return proof.ok(stores=stores)


def container_registry(ctx: Ctx) -> Evidence:
    proof = Proof()
    repos = [
        r
        for r in ctx.index.of_type("google_artifact_registry_repository")
        if r.first("format") == "DOCKER" and r.first("kms_key_name")
    ]
    if not repos:
        return proof.fail("no DOCKER google_artifact_registry_repository with a CMEK key")
    scanning = [
        s
        for s in ctx.index.of_type("google_project_service")
        if "containerscanning" in str(s.first("service")) or "ondemandscanning" in str(s.first("service"))
    ]
    proof.add(repos, scanning)
    return proof.ok(repositories=len(repos), scanning=bool(scanning))


def _private_cmek_run(res: Resource) -> bool:
    """A Cloud Run service only the VPC reaches, encrypted with a customer key (other kinds pass through)."""
    if res.type != "google_cloud_run_v2_service":
        return True
    return res.first("ingress") != "INGRESS_TRAFFIC_ALL" and bool(res.first("template.encryption_key"))


def tracking(ctx: Ctx) -> Evidence:
    proof = Proof()
    found = [
        r
        for r in ctx.index.of_type("helm_release", "google_cloud_run_v2_service", "kubernetes_deployment_v1")
        if "mlflow" in text_of(r).lower() and _private_cmek_run(r)
    ]
    if found:
        proof.add(found)
        return proof.ok(mlflow="self-hosted")
    return proof.fail(
        "no MLflow server (helm release or Cloud Run service); Vertex Experiments is not MLflow"
    )


def registry(ctx: Ctx) -> Evidence:
    proof = Proof()
    stores = ctx.index.of_type("google_vertex_ai_metadata_store", "google_vertex_ai_endpoint")
    if not stores:
        return proof.fail("no Vertex AI metadata store or endpoint (the model registry has no resource)")
    proof.add(stores)
    return proof.ok(registry="Vertex AI Model Registry")


def _taints(pool: Resource) -> frozenset[str]:
    return frozenset(str(k) for k in pool.get("node_config.taint.key"))


def spot(ctx: Ctx) -> Evidence:
    index, proof = ctx.index, Proof()
    pools = index.of_type("google_container_node_pool")
    spot_pools = [
        p for p in pools if truthy(p.first("node_config.spot")) or truthy(p.first("node_config.preemptible"))
    ]
    for sp in spot_pools:
        fallback = [p for p in pools if p not in spot_pools and _taints(p) == _taints(sp)]
        if fallback:

            def top(p: Resource) -> float:
                return (
                    number(p.first("autoscaling.total_max_node_count"))
                    or number(p.first("autoscaling.max_node_count"))
                    or 0
                )

            s, o = top(sp), sum(top(p) for p in fallback)
            proof.add(sp, fallback)
            return proof.ok(
                spot_share=round(s / (s + o), 2) if s + o else None, via="GKE Spot + on-demand pools"
            )
    for wf in index.of_type("google_workflows_workflow", "google_cloud_scheduler_job"):
        text = _decoded(wf)
        if "SPOT" in text and re.search(r"STANDARD|ON_DEMAND|FLEX_START", text):
            proof.add(wf)
            return proof.ok(spot_share=None, via="Vertex custom job scheduling strategy")
    return proof.fail("no Spot GKE node pool with an on-demand twin (or Vertex SPOT job with a fallback)")


def _decoded(res: Resource) -> str:
    """Resource text plus the Scheduler's base64 body decoded."""
    text = text_of(res)
    for body in res.get("http_target.body"):
        with contextlib.suppress(ValueError):
            text += "\n" + base64.b64decode(str(body)).decode("utf-8", "replace")
    return text


def scheduled(ctx: Ctx) -> Evidence:
    """Cloud Scheduler -> pipelineJobs API or a Workflow, with an OAuth identity allowed to start it."""
    index, proof, count, why = ctx.index, Proof(), 0, ""
    for job in index.of_type("google_cloud_scheduler_job"):
        uri = str(job.first("http_target.uri") or "")
        flows = index.targets(job, "google_workflows_workflow", where="http_target")
        if "pipelineJobs" not in uri and not flows:
            continue
        sas = index.targets(job, "google_service_account", where="http_target")
        grants = [g for sa in sas for g in iam_members(index, sa, _START_ROLES)]
        if not grants:
            why = why or f"{job.address}: its OAuth identity may not start the pipeline"
            continue
        count += 1
        proof.add(job, flows, sas, grants)
    why = why or "no google_cloud_scheduler_job targets pipelineJobs or a Workflow"
    return proof.schedules(count, len(ctx.profile.training.schedules), why)


def drift(ctx: Ctx) -> Evidence:
    """drift alert policy -> Pub/Sub channel -> topic -> Eventarc/function -> Workflow/pipeline, identity granted."""
    index, proof, why = ctx.index, Proof(), ""
    policies = [p for p in index.of_type("google_monitoring_alert_policy") if _DRIFT.search(text_of(p))]
    if not policies:
        return proof.fail("no google_monitoring_alert_policy on a drift/quality signal")
    for pol in policies:
        for chan in index.targets(
            pol, "google_monitoring_notification_channel", where="notification_channels"
        ):
            if chan.first("type") != "pubsub":
                continue
            for topic in index.targets(chan, "google_pubsub_topic"):
                triggers = [
                    t
                    for t in index.of_type("google_eventarc_trigger", "google_cloudfunctions2_function")
                    if index.points_to(t, topic)
                ]
                for trig in triggers:
                    sas = index.targets(trig, "google_service_account")
                    grants = [g for sa in sas for g in iam_members(index, sa, _START_ROLES)]
                    if grants:
                        proof.add(pol, chan, topic, trig, sas, grants)
                        return proof.ok(route="alert -> Pub/Sub -> trigger -> pipeline")
                    why = why or f"{trig.address}: its identity may not start the pipeline"
                why = why or f"{topic.address}: no Eventarc trigger or function consumes it"
    return proof.fail(why or "no drift alert notifies a Pub/Sub channel")


def notify(ctx: Ctx, variable: str | None, kinds: tuple[str, ...]) -> Evidence:
    index, proof = ctx.index, Proof()
    if variable is None:
        return proof.fail("no notification variable in the profile")
    policies = index.of_type("google_monitoring_alert_policy")
    if not policies:
        return proof.fail("no google_monitoring_alert_policy")
    for pol in policies:
        for chan in index.targets(
            pol, "google_monitoring_notification_channel", where="notification_channels"
        ):
            if chan.first("type") not in kinds:
                continue
            path = reaches_secret(index, chan, variable, depth=2)
            if path and sensitive_variable(index, path[-1].stack, variable):
                proof.add(pol, *path)
                return proof.ok(channel=str(chan.first("type")), policies=len(policies))
    return proof.fail(f"no alert policy -> {'/'.join(kinds)} channel reaches var.{variable} (sensitive)")


def slack(ctx: Ctx) -> Evidence:
    s = ctx.profile.monitoring.notifications.slack
    return notify(ctx, s.webhook_variable if s else None, ("slack", "webhook_tokenauth", "webhook_basicauth"))


def pagerduty(ctx: Ctx) -> Evidence:
    p = ctx.profile.monitoring.notifications.pagerduty
    return notify(ctx, p.routing_key_variable if p else None, ("pagerduty", "webhook_tokenauth"))


def threats(ctx: Ctx) -> Evidence:
    proof = Proof()
    scc = [r for r in ctx.index.resources.values() if not r.data and r.type.startswith("google_scc_")]
    if not scc:
        return proof.fail("no Security Command Center resource (threat detection findings/notifications)")
    proof.add(scc)
    return proof.ok(scc_resources=len(scc))


def rotation(ctx: Ctx) -> Evidence:
    proof = Proof()
    keys = ctx.index.of_type("google_kms_crypto_key")
    if not keys:
        return proof.fail("no google_kms_crypto_key")
    for key in keys:
        period = str(key.first("rotation_period") or "")
        seconds = number(period.rstrip("s")) if period.endswith("s") else None
        if seconds is None:
            return proof.fail(f"{key.address}: no rotation_period")
        if seconds > ctx.profile.security.key_rotation_days * 86400:
            return proof.fail(
                f"{key.address}: rotates every {seconds / 86400:.0f} days > security.key_rotation_days"
            )
    proof.add(keys)
    return proof.ok(keys=len(keys))


def private(ctx: Ctx) -> Evidence:
    index, proof = ctx.index, Proof()
    nets = [n for n in index.of_type("google_compute_network") if n.first("auto_create_subnetworks") is False]
    if not nets:
        return proof.fail("no custom-mode google_compute_network")
    for sub in index.of_type("google_compute_subnetwork"):
        if not truthy(sub.first("private_ip_google_access")):
            return proof.fail(f"{sub.address}: private Google access off")
    for gke in index.of_type("google_container_cluster"):
        if not truthy(gke.first("private_cluster_config.enable_private_nodes")):
            return proof.fail(f"{gke.address}: nodes are not private")
    perimeters = index.of_type("google_access_context_manager_service_perimeter")
    if not perimeters:
        return proof.fail("no VPC Service Controls perimeter")
    proof.add(nets, perimeters)
    return proof.ok(
        perimeters=len(perimeters),
        dry_run=any(truthy(p.first("use_explicit_dry_run_spec")) for p in perimeters),
    )


def identity(ctx: Ctx) -> Evidence:
    index, proof = ctx.index, Proof()
    clusters = [
        c
        for c in index.of_type("google_container_cluster")
        if c.first("workload_identity_config.workload_pool")
    ]
    if not clusters:
        return proof.fail("no google_container_cluster with a workload identity pool")
    bindings = [
        b
        for b in index.of_type("google_service_account_iam_member")
        if b.first("role") == "roles/iam.workloadIdentityUser" and ".svc.id.goog[" in str(b.first("member"))
    ]
    if not bindings:
        return proof.fail("no roles/iam.workloadIdentityUser binding for a Kubernetes service account")
    proof.add(clusters, bindings)
    return proof.ok(bindings=len(bindings))


def _pool_zones(pool: Resource, cluster: Resource | None) -> int:
    locs = [z for z in pool.get("node_locations") if z]
    if not locs and cluster is not None:
        locs = [z for z in cluster.get("node_locations") if z]
        if not locs and _REGIONAL.match(str(cluster.first("location"))):
            return 3  # a regional cluster spreads each pool over the region's zones (3 by default)
    return len(locs)


def multi_zone(ctx: Ctx) -> Evidence:
    index, proof, counts = ctx.index, Proof(), []
    for pool in index.of_type("google_container_node_pool"):
        clusters = index.targets(pool, "google_container_cluster", where="cluster")
        counts.append(_pool_zones(pool, clusters[0] if clusters else None))
        if not truthy(pool.first("management.auto_repair")):
            return proof.fail(f"{pool.address}: auto-repair off")
        proof.add(pool)
    if not counts:
        return proof.fail("no google_container_node_pool")
    if min(counts) < 2:
        return proof.fail(f"a node pool spans {min(counts)} zone(s)")
    return proof.ok(min_zones_per_pool=min(counts), pools=len(counts))


def failover(ctx: Ctx) -> Evidence:
    index, proof = ctx.index, Proof()
    for rec in index.of_type("google_dns_record_set"):
        if rec.get("routing_policy.primary_backup") and rec.get("routing_policy.health_check") + rec.get(
            "routing_policy.primary_backup.primary.internal_load_balancers"
        ) + rec.get("routing_policy.primary_backup.primary.external_endpoints"):
            soa = [s for s in index.of_type("google_dns_record_set") if s.first("type") == "SOA"]
            checks = index.of_type("google_compute_health_check")
            negative = None
            if soa:
                parts = str(soa[0].first("rrdatas")).split()
                negative = number(parts[-1]) if parts else None
            proof.add(rec, soa, checks)
            return proof.ok(
                health_checks=len(checks), negative_cache_ttl_s=negative, dns_ttl_s=number(rec.first("ttl"))
            )
    return proof.fail("no google_dns_record_set with a health-checked primary_backup routing policy")


_CANARY = re.compile(r"(?i)canary[_a-z]*\W{1,4}(\d{1,2})")
_DEPLOY_ROLES = ("roles/aiplatform.user", "roles/aiplatform.admin")


def _deploy_input(ctx: Ctx) -> Evidence | None:
    """The declarative deploy input (a bucket object with a non-zero canary share) read by a Workflow that
    calls endpoints.deployModel as an identity allowed to deploy: the input is only proof when connected."""
    index, proof = ctx.index, Proof()
    endpoints = index.of_type("google_vertex_ai_endpoint")
    for obj in index.of_type("google_storage_bucket_object"):
        m = _CANARY.search(str(obj.first("content") or ""))
        if not m or not endpoints or int(m.group(1)) == 0:
            continue
        name, bucket = str(obj.first("name")), str(obj.first("bucket"))
        for flow in index.of_type("google_workflows_workflow"):
            src = str(flow.first("source_contents") or "")
            if name not in src or bucket not in src or "deployModel" not in src:
                continue
            sas = index.targets(flow, "google_service_account", where="service_account")
            grants = [g for sa in sas for g in iam_members(index, sa, _DEPLOY_ROLES)]
            if grants:
                proof.add(obj, flow, sas, grants, endpoints)
                return proof.ok(canary_percent=int(m.group(1)), via="Vertex deploy Workflow reads the split")
    return None


def canary(ctx: Ctx) -> Evidence:
    proof = Proof()
    for res in ctx.index.of_type(
        "google_workflows_workflow", "google_cloudfunctions2_function", "google_cloud_scheduler_job"
    ):
        m = _CANARY.search(_decoded(res))
        if m and ctx.index.of_type("google_vertex_ai_endpoint"):
            proof.add(res, ctx.index.of_type("google_vertex_ai_endpoint"))
            return proof.ok(canary_percent=int(m.group(1)), via="Vertex deploy step traffic split")
    return _deploy_input(ctx) or k8s.canary(ctx)


def autoscale(ctx: Ctx) -> Evidence:
    proof = Proof()
    for res in ctx.index.of_type("google_vertex_ai_deployment_resource_pool"):
        top = number(res.first("dedicated_resources.max_replica_count"))
        if top:
            proof.add(res)
            return proof.ok(
                min_replicas=number(res.first("dedicated_resources.min_replica_count")),
                max_replicas=top,
                via="Vertex deployment resource pool",
            )
    return k8s.autoscaling(ctx)


def pulls(ctx: Ctx) -> Evidence:
    """GKE node / workload service account -> artifactregistry.reader on the repository."""
    index, proof = ctx.index, Proof()
    for repo in index.of_type("google_artifact_registry_repository"):
        grants = [
            g
            for g in index.of_type("google_artifact_registry_repository_iam_member")
            if g.first("role") == "roles/artifactregistry.reader" and index.points_to(g, repo)
        ]
        for g in grants:
            sas = index.targets(g, "google_service_account", where="member")
            users = [
                p
                for p in index.of_type(
                    "google_container_node_pool", "google_container_cluster", "google_cloud_run_v2_service"
                )
                if any(index.points_to(p, sa) for sa in sas)
            ]
            if users:
                proof.add(users, repo, g, sas)
                return proof.ok(via="node service account reads the repository")
    return proof.fail("no serving identity granted roles/artifactregistry.reader on a repository")


def metrics(ctx: Ctx) -> Evidence:
    index, proof = ctx.index, Proof()
    managed = [
        c
        for c in index.of_type("google_container_cluster")
        if truthy(c.first("monitoring_config.managed_prometheus.enabled"))
    ]
    dashboards = index.of_type("google_monitoring_dashboard")
    if managed and dashboards:
        proof.add(managed, dashboards)
        return proof.ok(via="Managed Service for Prometheus + Cloud Monitoring dashboards")
    found = k8s.prometheus_grafana(ctx)
    return found if found.found else proof.fail("no managed Prometheus cluster with a dashboard")


def streaming(ctx: Ctx) -> Evidence:
    proof = Proof()
    topics = [t for t in ctx.index.of_type("google_pubsub_topic") if t.first("kms_key_name")]
    # The subscription must read one of those CMEK topics (a sink on any other topic proves nothing).
    subs = [
        s
        for s in ctx.index.of_type("google_pubsub_subscription")
        if (s.get("bigquery_config") or s.get("cloud_storage_config"))
        and any(ctx.index.points_to(s, t, where="topic") for t in topics)
    ]
    if not topics or not subs:
        return proof.fail("no CMEK Pub/Sub topic with a BigQuery/Cloud Storage subscription")
    proof.add(topics, subs)
    return proof.ok(streams=len(subs))


def gpu(ctx: Ctx) -> Evidence:
    proof = Proof()
    pools = [
        p for p in ctx.index.of_type("google_container_node_pool") if p.get("node_config.guest_accelerator")
    ]
    if not pools:
        return proof.fail("no GKE node pool with a guest accelerator")
    proof.add(pools)
    return proof.ok(gpu_pools=len(pools))


GCP: dict[str, Recogniser] = {
    "artifact-store": artifact_store,
    "container-registry": container_registry,
    "experiment-tracking": tracking,
    "model-registry": registry,
    "spot-training": spot,
    "scheduled-retraining": scheduled,
    "streaming-ingestion": streaming,
    "canary-serving": canary,
    "autoscaled-serving": autoscale,
    "gpu-inference": gpu,
    "serving-pulls-registry": pulls,
    "metrics-dashboards": metrics,
    "alert-slack": slack,
    "alert-pagerduty": pagerduty,
    "drift-retraining": drift,
    "workload-log-archive": lambda ctx: _archive(ctx, audit=False),
    "immutable-audit-log": lambda ctx: _archive(ctx, audit=True),
    "threat-detection": threats,
    "key-rotation": rotation,
    "private-networking": private,
    "workload-identity": identity,
    "multi-zone": multi_zone,
    "failover": failover,
}
