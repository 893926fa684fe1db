"""Azure side of keyless CI: user-assigned identities `plan` and `apply`, each federated with exactly one
GitHub environment of the repository.

Scopes (least privilege the layers allow):
- plan: Reader on the subscription (a plan refreshes every layer's resource groups) and Storage Blob Data
  Reader on the state container only (the workflow plans with -lock=false, so no lease is taken).
- apply: a custom Contributor-equivalent role limited to the resource providers the azure target uses
  (constructs/azure/providers.py), on the subscription, because the layer stacks create their own resource
  groups (`<prefix>-rg-<layer>`), so no narrower scope exists before the first apply; Role Based Access Control
  Administrator there, conditioned so it can never grant or remove Owner, User Access Administrator or
  itself (the platform assigns data-plane and network roles to its managed identities); Storage Blob Data
  Contributor on the state container only.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_azurerm.federated_identity_credential import FederatedIdentityCredential
from cdktn_provider_azurerm.role_assignment import RoleAssignment
from cdktn_provider_azurerm.role_definition import RoleDefinition, RoleDefinitionPermissions
from cdktn_provider_azurerm.user_assigned_identity import UserAssignedIdentity
from constructs import Construct

from trademl.constructs.azure.group import layer_group
from trademl.constructs.azure.providers import RESOURCE_PROVIDERS
from trademl.constructs.cicd.github import Variables
from trademl.constructs.context import BuildContext
from trademl.model.cicd import GITHUB_OIDC_ISSUER, CicdSpec, CiIdentity, CiRole, ci_identities
from trademl.model.targets import AzurermState

AUDIENCE = "api://AzureADTokenExchange"
# Owner, User Access Administrator, Role Based Access Control Administrator.
PRIVILEGED_ROLE_IDS = (
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
)


def constrained_rbac_condition() -> str:
    """ABAC condition (v2.0): role assignments may be written or deleted unless the role is privileged."""
    ids = ", ".join(PRIVILEGED_ROLE_IDS)
    return (
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR "
        f"(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {{{ids}}}))"
        " AND "
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR "
        f"(@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {{{ids}}}))"
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class AzureCicdProps:
    ctx: BuildContext
    cicd: CicdSpec


class AzureCicd(Construct):
    def __init__(self, scope: Construct, id: str, props: AzureCicdProps) -> None:
        super().__init__(scope, id)
        self.props = props
        spec = props.ctx.profile.azure()
        self.subscription_scope = f"/subscriptions/{spec.subscription_id}"
        self.group = layer_group(self, props.ctx, "cicd")
        self.identities: dict[CiRole, UserAssignedIdentity] = {}
        self.credentials: dict[CiRole, FederatedIdentityCredential] = {}
        for identity in ci_identities(props.ctx.profile.name, props.cicd):
            self.identities[identity.role] = self._create_identity(identity.role)
            self.credentials[identity.role] = self._create_credential(identity)
        self._grant_plan(self.identities[CiRole.PLAN])
        self._grant_apply(self.identities[CiRole.APPLY])

    def _state_container_scope(self) -> str | None:
        state = self.props.ctx.profile.azure().state
        if not isinstance(state, AzurermState):
            return None
        return (
            f"{self.subscription_scope}/resourceGroups/{state.resource_group}/providers/Microsoft.Storage/"
            f"storageAccounts/{state.storage_account}/blobServices/default/containers/{state.container}"
        )

    def _create_identity(self, role: CiRole) -> UserAssignedIdentity:
        """Extension point: one CI identity."""
        ctx = self.props.ctx
        return UserAssignedIdentity(
            self,
            f"Identity-{role.value}",
            name=ctx.name("cicd", role.value, max_len=128),
            resource_group_name=self.group.name,
            location=self.group.location,
            tags=ctx.tags,
        )

    def _create_credential(self, identity: CiIdentity) -> FederatedIdentityCredential:
        """Extension point: trust for exactly one repository environment's jobs."""
        return FederatedIdentityCredential(
            self,
            f"Federation-{identity.role.value}",
            name=f"github-{identity.environment}",
            user_assigned_identity_id=self.identities[identity.role].id,
            issuer=GITHUB_OIDC_ISSUER,
            subject=identity.subject,
            audience=[AUDIENCE],
        )

    def _create_apply_role(self) -> RoleDefinition:
        """Extension point: Contributor, but only over the resource providers trademl deploys."""
        return RoleDefinition(
            self,
            "ApplyRole",
            name=self.props.ctx.name("cicd", "apply"),
            scope=self.subscription_scope,
            assignable_scopes=[self.subscription_scope],
            description="trademl apply: manage the platform's resource providers; no access management",
            permissions=[
                RoleDefinitionPermissions(
                    actions=["Microsoft.Resources/*", "Microsoft.Authorization/*/read"]
                    + [f"{rp}/*" for rp in RESOURCE_PROVIDERS]
                )
            ],
        )

    def _assign(
        self,
        principal: UserAssignedIdentity,
        id: str,
        scope: str,
        role: str | RoleDefinition,
        condition: str | None = None,
    ) -> RoleAssignment:
        by_name, by_id = (
            (None, role.role_definition_resource_id) if isinstance(role, RoleDefinition) else (role, None)
        )
        return RoleAssignment(
            self,
            id,
            scope=scope,
            role_definition_name=by_name,
            role_definition_id=by_id,
            principal_id=principal.principal_id,
            principal_type="ServicePrincipal",
            condition=condition,
            condition_version="2.0" if condition else None,
        )

    def _grant_plan(self, plan: UserAssignedIdentity) -> None:
        self._assign(plan, "Plan-Reader", self.subscription_scope, "Reader")
        container = self._state_container_scope()
        if container:
            self._assign(plan, "Plan-StateReader", container, "Storage Blob Data Reader")

    def _grant_apply(self, apply: UserAssignedIdentity) -> None:
        self.apply_role = self._create_apply_role()
        self._assign(apply, "Apply-Platform", self.subscription_scope, self.apply_role)
        self._assign(
            apply,
            "Apply-RoleAssignments",
            self.subscription_scope,
            "Role Based Access Control Administrator",
            constrained_rbac_condition(),
        )
        container = self._state_container_scope()
        if container:
            self._assign(apply, "Apply-StateWriter", container, "Storage Blob Data Contributor")

    @property
    def variables(self) -> Variables:
        spec = self.props.ctx.profile.azure()
        return {
            role: {
                "AZURE_CLIENT_ID": identity.client_id,
                "AZURE_TENANT_ID": spec.tenant_id,
                "AZURE_SUBSCRIPTION_ID": spec.subscription_id,
            }
            for role, identity in self.identities.items()
        }
