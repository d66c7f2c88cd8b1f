"""`corridor-sim findings`: the README's Findings table, by running every shipped scenario."""

from __future__ import annotations

from pathlib import Path

import click

from ..findings import check_findings_out, findings, to_markdown, write_findings
from ..ownership import OutputRefused
from ..scenario import ScenarioError
from ..scenario.types import MAX_SEED
from .exits import cannot_write, fail
from .flags import COMMAND_LINE
from .experiments import check_chunk_rows


@click.command("findings")
@click.option("--scenarios", "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("scenarios"),
              show_default=True, help="Folder of the shipped scenarios (sub-folders such as validation/ are left out).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("findings"), show_default=True,
              help="Where findings.md and findings.json go (replacing only corridor-sim's own; the folder's "
                   "other files are left alone).")
@click.option("--seed", type=click.IntRange(min=0, max=MAX_SEED), default=None, help="One seed for every scenario (default: each its own).")
def findings_command(directory: Path, out: Path, seed: int | None) -> None:
    """Run every shipped scenario once and write the Findings table (README 'Findings')."""
    check_chunk_rows()
    if not directory.is_dir():
        fail(f"--scenarios {directory}: no such directory")
    try:
        check_findings_out(out)
        rows = findings(directory, seed, progress=lambda p: click.echo(f"ran {p}", err=True))
        write_findings(rows, out)
    except (ScenarioError, OutputRefused) as exc:
        fail(exc.describe(COMMAND_LINE))
    except OSError as exc:
        cannot_write(out, exc)
    click.echo(to_markdown(rows), nl=False)
    click.echo(f"written to {out}/findings.md and {out}/findings.json", err=True)
