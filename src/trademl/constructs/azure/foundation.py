"""The foundation of the azure target: resource group, private network, key, stores and data lake."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from trademl.constructs.azure.group import layer_group
from trademl.constructs.azure.keyvault import (
    AdoptedKey,
    KeyRef,
    KeyUser,
    KeyUserProps,
    VaultKey,
    VaultKeyProps,
)
from trademl.constructs.azure.network import AdoptedNetwork, NetworkRef, PrivateNetwork, PrivateNetworkProps
from trademl.constructs.azure.privatelink import ZONES, PrivateLinks, PrivateLinksProps
from trademl.constructs.azure.storage import SecureStorage, SecureStorageProps
from trademl.constructs.context import BuildContext
from trademl.model.naming import compact_name

# The artifact store holding training data lives in the Data Lake (Gen2) account instead of the blob one.
DATA_STORE = "data"


@dataclass(frozen=True, kw_only=True, slots=True)
class AzureFoundationProps:
    ctx: BuildContext


class AzureFoundation(Construct):
    """Creates, or adopts where the profile says so, what every later layer builds on."""

    def __init__(self, scope: Construct, id: str, props: AzureFoundationProps) -> None:
        super().__init__(scope, id)
        self.ctx = ctx = props.ctx
        spec = ctx.profile.azure()
        self.group = layer_group(self, ctx, "foundation")
        self.vault: VaultKey | None = None
        if spec.adopt.key:
            self.key: KeyRef = AdoptedKey(self, "AdoptedKey", spec.adopt.key)
        else:
            self.vault = VaultKey(self, "Key", VaultKeyProps(ctx=ctx, group=self.group))
            self.key = self.vault
        self.key_user = KeyUser(self, "KeyUser", KeyUserProps(ctx=ctx, group=self.group, key=self.key))
        self.network: NetworkRef = (
            AdoptedNetwork(spec.adopt.network)
            if spec.adopt.network
            else PrivateNetwork(self, "Network", PrivateNetworkProps(ctx=ctx, group=self.group))
        )
        self.artifacts = self._create_storage("Artifacts", "art", data_lake=False)
        self.lake = self._create_storage("DataLake", "lake", data_lake=True)
        for store in ctx.profile.experiment.artifact_stores:
            (self.lake if store == DATA_STORE else self.artifacts).add_container(store)
        # Private endpoints for what this layer owns; later layers add theirs to their own zones' links.
        self.links = PrivateLinks(
            self, "PrivateLinks", PrivateLinksProps(ctx=ctx, group=self.group, network=self.network)
        )
        if self.vault is not None:
            self.links.connect("vault", self.vault.vault_id, "vault")
        self.links.connect("artifacts-blob", self.artifacts.account_id, "blob")
        self.links.connect("lake-dfs", self.lake.account_id, "dfs")
        self.links.connect("lake-blob", self.lake.account_id, "blob")

    def blob_zones(self) -> dict[str, str]:
        """The private DNS zone later layers register their blob endpoints in (one per network)."""
        name = ZONES["blob"][0]
        return {name: self.links.zones[name].id}

    def store(self, name: str) -> SecureStorage:
        """The account that holds artifact store `name`."""
        return self.lake if name == DATA_STORE else self.artifacts

    def _create_storage(self, id: str, stem: str, data_lake: bool) -> SecureStorage:
        """Extension point: one storage account (artifacts: blob with versioning; lake: Data Lake Gen2)."""
        ctx = self.ctx
        return SecureStorage(
            self,
            id,
            SecureStorageProps(
                ctx=ctx,
                group=self.group,
                key=self.key,
                key_user=self.key_user,
                data_lake=data_lake,
                name=compact_name(
                    ctx.profile.name, ctx.profile.environment, stem, salt=ctx.profile.azure().subscription_id
                ),
            ),
        )
