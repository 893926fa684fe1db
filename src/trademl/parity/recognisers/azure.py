"""Azure recognisers (azurerm 5.x, azapi for AML endpoints/schedules), read from the synthesized JSON."""

from __future__ import annotations

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

_DRIFT = re.compile(r"accuracy|drift|quality", re.I)
_ALERTS = (
    "azurerm_monitor_metric_alert",
    "azurerm_monitor_scheduled_query_rules_alert_v2",
    "azurerm_monitor_activity_log_alert",
)
_SUBSCRIPTION = re.compile(r"^/subscriptions/[0-9a-f-]+$|azurerm_subscription|azurerm_client_config")
_START_ROLES = ("AzureML Data Scientist", "AzureML Compute Operator", "Contributor")


def azapi(index: TargetIndex, type_prefix: str) -> list[Resource]:
    """azapi resources whose ARM type (before @version) ends with type_prefix."""
    return [
        r
        for r in index.of_type("azapi_resource", "azapi_update_resource")
        if str(r.first("type")).split("@")[0].endswith(type_prefix)
    ]


def role_grants(
    index: TargetIndex, principal: Resource, scope: Resource, roles: tuple[str, ...]
) -> list[Resource]:
    return [
        a
        for a in index.of_type("azurerm_role_assignment")
        if str(a.first("role_definition_name")) in roles
        and index.points_to(a, principal, where="principal_id")
        and index.points_to(a, scope, where="scope")
    ]


def _immutable(index: TargetIndex, account: Resource) -> tuple[Resource | None, str]:
    """A time-based immutability policy on a container of this account (or the account's own)."""
    if account.first("immutability_policy.period_since_creation_in_days"):
        return account, ""
    for pol in index.of_type("azurerm_storage_container_immutability_policy"):
        for cont in index.targets(pol, "azurerm_storage_container"):
            if index.points_to(cont, account, where="storage_account_id"):
                return pol, ""
    return None, f"{account.address}: no container immutability policy"


def _sinks(sender: Resource) -> tuple[str, ...]:
    """The containers Azure itself names for a sender's logs: a policy on some other container of the
    account does not cover them (the earlier check accepted any locked container of the account)."""
    if sender.type == "azurerm_log_analytics_data_export_rule":
        return tuple(f"am-{str(t).lower()}" for t in sender.get("table_names") if t)
    if sender.type == "azurerm_monitor_diagnostic_setting" and _SUBSCRIPTION.search(
        str(sender.first("target_resource_id"))
    ):
        return ("insights-activity-logs",)
    return ()


def _lock_ok(ctx: Ctx, pol: Resource) -> str:
    days = number(
        pol.first("immutability_period_in_days")
        or pol.first("immutability_policy.period_since_creation_in_days")
    )
    if days is None or days < 365 * ctx.profile.security.audit.retention_years:
        return f"{pol.address}: retention {days} days < security.audit.retention_years"
    locked = truthy(pol.first("locked")) or pol.first("immutability_policy.state") == "Locked"
    if ctx.profile.audit_lock_locked and not locked:
        return f"{pol.address}: not locked, profile asks compliance (locked) mode"
    return ""


def _lock_facts(pol: Resource) -> dict[str, str | int | float | bool | None]:
    days = number(
        pol.first("immutability_period_in_days")
        or pol.first("immutability_policy.period_since_creation_in_days")
    )
    return {
        "lock_mode": "locked" if truthy(pol.first("locked")) else "unlocked",
        "retention_years": round(days / 365, 1) if days else None,
    }


def _cmk(index: TargetIndex, account: Resource) -> list[Resource]:
    cmks = [
        c
        for c in index.of_type("azurerm_storage_account_customer_managed_key")
        if index.points_to(c, account, where="storage_account_id")
        and index.targets(c, "azurerm_key_vault_key")
    ]
    return cmks or ([account] if account.first("customer_managed_key.key_vault_key_id") else [])


