"""The audit archive: an immutable (WORM) container in its own account, resource group and layer, since a
locked immutability policy makes the container, the account and the group undeletable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cdktn_provider_azurerm.storage_container_immutability_policy import StorageContainerImmutabilityPolicy
from constructs import Construct

from trademl.constructs.azure.group import layer_group
from trademl.constructs.azure.keyvault import KeyRef, KeyUser
from trademl.constructs.azure.network import NetworkRef
from trademl.constructs.azure.privatelink import PrivateLinks, PrivateLinksProps
from trademl.constructs.azure.storage import AdoptedStorage, SecureStorage, SecureStorageProps, StorageRef
from trademl.constructs.context import BuildContext
from trademl.model.naming import compact_name

AUDIT_CONTAINER = "audit"
# Workload tables (pods on AKS, AML jobs, serving telemetry) exported from Log Analytics into the archive.
WORKLOAD_TABLES = (
    "ContainerLogV2",
    "AmlComputeJobEvent",
    "AmlComputeClusterEvent",
    "AppRequests",
    "AppTraces",
    "AppExceptions",
)
# The containers Azure writes into (created here first, so each is under a WORM policy before the first
# write): the activity log, VNet flow logs, and one `am-<table>` per exported Log Analytics table.
ACTIVITY_CONTAINER = "insights-activity-logs"
FLOW_LOG_CONTAINER = "insights-logs-flowlogflowevent"


def export_container(table: str) -> str:
    return f"am-{table.lower()}"


SINK_CONTAINERS = (ACTIVITY_CONTAINER, FLOW_LOG_CONTAINER, *(export_container(t) for t in WORKLOAD_TABLES))


@dataclass(frozen=True, kw_only=True, slots=True)
class AzureAuditProps:
    ctx: BuildContext
    key: KeyRef
    key_user: KeyUser
    network: NetworkRef | None = None
    """Where the archive's private blob endpoint goes (the foundation network)."""
    zones: Mapping[str, str] | None = None
    """The foundation's private DNS zones, reused (see PrivateLinksProps.shared_zones)."""


class AzureAuditArchive(Construct):
    """Time-based retention of security.audit.retention_years with protected append writes (logs can be
    appended, never changed); locked (irreversible) only when the profile's lock mode is compliance."""

    def __init__(self, scope: Construct, id: str, props: AzureAuditProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        spec = ctx.profile.azure()
        self.policy: StorageContainerImmutabilityPolicy | None = None
        if spec.adopt.audit_archive:
            self.storage: StorageRef = AdoptedStorage(spec.adopt.audit_archive)
            return
        self.group = layer_group(self, ctx, "audit")
        account = SecureStorage(
            self,
            "Archive",
            SecureStorageProps(
                ctx=ctx,
                group=self.group,
                key=props.key,
                key_user=props.key_user,
                name=compact_name(
                    ctx.profile.name, ctx.profile.environment, "audit", salt=spec.subscription_id
                ),
                retention_days=365,
            ),
        )
        self.storage = account
        self.container = account.add_container(AUDIT_CONTAINER)
        if props.network is not None:
            # Public network access is off: writers (activity log export, diagnostics) reach it privately.
            self.links = PrivateLinks(
                self,
                "PrivateLinks",
                PrivateLinksProps(ctx=ctx, group=self.group, network=props.network, shared_zones=props.zones),
            )
            self.links.connect("audit-blob", account.account_id, "blob")
        self.sinks = {name: account.add_container(name) for name in SINK_CONTAINERS}
        self.sink_policies: dict[str, StorageContainerImmutabilityPolicy] = {}
        if ctx.profile.audit_lock_mode != "none":
            self.policy = self._create_policy()
            self.sink_policies = {name: self._create_sink_policy(name) for name in self.sinks}

    def _create_policy(self) -> StorageContainerImmutabilityPolicy:
        """Extension point: the container's immutability policy."""
        ctx = self.props.ctx
        return StorageContainerImmutabilityPolicy(
            self,
            "Immutability",
            storage_container_resource_manager_id=self.container.id,
            immutability_period_in_days=ctx.profile.security.audit.retention_years * 365,
            protected_append_writes_enabled=True,
            locked=ctx.profile.audit_lock_locked,
            **ctx.stateful(),
        )

    def _create_sink_policy(self, name: str) -> StorageContainerImmutabilityPolicy:
        """Extension point: the same retention on a sink container; appends allowed to block blobs too
        (flow logs grow their hourly block blobs, exports and the activity log append)."""
        ctx = self.props.ctx
        return StorageContainerImmutabilityPolicy(
            self,
            f"Immutability-{name}",
            storage_container_resource_manager_id=self.sinks[name].id,
            immutability_period_in_days=ctx.profile.security.audit.retention_years * 365,
            protected_append_writes_all_enabled=True,
            locked=ctx.profile.audit_lock_locked,
            **ctx.stateful(),
        )
