"""Storage accounts that are private, versioned, Entra-only and encrypted with the customer-managed key."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn import ITerraformDependable, TerraformResource, TerraformStack
from cdktn_provider_azurerm.resource_group import ResourceGroup
from cdktn_provider_azurerm.storage_account import (
    StorageAccount,
    StorageAccountBlobProperties,
    StorageAccountBlobPropertiesContainerDeleteRetentionPolicy,
    StorageAccountBlobPropertiesDeleteRetentionPolicy,
    StorageAccountIdentity,
    StorageAccountNetworkRules,
    StorageAccountSasPolicy,
)
from cdktn_provider_azurerm.storage_account_customer_managed_key import StorageAccountCustomerManagedKeyA
from cdktn_provider_azurerm.storage_container import StorageContainer
from cdktn_provider_azurerm.storage_management_policy import (
    StorageManagementPolicy,
    StorageManagementPolicyRule,
    StorageManagementPolicyRuleActions,
    StorageManagementPolicyRuleActionsBaseBlob,
    StorageManagementPolicyRuleActionsVersion,
    StorageManagementPolicyRuleFilters,
)
from constructs import Construct

from trademl.constructs.azure.keyvault import KeyRef, KeyUser
from trademl.constructs.context import BuildContext


class StorageRef:
    """A storage account, created here or adopted: its ARM id is what dependents need."""

    account_id: str
    name: str
    adopted: bool = False


class AdoptedStorage(StorageRef):
    def __init__(self, resource_id: str) -> None:
        self.account_id = resource_id
        self.name = resource_id.rsplit("/", 1)[1]
        self.adopted = True


@dataclass(frozen=True, kw_only=True, slots=True)
class SecureStorageProps:
    ctx: BuildContext
    group: ResourceGroup
    name: str
    """Globally unique account name, 3-24 lowercase letters and digits (derive with compact_name)."""
    key: KeyRef
    key_user: KeyUser
    data_lake: bool = False
    """Hierarchical namespace (Data Lake Gen2). Blob versioning is unavailable on such accounts."""
    retention_days: int = 30
    """Soft delete of blobs and containers."""


# Days after which data no one rewrites moves to cheaper tiers (nothing is deleted: retention is elsewhere).
COOL_AFTER_DAYS = 30
COLD_AFTER_DAYS = 90


def replication(ctx: BuildContext) -> str:
    """Zone-redundant everywhere; geo-zone-redundant in prod so data survives the loss of the region."""
    return "GZRS" if ctx.profile.is_prod else "ZRS"


def same_stack(scope: Construct, deps: list[TerraformResource]) -> list[ITerraformDependable] | None:
    """depends_on only within one stack: across stacks the order is already given by the layer order."""
    mine = TerraformStack.of(scope)
    kept: list[ITerraformDependable] = [d for d in deps if TerraformStack.of(d) is mine]
    return kept or None


class SecureStorage(Construct, StorageRef):
    """StorageV2, https only, TLS 1.2, no public blobs, no shared keys or local users, infrastructure
    encryption, versioning + soft delete, CMK through the key user identity, no public network access
    (firewall default Deny, trusted Azure services allowed)."""

    def __init__(self, scope: Construct, id: str, props: SecureStorageProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.account = self._create_account()
        self.account_id = self.account.id
        self.name = props.name
        self.cmk = StorageAccountCustomerManagedKeyA(
            self,
            "Cmk",
            storage_account_id=self.account.id,
            key_vault_key_id=props.key.versionless_id,
            user_assigned_identity_id=props.key_user.identity_id,
        )
        self.containers: dict[str, StorageContainer] = {}
        self.lifecycle = self._create_lifecycle()

    def _create_lifecycle(self) -> StorageManagementPolicy:
        """Extension point: tier block blobs (and earlier versions) down to cool, then cold; never deletes,
        so versioning, soft delete and immutability keep their guarantees."""
        versions = (
            None
            if self.props.data_lake
            else StorageManagementPolicyRuleActionsVersion(
                change_tier_to_cool_after_days_since_creation=COOL_AFTER_DAYS,
                tier_to_cold_after_days_since_creation_greater_than=COLD_AFTER_DAYS,
            )
        )
        return StorageManagementPolicy(
            self,
            "Lifecycle",
            storage_account_id=self.account.id,
            rule=[
                StorageManagementPolicyRule(
                    name="tier-down",
                    enabled=True,
                    filters=StorageManagementPolicyRuleFilters(blob_types=["blockBlob"]),
                    actions=StorageManagementPolicyRuleActions(
                        base_blob=StorageManagementPolicyRuleActionsBaseBlob(
                            tier_to_cool_after_days_since_modification_greater_than=COOL_AFTER_DAYS,
                            tier_to_cold_after_days_since_modification_greater_than=COLD_AFTER_DAYS,
                        ),
                        version=versions,
                    ),
                )
            ],
        )

    def _create_account(self) -> StorageAccount:
        """Extension point: the account."""
        ctx, group, days = self.props.ctx, self.props.group, self.props.retention_days
        lake = self.props.data_lake
        return StorageAccount(
            self,
            "Account",
            name=self.props.name,
            resource_group_name=group.name,
            location=group.location,
            account_kind="StorageV2",
            account_tier="Standard",
            account_replication_type=replication(ctx),
            is_hns_enabled=lake or None,
            https_traffic_only_enabled=True,
            min_tls_version="TLS1_2",
            allow_nested_items_to_be_public=False,
            shared_access_key_enabled=False,
            default_to_oauth_authentication=True,
            local_user_enabled=False,
            sftp_enabled=False,
            cross_tenant_replication_enabled=False,
            infrastructure_encryption_enabled=True,
            public_network_access_enabled=not ctx.profile.security.private_networking,
            network_rules=StorageAccountNetworkRules(
                default_action="Deny", bypass=["AzureServices", "Logging", "Metrics"]
            ),
            sas_policy=StorageAccountSasPolicy(expiration_period="01.00:00:00", expiration_action="Block"),
            identity=StorageAccountIdentity(
                type="UserAssigned", identity_ids=[self.props.key_user.identity_id]
            ),
            blob_properties=StorageAccountBlobProperties(
                versioning_enabled=not lake or None,
                change_feed_enabled=not lake or None,
                delete_retention_policy=StorageAccountBlobPropertiesDeleteRetentionPolicy(days=days),
                container_delete_retention_policy=StorageAccountBlobPropertiesContainerDeleteRetentionPolicy(
                    days=days
                ),
            ),
            depends_on=same_stack(self, [self.props.key_user.access]),
            tags=ctx.tags,
            **ctx.stateful(),
        )

    def add_container(self, name: str) -> StorageContainer:
        """A private container (a Data Lake file system on HNS accounts), created through the
        management plane so it works with public network access off and shared keys disabled."""
        container = StorageContainer(
            self,
            f"Container-{name}",
            name=name,
            storage_account_id=self.account.id,
            container_access_type="private",
            **self.props.ctx.stateful(),
        )
        self.containers[name] = container
        return container
