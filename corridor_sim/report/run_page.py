"""The page of a run or of replications: what it delivered, where it jams, how sure we are.

The page holds the stability verdict, the headline KPIs, the ranked bottlenecks, the
static capacity, the figures (those `--plots` wrote, or drawn for the page), the
flows, every resource, the mass balance, the resolved scenario and the provenance. A
replications directory shows each number's 95% interval beside its mean.
"""

from __future__ import annotations

import base64

import yaml

from ..analysis.labels import group_label, label, resource_labels
from ..analysis.values import ci95, value
from ..experiment.metrics import reported_kpis
from ..output import SUMMARY
from ..plots import RUN_FIGURES, run_figures
from ..rundir import NotARunDirectory, RunData, RunDirectory, load_run
from ..analysis.bottlenecks import CAUSE_NAMES
from .markup import (RENDER_CHECK, cell, cells, ci_cell, esc, figure_html, num, page_end, page_head, pct, png_base64,
                     provenance_list, text)
from .routes_section import routes_section

FIGURE_NOTES = {
    "map.png": ("The corridor", "Links coloured by the utilisation of their rail section, fleet or pipeline (green idle, "
                "red full) and drawn as wide as the tonnes they carried; the top bottleneck is ringed in red. Read it "
                "for where the corridor is full and how much goes where."),
    "monthly_tonnes.png": ("Tonnes delivered per month", "Bars: tonnes delivered by cargo; dashed line: the demand; "
                           "red shading: the share of the month the most-closed port was shut by storms. A dip "
                           "under the demand line is cargo held back, a bar above it a backlog being cleared."),
    "transit_times.png": ("Transit time per flow", "Box: p25 to p75; whiskers: p5 to p95; dot: the mean. The p95 "
                          "is the time a shipper must plan for; a long right whisker is an unreliable flow."),
    "transit_breakdown.png": ("Where the transit time goes", "Each flow's mean journey node by node: waiting "
                              "(orange) is where capacity or batching costs time, processing (dark blue) the "
                              "stations and berths, travel (light blue) the line haul and the crossings."),
    "queues.png": ("Queues over time", "Entities waiting at the busiest resources, sampled daily (warm-up in grey). "
                   "A queue that builds and clears is seasonal; one that only grows is an overload."),
}


def render_report(source, figures: dict | None = None, interactive: bool = False) -> str:
    """The HTML page of a run directory, a replications directory or a RunResult; `interactive`: with the
    map as a Plotly figure too (hover, zoom), its script inline (a few MB more: plotly.min.js; needs Plotly)."""
    data = load_run(source)
    live = interactive_section(data) if interactive else ""
    if figures is not None:
        return _page(data, {name: png_base64(fig) for name, fig in figures.items()}, live)
    saved = _saved_pngs(data)
    if saved is not None:
        return _page(data, saved, live)
    return _page(data, {name: png_base64(fig) for name, fig in run_figures(data).items()}, live)


def interactive_section(data: RunData) -> str:
    """The interactive map (`plots.interactive`) as a piece of the page, Plotly's script inline: offline."""
    from ..plots.interactive import interactive_map   # Plotly: only for report --interactive

    figure = interactive_map(data).to_html(full_html=False, include_plotlyjs=True, div_id="interactive-map",
                                           config={"displaylogo": False})
    return ('<h3>The corridor, interactive</h3><p class="muted">Hover on a node or on a link\'s midpoint for what '
            'the run measured there (the properties of network.geojson); drag to zoom, double-click to reset.</p>'
            + figure)


def _saved_pngs(data: RunData) -> dict | None:
    """The figures `--plots` wrote into the directory, if all are there and of this result: a single
    run's were written with it (inside its atomic write), a replications directory's after its summary."""
    if data.path is None:
        return None
    summary_time = (data.path / SUMMARY).stat().st_mtime
    files = [data.path / name for name in RUN_FIGURES]
    if not all(f.is_file() and (not data.is_replications or f.stat().st_mtime >= summary_time) for f in files):
        return None
    return {f.name: base64.b64encode(f.read_bytes()).decode("ascii") for f in files}


