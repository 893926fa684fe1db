"""AWS recognisers, shared by aws-eks and aws-ecs where the evidence is the same resource shapes.

Each reads only the synthesized JSON, follows references, and names the first missing link.
"""

from __future__ import annotations

import json
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
from trademl.parity.recognisers.aws_iam import allows, trusts

# What a trigger may start, and the action its role needs (Lambda is granted by a resource policy).
START_ACTIONS: dict[str, tuple[str, ...]] = {
    "aws_sagemaker_pipeline": ("sagemaker:StartPipelineExecution",),
    "aws_sfn_state_machine": ("states:StartExecution",),
    "aws_codebuild_project": ("codebuild:StartBuild",),
    "aws_cloudwatch_event_api_destination": ("events:InvokeApiDestination",),
    "aws_batch_job_queue": ("batch:SubmitJob",),
    "aws_ecs_cluster": ("ecs:RunTask",),
    "aws_lambda_function": ("lambda:InvokeFunction",),
    "aws_sqs_queue": ("sqs:SendMessage",),  # an in-cluster consumer (Argo Events/KEDA) starts the run
}
_DRIFT = re.compile(r"accuracy|drift|quality", re.I)


# -- building blocks -------------------------------------------------------------------------------------
def bucket_config(index: TargetIndex, bucket: Resource, type_: str) -> list[Resource]:
    return [r for r in index.of_type(type_) if index.points_to(r, bucket, where="bucket")]


def cmk_versioned(index: TargetIndex, bucket: Resource) -> tuple[list[Resource], str]:
    """The versioning + SSE-KMS(with a key reference) resources of this bucket, or why not."""
    ver = [
        v
        for v in bucket_config(index, bucket, "aws_s3_bucket_versioning")
        if v.first("versioning_configuration.status") == "Enabled"
    ]
    if not ver:
        return [], f"{bucket.address}: no aws_s3_bucket_versioning with status Enabled points at it"
    sse = []
    for enc in bucket_config(index, bucket, "aws_s3_bucket_server_side_encryption_configuration"):
        algo = enc.first("rule.apply_server_side_encryption_by_default.sse_algorithm")
        keys = enc.get("rule.apply_server_side_encryption_by_default.kms_master_key_id")
        key_refs = index.targets(enc, "aws_kms_key", where="rule")
        literal_arn = any(isinstance(k, str) and k.startswith("arn:aws") and ":key/" in k for k in keys)
        if algo in ("aws:kms", "aws:kms:dsse") and (key_refs or literal_arn):
            sse.append(enc)
            sse.extend(key_refs)
    if not sse:
        return [], f"{bucket.address}: no SSE-KMS configuration with a customer-managed key points at it"
    return ver + sse, ""


def object_lock(index: TargetIndex, bucket: Resource) -> Resource | None:
    if not truthy(bucket.first("object_lock_enabled")):
        return None
    locks = [
        r
        for r in bucket_config(index, bucket, "aws_s3_bucket_object_lock_configuration")
        if r.first("rule.default_retention.mode") in ("COMPLIANCE", "GOVERNANCE")
    ]
    return locks[0] if locks else None


def lock_facts(lock: Resource) -> dict[str, str | int | float | bool | None]:
    years = number(lock.first("rule.default_retention.years"))
    days = number(lock.first("rule.default_retention.days"))
    total = years if years is not None else (days / 365 if days is not None else None)
    return {"lock_mode": str(lock.first("rule.default_retention.mode")), "retention_years": total}


def lock_ok(ctx: Ctx, lock: Resource) -> str:
    facts = lock_facts(lock)
    want_mode = "COMPLIANCE" if ctx.profile.audit_lock_locked else "GOVERNANCE"
    if facts["lock_mode"] != want_mode and not (
        want_mode == "GOVERNANCE" and facts["lock_mode"] == "COMPLIANCE"
    ):
        return f"{lock.address}: lock mode {facts['lock_mode']}, profile asks {want_mode}"
    years = facts["retention_years"]
    if not isinstance(years, float | int) or years < ctx.profile.security.audit.retention_years:
        return f"{lock.address}: retention {years} years < security.audit.retention_years"
    return ""