_MIN_SOFT_DELETE_DAYS = 7


def _protection(account: Resource) -> str:
    """How the account keeps earlier data: "versioning", "soft delete" (Data Lake Gen2 only), or "".

    Blob versioning is unavailable on hierarchical-namespace (Data Lake Gen2) accounts: azurerm rejects
    versioning_enabled with is_hns_enabled at apply, and Azure's feature table lists it as not supported.
    There the strongest recovery Azure offers is blob + container soft delete; it is accepted for those
    accounts only and reported as its own fact (it restores deleted data, not overwritten versions)."""
    if truthy(account.first("blob_properties.versioning_enabled")):
        return "versioning"
    if not truthy(account.first("is_hns_enabled")):
        return ""
    days = [
        number(account.first(f"blob_properties.{p}.days"))
        for p in ("delete_retention_policy", "container_delete_retention_policy")
    ]
    return "soft delete" if all(d and d >= _MIN_SOFT_DELETE_DAYS for d in days) else ""


def artifact_store(ctx: Ctx) -> Evidence:
    index, proof = ctx.index, Proof()
    stores = soft_only = 0
    for account in index.of_type("azurerm_storage_account"):
        if _immutable(index, account)[0] is not None:
            continue
        protection = _protection(account)
        if not protection:
            lake = (
                " (Data Lake: blob and container soft delete needed)"
                if truthy(account.first("is_hns_enabled"))
                else ""
            )
            return proof.fail(f"{account.address}: blob versioning off{lake}")
        cmk = _cmk(index, account)
        if not cmk:
            return proof.fail(f"{account.address}: no customer-managed key")
        containers = [
            c
            for c in index.of_type("azurerm_storage_container", "azurerm_storage_data_lake_gen2_filesystem")
            if index.points_to(c, account)
        ]
        stores += len(containers)
        soft_only += len(containers) if protection == "soft delete" else 0
        proof.add(account, cmk, containers)
    want = len(ctx.profile.experiment.artifact_stores)
    if stores < want:
        return proof.fail(
            f"{stores} containers in versioned CMK accounts, experiment.artifact_stores asks {want}"
        )
    return proof.ok(stores=stores, soft_delete_only_stores=soft_only)


def container_registry(ctx: Ctx) -> Evidence:
    proof = Proof()
    good = [
        r
        for r in ctx.index.of_type("azurerm_container_registry")
        if r.first("admin_enabled") is not True
        and r.first("sku") == "Premium"
        and r.first("public_network_access_enabled") is False
    ]
    if not good:
        return proof.fail("no Premium azurerm_container_registry with admin off and public access off")
    proof.add(good)
    return proof.ok(registries=len(good), cmk=bool(good[0].first("encryption.key_vault_key_id")))


def workspaces(index: TargetIndex) -> list[Resource]:
    return index.of_type("azurerm_machine_learning_workspace")


def tracking(ctx: Ctx) -> Evidence:
    proof = Proof()
    ws = workspaces(ctx.index)
    if not ws:
        return proof.fail("no azurerm_machine_learning_workspace (its MLflow tracking store)")
    proof.add(ws)
    return proof.ok(mlflow="Azure ML native MLflow")


def registry(ctx: Ctx) -> Evidence:
    proof = Proof()
    regs = azapi(ctx.index, "MachineLearningServices/registries") or workspaces(ctx.index)
    if not regs:
        return proof.fail("no Azure ML workspace or registry")
    proof.add(regs)
    return proof.ok(registry="Azure ML model registry")


