"""The commands of `corridor-sim`: the click group, each command's module imported only when it runs.

One module per command, imported only when that command runs or shows its help, so that
`corridor-sim --help` and `--version` load click and nothing heavy:

    run                run.py        one run, or N replications with intervals
    sweep              sweep.py      the grid of --vary values, saturation
    compare            compare.py    two run directories side by side, --fail-if
    levers             levers.py     what limits the corridor, and what each lever buys
    market             market.py     the corridor among its competitors: demand settled by simulation
    market-fit         market_fit.py the choice model fitted on 2019-2024, its 2025 prediction
    market-rates       market_rates.py  a settled market at other tariffs of a competing route
    report             report.py     the HTML report of a run, sweep, levers or market directory
    export             export.py     a run's tables as an Excel workbook or CSV files
    explore            explore.py    the interactive explorer in a browser (Dash, 127.0.0.1)
    validate, schema   scenario.py   scenario files
    findings           findings.py   every shipped scenario, side by side

Shared by them: `exits` (one-line errors, exit codes, signals), `experiments` (the options,
checks and progress bars of run, sweep and levers), `flags` (the core's parameters as the flags
that set them, for the messages of bad input), `tables` and `lever_tables` (the terminal tables).

Bad input (a wrong scenario, a wrong option) ends with one line on stderr naming the file,
the field path and the problem, exit code 2, no traceback, and nothing written to `--out`.
"""

from __future__ import annotations

import errno
import importlib
import logging
import os
import sys
from typing import NamedTuple

import click

from .. import __version__
from .exits import EXIT_FAILED, OneLineWarnings, fail


class Command(NamedTuple):
    module: str      # the module of this package that defines it
    function: str    # the click command in that module
    summary: str     # its line in `corridor-sim --help`: the first sentence of its docstring


COMMANDS = {
    "compare": Command("compare", "compare", "Compare two run directories (single runs or replications): A, B, "
                                             "B − A and its 95% interval."),
    "explore": Command("explore", "explore", "Explore run, replications, sweep, levers and market DIRECTORIES in a "
                                             "browser: map, KPIs, levers."),
    "export": Command("export", "export", "Export the tables of a run, replications, sweep, levers or market "
                                          "DIRECTORY for Excel, a GIS or any tool that reads CSV."),
    "findings": Command("findings", "findings_command", "Run every shipped scenario once and write the Findings "
                                                        "table (README 'Findings')."),
    "levers": Command("levers", "levers", "Run SCENARIO and levers on what limits it, with common random "
                                          "numbers: what each lever buys."),
    "market": Command("market", "market", "Settle SCENARIO's markets: the corridor's demand from its simulated "
                                          "cost, until it moves < 1%."),
    "market-fit": Command("market_fit", "market_fit", "Fit the market's choice model on the shares of 2019-2024 "
                                                      "and predict 2025 from 2025 inputs only."),
    "market-rates": Command("market_rates", "market_rates", "A settled market (DIRECTORY of `corridor-sim market`): "
                                                            "the corridor's demand at other tariffs of a route."),
    "report": Command("report", "report", "Write one self-contained HTML report of a run, replications, sweep, "
                                          "levers or market DIRECTORY."),
    "run": Command("run", "run", "Run SCENARIO and write summary.json, visits.parquet and the resolved scenario "
                                 "to --out."),
    "schema": Command("scenario", "schema", "Print the JSON Schema of scenario files (for editors)."),
    "sweep": Command("sweep", "sweep", "Run SCENARIO at every combination of the --vary values, --replications "
                                       "times each."),
    "validate": Command("scenario", "validate", "Check SCENARIO (schema, references, routes) without running it."),
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when the command is used.

    The commands import pandas, pyarrow, pydantic and rich (0.6 s before the first
    line of output); the group's own help lists them from `COMMANDS` without importing any."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = COMMANDS.get(name)
        if command is None:
            return None
        return getattr(importlib.import_module(f"{__package__}.{command.module}"), command.function)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click's own listing, from the summaries (click shortens them the same way)."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, click.Command(name, help=COMMANDS[name].summary).get_short_help_str(limit))
                for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="corridor-sim")
def cli() -> None:
    """Discrete-event simulation of freight on the Middle Corridor."""


def run_command(argv: list[str] | None) -> int:
    """Run the command line `argv` (None: this process's own); its exit code. click's usage errors
    become one line and exit code 2 too; a KeyboardInterrupt goes up to the caller as it is
    (`corridor_sim.cli.main` ends the command with "interrupted")."""
    logger = logging.getLogger("corridor_sim")
    if not logger.handlers:
        logger.addHandler(OneLineWarnings(logging.WARNING))
        logger.propagate = False
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        with cli.make_context("corridor-sim", args) as ctx:
            cli.invoke(ctx)
    except click.UsageError as exc:
        hint = f" (see 'corridor-sim {exc.ctx.command_path.split(' ', 1)[1]} --help')" \
            if exc.ctx is not None and " " in exc.ctx.command_path else " (see 'corridor-sim --help')"
        fail(exc.format_message() + hint)
    except click.ClickException as exc:
        fail(exc.format_message())
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        # The reader of the output went away (`| head`): what is still buffered goes nowhere, quietly
        # (Python's advice for SIGPIPE).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    return 0
