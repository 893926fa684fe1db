"""`trademl doctor`: refuse to go on against the wrong account, a missing backend or missing tools."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import requests
from azure.core.exceptions import AzureError
from botocore.exceptions import BotoCoreError
from google.auth.exceptions import GoogleAuthError

from trademl.model import AwsTarget, Cloud
from trademl.model.targets import S3State
from trademl.ops import aws_checks, azure_checks, gcp_checks
from trademl.ops.clients import AwsClients, azure_credential, gcp_credentials
from trademl.ops.context import TargetContext
from trademl.ops.report import Check, OpsError, Status, fail, skip
from trademl.ops.tools import check_cli, check_node, check_terraform

# What a cloud call may raise besides the errors each check already turns into a line.
CLOUD_ERRORS = (OpsError, BotoCoreError, AzureError, GoogleAuthError, requests.RequestException)


def _aws(ctx: TargetContext) -> list[Check]:
    clients = AwsClients(ctx.spec.region)
    first = aws_checks.check_account(ctx, clients)
    return _then(
        ctx, first, lambda: [aws_checks.check_state(ctx, clients), *aws_checks.check_adopted(ctx, clients)]
    )


def _azure(ctx: TargetContext) -> list[Check]:
    credential = azure_credential(ctx.profile.azure().tenant_id)
    first = azure_checks.check_subscription(ctx, credential)
    return _then(
        ctx,
        first,
        lambda: [azure_checks.check_state(ctx, credential), *azure_checks.check_adopted(ctx, credential)],
    )


def _gcp(ctx: TargetContext) -> list[Check]:
    credentials = gcp_credentials()
    first = gcp_checks.check_project(ctx, credentials)
    return _then(
        ctx,
        first,
        lambda: [gcp_checks.check_state(ctx, credentials), *gcp_checks.check_adopted(ctx, credentials)],
    )


def _then(ctx: TargetContext, first: Check, rest: Callable[[], list[Check]]) -> list[Check]:
    """Only look further once the identity is the right one: nothing is read from the wrong place."""
    if first.status is Status.FAIL:
        return [
            first,
            skip(ctx.scope("state"), "not checked: identity check failed"),
            skip(ctx.scope("adopt"), "not checked: identity check failed"),
        ]
    return [first, *rest()]


IDENTITY = {Cloud.AWS: "account", Cloud.AZURE: "subscription", Cloud.GCP: "project"}
RUNNERS: dict[Cloud, Callable[[TargetContext], list[Check]]] = {
    Cloud.AWS: _aws,
    Cloud.AZURE: _azure,
    Cloud.GCP: _gcp,
}


def target_checks(ctx: TargetContext) -> list[Check]:
    cloud = ctx.target.cloud
    try:
        return RUNNERS[cloud](ctx)
    except CLOUD_ERRORS as exc:
        line = (
            exc.line if isinstance(exc, OpsError) else f"{type(exc).__name__}: {exc}; fix: check the network"
        )
        return _then(ctx, fail(ctx.scope(IDENTITY[cloud]), line), list)


def run_doctor(ctx_targets: Sequence[TargetContext], root: Path) -> list[Check]:
    checks: list[Check] = []
    for ctx in ctx_targets:
        checks.extend(target_checks(ctx))
    needs_lockfile = any(
        isinstance(c.spec, AwsTarget) and isinstance(c.spec.state, S3State) for c in ctx_targets
    )
    checks += [check_node(root), check_cli(root), check_terraform(root, needs_lockfile)]
    return checks