def spot(ctx: Ctx) -> Evidence:
    """A LowPriority AML compute cluster and a Dedicated fallback (or AKS Spot + Regular pools)."""
    proof = Proof()
    clusters = ctx.index.of_type("azurerm_machine_learning_compute_cluster")
    low = [c for c in clusters if c.first("vm_priority") == "LowPriority"]
    ded = [c for c in clusters if c.first("vm_priority") == "Dedicated"]
    if low and ded:
        lo = sum(number(c.first("scale_settings.max_node_count")) or 0 for c in low)
        hi = sum(number(c.first("scale_settings.max_node_count")) or 0 for c in ded)
        zero = all(number(c.first("scale_settings.min_node_count")) == 0 for c in low + ded)
        proof.add(low, ded)
        return proof.ok(
            spot_share=round(lo / (lo + hi), 2) if lo + hi else None,
            scale_to_zero=zero,
            via="AML low-priority + dedicated clusters",
        )
    pools = ctx.index.of_type("azurerm_kubernetes_cluster_node_pool")
    spot_pools = [p for p in pools if p.first("priority") == "Spot"]
    regular = [p for p in pools if p.first("priority") in (None, "Regular") and p not in spot_pools]
    if spot_pools and regular:
        proof.add(spot_pools, regular)
        return proof.ok(spot_share=None, via="AKS Spot + Regular pools")
    return proof.fail("no LowPriority + Dedicated azurerm_machine_learning_compute_cluster pair")


def scheduled(ctx: Ctx) -> Evidence:
    """AML schedules (CreateJob) under a workspace, or Data Factory schedule triggers -> pipeline."""
    index, proof, count = ctx.index, Proof(), 0
    for sched in azapi(index, "workspaces/schedules"):
        if "CreateJob" in text_of(sched) and index.targets(sched, "azurerm_machine_learning_workspace"):
            count += 1
            proof.add(sched, index.targets(sched, "azurerm_machine_learning_workspace"))
    for trig in index.of_type("azurerm_data_factory_trigger_schedule"):
        if index.targets(trig, "azurerm_data_factory_pipeline"):
            proof.add(trig, index.targets(trig, "azurerm_data_factory_pipeline"))
    return proof.schedules(
        count, len(ctx.profile.training.schedules), "no AML CreateJob schedule under a workspace"
    )


def _alerts(index: TargetIndex) -> list[Resource]:
    return index.of_type(*_ALERTS)


def _groups(index: TargetIndex, alert: Resource) -> list[Resource]:
    return index.targets(alert, "azurerm_monitor_action_group")


def drift(ctx: Ctx) -> Evidence:
    """drift alert (or AML monitor) -> action group -> Logic App -> may start the AML pipeline."""
    index, proof = ctx.index, Proof()
    alerts = [a for a in _alerts(index) if _DRIFT.search(text_of(a))]
    if not alerts:
        return proof.fail("no Azure Monitor alert on a drift/accuracy signal")
    why = ""
    for alert in alerts:
        for group in _groups(index, alert):
            for app in index.targets(group, "azurerm_logic_app_workflow", where="logic_app_receiver"):
                for ws in workspaces(index):
                    grants = role_grants(index, app, ws, _START_ROLES)
                    if grants:
                        proof.add(alert, group, app, ws, grants)
                        return proof.ok(route="alert -> action group -> Logic App -> AML")
                    why = why or f"{app.address}: its identity has no role on {ws.address} to start a job"
            why = why or f"{group.address}: no logic_app_receiver"
    return proof.fail(why or f"{alerts[0].address}: no action group")


def notify(ctx: Ctx, variable: str | None) -> Evidence:
    index, proof = ctx.index, Proof()
    if variable is None:
        return proof.fail("no notification variable in the profile")
    alerts = _alerts(index)
    if not alerts:
        return proof.fail("no Azure Monitor alert rule")
    for alert in alerts:
        for group in _groups(index, alert):
            path = reaches_secret(index, group, variable, depth=3)
            if path and sensitive_variable(index, path[-1].stack, variable):
                proof.add(alert, *path)
                return proof.ok(route=" -> ".join(r.type for r in path), alerts=len(alerts))
    return proof.fail(f"no alert -> action group -> receiver chain reaches var.{variable} (sensitive)")


