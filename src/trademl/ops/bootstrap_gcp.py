"""Create the gcs state backend: a versioned bucket with uniform access and public access prevention.

Locking is built into the gcs backend (a lock object beside each state): nothing else to create.
"""

from __future__ import annotations

import re
from typing import Any

from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession

from trademl.model import GcpTarget
from trademl.model.targets import GcsState
from trademl.ops.clients import gcp_session
from trademl.ops.context import TargetContext
from trademl.ops.gcp_api import GcpResponse, call, get_bucket
from trademl.ops.report import Action, Bootstrapped, Change, OpsError, settle

HOST = "storage.googleapis.com"
NOTES = (
    "locking: built into the gcs backend; nothing else to create",
    "encryption: Google-managed keys (the platform's own stacks bring customer keys)",
)


def labels(tags: dict[str, str]) -> dict[str, str]:
    """GCS labels allow only lowercase letters, digits, '_' and '-', at most 63 characters."""

    def clean(text: str) -> str:
        return re.sub(r"[^a-z0-9_-]", "_", text.lower())[:63]

    return {clean(k): clean(v) for k, v in tags.items()}


def bootstrap_gcp(ctx: TargetContext, credentials: Credentials) -> Bootstrapped:
    spec = ctx.spec
    assert isinstance(spec, GcpTarget) and isinstance(spec.state, GcsState)
    bucket = spec.state.bucket
    session = gcp_session(credentials)
    found = get_bucket(session, bucket)
    if found.status == 404:
        return Bootstrapped((_create(ctx, session, bucket),), NOTES)
    _require(found, f"read GCS bucket {bucket}")
    number = str(found.body.get("projectNumber", spec.project_number))
    if number != spec.project_number:
        raise OpsError(
            f"GCS bucket {bucket} belongs to another project ({number}, not {spec.project_number}); "
            "fix: choose another state.bucket (bucket names are global)"
        )
    return Bootstrapped(
        (Change(Action.EXISTS, f"GCS bucket {bucket}"), *_harden(session, bucket, found.body)), NOTES
    )


def _require(response: GcpResponse, doing: str) -> None:
    if response.status == 403:
        raise OpsError(
            f"cannot {doing} ({response.message}): the name may belong to another project; "
            "fix: grant the caller roles/storage.admin or choose another state.bucket"
        )
    if response.status >= 300:
        raise OpsError(f"cannot {doing} ({response.message}); fix: grant the caller roles/storage.admin")


def _create(ctx: TargetContext, session: AuthorizedSession, bucket: str) -> Change:
    spec = ctx.spec
    assert isinstance(spec, GcpTarget)
    body: dict[str, Any] = {
        "name": bucket,
        "location": spec.region,
        "versioning": {"enabled": True},
        "iamConfiguration": {
            "uniformBucketLevelAccess": {"enabled": True},
            "publicAccessPrevention": "enforced",
        },
        "labels": labels(ctx.profile.all_tags(ctx.target)),
    }
    created = call(session, "POST", HOST, "storage/v1/b", body=body, params={"project": spec.project_id})
    if created.status == 409:
        raise OpsError(
            f"GCS bucket name {bucket} is taken by another project; fix: choose another state.bucket"
        )
    _require(created, f"create GCS bucket {bucket}")
    return Change(
        Action.CREATED,
        f"GCS bucket {bucket} in {spec.region} (versioning, uniform access, "
        "public access prevention enforced)",
    )


def _harden(session: AuthorizedSession, bucket: str, current: dict[str, Any]) -> list[Change]:
    iam = current.get("iamConfiguration", {})
    steps: list[tuple[str, bool, dict[str, Any]]] = [
        (
            "object versioning on",
            current.get("versioning", {}).get("enabled") is True,
            {"versioning": {"enabled": True}},
        ),
        (
            "uniform bucket-level access on",
            iam.get("uniformBucketLevelAccess", {}).get("enabled") is True,
            {"iamConfiguration": {"uniformBucketLevelAccess": {"enabled": True}}},
        ),
        (
            "public access prevention enforced",
            iam.get("publicAccessPrevention") == "enforced",
            {"iamConfiguration": {"publicAccessPrevention": "enforced"}},
        ),
    ]
    changes = []
    for what, same, patch in steps:
        if not same:
            _require(call(session, "PATCH", HOST, f"storage/v1/b/{bucket}", body=patch), f"set {what}")
        changes.append(settle(what, True, not same))
    return changes