def _page(data: RunData, pngs: dict[str, str], interactive: str = "") -> str:
    s, sc = data.summary, data.scenario
    reps = data.is_replications
    title = f"corridor-sim report: {data.name}"
    parts = [page_head(title)]
    window = s.get("window") or {}
    parts.append(f"<h1>{esc(title)}</h1>")
    sub = f"Measured window {esc(text(window.get('start')))} to {esc(text(window.get('end')))} " \
          f"(after {esc(_fmt_days(window.get('warmup_days')))} days of warm-up)"
    sub += f"; {s['replications_ok']} of {s['replications']} replications, 95% Student t intervals" if reps \
        else f"; one run, seed {esc(s.get('seed'))}"
    parts.append(f"<p class=\"sub\">{sub}.</p>")
    if sc.get("description"):
        parts.append(f"<p class=\"desc\">{esc(sc['description'])}</p>")
    routes = routes_section(s, reps)
    parts.append('<p class="toc"><a href="#kpis">KPIs</a><a href="#bottlenecks">Bottlenecks</a>'
                 '<a href="#capacity">Capacity</a><a href="#figures">Figures</a><a href="#flows">Flows</a>'
                 + ('<a href="#routes">Routes</a>' if routes else '')
                 + '<a href="#resources">Resources</a><a href="#scenario">Scenario</a>'
                 '<a href="#provenance">Provenance</a></p>')
    parts.append(_stability(s))
    parts.append(_headline(s, reps, sc))
    parts.append(_bottlenecks(s, reps, sc))
    parts.append(_capacity(s))
    parts.append('<h2 id="figures">Figures</h2>')
    for name, b64 in pngs.items():
        head, note = FIGURE_NOTES.get(name, (name, ""))
        parts.append(figure_html(name.rsplit(".", 1)[0], head, b64, note))
    parts.append(RENDER_CHECK)
    parts.append(interactive)
    parts.append(_flows(s, sc, reps))
    parts.append(routes)
    parts.append(_resources(s, reps))
    parts.append(_mass_balance(s))
    parts.append(_scenario(data))
    parts.append(_provenance(data))
    parts.append(page_end())
    return "\n".join(parts)


def _fmt_days(x) -> str:
    v = value(x)
    return "–" if v is None else f"{v:g}"


def _stability(s: dict) -> str:
    st = s.get("stability") or {}
    msg = st.get("message")
    if isinstance(msg, list):
        msg = "; ".join(sorted(set(map(str, msg))))
    stable = st.get("stable")
    cls = "ok" if stable else "bad"
    return f'<div id="stability" class="banner {cls}" data-stable="{str(bool(stable)).lower()}">' \
           f'Stability — {esc(msg or "not computed")}</div>'


def _headline(s: dict, reps: bool, sc: dict) -> str:
    k = s.get("kpis") or {}
    out = ['<h2 id="kpis">Key performance indicators</h2><div class="kpis">']
    demand = sum(value(v) or 0.0 for v in (k.get("demand_tonnes_per_year_by_flow") or {}).values())
    for kpi in reported_kpis([s]):
        raw = k.get(kpi.key)
        v = value(raw)
        iv = ci95(raw)
        ci = f'<div class="n ci">95%: {iv[0]:,.0f} – {iv[1]:,.0f}</div>' if iv and iv[0] is not None else ""
        extra = f'<div class="n">{v / demand:.1%} of the demand ({demand:,.0f} t)</div>' \
            if kpi.key == "delivered_tonnes_per_year" and demand and v is not None else ""
        out.append(f'<div class="kpi"><div class="v" data-kpi="{kpi.key}" data-value="{v!r}">{num(v, kpi.digits)}'
                   f'</div><div class="n">{esc(kpi.label)}</div>{ci}{extra}</div>')
    out.append("</div>")
    groups = k.get("transit_days_by_group") or {}
    if groups:
        out.append("<h3>Transit days by flow group</h3><table><tr><th class=\"l\">group</th>")
        out.append("".join(f"<th>{c}</th>" + ("<th>95% interval</th>" if reps else "")
                           for c in ("mean", "p50", "p95")) + "<th>n</th></tr>")
        for g, st in groups.items():
            row = f'<tr><td class="l">{named(group_label(sc, g), g)}</td>'
            for c in ("mean", "p50", "p95"):
                row += cells(st.get(c), 1, f"transit_days_by_group.{g}.{c}", reps)
            row += cell(st.get("n"), 0) + "</tr>"
            out.append(row)
        out.append("</table>")
    return "\n".join(out)