def may_start(
    index: TargetIndex, target_res: Resource, role: Resource | None, via: Resource
) -> list[Resource]:
    """Grants that let a trigger start target_res: its role's policy, or a Lambda resource policy."""
    if target_res.type == "aws_sqs_queue":
        # EventBridge delivers through the queue policy; the consumer's role must be able to receive.
        sends = [
            p
            for p in index.of_type("aws_sqs_queue_policy")
            if index.points_to(p, target_res, where="queue_url")
            and "events.amazonaws.com" in text_of(p)
            and "sqs:SendMessage" in text_of(p)
        ]
        consumers = [
            g
            for r in index.of_type("aws_iam_role")
            for g in allows(index, r, ("sqs:ReceiveMessage",), target_res)
        ]
        return sends + consumers if sends and consumers else []
    if target_res.type == "aws_lambda_function":
        return [
            p
            for p in index.of_type("aws_lambda_permission")
            if index.points_to(p, target_res, where="function_name")
            and str(p.first("principal")).endswith("amazonaws.com")
        ]
    if role is None:
        return []
    return allows(index, role, START_ACTIONS.get(target_res.type, ()), target_res)


def trigger_chain(ctx: Ctx, proof: Proof, rule: Resource) -> str:
    """rule -> event target -> pipeline, with the grant. Returns '' when connected, else the broken link."""
    index = ctx.index
    targets = index.referrers(rule, "aws_cloudwatch_event_target", where="rule")
    if not targets:
        return f"{rule.address}: no aws_cloudwatch_event_target references the rule"
    for tgt in targets:
        for pipe in index.targets(tgt, where="arn"):
            if pipe.type not in START_ACTIONS:
                continue
            roles = index.targets(tgt, "aws_iam_role", where="role_arn")
            grants = may_start(index, pipe, roles[0] if roles else None, tgt)
            if grants:
                proof.add(rule, tgt, pipe, *roles, *grants)
                return ""
            return f"{tgt.address}: its role may not start {pipe.address}"
    return f"{rule.address}: its targets start no pipeline ({', '.join(START_ACTIONS)})"


def schedule_chain(ctx: Ctx, proof: Proof, sched: Resource) -> str:
    """EventBridge Scheduler: schedule -> target.arn -> pipeline, target.role_arn may start it."""
    index = ctx.index
    for pipe in index.targets(sched, where="target.arn"):
        if pipe.type in START_ACTIONS:
            roles = index.targets(sched, "aws_iam_role", where="target.role_arn")
            grants = may_start(index, pipe, roles[0] if roles else None, sched)
            if grants:
                proof.add(sched, pipe, *roles, *grants)
                return ""
            return f"{sched.address}: its role may not start {pipe.address}"
    return f"{sched.address}: targets no pipeline"


def notify_chain(ctx: Ctx, variable: str | None, chatbot: bool) -> Evidence:
    """alarm -> SNS topic -> (Chatbot Slack channel | subscriber that uses the sensitive variable)."""
    index, proof = ctx.index, Proof()
    alarms = index.of_type("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm")
    if not alarms:
        return proof.fail("no aws_cloudwatch_metric_alarm in the output")
    for alarm in alarms:
        for topic in index.targets(alarm, "aws_sns_topic", where="alarm_actions"):
            if chatbot:
                for chan in index.of_type("aws_chatbot_slack_channel_configuration"):
                    if index.points_to(chan, topic, where="sns_topic_arns"):
                        proof.add(alarm, topic, chan)
                        return proof.ok(route="chatbot", alarms=len(alarms))
            for sub in index.referrers(topic, "aws_sns_topic_subscription", where="topic_arn"):
                path = reaches_secret(index, sub, variable) if variable else []
                if path and sensitive_variable(index, path[-1].stack, str(variable)):
                    proof.add(alarm, topic, *path)
                    return proof.ok(route=str(sub.first("protocol")), alarms=len(alarms))
        for rule in index.of_type("aws_cloudwatch_event_rule"):
            if "CloudWatch Alarm State Change" not in str(rule.first("event_pattern")) or not variable:
                continue
            for tgt in index.referrers(rule, "aws_cloudwatch_event_target", where="rule"):
                for dest in index.targets(tgt, "aws_cloudwatch_event_api_destination", where="arn"):
                    path = reaches_secret(index, dest, variable)
                    roles = index.targets(tgt, "aws_iam_role", where="role_arn")
                    grants = [
                        g for r in roles for g in allows(index, r, ("events:InvokeApiDestination",), dest)
                    ]
                    if path and grants and sensitive_variable(index, path[-1].stack, variable):
                        proof.add(alarm, rule, tgt, *path, *roles, *grants)
                        return proof.ok(route="alarm state change -> API destination", alarms=len(alarms))
    what = f"var.{variable} (sensitive)" if variable else "a Slack channel"
    return proof.fail(f"no alarm -> aws_sns_topic -> subscriber chain reaches {what}")


