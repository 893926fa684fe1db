"""Target azure: Azure ML + AKS, seed 000's and 001's Azure columns."""

from __future__ import annotations

from cdktn_provider_azapi.provider import AzapiProvider
from cdktn_provider_azurerm.provider import (
    AzurermProvider,
    AzurermProviderFeatures,
    AzurermProviderFeaturesKeyVault,
    AzurermProviderFeaturesResourceGroup,
)

from trademl.constructs.azure.audit import AzureAuditArchive, AzureAuditProps
from trademl.constructs.azure.desk import AzureDesk, AzureDeskProps
from trademl.constructs.azure.failover import AzureFailover, AzureFailoverProps
from trademl.constructs.azure.foundation import AzureFoundation, AzureFoundationProps
from trademl.constructs.azure.platform import AzurePlatform, AzurePlatformProps
from trademl.constructs.azure.providers import RESOURCE_PROVIDERS
from trademl.constructs.azure.workloads import AzureWorkloads, AzureWorkloadsProps, configure_kubernetes
from trademl.model import DeskSpec, Layer, TargetName
from trademl.targets.base import LayerStack, TargetBuilder


class AzureTarget(TargetBuilder):
    target = TargetName.AZURE
    foundation: AzureFoundation

    def configure_providers(self, stack: LayerStack) -> None:
        spec = self.profile.azure()
        features = AzurermProviderFeatures(
            # Purge-protected vaults cannot be purged anyway; recovering keeps a re-apply idempotent.
            key_vault=[
                AzurermProviderFeaturesKeyVault(
                    purge_soft_delete_on_destroy=False, recover_soft_deleted_key_vaults=True
                )
            ],
            resource_group=[
                AzurermProviderFeaturesResourceGroup(prevent_deletion_if_contains_resources=True)
            ],
        )
        # azurerm 5.x registers no resource provider by default: register exactly the ones used.
        AzurermProvider(
            stack,
            "azurerm",
            features=[features],
            subscription_id=spec.subscription_id,
            tenant_id=spec.tenant_id,
            resource_provider_registrations="none",
            resource_providers_to_register=list(RESOURCE_PROVIDERS),
            storage_use_azuread=True,  # shared keys are off on every account
        )
        if stack.plan.layer not in (Layer.FOUNDATION, Layer.AUDIT):
            # azapi only where azurerm cannot (ML computes, schedules, online endpoints).
            AzapiProvider(
                stack,
                "azapi",
                subscription_id=spec.subscription_id,
                tenant_id=spec.tenant_id,
                skip_provider_registration=True,
            )

    def build_foundation(self, stack: LayerStack) -> None:
        self.foundation = AzureFoundation(stack, "Foundation", AzureFoundationProps(ctx=self.ctx))

    def build_audit(self, stack: LayerStack) -> None:
        self.audit = AzureAuditArchive(
            stack,
            "Audit",
            AzureAuditProps(
                ctx=self.ctx,
                key=self.foundation.key,
                key_user=self.foundation.key_user,
                network=self.foundation.network,
                zones=self.foundation.blob_zones(),
            ),
        )

    def build_platform(self, stack: LayerStack) -> None:
        self.platform = AzurePlatform(
            stack, "Platform", AzurePlatformProps(ctx=self.ctx, foundation=self.foundation, audit=self.audit)
        )

    def build_cicd(self, stack: LayerStack) -> None:
        """Keyless CI: federated plan/apply identities and this target's GitHub variables."""
        from trademl.constructs.cicd.azure import AzureCicd, AzureCicdProps
        from trademl.constructs.cicd.github import github_cicd

        assert self.profile.cicd is not None
        self.cicd = AzureCicd(stack, "Cicd", AzureCicdProps(ctx=self.ctx, cicd=self.profile.cicd))
        github_cicd(stack, self.ctx, self.cicd.variables)

    def build_workloads(self, stack: LayerStack) -> None:
        configure_kubernetes(stack, self.platform)
        self.workloads = AzureWorkloads(
            stack, "Workloads", AzureWorkloadsProps(ctx=self.ctx, platform=self.platform)
        )

    def build_desk(self, stack: LayerStack, desk: DeskSpec) -> None:
        cls = self.desk_class(desk, AzureDesk)
        cls(
            stack,
            "Desk",
            AzureDeskProps(
                ctx=self.ctx,
                desk=desk,
                key=self.foundation.key,
                key_user=self.foundation.key_user,
                network=self.foundation.network,
                zones=self.foundation.blob_zones(),
                platform=self.platform,
                workload_principal_id=self.workloads.identities[desk.name].principal_id,
            ),
        )

    def build_failover(self, stack: LayerStack) -> None:
        self.failover = AzureFailover(
            stack,
            "Failover",
            AzureFailoverProps(ctx=self.ctx, foundation=self.foundation, platform=self.platform),
        )
