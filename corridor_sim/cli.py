"""The `corridor-sim` command: a thin layer over `corridor_sim.api`.

Bad input (a wrong scenario, a wrong option) ends with one message on stderr
naming the file, the field path and the problem, exit code 2, no traceback,
and nothing written to `--out`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .tables import print_run
from .scenario import ScenarioError, load_scenario
from .scenario.schema import Scenario

EXIT_BAD_INPUT = 2


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="corridor-sim")
def cli() -> None:
    """Discrete-event simulation of freight on the Middle Corridor."""


def main(argv: list[str] | None = None) -> None:
    """Entry point: click's own usage errors become one line and exit code 2 too."""
    try:
        cli.main(args=argv, prog_name="corridor-sim", standalone_mode=False)
    except click.UsageError as exc:
        hint = f" (see 'corridor-sim {exc.ctx.command_path.split(' ', 1)[1]} --help')" \
            if exc.ctx is not None and " " in exc.ctx.command_path else " (see 'corridor-sim --help')"
        _fail(exc.format_message() + hint)
    except click.ClickException as exc:
        _fail(exc.format_message())
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Run directory to write (replaced atomically if it exists).")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Master seed (overrides the scenario's).")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE",
              help="Override a scenario field, e.g. --set nodes.dostyk.station.servers=4 (repeatable).")
@click.option("--quiet", is_flag=True, help="No progress bar and no tables; only errors.")
def run(scenario: Path, out: Path, seed: int | None, overrides: tuple[str, ...], quiet: bool) -> None:
    """Run SCENARIO once and write summary.json, visits.parquet and the resolved scenario to --out."""
    from .api import run_scenario
    from .output import write_run

    if out.exists() and not out.is_dir():
        _fail(f"--out {out}: exists and is not a directory")
    above = next((p for p in out.parents if p.exists()), None)
    if above is not None and not above.is_dir():
        _fail(f"--out {out}: {above} is not a directory")
    sets = list(overrides) + ([f"seed={seed}"] if seed is not None else [])
    try:
        sc, resolved = load_scenario(scenario, sets)
    except ScenarioError as exc:
        _fail(str(exc))
    console = Console(stderr=True)
    show = not quiet and console.is_terminal
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.fields[day]}"),
                  TimeElapsedColumn(), console=console, disable=not show, transient=True) as bar:
        task = bar.add_task(f"simulating {sc.name}", total=1.0, day="")

        def progress(done: float, total: float) -> None:
            bar.update(task, completed=done / total, day=f"day {done / 24:,.0f}/{total / 24:,.0f}")

        result = run_scenario(sc, resolved, progress=progress, source=str(scenario))
    try:
        write_run(out, result.summary, resolved, result.raw)
    except OSError as exc:
        click.echo(f"error: cannot write {out}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    if not quiet:
        print_run(result.summary, Console())
        click.echo(f"results written to {out}/")


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help="Override a field before checking.")
def validate(scenario: Path, overrides: tuple[str, ...]) -> None:
    """Check SCENARIO (schema, references, routes) without running it."""
    try:
        sc, _ = load_scenario(scenario, list(overrides))
    except ScenarioError as exc:
        _fail(str(exc))
    click.echo(f"{scenario}: ok ({sc.name}: {len(sc.nodes)} nodes, {len(sc.links)} links, "
               f"{len(sc.fleets)} fleets, {len(sc.flows)} flows)")


@cli.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editors)."""
    doc = Scenario.model_json_schema(by_alias=True)
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "corridor-sim scenario"
    click.echo(json.dumps(doc, indent=2))


if __name__ == "__main__":  # pragma: no cover
    main()
