"""The `trademl` command: thin wrappers that parse flags, call one function, print, and exit."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import ClassVar

import click

from trademl.model import ProfileError, TargetName, load_profile

DEFAULT_PROFILES = "profiles"


def _profiles(given: tuple[Path, ...]) -> list[Path]:
    if given:
        return list(given)
    found = sorted(Path(DEFAULT_PROFILES).glob("*.yaml"))
    if not found:
        raise click.UsageError(f"no profiles/*.yaml under {Path.cwd().name}/; pass --profile FILE")
    return found


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(f"error: {line}", err=True)
    sys.exit(1)


profile_option = click.option(
    "--profile",
    "profiles",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Profile YAML (repeatable). Default: every profiles/*.yaml.",
)
target_option = click.option(
    "--target",
    "targets",
    multiple=True,
    type=click.Choice([t.value for t in TargetName]),
    help="Only these targets (repeatable). Default: every target each profile lists.",
)


class LazyGroup(click.Group):
    """Commands whose modules import cloud SDKs load only when run, so `list`/`validate` stay instant."""

    LAZY: ClassVar[dict[str, str]] = {
        "check": "trademl.check.command:check",
        "parity": "trademl.parity.command:parity",
        "bootstrap": "trademl.ops.command:bootstrap",
        "doctor": "trademl.ops.command:doctor",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.LAZY])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.LAZY:
            module, _, attr = self.LAZY[cmd_name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup)
@click.version_option(package_name="trademl")
def main() -> None:
    """Compile an MLOps platform for systematic trading into Terraform for AWS, Azure and Google Cloud."""


@main.command()
@profile_option
@target_option
@click.option("--out", type=click.Path(path_type=Path), default=Path("cdktf.out"), show_default=True)
@click.option("--jobs", type=click.IntRange(1, 16), default=None, help="Worker processes. Default: cores.")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Synth cache folder. Default: $TRADEML_CACHE_DIR or .trademl-cache.",
)
@click.option("--no-cache", is_flag=True, help="Synthesize every target; neither read nor write the cache.")
def synth(
    profiles: tuple[Path, ...],
    targets: tuple[str, ...],
    out: Path,
    jobs: int | None,
    cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Synthesize Terraform JSON for every stack into OUT (atomically). Unchanged targets come from the
    cache; after a desk edit, only the stacks that changed are re-synthesized."""
    from trademl.synth import SynthError, synthesize
    from trademl.synth.cache import resolve_dir
    from trademl.synth.compiler import stderr_progress

    cache = None if no_cache else resolve_dir(cache_dir)
    try:
        result = synthesize(
            _profiles(profiles), [TargetName(t) for t in targets], out, jobs, stderr_progress, cache_dir=cache
        )
    except ProfileError as exc:
        _fail(exc.lines)
    except SynthError as exc:
        _fail(str(exc).splitlines())
    else:
        click.echo(f"synthesized {len(result.stacks)} stacks into {out}/stacks")


@main.command(name="list")
@profile_option
@target_option
@click.option("--json", "as_json", is_flag=True, help="JSON array, in dependency order (for CI matrices).")
def list_stacks(profiles: tuple[Path, ...], targets: tuple[str, ...], as_json: bool) -> None:
    """List the stacks each profile yields, without loading any provider."""
    from trademl.targets.registry import stacks_for

    rows: list[dict[str, object]] = []
    try:
        for path in _profiles(profiles):
            profile = load_profile(path)
            for target in profile.targets.names():
                if targets and target.value not in targets:
                    continue
                plans = stacks_for(profile, target)
                for plan in plans:
                    deps = [p.name for p in plans if _depends(plan.layer_name, p.layer_name)]
                    rows.append(
                        {
                            "name": plan.name,
                            "profile": profile.name,
                            "target": target.value,
                            "layer": plan.layer_name,
                            "depends_on": deps,
                        }
                    )
    except ProfileError as exc:
        _fail(exc.lines)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['name']:<45} {row['target']:<8} {row['layer']}")


def _depends(layer: str, other: str) -> bool:
    """Layers depend on every earlier layer kind (desks on foundation and audit, not on each other)."""
    from trademl.model.plan import ORDER

    def rank(name: str) -> int:
        kind = "desk" if name.startswith("desk-") else name
        return [layer.value for layer in ORDER].index(kind)

    return rank(other) < rank(layer)


@main.command()
@click.argument("profiles", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(profiles: tuple[Path, ...]) -> None:
    """Validate profiles against the stage model (no jsii, instant)."""
    problems: list[str] = []
    for path in profiles:
        try:
            profile = load_profile(path)
        except ProfileError as exc:
            problems.extend(exc.lines)
        else:
            click.echo(
                f"{path}: ok ({profile.name}, {profile.environment}, "
                f"targets: {', '.join(t.value for t in profile.targets.names())})"
            )
    if problems:
        _fail(problems)


@main.command()
@click.option(
    "--out", type=click.Path(path_type=Path), default=Path("profiles/schema.json"), show_default=True
)
@click.option("--check", is_flag=True, help="Fail if OUT differs from the model's schema.")
def schema(out: Path, check: bool) -> None:
    """Export the profile JSON Schema (editors autocomplete the YAML with it)."""
    from trademl.model.schema import profile_schema

    text = profile_schema()
    if check:
        if not out.is_file() or out.read_text() != text:
            _fail([f"{out}: out of date with the model; fix: run `trademl schema`"])
        click.echo(f"{out}: up to date")
        return
    out.write_text(text)
    click.echo(f"wrote {out}")
