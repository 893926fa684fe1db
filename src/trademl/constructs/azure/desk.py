"""A trading desk on Azure: its own resource group and storage account, encrypted with the foundation's
key (and, as the target grows, its namespace, identity, datastore and endpoint)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_azurerm.resource_group import ResourceGroup
from constructs import Construct

from trademl.constructs.azure.group import layer_group
from trademl.constructs.azure.keyvault import KeyRef, KeyUser
from trademl.constructs.azure.storage import SecureStorage, SecureStorageProps
from trademl.constructs.context import BuildContext
from trademl.model import DeskSpec
from trademl.model.naming import compact_name

DESK_CONTAINERS = ("features", "models", "results")


@dataclass(frozen=True, kw_only=True, slots=True)
class AzureDeskProps:
    ctx: BuildContext
    desk: DeskSpec
    key: KeyRef
    key_user: KeyUser


class AzureDesk(Construct):
    """Subclass this in constructs/desks/ (as `AzureDesk`) and override a `_create_*` hook."""

    def __init__(self, scope: Construct, id: str, props: AzureDeskProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.group = self._create_group()
        self.store = self._create_store()
        for name in self._containers():
            self.store.add_container(name)

    def _create_group(self) -> ResourceGroup:
        """Extension point: the desk's resource group (RBAC for the desk is granted at this scope)."""
        return layer_group(self, self.props.ctx, f"desk-{self.props.desk.name}")

    def _create_store(self) -> SecureStorage:
        """Extension point: the desk's private account for features, models and results. A separate
        account (not a container in the shared one) gives the desk its own RBAC, network and lifecycle."""
        ctx, desk = self.props.ctx, self.props.desk
        return SecureStorage(
            self,
            "Store",
            SecureStorageProps(
                ctx=ctx,
                group=self.group,
                key=self.props.key,
                key_user=self.props.key_user,
                name=compact_name(
                    ctx.profile.name,
                    ctx.profile.environment,
                    desk.name,
                    salt=ctx.profile.azure().subscription_id,
                ),
            ),
        )

    def _containers(self) -> tuple[str, ...]:
        """Extension point: the containers in the desk's account."""
        return DESK_CONTAINERS
