"""Key Vault with a rotating customer-managed key and the identity storage uses to reach it."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_azurerm.data_azurerm_client_config import DataAzurermClientConfig
from cdktn_provider_azurerm.data_azurerm_key_vault_key import DataAzurermKeyVaultKey
from cdktn_provider_azurerm.key_vault import KeyVault, KeyVaultNetworkAcls
from cdktn_provider_azurerm.key_vault_key import (
    KeyVaultKey,
    KeyVaultKeyRotationPolicy,
    KeyVaultKeyRotationPolicyAutomatic,
)
from cdktn_provider_azurerm.resource_group import ResourceGroup
from cdktn_provider_azurerm.role_assignment import RoleAssignment
from cdktn_provider_azurerm.user_assigned_identity import UserAssignedIdentity
from constructs import Construct

from trademl.constructs.context import BuildContext
from trademl.model.adopt import AzKeyId
from trademl.model.naming import vault_name

# Built-in role names (stable across tenants); ids differ per cloud environment, names do not.
CRYPTO_OFFICER = "Key Vault Crypto Officer"
CRYPTO_ENCRYPTION_USER = "Key Vault Crypto Service Encryption User"


class KeyRef:
    """A customer-managed key: created here or adopted. `versionless_id` is the data-plane URL that
    services encrypt with (they follow rotation); `resource_id` is the ARM id roles are scoped to."""

    vault_id: str
    versionless_id: str
    versioned_id: str  # services that cannot follow rotation (ML workspace, AKS KMS) pin a version
    resource_id: str
    adopted: bool = False


class AdoptedKey(KeyRef):
    """The current version is read at plan time (data source keyed by the id): services that pin a
    version need it, and synth stays offline."""

    def __init__(self, scope: Construct, id: str, key_id: AzKeyId) -> None:
        vault, key = key_id.split("/vaults/", 1)[1].split("/keys/", 1)
        self.vault_id = key_id.rsplit("/keys/", 1)[0]  # a resource group may be called "keys"
        self.versionless_id = f"https://{vault}.vault.azure.net/keys/{key}"
        self.versioned_id = DataAzurermKeyVaultKey(scope, id, name=key, key_vault_id=self.vault_id).id
        self.resource_id = key_id
        self.adopted = True


@dataclass(frozen=True, kw_only=True, slots=True)
class VaultKeyProps:
    ctx: BuildContext
    group: ResourceGroup
    purpose: str = "platform"
    """Key name, and the vault name's stem."""


class VaultKey(Construct, KeyRef):
    """RBAC-authorised vault (purge protection, 90-day soft delete, firewall default Deny, no public
    network access when security.private_networking is on) holding an RSA-HSM key that rotates every
    security.key_rotation_days. Terraform must therefore run from inside the network (a self-hosted
    runner) in private mode: the key is created through the vault's data plane."""

    def __init__(self, scope: Construct, id: str, props: VaultKeyProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.client = DataAzurermClientConfig(self, "Client")
        self.vault = self._create_vault()
        self.vault_id = self.vault.id
        # The deploying principal needs data-plane rights to create and rotate the key under RBAC.
        self.deployer_access = RoleAssignment(
            self,
            "DeployerCryptoOfficer",
            scope=self.vault.id,
            role_definition_name=CRYPTO_OFFICER,
            principal_id=self.client.object_id,
        )
        self.key = self._create_key()
        self.versionless_id = self.key.versionless_id
        self.versioned_id = self.key.id
        self.resource_id = self.key.resource_versionless_id

    def _create_vault(self) -> KeyVault:
        """Extension point: the vault."""
        ctx, group = self.props.ctx, self.props.group
        azure = ctx.profile.azure()
        private = ctx.profile.security.private_networking
        return KeyVault(
            self,
            "Vault",
            name=vault_name(ctx.prefix, salt=azure.subscription_id),
            location=group.location,
            resource_group_name=group.name,
            tenant_id=azure.tenant_id,
            sku_name="premium",  # HSM-backed keys
            rbac_authorization_enabled=True,
            purge_protection_enabled=True,
            soft_delete_retention_days=90,
            public_network_access_enabled=not private,
            # AzureServices: storage and the ML workspace reach the key as trusted services.
            network_acls=KeyVaultNetworkAcls(default_action="Deny", bypass="AzureServices"),
            tags=ctx.tags,
            **ctx.stateful(),
        )

    def _create_key(self) -> KeyVaultKey:
        """Extension point: the key. Rotates every key_rotation_days; each version expires 90 days later,
        after every service has moved to the new version."""
        ctx = self.props.ctx
        days = ctx.profile.security.key_rotation_days
        return KeyVaultKey(
            self,
            "Key",
            name=self.props.purpose,
            key_vault_id=self.vault.id,
            key_type="RSA-HSM",
            key_size=3072,
            key_opts=["unwrapKey", "wrapKey"],
            rotation_policy=KeyVaultKeyRotationPolicy(
                automatic=KeyVaultKeyRotationPolicyAutomatic(time_after_creation=f"P{days}D"),
                expire_after=f"P{days + 90}D",
                notify_before_expiry="P30D",
            ),
            depends_on=[self.deployer_access],
            tags=ctx.tags,
            **ctx.stateful(),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class KeyUserProps:
    ctx: BuildContext
    group: ResourceGroup
    key: KeyRef


class KeyUser(Construct):
    """The user-assigned identity storage accounts (and the ML workspace) encrypt with: it may wrap and
    unwrap with this one key, nothing else (role scoped to the key, not the vault)."""

    def __init__(self, scope: Construct, id: str, props: KeyUserProps) -> None:
        super().__init__(scope, id)
        ctx, group = props.ctx, props.group
        self.identity = UserAssignedIdentity(
            self,
            "Identity",
            name=ctx.name("id", "cmk"),
            location=group.location,
            resource_group_name=group.name,
            tags=ctx.tags,
        )
        self.identity_id = self.identity.id
        self.principal_id = self.identity.principal_id
        self.client_id = self.identity.client_id
        self.access = RoleAssignment(
            self,
            "EncryptionUser",
            scope=props.key.resource_id,
            role_definition_name=CRYPTO_ENCRYPTION_USER,
            principal_id=self.identity.principal_id,
            principal_type="ServicePrincipal",
        )