def _route_names(flow: dict) -> list[str]:
    """Each route option of a flow (resolved scenario) by its waypoints."""
    return [" → ".join(str(w) for w in (r.get("via") or [])) or f"option {i + 1}"
            for i, r in enumerate(flow.get("routes") or [])]


def _flows(s: dict, sc: dict, reps: bool) -> str:
    k = s.get("kpis") or {}
    demand = k.get("demand_tonnes_per_year_by_flow") or {}
    delivered = k.get("delivered_tonnes_per_year_by_flow") or {}
    transit = k.get("transit_days") or {}
    ci = "<th>95% interval</th>" if reps else ""
    out = ['<h2 id="flows">Flows</h2><p class="muted">Tonnes per year; transit days from generation at the '
           'origin to delivery, over the consignments delivered in the window.</p>',
           f'<table id="flow-table"><tr><th class="l">flow</th><th>demand t/yr</th><th>delivered t/yr</th>{ci}'
           f'<th>delivered / demand</th><th>mean days</th>{ci}<th>p50</th><th>p95 days</th>{ci}'
           f'<th>p95 / mean</th><th>n</th></tr>']
    for flow in delivered:
        d, dem, t = delivered.get(flow), demand.get(flow), transit.get(flow) or {}
        ratio = (value(d) / value(dem)) if value(d) is not None and value(dem) else None
        mean, p95 = value(t.get("mean")), value(t.get("p95"))
        row = f'<tr><td class="l">{named(label(sc, "flows", flow), flow)}</td>{cell(dem, 0)}'
        row += cells(d, 0, f"delivered_tonnes_per_year_by_flow.{flow}", reps)
        row += f"<td>{pct(ratio)}</td>" + cells(t.get("mean"), 1, f"transit_days.{flow}.mean", reps)
        row += cell(t.get("p50"), 1) + cells(t.get("p95"), 1, f"transit_days.{flow}.p95", reps)
        row += f"<td>{'–' if not mean or p95 is None else f'{p95 / mean:.2f}'}</td>{cell(t.get('n'), 0)}</tr>"
        out.append(row)
    out.append("</table>")
    shares = k.get("route_shares") or {}
    if shares:
        out.append('<h3>Route shares</h3><p class="muted">The share of each flow\'s consignments that took each of '
                   'its route options (by their waypoints).</p><table id="route-shares"><tr><th class="l">flow</th>'
                   f'<th class="l">route</th><th>share</th>{ci}</tr>')
        for flow, sh in shares.items():
            vals = sh if isinstance(sh, list) else [sh]
            names = _route_names((sc.get("flows") or {}).get(flow) or {})
            for i, v in enumerate(vals):
                name = names[i] if i < len(names) else f"option {i + 1}"
                shown = named(label(sc, "flows", flow), flow) if i == 0 else ""
                out.append(f'<tr><td class="l">{shown}</td><td class="l">{esc(name)}</td>'
                           + cell(v, key=f"route_shares.{flow}.{i}", percent=True)
                           + (ci_cell(v, 0, percent=True) if reps else "") + "</tr>")
        out.append("</table>")
    return "\n".join(out)


def named(shown: str, element_id: str) -> str:
    """A display name for people, with its id beside it (muted) for whoever looks it up in the files."""
    return esc(shown) if shown == element_id else f'{esc(shown)} <span class="muted">{esc(element_id)}</span>'


