"""`corridor-sim explore`: the interactive explorer in a browser (corridor_sim/explore)."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from ..rundir import NotARunDirectory
from .exits import fail
from .flags import COMMAND_LINE


@click.command()
@click.argument("directories", nargs=-1, type=click.Path(path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=8050, show_default=True,
              help="Port on 127.0.0.1 to serve on (0: any free one).")
def explore(directories: tuple[Path, ...], port: int) -> None:
    """Explore run, replications, sweep, levers and market DIRECTORIES in a browser: map, KPIs, levers.

    Serves a local page on 127.0.0.1 (nothing is loaded from the network): the corridor's map
    with hover details on every node and link, KPI cards, monthly tonnes, transit times and the
    ranked bottlenecks; change a few levers (fleet sizes, berths, a border's dwell, demand growth,
    a timetable), run in the background and compare with the base. With no DIRECTORIES: those in
    the current directory and in ./runs. Stop it with Ctrl-C.
    """
    try:
        from ..explore.app import find_directories, make_server
    except ImportError as exc:   # Dash is optional
        fail(f"explore needs Dash ({exc.name} is not installed): pip install 'corridor-sim[explore]'")
    try:
        opened = find_directories(list(directories))
    except NotARunDirectory as exc:
        fail(exc.describe(COMMAND_LINE))
    try:
        server = make_server(opened, port)
    except OSError as exc:
        fail(f"--port {port}: cannot serve on 127.0.0.1:{port} ({exc.strerror or exc})")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)   # not a line per request on the terminal
    click.echo(f"corridor-sim explorer on http://127.0.0.1:{server.port}/ ({len(opened)} directories; Ctrl-C stops it)")
    server.serve_forever()
