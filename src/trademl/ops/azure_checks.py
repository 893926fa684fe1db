"""Azure preflight: the subscription (exists, Enabled, in the profile's tenant), the state container and
every adopted resource id."""

from __future__ import annotations

from collections.abc import Iterator

from azure.core.credentials import TokenCredential
from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
)

from trademl.model import AzureTarget
from trademl.model.adopt import adopted_ids
from trademl.model.targets import AzurermState
from trademl.ops.clients import resource_client, storage_client, subscription_client
from trademl.ops.context import TargetContext
from trademl.ops.report import Check, fail, ok, skip

# API version per adopted resource type (lowercased): GET by id needs one, and these are all GA.
API_VERSIONS = {
    "microsoft.network/virtualnetworks": "2024-05-01",
    "microsoft.network/virtualnetworks/subnets": "2024-05-01",
    "microsoft.containerservice/managedclusters": "2024-09-01",
    "microsoft.keyvault/vaults/keys": "2023-07-01",
    "microsoft.network/dnszones": "2018-05-01",
    "microsoft.network/trafficmanagerprofiles": "2022-04-01",
    "microsoft.storage/storageaccounts": "2023-05-01",
    "microsoft.containerregistry/registries": "2023-07-01",
}


def text(value: object) -> str:
    """An SDK enum's wire value ('Disabled'), not its Python name."""
    return str(getattr(value, "value", value))


def error_text(exc: AzureError) -> str:
    if isinstance(exc, HttpResponseError):
        code = exc.error.code if exc.error is not None else exc.status_code
        return f"{code}: {exc.reason or ''} {(exc.error.message if exc.error else '') or ''}".strip()
    return str(exc.message)


def _login(spec: AzureTarget) -> str:
    return f"run `az login --tenant {spec.tenant_id}` or grant the caller Reader on the subscription"


def check_subscription(ctx: TargetContext, credential: TokenCredential) -> Check:
    spec = ctx.spec
    assert isinstance(spec, AzureTarget)
    scope, sub_id = ctx.scope("subscription"), spec.subscription_id
    try:
        sub = subscription_client(credential).subscriptions.get(sub_id)
    except ResourceNotFoundError:
        return fail(
            scope,
            f"subscription {sub_id} does not exist or the caller cannot see it; "
            f"fix: correct targets.azure.subscription_id or {_login(spec)}",
        )
    except ClientAuthenticationError as exc:
        return fail(scope, f"Azure rejected the credentials ({error_text(exc)}); fix: {_login(spec)}")
    except AzureError as exc:
        return fail(scope, f"cannot read subscription {sub_id} ({error_text(exc)}); fix: {_login(spec)}")
    if sub.tenant_id and sub.tenant_id != spec.tenant_id:
        return fail(
            scope,
            f"subscription {sub_id} is in tenant {sub.tenant_id}, the profile says "
            f"{spec.tenant_id}; fix: correct targets.azure.tenant_id",
        )
    if sub.state != "Enabled":
        return fail(
            scope,
            f"subscription {sub_id} is {text(sub.state)}, not Enabled; fix: re-enable it in the "
            "Azure portal (billing) or point targets.azure.subscription_id at an enabled one",
        )
    return ok(scope, f"subscription {sub_id} ({sub.display_name}) is Enabled")


def check_state(ctx: TargetContext, credential: TokenCredential) -> Check:
    spec = ctx.spec
    assert isinstance(spec, AzureTarget)
    scope, state = ctx.scope("state"), spec.state
    if not isinstance(state, AzurermState):
        return skip(scope, "local state: nothing to check (not shared, not locked)")
    where = f"{state.resource_group}/{state.storage_account}/{state.container}"
    client = storage_client(credential, spec.subscription_id)
    try:
        client.storage_accounts.get_properties(state.resource_group, state.storage_account)
        client.blob_containers.get(state.resource_group, state.storage_account, state.container)
    except ResourceNotFoundError:
        return fail(scope, f"state container {where} does not exist; {ctx.bootstrap_fix}")
    except AzureError as exc:
        return fail(scope, f"state container {where} cannot be read ({error_text(exc)}); fix: {_login(spec)}")
    return ok(scope, f"state container {where} exists (blob lease locking)")


def adopted(spec: AzureTarget) -> Iterator[tuple[str, str]]:
    """(field path, id) for everything the target adopts, in profile order."""
    return adopted_ids(spec.adopt)


def resource_type(resource_id: str) -> str:
    """'/subscriptions/s/resourceGroups/g/providers/Ns/t1/n1/t2/n2' -> 'ns/t1/t2' (lowercase)."""
    tail = resource_id.split("/providers/", 1)[1].split("/")
    return "/".join([tail[0], *tail[1::2]]).lower()


def check_adopted(ctx: TargetContext, credential: TokenCredential) -> list[Check]:
    spec = ctx.spec
    assert isinstance(spec, AzureTarget)
    found = list(adopted(spec))
    if not found:
        return [skip(ctx.scope("adopt"), "nothing adopted")]
    client = resource_client(credential, spec.subscription_id)
    checks = []
    for field, rid in found:
        scope = ctx.scope(f"adopt.{field}")
        version = API_VERSIONS.get(resource_type(rid))
        if version is None:
            checks.append(skip(scope, f"{rid}: not checked (no API version known for its type)"))
            continue
        try:
            client.resources.get_by_id(rid, api_version=version)
        except ResourceNotFoundError:
            checks.append(fail(scope, f"{rid} does not exist; {ctx.adopt_fix(field.split('[')[0])}"))
        except AzureError as exc:
            checks.append(
                fail(scope, f"{rid} cannot be read ({error_text(exc)}); fix: grant the caller Reader on it")
            )
        else:
            checks.append(ok(scope, f"{rid} exists"))
    return checks
