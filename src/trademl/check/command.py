"""`trademl check`: the click command (registered on the main group with `cli.add_command(check)`)."""

from __future__ import annotations

from pathlib import Path

import click

from trademl.check.errors import CheckSetupError

EXIT_PASS, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


@click.command(name="check")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("cdktf.out"),
    show_default=True,
    help="Synth output folder (holds manifest.json).",
)
@click.option(
    "--report-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("reports/check"),
    show_default=True,
    help="Where check.json, check.sarif and check.junit.xml are written.",
)
@click.option("--stack", "stacks", multiple=True, help="Only this stack (repeatable). Default: every stack.")
@click.option(
    "--policies",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("policies"),
    show_default=True,
    help="Folder of custom checkov checks.",
)
@click.option(
    "--allowlist",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("policies/checkov-allowlist.yaml"),
    show_default=True,
    help="Reviewed exceptions.",
)
def check(out: Path, report_dir: Path, stacks: tuple[str, ...], policies: Path, allowlist: Path) -> None:
    """Scan every synthesized stack with checkov and trademl's compliance checks; fail on any unallowlisted
    failure, parse error or stack with nothing scanned."""
    from trademl.check.reports import write_reports
    from trademl.check.scan import scan
    from trademl.check.summary import summary_lines

    try:
        result = scan(out, policies, allowlist, stacks)
    except CheckSetupError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    written = write_reports(result, report_dir)
    for line in summary_lines(result, allowlist, written):
        click.echo(line)
    raise SystemExit(EXIT_PASS if result.ok else EXIT_FAIL)