# -- capabilities shared by both flavours ---------------------------------------------------------------
def artifact_store(ctx: Ctx) -> Evidence:
    """Every data bucket (not the access-log sink, not the WORM archive) is versioned + SSE-KMS with a CMK."""
    index, proof, good = ctx.index, Proof(), 0
    sinks = [lg for lg in index.of_type("aws_s3_bucket_logging")]
    for bucket in index.of_type("aws_s3_bucket"):
        if object_lock(index, bucket) or any(
            index.points_to(s, bucket, where="target_bucket") for s in sinks
        ):
            continue
        parts, reason = cmk_versioned(index, bucket)
        if not parts:
            return proof.fail(reason)
        good += 1
        proof.add(bucket, *parts)
    want = len(ctx.profile.experiment.artifact_stores)
    if good < want:
        return proof.fail(f"{good} versioned + CMK-encrypted stores, experiment.artifact_stores asks {want}")
    return proof.ok(stores=good)


def container_registry(ctx: Ctx) -> Evidence:
    proof, repos = Proof(), []
    for repo in ctx.index.of_type("aws_ecr_repository"):
        scan = truthy(repo.first("image_scanning_configuration.scan_on_push")) or bool(
            ctx.index.of_type("aws_ecr_registry_scanning_configuration")
        )
        kms = repo.first("encryption_configuration.encryption_type") == "KMS"
        immutable = str(repo.first("image_tag_mutability") or "").startswith("IMMUTABLE")
        if scan and kms and immutable:
            repos.append(repo)
    if not repos:
        return proof.fail("no aws_ecr_repository with scan on push, KMS encryption and immutable tags")
    proof.add(repos)
    return proof.ok(repositories=len(repos))


def experiment_tracking(ctx: Ctx) -> Evidence:
    proof = Proof()
    servers = ctx.index.of_type("aws_sagemaker_mlflow_tracking_server")
    if servers:
        proof.add(servers)
        return proof.ok(mlflow="SageMaker managed MLflow")
    found = [
        r
        for r in ctx.index.of_type(
            "helm_release", "kubernetes_deployment_v1", "kubernetes_deployment", "kubernetes_manifest"
        )
        if "mlflow" in text_of(r).lower()
    ]
    if found:
        proof.add(found)
        return proof.ok(mlflow="self-hosted on the cluster")
    return proof.fail("no aws_sagemaker_mlflow_tracking_server or MLflow release on the cluster")


def model_registry(ctx: Ctx) -> Evidence:
    proof = Proof()
    groups = ctx.index.of_type("aws_sagemaker_model_package_group")
    if groups:
        proof.add(groups)
        return proof.ok(registry="SageMaker model package group")
    if ctx.profile.experiment.registry == "mlflow":
        mlflow = experiment_tracking(ctx)
        if mlflow.found:
            return Evidence(True, mlflow.resources, {"registry": "MLflow"})
    return proof.fail("no aws_sagemaker_model_package_group (or MLflow when experiment.registry is mlflow)")


def streaming(ctx: Ctx) -> Evidence:
    proof = Proof()
    streams = [s for s in ctx.index.of_type("aws_kinesis_stream") if s.first("encryption_type") == "KMS"]
    msk = [m for m in ctx.index.of_type("aws_msk_cluster", "aws_msk_serverless_cluster")]
    if not streams and not msk:
        return proof.fail("no KMS-encrypted aws_kinesis_stream or aws_msk_cluster")
    proof.add(streams, msk)
    return proof.ok(streams=len(streams) + len(msk))


