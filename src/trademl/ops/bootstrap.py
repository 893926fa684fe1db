"""`trademl bootstrap`: create a target's remote-state backend, after proving we are in the right place."""

from __future__ import annotations

from trademl.model import AwsTarget, AzureTarget, GcpTarget
from trademl.model.targets import LocalState
from trademl.ops import aws_checks, azure_checks, gcp_checks
from trademl.ops.bootstrap_aws import bootstrap_aws
from trademl.ops.bootstrap_azure import bootstrap_azure
from trademl.ops.bootstrap_gcp import bootstrap_gcp
from trademl.ops.clients import AwsClients, azure_credential, gcp_credentials
from trademl.ops.context import TargetContext
from trademl.ops.report import Bootstrapped, Check, OpsError, Status


def _require(check: Check) -> None:
    if check.status is Status.FAIL:
        raise OpsError(check.message)


def describe(ctx: TargetContext) -> str:
    state = ctx.spec.state
    if isinstance(state, LocalState):
        return "local state"
    if state.kind == "s3":
        return f"S3 backend (bucket {state.bucket})"
    if state.kind == "azurerm":
        return f"azurerm backend ({state.resource_group}/{state.storage_account}/{state.container})"
    return f"gcs backend (bucket {state.bucket})"


def run_bootstrap(ctx: TargetContext) -> Bootstrapped | None:
    """What was created or found, or None when the target keeps local state (nothing to create)."""
    spec = ctx.spec
    if isinstance(spec.state, LocalState):
        return None
    if isinstance(spec, AwsTarget):
        clients = AwsClients(spec.region)
        _require(aws_checks.check_account(ctx, clients))
        return bootstrap_aws(ctx, clients)
    if isinstance(spec, AzureTarget):
        credential = azure_credential(spec.tenant_id)
        _require(azure_checks.check_subscription(ctx, credential))
        return bootstrap_azure(ctx, credential)
    assert isinstance(spec, GcpTarget)
    credentials = gcp_credentials()
    _require(gcp_checks.check_project(ctx, credentials))
    return bootstrap_gcp(ctx, credentials)
