"""The `corridor-sim` command: a thin layer over `corridor_sim.api`.

Bad input (a wrong scenario, a wrong option) ends with one message on stderr
naming the file, the field path and the problem, exit code 2, no traceback,
and nothing written to `--out`.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
from contextlib import contextmanager
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


_signalled: list[int] = []   # the signal that stopped the command (SIGINT or SIGTERM)


def _stop(signum, frame) -> None:
    """SIGTERM (and SIGINT) stop the command as Ctrl-C does: a KeyboardInterrupt, so that a run
    or an experiment removes its temporary directories and keeps its finished runs. A second
    signal while that cleanup runs is ignored: it must not leave the cleanup half done."""
    if _signalled:
        return
    _signalled.append(signum)
    raise KeyboardInterrupt


def _interrupt_code() -> int:
    """128 + the signal: 130 for Ctrl-C (SIGINT), 143 for SIGTERM."""
    return 128 + (_signalled[0] if _signalled else signal.SIGINT)


def _install_signal_handlers() -> None:
    try:
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    except ValueError:  # not the main thread: leave the signals alone
        pass


class _OneLine(logging.Handler):
    """The library's warnings (a worker process died, …) as one line each on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"warning: {record.getMessage()}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point: click's own usage errors become one line and exit code 2 too."""
    _install_signal_handlers()
    from .recording import chunk_rows_default

    try:
        chunk_rows_default()   # a bad CORRIDOR_SIM_CHUNK_ROWS is bad input too, found before anything runs
    except ValueError as exc:
        _fail(str(exc))
    logger = logging.getLogger("corridor_sim")
    if not logger.handlers:
        logger.addHandler(_OneLine(logging.WARNING))
        logger.propagate = False
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
        sys.exit(_interrupt_code())
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)


def _experiment_options(func):
    """--replications, --workers, --executor, --scheduler, --resume, --run-timeout: shared by run and sweep."""
    options = [
        click.option("--replications", type=click.IntRange(min=1), default=1, show_default=True,
                     help="Independent replications (replication i uses the same random streams in every scenario)."),
        click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
                     help="Runs at once: 1 runs in this process; N > 1 a local process pool "
                          "(with --executor dask, the local Dask workers)."),
        click.option("--executor", type=click.Choice(["process", "dask"]), default="process", show_default=True,
                     help="Local process pool, or a local Dask cluster (needs corridor-sim[dask])."),
        click.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
                     help="Run on an existing Dask cluster (its workers need corridor-sim installed)."),
        click.option("--resume", is_flag=True,
                     help="Keep the finished runs in --out and run only the others."),
        click.option("--run-timeout", "run_timeout", type=float, default=None, metavar="SECONDS",
                     help="Stop a run that takes longer, record it as failed and go on (in process and "
                          "with the local process pool)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        _fail(f"--out {out}: exists and is not a directory")
    above = next((p for p in out.parents if p.exists()), None)
    if above is not None and not above.is_dir():
        _fail(f"--out {out}: {above} is not a directory")


@contextmanager
def _experiment_errors(out: Path):
    """Bad input: one line, exit 2; Ctrl-C: what finished is kept; a write that fails: exit 1."""
    from .experiment import ExperimentError, ExperimentInterrupted

    try:
        yield
    except (ScenarioError, ExperimentError) as exc:
        _fail(str(exc))
    except ExperimentInterrupted as exc:
        _interrupted(exc)
    except OSError as exc:
        _cannot_write(out, exc)


def _cannot_write(what, exc: OSError) -> None:
    """A write that failed (disk full, no permission): one line, exit 1."""
    click.echo(f"error: cannot write {what}: {exc.strerror or exc}", err=True)
    sys.exit(1)


def _exit_if_failed(failed: int, total: int, what: str, runs_dir: Path) -> None:
    if failed:
        click.echo(f"error: {failed} of {total} {what} failed (see {runs_dir}/*/error.txt)", err=True)
        sys.exit(1)


def _interrupted(exc) -> None:
    click.echo(f"\ninterrupted: {exc.finished} of {exc.total} runs finished"
               + (f" and kept in {exc.out} (continue with --resume)" if exc.out is not None and exc.finished else ""),
               err=True)
    sys.exit(_interrupt_code())


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Run directory to write (replaced atomically if it exists).")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Master seed (overrides the scenario's).")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE",
              help="Override a scenario field, e.g. --set nodes.dostyk.station.servers=4 (repeatable).")
@_experiment_options
@click.option("--plots", is_flag=True, help="Also write the figures (map, monthly tonnes, transit times, "
                                              "queues) as PNG files into --out.")
@click.option("--quiet", is_flag=True, help="No progress bar and no tables; only errors.")
def run(scenario: Path, out: Path, seed: int | None, overrides: tuple[str, ...], replications: int, workers: int,
        executor: str, scheduler: str | None, resume: bool, run_timeout: float | None, quiet: bool,
        plots: bool = False) -> None:
    """Run SCENARIO and write summary.json, visits.parquet and the resolved scenario to --out.

    With --replications N > 1, every KPI gets its mean and 95% t interval in
    --out/summary.json, and each replication its own run directory in
    --out/replications/.
    """
    _check_out(out)
    if replications > 1:
        _run_replications(scenario, out, seed, overrides, replications, workers, executor, scheduler, resume, quiet,
                          plots, run_timeout)
        return
    from .experiment import ExperimentError
    from .experiment.executors import RunTimedOut, check_options, time_limit
    from .output import write_run
    from .simulate import simulate

    try:
        check_options(workers, executor, scheduler, run_timeout)
    except ExperimentError as exc:
        _fail(str(exc))
    sets = list(overrides) + ([f"seed={seed}"] if seed is not None else [])
    try:
        sc, resolved = load_scenario(scenario, sets)
    except ScenarioError as exc:
        _fail(str(exc))
    if resume and out.is_dir():
        done = _finished_single_run(out, resolved)
        if done is not None:
            if plots:
                _write_plots(out)
            if not quiet:
                print_run(done, Console())
                click.echo(f"{out}/ already holds this run (--resume): nothing to do")
            return
    console = Console(stderr=True)
    show = not quiet and console.is_terminal
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.fields[day]}"),
                  TimeElapsedColumn(), console=console, disable=not show, transient=True) as bar:
        task = bar.add_task(f"simulating {sc.name}", total=1.0, day="")

        def progress(done: float, total: float) -> None:
            bar.update(task, completed=done / total, day=f"day {done / 24:,.0f}/{total / 24:,.0f}")

        try:
            with time_limit(run_timeout):
                result = simulate(sc, resolved, progress=progress, source=str(scenario))
        except RunTimedOut as exc:
            bar.stop()
            click.echo(f"error: {exc}; nothing written to {out}", err=True)
            sys.exit(1)
    try:
        write_run(out, result.summary, resolved, result.records, extra=_plots_into(result) if plots else None)
    except OSError as exc:
        _cannot_write(out, exc)
    if not quiet:
        print_run(result.summary, Console())
        click.echo(f"results written to {out}/")


def _finished_single_run(out: Path, resolved: dict) -> dict | None:
    """The summary in `out` if it is a complete single run of this resolved scenario."""
    from .rundir import finished_run

    summary = finished_run(out, resolved)
    return summary if summary is not None and summary.get("replication") == 0 else None


def _plots_into(result):
    """Writes the run's figures into the run directory while it is still under its temporary name."""

    def write(tmp: Path) -> None:
        from .plots import load_run, run_figures, save_figures

        save_figures(run_figures(load_run(result)), tmp)

    return write