def _bottlenecks(s: dict, reps: bool, sc: dict | None = None) -> str:
    rows = s.get("bottlenecks") or []
    names = resource_labels(s.get("resources") or [], sc or {})
    out = ['<h2 id="bottlenecks">Bottlenecks</h2>']
    if not rows:
        return out[0] + "<p>No resource is busy or waited for enough to be ranked.</p>"
    out.append('<p class="muted">Ranked by their share of the tonne-hours the corridor spent waiting for capacity '
               '(a queue growing without bound first); waiting for a load to fill, a departure or a storm is in '
               '<em>waits by cause</em> below. Working: sailing, handling, serving; occupied: also held alongside '
               'or by a storm'
               + ("; over replications: how often each is ranked, and its mean rank; the why is from the means"
                  if reps else "") + ".</p>")
    out.append('<table id="bottleneck-table"><tr><th>#</th><th class="l">resource</th><th class="l">kind</th>'
               + ("<th>ranked in</th><th>mean rank</th>" if reps else "")
               + '<th>working</th><th>occupied</th><th>share of waiting</th><th>of it for capacity</th>'
                 '<th>share of transit time</th><th class="l">queue</th><th class="l">why</th></tr>')
    for i, b in enumerate(rows, 1):
        row = f'<tr><td>{i}</td><td class="l">{named(names.get(b["name"], b["name"]), b["name"])}</td><td class="l">{esc(b.get("kind", ""))}</td>'
        if reps:
            row += f"<td>{esc(b.get('listed_in'))}</td><td>{num(value(b.get('rank')), 1)}</td>"
        row += cell(b.get("utilization"), percent=True) + cell(b.get("occupancy"), percent=True)
        row += cell(b.get("wait_share"), percent=True) + cell(b.get("capacity_wait_share"), percent=True)
        row += cell(b.get("share_of_transit_time"), percent=True)
        row += f'<td class="l">{esc(text(b.get("queue_state")))}</td><td class="l">{esc(b.get("reason", ""))}</td></tr>'
        out.append(row)
    out.append("</table>")
    causes = s.get("waits_by_cause") or {}
    total = sum(value(v) or 0.0 for v in causes.values())
    if total:
        out.append('<h3>Waits by cause</h3><table id="waits-by-cause"><tr><th class="l">the cargo waited</th>'
                   '<th>tonne-hours</th><th>share</th></tr>')
        for cause, v in causes.items():
            out.append(f'<tr><td class="l">{esc(CAUSE_NAMES.get(cause, cause))}</td>{cell(v, 0)}'
                       f'<td>{pct((value(v) or 0.0) / total)}</td></tr>')
        out.append("</table>")
    return "\n".join(out)


def _capacity(s: dict) -> str:
    cap = s.get("static_capacity")
    if not isinstance(cap, dict):
        return ""
    out = ['<h2 id="capacity">Static capacity</h2>']
    total, sim = value(cap.get("tonnes_per_year")), value(cap.get("simulated_tonnes_per_year"))
    first = cap.get("first_to_saturate") or {}
    out.append("<dl>")
    out.append(f"<dt>demand-weighted capacity</dt><dd data-value=\"{total!r}\">{num(total)} t/yr</dd>")
    out.append(f"<dt>simulated throughput</dt><dd>{num(sim)} t/yr"
               + (f" ({sim / total:.0%} of the static capacity)" if sim and total else "") + "</dd>")
    if first:
        out.append(f"<dt>first element to fill</dt><dd>{esc(first.get('element'))}: "
                   f"{num(value(first.get('tonnes_per_year')))} t/yr ({esc(first.get('basis', ''))}); "
                   f"demand / capacity {pct(value(first.get('demand_over_capacity')))}</dd>")
    elements = cap.get("elements") or []
    if elements:
        out.append("</dl><table id=\"capacity-elements\"><tr><th class=\"l\">element</th><th>demand / capacity</th>"
                   "<th>t/yr when full</th><th class=\"l\">basis</th></tr>")
        for e in elements[:10]:
            out.append(f'<tr><td class="l">{esc(e.get("element"))}</td>{cell(e.get("demand_over_capacity"), percent=True)}'
                       f'{cell(e.get("tonnes_per_year"), 0)}<td class="l">{esc(text(e.get("basis")))}</td></tr>')
        out.append("</table><dl>")
    for direction, d in (cap.get("by_direction") or {}).items():
        cut = ", ".join(f"{c.get('element')} ({num(value(c.get('tonnes_per_year')))} t/yr)"
                        for c in d.get("min_cut") or [])
        out.append(f"<dt>{esc(direction)} max flow</dt><dd>{num(value(d.get('tonnes_per_year')))} t/yr; "
                   f"min cut: {esc(cut or '–')}</dd>")
    out.append("</dl>")
    if cap.get("note"):
        out.append(f'<p class="muted">{esc(text(cap["note"]))}</p>')
    return "\n".join(out)