def scheduled_retraining(ctx: Ctx) -> Evidence:
    index, proof = ctx.index, Proof()
    connected, why = 0, ""
    for rule in index.of_type("aws_cloudwatch_event_rule"):
        if rule.first("schedule_expression"):
            broken = trigger_chain(ctx, proof, rule)
            connected += not broken
            why = why or broken
    for sched in index.of_type("aws_scheduler_schedule"):
        broken = schedule_chain(ctx, proof, sched)
        connected += not broken
        why = why or broken
    why = why or "no aws_cloudwatch_event_rule/aws_scheduler_schedule with a schedule"
    return proof.schedules(connected, len(ctx.profile.training.schedules), why)


def drift_retraining(ctx: Ctx) -> Evidence:
    """accuracy/drift alarm -> EventBridge rule on its state change (or SNS -> Lambda) -> pipeline + grant."""
    index, proof = ctx.index, Proof()
    alarms = [a for a in index.of_type("aws_cloudwatch_metric_alarm") if _DRIFT.search(text_of(a))]
    if not alarms:
        return proof.fail("no aws_cloudwatch_metric_alarm on an accuracy/drift metric")
    why = ""
    for alarm in alarms:
        for rule in index.of_type("aws_cloudwatch_event_rule"):
            pattern = str(rule.first("event_pattern") or "")
            if "CloudWatch Alarm State Change" in pattern and index.mentions(rule.stack, pattern, alarm):
                broken = trigger_chain(ctx, proof, rule)
                if not broken:
                    proof.add(alarm)
                    return proof.ok(
                        route="alarm state change rule", threshold=number(alarm.first("threshold"))
                    )
                why = why or broken
        for topic in index.targets(alarm, "aws_sns_topic", where="alarm_actions"):
            for sub in index.referrers(topic, "aws_sns_topic_subscription", where="topic_arn"):
                for fn in index.targets(sub, "aws_lambda_function", where="endpoint"):
                    for role in index.targets(fn, "aws_iam_role", where="role"):
                        for pipe in [r for r in index.targets(fn) if r.type in START_ACTIONS]:
                            grants = allows(index, role, START_ACTIONS[pipe.type], pipe)
                            if grants:
                                proof.add(alarm, topic, sub, fn, role, pipe, *grants)
                                return proof.ok(route="alarm -> SNS -> Lambda")
                            why = why or f"{role.address} may not start {pipe.address}"
    return proof.fail(
        why or f"{alarms[0].address}: no rule or subscriber turns its alarm into a pipeline run"
    )


def alert_slack(ctx: Ctx) -> Evidence:
    slack = ctx.profile.monitoring.notifications.slack
    return notify_chain(ctx, slack.webhook_variable if slack else None, chatbot=True)


def alert_pagerduty(ctx: Ctx) -> Evidence:
    pd = ctx.profile.monitoring.notifications.pagerduty
    return notify_chain(ctx, pd.routing_key_variable if pd else None, chatbot=False)


def workload_log_archive(ctx: Ctx) -> Evidence:
    """log group -> subscription filter (role may put) -> Firehose (role may write) -> Object Lock bucket."""
    index, proof = ctx.index, Proof()
    filters = index.of_type("aws_cloudwatch_log_subscription_filter")
    if not filters:
        return proof.fail("no aws_cloudwatch_log_subscription_filter ships logs anywhere")
    # CloudTrail's own log group is the audit trail, not a workload: it must not stand in for workloads
    # (correction: with literal archive ARNs resolved it alone used to satisfy this capability).
    trail_groups = [
        g
        for t in index.of_type("aws_cloudtrail")
        for g in index.targets(t, "aws_cloudwatch_log_group", where="cloud_watch_logs_group_arn")
    ]
    why = ""
    for flt in filters:
        groups = index.targets(flt, "aws_cloudwatch_log_group", where="log_group_name")
        if groups and all(g in trail_groups for g in groups):
            why = why or f"{flt.address}: ships only the CloudTrail log group, no workload logs"
            continue
        for hose in index.targets(flt, "aws_kinesis_firehose_delivery_stream", where="destination_arn"):
            roles = index.targets(flt, "aws_iam_role", where="role_arn")
            if not roles or not allows(
                index, roles[0], ("firehose:PutRecord", "firehose:PutRecordBatch"), hose
            ):
                why = why or f"{flt.address}: its role may not put records into {hose.address}"
                continue
            # points_to, not targets: the archive's ARN is often a literal (its name is fixed so the
            # bucket policy can name its writers); a literal ARN proves the link as well as a token does.
            buckets = [
                b
                for b in index.of_type("aws_s3_bucket")
                if index.points_to(hose, b, where="extended_s3_configuration.bucket_arn")
            ]
            for bucket in buckets:
                lock = object_lock(index, bucket)
                hose_roles = index.targets(hose, "aws_iam_role", where="extended_s3_configuration.role_arn")
                if lock is None:
                    why = why or f"{bucket.address}: not Object Lock protected"
                    continue
                if not hose_roles or not allows(index, hose_roles[0], ("s3:PutObject",), bucket):
                    why = why or f"{hose.address}: its role may not write {bucket.address}"
                    continue
                bad = lock_ok(ctx, lock)
                if bad:
                    why = why or bad
                    continue
                proof.add(*groups, flt, roles[0], hose, hose_roles[0], bucket, lock)
                return proof.ok(log_groups=len(groups) or None, **lock_facts(lock))
    return proof.fail(why or "no subscription filter reaches a Firehose stream into an S3 bucket")