def slack(ctx: Ctx) -> Evidence:
    s = ctx.profile.monitoring.notifications.slack
    return notify(ctx, s.webhook_variable if s else None)


def pagerduty(ctx: Ctx) -> Evidence:
    p = ctx.profile.monitoring.notifications.pagerduty
    return notify(ctx, p.routing_key_variable if p else None)


def _archive_chain(ctx: Ctx, senders: list[Resource], what: str) -> Evidence:
    index, proof, why = ctx.index, Proof(), ""
    for sender in senders:
        for account in index.targets(sender, "azurerm_storage_account"):
            names = _sinks(sender)
            if names:
                found = _policies(index, account, names)
                bare = [n for n, p in zip(names, found, strict=True) if p is None]
                policies = [p for p in found if p is not None]
                reason = (
                    f"{account.address}: {', '.join(bare)} written to without an immutability policy"
                    if bare
                    else ""
                )
            else:
                pol, reason = _immutable(index, account)
                policies = [pol] if pol is not None else []
            bad = reason or next((b for b in (_lock_ok(ctx, p) for p in policies) if b), "")
            if bad:
                why = why or bad
                continue
            proof.add(sender, account, policies)
            return proof.ok(**_lock_facts(policies[0]))
    return proof.fail(why or f"no {what} sends into a storage account")


def _policies(index: TargetIndex, account: Resource, names: tuple[str, ...]) -> list[Resource | None]:
    """The immutability policy of each named container of the account (account-level policy: itself)."""
    if account.first("immutability_policy.period_since_creation_in_days"):
        return [account]
    out: list[Resource | None] = []
    for name in names:
        out.append(
            next(
                (
                    pol
                    for pol in index.of_type("azurerm_storage_container_immutability_policy")
                    for cont in index.targets(pol, "azurerm_storage_container")
                    if str(cont.first("name")) == name
                    and index.points_to(cont, account, where="storage_account_id")
                ),
                None,
            )
        )
    return out


def workload_archive(ctx: Ctx) -> Evidence:
    """Log Analytics data export (workload logs) -> storage account with a locked immutable container."""
    exports = ctx.index.of_type("azurerm_log_analytics_data_export_rule")
    return _archive_chain(ctx, exports, "azurerm_log_analytics_data_export_rule")


def audit_log(ctx: Ctx) -> Evidence:
    """Subscription activity log diagnostic setting -> immutable storage (locked in prod)."""
    diags = [
        d
        for d in ctx.index.of_type("azurerm_monitor_diagnostic_setting")
        if _SUBSCRIPTION.search(str(d.first("target_resource_id")))
    ]
    return _archive_chain(ctx, diags, "subscription activity-log diagnostic setting")


def threats(ctx: Ctx) -> Evidence:
    proof = Proof()
    defender = [
        p
        for p in ctx.index.of_type("azurerm_security_center_subscription_pricing")
        if p.first("tier") == "Standard"
    ]
    sentinel = ctx.index.of_type("azurerm_sentinel_log_analytics_workspace_onboarding")
    if not defender and not sentinel:
        return proof.fail("no Defender for Cloud (Standard) plan or Sentinel onboarding")
    proof.add(defender, sentinel)
    return proof.ok(defender_plans=len(defender), sentinel=bool(sentinel))


def rotation(ctx: Ctx) -> Evidence:
    proof = Proof()
    keys = ctx.index.of_type("azurerm_key_vault_key")
    if not keys:
        return proof.fail("no azurerm_key_vault_key")
    for key in keys:
        after = str(key.first("rotation_policy.automatic.time_after_creation") or "")
        m = re.fullmatch(r"P(\d+)D", after)
        if not m:
            return proof.fail(f"{key.address}: no automatic rotation (rotation_policy.automatic)")
        if int(m.group(1)) > ctx.profile.security.key_rotation_days:
            return proof.fail(f"{key.address}: rotates after {m.group(1)} days > security.key_rotation_days")
    vaults = [
        v for v in ctx.index.of_type("azurerm_key_vault") if truthy(v.first("purge_protection_enabled"))
    ]
    proof.add(keys, vaults)
    return proof.ok(keys=len(keys), purge_protection=bool(vaults))


