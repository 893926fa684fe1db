"""The `bootstrap` and `doctor` click commands (registered on the main CLI with add_command)."""

from __future__ import annotations

from pathlib import Path

import click

from trademl.model import Profile, ProfileError, TargetName, load_profile
from trademl.ops.bootstrap import describe, run_bootstrap
from trademl.ops.context import TargetContext
from trademl.ops.doctor import CLOUD_ERRORS, run_doctor
from trademl.ops.report import Action, OpsError, Status
from trademl.ops.tools import project_root

TARGET = click.Choice([t.value for t in TargetName])
PROFILE = click.Path(dir_okay=False, path_type=Path)
USAGE_ERROR = 2


def _load(path: Path) -> Profile:
    try:
        return load_profile(path)
    except ProfileError as exc:
        for line in exc.lines:
            click.echo(line, err=True)
        raise SystemExit(USAGE_ERROR) from None


def _context(profile: Profile, path: Path, target: str) -> TargetContext:
    name = TargetName(target)
    if profile.targets.get(name) is None:
        listed = ", ".join(t.value for t in profile.targets.names())
        click.echo(
            f"{path}: profile {profile.name} has no target {target}; fix: use one of {listed}", err=True
        )
        raise SystemExit(USAGE_ERROR)
    return TargetContext(profile, path, name)


@click.command("bootstrap")
@click.option("--profile", "profile_path", type=PROFILE, required=True, help="Profile YAML.")
@click.option("--target", type=TARGET, required=True, help="Target whose state backend to create.")
def bootstrap(profile_path: Path, target: str) -> None:
    """Create the target's Terraform state backend before its first deploy. Safe to re-run."""
    ctx = _context(_load(profile_path), profile_path, target)
    head = f"bootstrap {ctx.profile.name}/{target}"
    try:
        result = run_bootstrap(ctx)
    except CLOUD_ERRORS as exc:
        line = (
            exc.line if isinstance(exc, OpsError) else f"{type(exc).__name__}: {exc}; fix: check the network"
        )
        click.echo(f"{head}: {line}", err=True)
        raise SystemExit(1) from None
    if result is None:
        click.echo(
            f"{head}: nothing to bootstrap: targets.{target}.state is local (state stays on this disk, "
            "unshared and unlocked)"
        )
        return
    click.echo(f"{head}: {describe(ctx)}")
    for change in result.changes:
        click.echo(change.line)
    for note in result.notes:
        click.echo(f"note:   {note}")
    if result.changed:
        made = sum(c.action is not Action.EXISTS for c in result.changes)
        click.echo(f"done: {made} of {len(result.changes)} steps changed something")
    else:
        click.echo(f"nothing changed: all {len(result.changes)} parts already existed as required")


@click.command("doctor")
@click.option("--profile", "profile_path", type=PROFILE, required=True, help="Profile YAML.")
@click.option("--target", type=TARGET, default=None, help="Check only this target (default: all listed).")
def doctor(profile_path: Path, target: str | None) -> None:
    """Preflight: right account/subscription/project, state backend, adopted resources and local tools."""
    profile = _load(profile_path)
    names = [target] if target else [t.value for t in profile.targets.names()]
    contexts = [_context(profile, profile_path, name) for name in names]
    checks = run_doctor(contexts, project_root())
    for check in checks:
        click.echo(check.line)
    failed = sum(c.status is Status.FAIL for c in checks)
    passed = sum(c.status is Status.OK for c in checks)
    skipped = len(checks) - failed - passed
    click.echo(f"doctor: {passed} ok, {failed} failed, {skipped} skipped")
    if failed:
        raise SystemExit(1)