def immutable_audit_log(ctx: Ctx) -> Evidence:
    index, proof = ctx.index, Proof()
    trails = index.of_type("aws_cloudtrail")
    if not trails:
        return proof.fail("no aws_cloudtrail")
    for trail in trails:
        if not (
            truthy(trail.first("enable_log_file_validation")) and truthy(trail.first("is_multi_region_trail"))
        ):
            return proof.fail(f"{trail.address}: log file validation and multi-region must be on")
        if not index.targets(trail, "aws_kms_key", where="kms_key_id") and not trail.first("kms_key_id"):
            return proof.fail(f"{trail.address}: not KMS-encrypted")
        for bucket in index.of_type("aws_s3_bucket"):
            if index.points_to(trail, bucket, where="s3_bucket_name"):
                lock = object_lock(index, bucket)
                if lock is None:
                    return proof.fail(f"{bucket.address}: the trail's bucket has no Object Lock")
                bad = lock_ok(ctx, lock)
                if bad:
                    return proof.fail(bad)
                proof.add(trail, bucket, lock)
                return proof.ok(**lock_facts(lock))
    return proof.fail("no aws_cloudtrail delivers into an S3 bucket of the output")


def threat_detection(ctx: Ctx) -> Evidence:
    proof = Proof()
    detectors = [d for d in ctx.index.of_type("aws_guardduty_detector") if d.first("enable") is not False]
    if not detectors:
        return proof.fail("no enabled aws_guardduty_detector")
    features = ctx.index.of_type("aws_guardduty_detector_feature")
    hub = ctx.index.of_type("aws_securityhub_account")
    proof.add(detectors, features, hub)
    return proof.ok(guardduty_features=len(features), security_hub=bool(hub))


def key_rotation(ctx: Ctx) -> Evidence:
    proof = Proof()
    keys = ctx.index.of_type("aws_kms_key")
    if not keys:
        return proof.fail("no aws_kms_key")
    for key in keys:
        if not truthy(key.first("enable_key_rotation")):
            return proof.fail(f"{key.address}: enable_key_rotation is not true")
        days = number(key.first("rotation_period_in_days")) or 365
        if days > ctx.profile.security.key_rotation_days:
            return proof.fail(f"{key.address}: rotates every {days:.0f} days > security.key_rotation_days")
    proof.add(keys)
    return proof.ok(keys=len(keys))


def private_networking(ctx: Ctx) -> Evidence:
    index, proof = ctx.index, Proof()
    vpcs = index.of_type("aws_vpc")
    endpoints = index.of_type("aws_vpc_endpoint")
    if not vpcs or not endpoints:
        return proof.fail("no aws_vpc with VPC endpoints")
    public_subnets = [s for s in index.of_type("aws_subnet") if truthy(s.first("map_public_ip_on_launch"))]
    if public_subnets:
        return proof.fail(f"{public_subnets[0].address}: maps public IPs on launch")
    for cluster in index.of_type("aws_eks_cluster"):
        if cluster.first("vpc_config.endpoint_public_access") is not False:
            return proof.fail(f"{cluster.address}: API endpoint is public")
        proof.add(cluster)
    for svc in index.of_type("aws_ecs_service"):
        if truthy(svc.first("network_configuration.assign_public_ip")):
            return proof.fail(f"{svc.address}: tasks get public IPs")
    public = ctx.profile.serving.exposure == "public"
    exposed = [lb for lb in index.of_type("aws_lb") if lb.first("internal") is not True]
    proof.add(vpcs, endpoints)
    return proof.ok(vpc_endpoints=len(endpoints), internet_facing_lbs=len(exposed) if not public else None)