def private(ctx: Ctx) -> Evidence:
    index, proof = ctx.index, Proof()
    endpoints = index.of_type("azurerm_private_endpoint")
    if not endpoints:
        return proof.fail("no azurerm_private_endpoint")
    for t in (
        "azurerm_machine_learning_workspace",
        "azurerm_storage_account",
        "azurerm_container_registry",
        "azurerm_key_vault",
    ):
        for res in index.of_type(t):
            if res.first("public_network_access_enabled") is not False:
                return proof.fail(f"{res.address}: public network access not disabled")
    for aks in index.of_type("azurerm_kubernetes_cluster"):
        if not truthy(aks.first("private_cluster_enabled")):
            return proof.fail(f"{aks.address}: not a private cluster")
    zones = index.of_type("azurerm_private_dns_zone")
    proof.add(endpoints, zones)
    return proof.ok(private_endpoints=len(endpoints), private_dns_zones=len(zones))


def identity(ctx: Ctx) -> Evidence:
    """AKS OIDC + workload identity on, federated credential whose issuer is the cluster's."""
    index, proof = ctx.index, Proof()
    for aks in index.of_type("azurerm_kubernetes_cluster"):
        if not (truthy(aks.first("oidc_issuer_enabled")) and truthy(aks.first("workload_identity_enabled"))):
            return proof.fail(f"{aks.address}: OIDC issuer / workload identity off")
        creds = [
            c
            for c in index.of_type("azurerm_federated_identity_credential")
            if index.points_to(c, aks, where="issuer")
        ]
        if not creds:
            return proof.fail(f"{aks.address}: no azurerm_federated_identity_credential trusts its issuer")
        proof.add(aks, creds)
        return proof.ok(federated_credentials=len(creds))
    return proof.fail("no azurerm_kubernetes_cluster")


def _zones(res: Resource, block: str = "") -> int:
    return len([z for z in res.get(f"{block}zones" if not block else f"{block}.zones") if z])


def multi_zone(ctx: Ctx) -> Evidence:
    index, proof, counts = ctx.index, Proof(), []
    for aks in index.of_type("azurerm_kubernetes_cluster"):
        counts.append(_zones(aks, "default_node_pool"))
        proof.add(aks)
    for pool in index.of_type("azurerm_kubernetes_cluster_node_pool"):
        counts.append(_zones(pool))
        proof.add(pool)
    if not counts:
        return proof.fail("no AKS node pool")
    if min(counts) < 2:
        return proof.fail(f"a node pool spans {min(counts)} zone(s)")
    return proof.ok(min_zones_per_pool=min(counts), pools=len(counts))


def failover(ctx: Ctx) -> Evidence:
    index, proof = ctx.index, Proof()
    for tm in index.of_type("azurerm_traffic_manager_profile"):
        if tm.first("traffic_routing_method") != "Priority" or not tm.first("monitor_config.path"):
            continue
        eps = [
            e
            for t in ("azurerm_traffic_manager_external_endpoint", "azurerm_traffic_manager_azure_endpoint")
            for e in index.of_type(t)
            if index.points_to(e, tm, where="profile_id")
        ]
        if len({number(e.first("priority")) for e in eps}) >= 2:
            proof.add(tm, eps)
            return proof.ok(
                endpoints=len(eps),
                check_interval_s=number(tm.first("monitor_config.interval_in_seconds")),
                dns_ttl_s=number(tm.first("dns_config.ttl")),
            )
    return proof.fail("no Priority azurerm_traffic_manager_profile with health probes and two endpoints")