def _resources(s: dict, reps: bool) -> str:
    res = s.get("resources") or []
    out = ['<h2 id="resources">Resources</h2>',
           f"<details><summary>All {len(res)} resources (utilisation, waits, queues)</summary>",
           '<table><tr><th class="l">resource</th><th class="l">kind</th><th>capacity</th><th>working</th>'
           '<th>occupied</th><th>mean wait h</th><th>mean queue</th><th>max queue</th><th>arrivals</th>'
           '<th class="l">queue</th></tr>']
    for r in sorted(res, key=lambda r: -(value(r.get("utilization")) or 0)):
        out.append(f'<tr><td class="l">{esc(r.get("name"))}</td><td class="l">{esc(r.get("kind"))}</td>'
                   f'{cell(r.get("capacity"), 0)}{cell(r.get("utilization"), percent=True)}'
                   f'{cell(r.get("occupancy"), percent=True)}'
                   f'{cell(r.get("mean_wait_hours"), 1)}{cell(r.get("mean_queue"), 1)}'
                   f'{cell(r.get("max_queue"), 0)}{cell(r.get("arrivals"), 0)}'
                   f'<td class="l">{esc(text(r.get("queue_state")))}</td></tr>')
    out.append("</table></details>")
    return "\n".join(out)


def _mass_balance(s: dict) -> str:
    mb = s.get("mass_balance") or {}
    if not mb:
        return ""
    ok = mb.get("balanced")
    return (f'<p class="muted">Mass balance over the whole run: generated {num(value(mb.get("generated_tonnes")))} t'
            f' = delivered {num(value(mb.get("delivered_tonnes")))} t + in the corridor '
            f'{num(value(mb.get("in_system_tonnes")))} t: {"balanced" if ok else "NOT balanced"}.</p>')


def _scenario(data: RunData) -> str:
    shown = yaml.safe_dump(data.scenario, sort_keys=False, allow_unicode=True)
    return ('<h2 id="scenario">Scenario</h2><p class="muted">The scenario after <code>extends</code> and '
            '<code>--set</code>: rerunning it reproduces the run.</p>'
            f"<details><summary>scenario.resolved.yaml ({len(shown.splitlines())} lines)</summary>"
            f"<pre>{esc(shown)}</pre></details>")


def _provenance(data: RunData) -> str:
    s = data.summary
    first = {}
    if data.replication_dirs:   # a replications summary keeps what all replications share; the rest is the first's
        try:
            first = RunDirectory.read(data.replication_dirs[0]).summary
        except NotARunDirectory:
            first = {}
    pick = lambda key: s.get(key) if s.get(key) is not None else first.get(key)  # noqa: E731
    rows = [("scenario", s.get("scenario")), ("scenario file", pick("scenario_file")), ("seed", pick("seed")),
            ("replications", s.get("replications", 1)), ("corridor-sim", pick("version")),
            ("git commit", pick("git_commit")), ("Python", pick("python")),
            ("runtime", f"{value(s.get('runtime_seconds')) or 0:.1f} s"),
            ("run directory", str(data.path) if data.path else "(in memory)")]
    return provenance_list(rows)