def _write_plots(out: Path) -> None:
    """The figures of a finished run or replications directory, each PNG written atomically."""
    from .plots import run_figures, save_figures

    try:
        save_figures(run_figures(out), out, atomic=True)
    except OSError as exc:
        _cannot_write(f"the plots into {out}", exc)


def _run_replications(scenario, out, seed, overrides, replications, workers, executor, scheduler, resume, quiet,
                      plots=False, run_timeout=None):
    from .experiment import run_replications
    from .tables import print_replications

    console = Console(stderr=True)
    with _experiment_errors(out):
        result = run_replications(scenario, replications=replications, workers=workers, executor=executor,
                                  scheduler=scheduler, overrides=overrides, seed=seed, out=out, resume=resume,
                                  run_timeout=run_timeout, progress=not quiet and console.is_terminal)
    if plots and result.summary.get("replications_ok"):
        _write_plots(out)
    if not quiet:
        print_replications(result.summary, Console())
        click.echo(f"results written to {out}/")
    _exit_if_failed(len(result.summary["failed"]), replications, "replications", out / "replications")


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--vary", "vary", multiple=True, required=True, metavar="PATH=V1,V2,...",
              help="A field and its values, e.g. --vary nodes.kuryk.berths.ferry.count=1,2,3 "
                   "(repeatable: the full grid is run).")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Sweep directory to write.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Master seed (overrides the scenario's).")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE",
              help="Override a scenario field at every grid point (repeatable).")
@_experiment_options
@click.option("--min-gain", type=click.FloatRange(min=0, max=100, max_open=True), default=1.0, show_default=True,
              metavar="PERCENT", help="A step of a parameter that adds less than this % of delivered tonnes "
                                      "does not count as growth (saturation).")
