"""Remote state per stack, from the profile: S3 with a native lock file, azurerm, gcs, or local."""

from __future__ import annotations

from cdktn import AzurermBackend, GcsBackend, LocalBackend, S3Backend, TerraformStack

from trademl.model import Profile, StackPlan
from trademl.model.targets import AzurermState, GcsState, LocalState, S3State


def configure_backend(stack: TerraformStack, profile: Profile, plan: StackPlan) -> None:
    spec = profile.targets.get(plan.target)
    assert spec is not None
    state = spec.state
    if isinstance(state, S3State):
        S3Backend(
            stack,
            bucket=state.bucket,
            key=f"{state.key_prefix}/{plan.name}.tfstate",
            region=state.region or spec.region,
            encrypt=True,
            use_lockfile=True,
        )
    elif isinstance(state, AzurermState):
        AzurermBackend(
            stack,
            resource_group_name=state.resource_group,
            storage_account_name=state.storage_account,
            container_name=state.container,
            key=f"{plan.name}.tfstate",
            use_azuread_auth=True,
        )
    elif isinstance(state, GcsState):
        GcsBackend(stack, bucket=state.bucket, prefix=f"{state.prefix}/{plan.name}")
    else:
        assert isinstance(state, LocalState)
        # Relative path: the output must not depend on the checkout folder.
        LocalBackend(stack, path=f"terraform.{plan.name}.tfstate")
