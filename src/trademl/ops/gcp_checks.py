"""Google Cloud preflight: the project (exists, ACTIVE, the profile's number), the state bucket and every
adopted resource, each read with a GET on its resource name."""

from __future__ import annotations

from collections.abc import Iterator

from google.api_core.exceptions import (
    Forbidden,
    GoogleAPICallError,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from google.auth.credentials import Credentials
from google.auth.exceptions import GoogleAuthError
from google.cloud.resourcemanager_v3 import Project

from trademl.model import GcpTarget
from trademl.model.adopt import adopted_ids
from trademl.model.targets import GcsState
from trademl.ops.clients import gcp_session, projects_client
from trademl.ops.context import TargetContext
from trademl.ops.gcp_api import call, get_bucket
from trademl.ops.report import Check, OpsError, fail, ok, skip

AUTH_FIX = "fix: run `gcloud auth application-default login` (in CI: google-github-actions/auth)"


def check_project(ctx: TargetContext, credentials: Credentials) -> Check:
    spec = ctx.spec
    assert isinstance(spec, GcpTarget)
    scope, pid = ctx.scope("project"), spec.project_id
    try:
        project = projects_client(credentials).get_project(name=f"projects/{pid}")
    except (NotFound, Forbidden, PermissionDenied):  # 403 too: Google hides projects you cannot see
        return fail(
            scope,
            f"project {pid} does not exist or the caller cannot see it; fix: correct "
            "targets.gcp.project_id or grant the caller roles/browser on it",
        )
    except Unauthenticated as exc:
        return fail(scope, f"Google rejected the credentials ({exc.message}); {AUTH_FIX}")
    except GoogleAuthError as exc:
        return fail(scope, f"Google Cloud credentials could not be used ({exc}); {AUTH_FIX}")
    except GoogleAPICallError as exc:
        return fail(scope, f"cannot read project {pid} ({exc.code} {exc.message}); fix: check the network")
    if project.state != Project.State.ACTIVE:
        state = Project.State(project.state).name
        return fail(
            scope,
            f"project {pid} is {state}, not ACTIVE; fix: restore it (`gcloud projects undelete "
            f"{pid}`) or point targets.gcp.project_id at an active project",
        )
    number = project.name.removeprefix("projects/")
    if number != spec.project_number:
        return fail(
            scope,
            f"project {pid} has number {number}, the profile says {spec.project_number}; "
            f'fix: set targets.gcp.project_number: "{number}"',
        )
    return ok(scope, f"project {pid} ({number}) is ACTIVE")


def check_state(ctx: TargetContext, credentials: Credentials) -> Check:
    spec = ctx.spec
    assert isinstance(spec, GcpTarget)
    scope = ctx.scope("state")
    if not isinstance(spec.state, GcsState):
        return skip(scope, "local state: nothing to check (not shared, not locked)")
    bucket = spec.state.bucket
    try:
        found = get_bucket(gcp_session(credentials), bucket)
    except OpsError as exc:
        return fail(scope, exc.line)
    if found.status == 404:
        return fail(scope, f"GCS state bucket {bucket} does not exist; {ctx.bootstrap_fix}")
    if found.status != 200:
        return fail(
            scope,
            f"GCS state bucket {bucket} cannot be read ({found.message}): it may belong to "
            "another project; fix: grant roles/storage.admin or name a bucket of this project",
        )
    if str(found.body.get("projectNumber", spec.project_number)) != spec.project_number:
        return fail(
            scope,
            f"GCS state bucket {bucket} belongs to project {found.body['projectNumber']}, not "
            f"{spec.project_number}; fix: name a bucket of this project in state.bucket",
        )
    if not found.body.get("versioning", {}).get("enabled", False):
        return fail(scope, f"GCS state bucket {bucket} has versioning off; {ctx.bootstrap_fix}")
    return ok(scope, f"GCS bucket {bucket} exists with versioning; locking is built into the gcs backend")


def adopted(spec: GcpTarget) -> Iterator[tuple[str, str]]:
    """(field path, id) for everything the target adopts, in profile order."""
    return adopted_ids(spec.adopt)


def resource_path(field: str, name: str) -> tuple[str, str] | None:
    """(service host, REST path) of the GET that reads an adopted resource, by the field it is under."""
    kind = field.split(".")[-1].split("[")[0]
    if kind in ("network", "private_subnets"):
        return "compute.googleapis.com", f"compute/v1/{name}"
    if kind == "cluster":
        return "container.googleapis.com", f"v1/{name}"
    if kind == "key":
        return "cloudkms.googleapis.com", f"v1/{name}"
    if kind == "dns_zone":
        return "dns.googleapis.com", f"dns/v1/{name}"
    if kind == "audit_archive":
        return "storage.googleapis.com", f"storage/v1/b/{name.removeprefix('projects/_/buckets/')}"
    if kind == "registry":
        return "artifactregistry.googleapis.com", f"v1/{name}"
    return None


def check_adopted(ctx: TargetContext, credentials: Credentials) -> list[Check]:
    spec = ctx.spec
    assert isinstance(spec, GcpTarget)
    found = list(adopted(spec))
    if not found:
        return [skip(ctx.scope("adopt"), "nothing adopted")]
    session = gcp_session(credentials)
    checks = []
    for field, name in found:
        scope = ctx.scope(f"adopt.{field}")
        where = resource_path(field, name)
        if where is None:
            checks.append(skip(scope, f"{name}: not checked (no REST read known for it)"))
            continue
        try:
            got = call(session, "GET", *where)
        except OpsError as exc:
            checks.append(fail(scope, exc.line))
            continue
        if got.status == 404:
            checks.append(fail(scope, f"{name} does not exist; {ctx.adopt_fix(field.split('[')[0])}"))
        elif got.status != 200:
            checks.append(
                fail(scope, f"{name} cannot be read ({got.message}); fix: grant the caller read access to it")
            )
        else:
            checks.append(ok(scope, f"{name} exists"))
    return checks