def canary(ctx: Ctx) -> Evidence:
    proof = Proof()
    for upd in azapi(ctx.index, "onlineEndpoints"):
        traffic = [
            number(v) for t in upd.get("body.properties.traffic") if isinstance(t, dict) for v in t.values()
        ]
        if len(traffic) >= 2:
            proof.add(upd)
            return proof.ok(
                canary_percent=min(t for t in traffic if t is not None), via="AML endpoint traffic"
            )
    return k8s.canary(ctx)


def autoscale(ctx: Ctx) -> Evidence:
    proof = Proof()
    for dep in azapi(ctx.index, "onlineEndpoints/deployments"):
        top = number(dep.first("body.properties.scaleSettings.maxInstances"))
        if top:
            proof.add(dep)
            return proof.ok(
                min_replicas=number(dep.first("body.properties.scaleSettings.minInstances")),
                max_replicas=top,
                via="AML TargetUtilization",
            )
    return k8s.autoscaling(ctx)


def pulls(ctx: Ctx) -> Evidence:
    """AKS kubelet identity (or the workspace) -> AcrPull on the registry it pulls from."""
    index, proof = ctx.index, Proof()
    for acr in index.of_type("azurerm_container_registry"):
        for aks in index.of_type("azurerm_kubernetes_cluster"):
            grants = [
                a
                for a in index.of_type("azurerm_role_assignment")
                if a.first("role_definition_name") == "AcrPull"
                and index.points_to(a, acr, where="scope")
                and (
                    index.points_to(a, aks, where="principal_id")
                    or any(
                        index.points_to(a, i, where="principal_id")
                        for i in index.targets(aks, "azurerm_user_assigned_identity")
                    )
                )
            ]
            if grants:
                proof.add(aks, acr, grants)
                return proof.ok(via="AKS kubelet AcrPull")
        for ws in workspaces(index):
            if index.points_to(ws, acr, where="container_registry_id"):
                proof.add(ws, acr)
                return proof.ok(via="AML workspace registry")
    return proof.fail("no serving compute granted AcrPull on an azurerm_container_registry")


def metrics(ctx: Ctx) -> Evidence:
    index, proof = ctx.index, Proof()
    amw = index.of_type("azurerm_monitor_workspace")
    grafana = [
        g for g in index.of_type("azurerm_dashboard_grafana") if any(index.points_to(g, w) for w in amw)
    ]
    if amw and grafana:
        proof.add(amw, grafana, index.of_type("azurerm_monitor_data_collection_rule_association"))
        return proof.ok(via="Azure Monitor managed Prometheus + Managed Grafana")
    found = k8s.prometheus_grafana(ctx)
    return (
        found
        if found.found
        else proof.fail("no azurerm_monitor_workspace wired into azurerm_dashboard_grafana")
    )


def streaming(ctx: Ctx) -> Evidence:
    proof = Proof()
    ns = ctx.index.of_type("azurerm_eventhub_namespace")
    hubs = ctx.index.of_type("azurerm_eventhub")
    if not ns or not hubs:
        return proof.fail("no azurerm_eventhub_namespace with an event hub")
    proof.add(ns, hubs)
    return proof.ok(event_hubs=len(hubs))


def gpu(ctx: Ctx) -> Evidence:
    proof = Proof()
    pools = [
        p
        for p in ctx.index.of_type("azurerm_kubernetes_cluster_node_pool")
        if str(p.first("vm_size")).startswith("Standard_N")
    ]
    if not pools:
        return proof.fail("no AKS GPU node pool (Standard_N*)")
    proof.add(pools)
    return proof.ok(gpu_pools=len(pools))


AZURE: dict[str, Recogniser] = {
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
    "workload-log-archive": workload_archive,
    "immutable-audit-log": audit_log,
    "threat-detection": threats,
    "key-rotation": rotation,
    "private-networking": private,
    "workload-identity": identity,
    "multi-zone": multi_zone,
    "failover": failover,
}
