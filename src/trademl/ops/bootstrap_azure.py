"""Create the azurerm state backend: resource group, a locked-down storage account and a private container.

The account allows TLS 1.2+ over HTTPS only, no public blob access and no shared keys (the backend
authenticates with Entra ID), and keeps blob versions so an overwritten state can be recovered.
Locking is the blob lease the azurerm backend takes: nothing else to create.
"""

from __future__ import annotations

from azure.core.credentials import TokenCredential
from azure.core.exceptions import AzureError, ResourceNotFoundError
from azure.mgmt.resource.resources.models import ResourceGroup
from azure.mgmt.storage import StorageManagementClient
from azure.mgmt.storage.models import (
    BlobContainer,
    BlobServiceProperties,
    BlobServicePropertiesProperties,
    ContainerProperties,
    Sku,
    StorageAccountCheckNameAvailabilityParameters,
    StorageAccountCreateParameters,
    StorageAccountPropertiesCreateParameters,
    StorageAccountPropertiesUpdateParameters,
    StorageAccountUpdateParameters,
)

from trademl.model import AzureTarget
from trademl.model.targets import AzurermState
from trademl.ops.azure_checks import error_text, text
from trademl.ops.clients import resource_client, storage_client
from trademl.ops.context import TargetContext
from trademl.ops.report import Action, Bootstrapped, Change, OpsError, settle

NOTES = (
    "locking: the azurerm backend's blob lease; nothing else to create",
    "access: shared keys are off, so the backend must use Entra ID (use_azuread_auth)",
)

# The settings an existing account must have; anything else is corrected in place.
HARDENED = (
    ("minimum_tls_version", "TLS1_2"),
    ("allow_blob_public_access", False),
    ("enable_https_traffic_only", True),
    ("allow_shared_key_access", False),
)


def bootstrap_azure(ctx: TargetContext, credential: TokenCredential) -> Bootstrapped:
    spec = ctx.spec
    assert isinstance(spec, AzureTarget) and isinstance(spec.state, AzurermState)
    state = spec.state
    client = storage_client(credential, spec.subscription_id)
    tags = ctx.profile.all_tags(ctx.target)
    try:
        changes = (
            _group(ctx, credential, tags),
            _account(client, state, spec.region, tags),
            _versioning(client, state),
            _container(client, state),
        )
    except OpsError:
        raise
    except AzureError as exc:
        raise OpsError(
            f"Azure state backend {state.resource_group}/{state.storage_account}: {error_text(exc)}; "
            "fix: grant the caller Contributor on the subscription (or on the resource group)"
        ) from None
    return Bootstrapped(changes, NOTES)


def _group(ctx: TargetContext, credential: TokenCredential, tags: dict[str, str]) -> Change:
    spec = ctx.spec
    assert isinstance(spec, AzureTarget) and isinstance(spec.state, AzurermState)
    name = spec.state.resource_group
    groups = resource_client(credential, spec.subscription_id).resource_groups
    if groups.check_existence(name):
        return Change(Action.EXISTS, f"resource group {name}")
    groups.create_or_update(name, ResourceGroup(location=spec.region, tags=tags))
    return Change(Action.CREATED, f"resource group {name} in {spec.region}")


def _account(
    client: StorageManagementClient, state: AzurermState, region: str, tags: dict[str, str]
) -> Change:
    rg, name = state.resource_group, state.storage_account
    what = f"storage account {name} (TLS1_2, HTTPS only, no public blobs, no shared keys)"
    try:
        account = client.storage_accounts.get_properties(rg, name)
    except ResourceNotFoundError:
        pass
    else:
        props = account.properties
        drift = any(props is None or getattr(props, k) != v for k, v in HARDENED)
        if drift:
            hardened = StorageAccountPropertiesUpdateParameters(
                minimum_tls_version="TLS1_2",
                allow_blob_public_access=False,
                enable_https_traffic_only=True,
                allow_shared_key_access=False,
            )
            client.storage_accounts.update(rg, name, StorageAccountUpdateParameters(properties=hardened))
        return settle(what, True, drift)
    free = client.storage_accounts.check_name_availability(
        StorageAccountCheckNameAvailabilityParameters(name=name)
    )
    if not free.name_available:
        raise OpsError(
            f"storage account name {name} is taken ({text(free.reason)}: {free.message}); "
            "fix: choose another state.storage_account (globally unique)"
        )
    create = StorageAccountCreateParameters(
        sku=Sku(name="Standard_GRS"),
        kind="StorageV2",
        location=region,
        tags=tags,
        properties=StorageAccountPropertiesCreateParameters(
            minimum_tls_version="TLS1_2",
            allow_blob_public_access=False,
            enable_https_traffic_only=True,
            allow_shared_key_access=False,
        ),
    )
    client.storage_accounts.begin_create(rg, name, create).result()
    return Change(Action.CREATED, what)


def _versioning(client: StorageManagementClient, state: AzurermState) -> Change:
    rg, name = state.resource_group, state.storage_account
    current = client.blob_services.get_service_properties(rg, name).blob_service_properties
    on = current is not None and current.is_versioning_enabled is True
    if not on:
        wanted = BlobServiceProperties(
            blob_service_properties=BlobServicePropertiesProperties(is_versioning_enabled=True)
        )
        client.blob_services.set_service_properties(rg, name, wanted)
    return settle("blob versioning on", True, not on)


def _container(client: StorageManagementClient, state: AzurermState) -> Change:
    rg, name, container = state.resource_group, state.storage_account, state.container
    what = f"container {container} (private)"
    try:
        client.blob_containers.get(rg, name, container)
    except ResourceNotFoundError:
        private = BlobContainer(container_properties=ContainerProperties(public_access="None"))
        client.blob_containers.create(rg, name, container, private)
        return Change(Action.CREATED, what)
    return Change(Action.EXISTS, what)
