"""The explorer: a Dash app over run, replications and sweep directories, served on 127.0.0.1.

Why Dash: it is made for exactly this (a page of linked figures and controls whose callbacks are
plain Python functions over our own API), its figures are Plotly's (hover on every mark, zoom, pan),
and it serves its scripts and styles from the installed package (`serve_locally`): the page loads
nothing from the network. The app is a thin face: what it shows comes from `views` (over
`rundir` and `analysis`), what it runs from `levers` (over `api.run`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dash
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html, no_update

from ..layout import LEVERS, MARKET, SATURATION, SUMMARY_TABLE, SWEEP
from ..rundir import LeversDirectory, NotARunDirectory, RunData, SweepDirectory, load_run, read_market
from . import pages, views
from .levers import Runs, lever_choices, overrides

POLL_MS = 400


@dataclass
class Opened:
    """A directory the explorer shows: a run (or replications) as RunData, or a sweep."""

    path: Path
    run: RunData | None = None
    sweep: SweepDirectory | None = None
    levers: LeversDirectory | None = None   # a levers directory: `run` is its base (replications)
    market: dict | None = None              # a market directory's market.json: `run` is its final corridor run

    @property
    def title(self) -> str:
        if self.levers is not None:
            return f"{self.run.name} (levers: base and {len(self.levers.info.get('levers') or [])} levers) — {self.path}"
        if self.market is not None:
            return f"{self.run.name} (market: {', '.join(self.market['markets'])}, the final corridor run) — {self.path}"
        if self.run is not None:
            kind = f"{self.run.n_replications} replications" if self.run.is_replications else "run"
            return f"{self.run.name} ({kind}) — {self.path}"
        return f"{self.sweep.info.get('scenario')} (sweep) — {self.path}"


def open_directory(path) -> Opened:
    """A run, replications, sweep, levers or market directory, read through `rundir` (NotARunDirectory: one line
    why not). A levers directory shows its base, and the levers it tried ranked; a market directory its final
    corridor run, and who carries each market."""
    path = Path(path)
    if (path / SWEEP).is_file():
        return Opened(path, sweep=SweepDirectory.read(path))
    if (path / LEVERS).is_file():
        levers = LeversDirectory.read(path)
        return Opened(path, run=load_run(path / levers.info["base"]["dir"]), levers=levers)
    if (path / MARKET).is_file():
        return Opened(path, run=load_run(path), market=read_market(path))
    return Opened(path, run=load_run(path))


def make_app(directories: list[Opened]) -> dash.Dash:
    """The Dash app over the opened directories (the first shown first)."""
    app = dash.Dash(__name__, title="corridor-sim explorer", serve_locally=True, update_title=None,
                    assets_ignore=".*")
    runs = Runs()
    by_key = {str(i): d for i, d in enumerate(directories)}
    app.layout = html.Div([
        html.H2("corridor-sim explorer", style={"margin": "4px 0"}),
        dcc.Dropdown(id="run-choice", options=[{"label": d.title, "value": k} for k, d in by_key.items()],
                     value="0", clearable=False, style={"maxWidth": "900px"}),
        html.Div(id="cards", style={"margin": "8px 0"}),
        html.Div([
            html.Div([dcc.Graph(id="map", config={"displaylogo": False}),
                      html.Div(id="comparison")], style={"flex": "1", "minWidth": "0"}),
            html.Div(pages.lever_form(), id="lever-panel"),
        ], style={"display": "flex", "gap": "12px", "alignItems": "flex-start"}),
        html.Div([dcc.Graph(id="monthly", style={"flex": "1"}), dcc.Graph(id="transit", style={"flex": "1"})],
                 style={"display": "flex", "gap": "12px"}),
        html.Div(id="levers-table"),
        html.H3("Ranked bottlenecks"), html.Div(id="bottlenecks"),
        dcc.Store(id="job"), dcc.Interval(id="poll", interval=POLL_MS, disabled=True),
    ], style={"fontFamily": "sans-serif", "margin": "10px 16px"})

    @app.callback(Output("cards", "children"), Output("map", "figure"), Output("monthly", "figure"),
                  Output("transit", "figure"), Output("bottlenecks", "children"), Output("lever-panel", "style"),
                  Output("lever-fleet", "options"), Output("lever-fleet", "value"),
                  Output("lever-berth", "options"), Output("lever-berth", "value"),
                  Output("lever-station", "options"), Output("lever-station", "value"),
                  Output("lever-timetable", "options"), Output("lever-timetable", "value"),
                  Output("levers-table", "children"), Input("run-choice", "value"))
    def show(key):
        opened = by_key[key]
        if opened.run is None:
            return sweep_view(opened.sweep)
        data = opened.run
        choices = lever_choices(data.scenario)
        firsts = [choices[k][0]["value"] if choices[k] else None for k in ("fleet", "berths", "dwell", "timetable")]
        return (pages.cards(views.kpi_cards(data)), views.interactive_map(data), views.monthly_figure(data),
                views.transit_figure(data), pages.table(views.bottleneck_rows(data)), {},
                choices["fleet"], firsts[0], choices["berths"], firsts[1], choices["dwell"], firsts[2],
                choices["timetable"], firsts[3],
                pages.levers_tried(opened.levers.info) if opened.levers else
                pages.market_routes(opened.market) if opened.market else [])

    @app.callback(Output("job", "data"), Output("poll", "disabled"), Output("progress", "children"),
                  Input("run-button", "n_clicks"),
                  State("run-choice", "value"), State("lever-fleet", "value"), State("lever-vessels", "value"),
                  State("lever-berth", "value"), State("lever-berths", "value"), State("lever-station", "value"),
                  State("lever-dwell", "value"), State("lever-growth", "value"), State("lever-timetable", "value"),
                  State("lever-every", "value"), prevent_initial_call=True)
    def start(_clicks, key, fleet, vessels, berth, berths, station, dwell, growth, timetable, every):
        data = by_key[key].run
        if data is None:
            return no_update, True, "a sweep has no levers: open one of its runs"
        if runs.busy():
            return no_update, no_update, "a lever run is still running: wait for it"
        changes = overrides(data.scenario, fleet=fleet, vessels=vessels, berth=berth, berths=berths, station=station,
                            dwell=dwell, growth_pct=growth, timetable_fleet=timetable, every_hours=every)
        job = runs.start(data.scenario, changes)
        return {"job": job, "base": key}, False, "running… 0%"

    @app.callback(Output("progress", "children", allow_duplicate=True), Output("poll", "disabled", allow_duplicate=True),
                  Output("comparison", "children"), Input("poll", "n_intervals"), State("job", "data"),
                  prevent_initial_call=True)
    def poll(_n, job_ref):
        job = runs.get((job_ref or {}).get("job"))
        if job is None:
            return "", True, no_update
        if not job.done.is_set():
            return f"running… {job.progress:.0%}", False, no_update
        if job.error:
            return html.Span(f"the run failed: {job.error}", style={"color": "#c00000"}), True, no_update
        base = by_key[job_ref["base"]].run
        base_map = views.interactive_map(base)
        lever_map = views.interactive_map(job.data, t_per_mm=base_map.layout.meta["t_per_mm"])  # one width scale
        for fig, title in ((base_map, f"base: {base.name}"), (lever_map, "with the levers")):
            fig.update_layout(height=380, title={"text": title})
        maps = html.Div([dcc.Graph(figure=fig, style={"flex": "1"}) for fig in (base_map, lever_map)],
                        style={"display": "flex", "gap": "8px"})
        tops = tuple((views.bottleneck_rows(d, top=1) or [{"resource": "none ranked"}])[0]["resource"]
                     for d in (base, job.data))
        return ("done", True, [pages.comparison(views.kpi_cards(base), views.kpi_cards(job.data), job.overrides,
                                                base.name, tops), maps])

    return app


def sweep_view(sweep: SweepDirectory):
    """A sweep: its grid and saturation verdicts as tables (its runs open as runs of their own)."""
    grid = sweep.table(SUMMARY_TABLE)
    sat = sweep.table(SATURATION)
    body = html.Div([html.P(f"varied: {', '.join(sweep.info.get('vary', {}))}"),
                     pages.table(grid.round(3).to_dict("records")), html.H4("Saturation"),
                     pages.table(sat.round(3).to_dict("records"))])
    empty = go.Figure()
    hidden = {"display": "none"}
    return ([], empty, empty, empty, body, hidden, [], None, [], None, [], None, [], None, [])


def find_directories(paths: list[Path]) -> list[Opened]:
    """The directories to open: each path given, or (none given) the run and sweep directories in the
    current directory and in ./runs (those that read as complete)."""
    if paths:
        return [open_directory(p) for p in paths]
    found = []
    for parent in (Path("."), Path("runs")):
        if not parent.is_dir():
            continue
        for child in sorted(parent.iterdir())[:200]:
            if child.is_dir():
                try:
                    found.append(open_directory(child))
                except NotARunDirectory:
                    continue
    if not found:
        raise NotARunDirectory("no run, replications, sweep, levers or market directory here or in ./runs: name one")
    return found


def make_server(directories: list[Opened], port: int = 8050):
    """A WSGI server for the app on 127.0.0.1 (port 0: any free one; its `.port` says which)."""
    from werkzeug.serving import make_server as werkzeug_server

    return werkzeug_server("127.0.0.1", port, make_app(directories).server, threaded=True)
