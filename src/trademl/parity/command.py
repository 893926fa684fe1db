"""`trademl parity`: the capability matrix of every profile on every target, from the synthesized JSON.

Exit 1 when a target lacks a capability its profile asks for; exit 2 on bad flags or missing output.
The lead registers it with `main.add_command(parity)`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from trademl.model import ProfileError, load_profile
from trademl.parity.graph import OutputError, load_out
from trademl.parity.matrix import Matrix, build
from trademl.parity.report import FORMATS, render


def run(out: Path, profiles: list[Path]) -> list[Matrix]:
    stacks = load_out(out)
    return [build(load_profile(p), stacks) for p in profiles]


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("cdktf.out"),
    show_default=True,
    help="Synthesized output folder (manifest.json + stacks/).",
)
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Profile YAML (repeatable). Default: every profiles/*.yaml.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--report",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the report here (format from the suffix: .html, .md, .json, else text).",
)
def parity(out: Path, profiles: tuple[Path, ...], fmt: str, report: Path | None) -> None:
    """Capability x target matrix proven from the synthesized Terraform JSON."""
    paths = list(profiles) or sorted(Path("profiles").glob("*.yaml"))
    if not paths:
        raise click.UsageError("no profiles/*.yaml here; pass --profile FILE")
    try:
        matrices = run(out, paths)
    except OutputError as exc:
        raise click.UsageError(str(exc)) from None
    except ProfileError as exc:
        for line in exc.lines:
            click.echo(f"error: {line}", err=True)
        sys.exit(1)
    click.echo(render(matrices, fmt))
    if report is not None:
        kind = {".html": "html", ".md": "markdown", ".json": "json"}.get(report.suffix, "text")
        tmp = report.with_name(report.name + ".tmp")
        tmp.write_text(render(matrices, kind), encoding="utf-8")
        tmp.replace(report)
    if any(m.failures for m in matrices):
        sys.exit(1)