@click.option("--plots", is_flag=True, help="Also write the saturation curves as --out/sweep.png.")
@click.option("--quiet", is_flag=True, help="No progress bar and no tables; only errors.")
def sweep(scenario: Path, vary: tuple[str, ...], out: Path, seed: int | None, overrides: tuple[str, ...],
          replications: int, workers: int, executor: str, scheduler: str | None, resume: bool,
          run_timeout: float | None, min_gain: float, quiet: bool, plots: bool = False) -> None:
    """Run SCENARIO at every combination of the --vary values, --replications times each.

    Writes the tidy results (results.parquet), a summary per grid point (summary.parquet) with
    the saturation marks, and a run directory per run; prints the summary table.
    """
    from .experiment import sweep as run_sweep
    from .tables import print_sweep

    _check_out(out)
    console = Console(stderr=True)
    with _experiment_errors(out):
        result = run_sweep(scenario, list(vary), replications=replications, workers=workers, executor=executor,
                           scheduler=scheduler, overrides=overrides, seed=seed, out=out, resume=resume,
                           run_timeout=run_timeout, progress=not quiet and console.is_terminal,
                           min_gain=min_gain / 100.0)
    if plots and result.info.get("runs_ok"):
        from .plots import save_figures, sweep_curves

        save_figures({"sweep.png": sweep_curves(result)}, out, atomic=True)
    if not quiet:
        print_sweep(result, Console())
        click.echo(f"results written to {out}/")
    _exit_if_failed(len(result.info["failed"]), result.info["runs"], "runs", out / "runs")


@cli.command()
@click.argument("dir_a", type=click.Path(path_type=Path))
@click.argument("dir_b", type=click.Path(path_type=Path))
@click.option("--fail-if", "fail_if", multiple=True, metavar="'METRIC<-5%'",
              help="Exit with 1 if the change from A to B crosses this threshold: METRIC, one of < <= > >=, "
                   "a number (absolute change) or a percentage (change relative to A). METRIC may use * "
                   "(e.g. 'transit_days.*.p95>10%'). Repeatable.")
@click.option("--all", "everything", is_flag=True, help="Print every metric, not only the main ones.")
@click.option("--quiet", is_flag=True, help="Print only the failed thresholds.")
@click.option("--plot", "plot", type=click.Path(path_type=Path), default=None, metavar="FILE.png",
              help="Also draw the differences (B − A in % of A, with their intervals) into this PNG file.")
def compare(dir_a: Path, dir_b: Path, fail_if: tuple[str, ...], everything: bool, quiet: bool,
            plot: Path | None = None) -> None:
    """Compare two run directories (single runs or replications): A, B, B − A and its 95% interval.

    Replications of A and B with the same seed and index drew the same random numbers: their
    differences give a paired interval (common random numbers).
    """
    from .experiment import ExperimentError, check_thresholds, parse_threshold
    from .experiment import compare as run_compare
    from .tables import print_comparison

    try:
        thresholds = [parse_threshold(t) for t in fail_if]
        table = run_compare(dir_a, dir_b)
        failed = check_thresholds(table, thresholds)
    except ExperimentError as exc:
        _fail(str(exc))
    if plot is not None:
        from .plots import comparison_bars, save_figures

        save_figures({plot.name: comparison_bars(table, title=f"B = {dir_b} against A = {dir_a}")}, plot.parent,
                     atomic=True)
    if not quiet:
        print_comparison(table, Console(), str(dir_a), str(dir_b), everything)
    for t in thresholds:
        hits = [f for f in failed if f[0] is t]
        if not hits and not quiet:
            click.echo(f"ok      --fail-if {t.text}")
        for _, metric, diff, pct in hits:
            amount = f"{diff:+,.0f}" if abs(diff) >= 100 else f"{diff:+.3g}"
            click.echo(f"FAILED  --fail-if {t.text}: {metric} changed by {amount} ({pct:+.1f}%)")
    if failed:
        sys.exit(1)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="HTML file to write (default: DIRECTORY/report.html).")
def report(directory: Path, out: Path | None) -> None:
    """Write one self-contained HTML report of a run, replications or sweep DIRECTORY.

    Figures, KPI tables, bottlenecks, stability, static capacity, the resolved scenario and
    the provenance, in one file that opens in any browser without a network. For a sweep: the
    sweep curves, the grid with its intervals and gains, the saturation verdict and the runs.
    """
    from .plots import NotARunDirectory
    from .report import REPORT, write_report

    target = out if out is not None else directory / REPORT
    if target.exists() and target.is_dir():
        _fail(f"--out {target}: is a directory")
    try:
        path = write_report(directory, target)
    except NotARunDirectory as exc:
        _fail(str(exc))
    except OSError as exc:
        _cannot_write(target, exc)
    click.echo(f"report written to {path}")


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


# The Findings of the README: every shipped scenario, side by side.
from .findings import findings_command  # noqa: E402

cli.add_command(findings_command)


if __name__ == "__main__":  # pragma: no cover
    main()