def failover(ctx: Ctx) -> Evidence:
    index, proof = ctx.index, Proof()
    roles: dict[str, Resource] = {}
    for rec in index.of_type("aws_route53_record"):
        kind = rec.first("failover_routing_policy.type")
        checks = index.targets(rec, "aws_route53_health_check", where="health_check_id")
        if kind in ("PRIMARY", "SECONDARY") and (checks or kind == "SECONDARY"):
            roles[str(kind)] = rec
            proof.add(rec, checks)
    if set(roles) != {"PRIMARY", "SECONDARY"}:
        return proof.fail("no PRIMARY (health-checked) + SECONDARY aws_route53_record failover pair")
    checks = index.of_type("aws_route53_health_check")
    accel = index.of_type("aws_globalaccelerator_accelerator")
    proof.add(accel)
    interval = number(checks[0].first("request_interval")) if checks else None
    return proof.ok(health_checks=len(checks), check_interval_s=interval, global_accelerator=bool(accel))


def subnet_zones(index: TargetIndex, holder: Resource, where: str) -> set[str]:
    zones: set[str] = set()
    for sub in index.targets(holder, "aws_subnet", where=where):
        zone = sub.first("availability_zone") or sub.first("availability_zone_id")
        if isinstance(zone, str):
            zones.add(zone)
    return zones


def multi_zone(ctx: Ctx) -> Evidence:
    """Every node group / service spans >= 2 zones; facts: the fewest zones of any pool."""
    index, proof = ctx.index, Proof()
    pools = [(p, "subnet_ids") for p in index.of_type("aws_eks_node_group")]
    pools += [(s, "network_configuration.subnets") for s in index.of_type("aws_ecs_service")]
    pools += [(g, "vpc_zone_identifier") for g in index.of_type("aws_autoscaling_group")]
    if not pools:
        return proof.fail("no node group, ECS service or auto scaling group to spread")
    counts = []
    for pool, where in pools:
        zones = subnet_zones(index, pool, where)
        counts.append(len(zones))
        if len(zones) < 2:
            return proof.fail(f"{pool.address}: spans {len(zones)} zone(s)")
        proof.add(pool)
    return proof.ok(min_zones_per_pool=min(counts), pools=len(pools))


def workload_identity_task_roles(ctx: Ctx) -> list[Resource]:
    index = ctx.index
    return [
        r
        for td in index.of_type("aws_ecs_task_definition")
        for r in index.targets(td, "aws_iam_role", where="task_role_arn")
        if trusts(index, r, "ecs-tasks.amazonaws.com")
    ]


def json_field(res: Resource, key: str) -> list[object]:
    """Values of a JSON-encoded attribute (container_definitions, pipeline_definition)."""
    raw = res.first(key)
    if not isinstance(raw, str):
        return []
    try:
        doc = json.loads(raw)
    except ValueError:
        return []
    return doc if isinstance(doc, list) else [doc]


SHARED: dict[str, Recogniser] = {
    "artifact-store": artifact_store,
    "container-registry": container_registry,
    "experiment-tracking": experiment_tracking,
    "model-registry": model_registry,
    "streaming-ingestion": streaming,
    "scheduled-retraining": scheduled_retraining,
    "drift-retraining": drift_retraining,
    "alert-slack": alert_slack,
    "alert-pagerduty": alert_pagerduty,
    "workload-log-archive": workload_log_archive,
    "immutable-audit-log": immutable_audit_log,
    "threat-detection": threat_detection,
    "key-rotation": key_rotation,
    "private-networking": private_networking,
    "multi-zone": multi_zone,
    "failover": failover,
}
