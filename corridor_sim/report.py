"""A run as one self-contained HTML page, to send to someone who will not open a JSON file.

    corridor-sim report runs/baseline_2024            # writes runs/baseline_2024/report.html
    corridor-sim report runs/b10 --out b10.html       # a replications directory: intervals beside means
    corridor-sim report runs/ferries                  # a sweep directory: see sweep_report.py

The page holds everything: the figures as base64 PNG, the KPI tables, the ranked
bottlenecks, the stability verdict, the static capacity, the resolved scenario
and the provenance. It loads nothing from the network (no scripts, fonts or
styles from elsewhere), so it opens in any browser, offline, as an e-mail
attachment. Every KPI cell carries the exact number of summary.json in its
`data-value` attribute.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
from pathlib import Path

from . import __version__
from .plots import RUN_FIGURES, RunData, ci95, load_run, run_figures, value

REPORT = "report.html"

# The headline KPIs (a run's cards, a sweep's curves and grid columns): key, label, digits.
HEADLINE = (("delivered_tonnes_per_year", "tonnes delivered per year", 0),
            ("delivered_teu_per_year", "TEU delivered per year", 0),
            ("delivered_consignments_per_year", "consignments delivered per year", 0))

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

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1d1d1f;
background:#f6f6f3}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px;background:#fff;box-shadow:0 0 12px rgba(0,0,0,.06)}
h1{font-size:26px;margin:4px 0 2px}h2{font-size:19px;margin:34px 0 8px;border-bottom:2px solid #e4e2da;
padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
.sub{color:#555;margin:0 0 14px}.desc{color:#333;max-width:900px}
table{border-collapse:collapse;font-size:13px;margin:6px 0 10px}th,td{padding:4px 9px;border-bottom:1px solid #e8e8e8;
text-align:right;vertical-align:top}th{background:#f1f0ea;font-weight:600}td.l,th.l{text-align:left}
tr:hover td{background:#fafaf5}.ci{color:#777;font-size:12px}
.kpis{display:flex;gap:14px;flex-wrap:wrap;margin:10px 0}.kpi{flex:1 1 200px;border:1px solid #e4e2da;
border-radius:8px;padding:10px 14px;background:#fcfcfa}.kpi .v{font-size:24px;font-weight:650}
.kpi .n{color:#555;font-size:13px}.banner{padding:10px 14px;border-radius:8px;margin:12px 0;font-weight:600}
.ok{background:#e8f5e9;border:1px solid #a5d6a7;color:#1b5e20}.bad{background:#fdecea;border:1px solid #f5b7b1;
color:#922}
figure{margin:12px 0 26px}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:13px;color:#444;margin-top:4px;max-width:980px}
details{margin:8px 0}summary{cursor:pointer;font-weight:600}pre{background:#f7f7f4;padding:10px;overflow:auto;
font-size:12px;max-height:640px;border:1px solid #e6e6e0}
.toc a{margin-right:14px}.muted{color:#666;font-size:13px}dl{display:grid;grid-template-columns:max-content auto;gap:3px 16px;
font-size:13px}dt{color:#555}dd{margin:0}
@media print{main{box-shadow:none}details{display:block}}
"""

# Counts the decoded images once the page has loaded, for a reader (and the tests) to see
# that every figure is really there.
CHECK_SCRIPT = """
window.addEventListener('load', function () {
  var imgs = document.querySelectorAll('img');
  var ok = 0;
  imgs.forEach(function (im) { if (im.complete && im.naturalWidth > 0) { ok += 1; } });
  var el = document.getElementById('render-check');
  el.setAttribute('data-images', String(imgs.length));
  el.setAttribute('data-images-ok', String(ok));
  el.textContent = ok === imgs.length ? (ok + ' figures shown.') : ((imgs.length - ok) + ' of ' + imgs.length +
    ' figures could not be shown.');
});
"""


def render_report(source, figures: dict | None = None) -> str:
    """The HTML page of a run directory, a replications directory or a RunResult."""
    data = load_run(source)
    if figures is not None:
        return _page(data, {name: _png(fig) for name, fig in figures.items()})
    saved = _saved_pngs(data)
    if saved is not None:
        return _page(data, saved)
    return _page(data, {name: _png(fig) for name, fig in run_figures(data).items()})


def _saved_pngs(data: RunData) -> dict | None:
    """The figures `--plots` wrote into the directory, if all are there and of this result: a single
    run's were written with it (inside its atomic write), a replications directory's after its summary."""
    if data.path is None:
        return None
    summary_time = (data.path / "summary.json").stat().st_mtime
    files = [data.path / name for name in RUN_FIGURES]
    if not all(f.is_file() and (not data.is_replications or f.stat().st_mtime >= summary_time) for f in files):
        return None
    return {f.name: base64.b64encode(f.read_bytes()).decode("ascii") for f in files}


def write_report(directory, out=None) -> Path:
    """Write the report of `directory` to `out` (default: DIR/report.html), atomically."""
    from .output import write_file_atomic
    from .rundir import SWEEP

    out = Path(out) if out is not None else Path(directory) / REPORT
    if (Path(directory) / SWEEP).is_file():
        from .sweep_report import render_sweep_report

        page = render_sweep_report(directory)
    else:
        page = render_report(directory)
    return write_file_atomic(out, lambda tmp: tmp.write_text(page, encoding="utf-8"))


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return base64.b64encode(buf.getvalue()).decode("ascii")


# ---------------------------------------------------------------------------


def _e(x) -> str:
    return html.escape(str(x), quote=True)


def _num(x, digits: int = 0, unit: str = "") -> str:
    if x is None:
        return "–"
    return f"{x:,.{digits}f}{unit}"


def _pct(x) -> str:
    return "–" if x is None else f"{x:.0%}"


def _cell(raw, digits: int = 0, key: str | None = None, pct: bool = False) -> str:
    """A number of the summary (plain or {mean, ci95}) as <td>, its exact value in data-value."""
    v = value(raw)
    text = _pct(v) if pct else _num(v, digits)
    attrs = f' data-value="{v!r}"' if v is not None else ""
    if key:
        attrs += f' data-kpi="{_e(key)}"'
    return f"<td{attrs}>{text}</td>"


def _ci_cell(raw, digits: int = 0, pct: bool = False) -> str:
    """The 95% interval of a summary number as <td> (a dash for a plain number)."""
    lo, hi = ci95(raw) or (None, None)
    return _interval_cell(lo, hi, digits, pct)


def _cells(raw, digits: int, key: str, reps: bool) -> str:
    """The number's cell, followed for replications by its interval's cell."""
    return _cell(raw, digits, key) + (_ci_cell(raw, digits) if reps else "")


def _interval_cell(lo: float | None, hi: float | None, digits: int = 0, pct: bool = False) -> str:
    """An interval as <td class="ci">, its exact ends in data-ci95; a dash when there is none (lo is None)."""
    if lo is None:
        return '<td class="ci">–</td>'
    text = f"{lo:.0%} – {hi:.0%}" if pct else f"{_num(lo, digits)} – {_num(hi, digits)}"
    return f'<td class="ci" data-ci95="{lo!r},{hi!r}">{text}</td>'


def _head(title: str) -> str:
    """The page up to <main>: charset, viewport, generator, title and the inline style (of a run's or a sweep's page)."""
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<meta name=\"generator\" content=\"corridor-sim {_e(__version__)}\">"
            f"<title>{_e(title)}</title><style>{STYLE}</style></head><body><main>")


def _provenance_list(rows: list[tuple[str, object]]) -> str:
    """The Provenance section: `rows` as a definition list, then when and by which version the page was written."""
    rows = [*rows, ("report written", dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
                    + f" by corridor-sim {__version__}")]
    items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(_text(v))}</dd>" for k, v in rows)
    return f'<h2 id="provenance">Provenance</h2><dl id="provenance-list">{items}</dl>'


def _page(data: RunData, pngs: dict[str, str]) -> str:
    s, sc = data.summary, data.scenario
    reps = data.is_replications
    title = f"corridor-sim report: {data.name}"
    parts = [_head(title)]
    window = s.get("window") or {}
    parts.append(f"<h1>{_e(title)}</h1>")
    sub = f"Measured window {_e(_text(window.get('start')))} to {_e(_text(window.get('end')))} " \
          f"(after {_e(_fmt_days(window.get('warmup_days')))} days of warm-up)"
    sub += f"; {s['replications_ok']} of {s['replications']} replications, 95% Student t intervals" if reps \
        else f"; one run, seed {_e(s.get('seed'))}"
    parts.append(f"<p class=\"sub\">{sub}.</p>")
    if sc.get("description"):
        parts.append(f"<p class=\"desc\">{_e(sc['description'])}</p>")
    parts.append('<p class="toc"><a href="#kpis">KPIs</a><a href="#bottlenecks">Bottlenecks</a>'
                 '<a href="#capacity">Capacity</a><a href="#figures">Figures</a><a href="#flows">Flows</a>'
                 '<a href="#resources">Resources</a><a href="#scenario">Scenario</a>'
                 '<a href="#provenance">Provenance</a></p>')
    parts.append(_stability(s))
    parts.append(_headline(s, reps))
    parts.append(_bottlenecks(s, reps))
    parts.append(_capacity(s))
    parts.append('<h2 id="figures">Figures</h2>')
    for name, b64 in pngs.items():
        head, note = FIGURE_NOTES.get(name, (name, ""))
        parts.append(f'<figure id="fig-{_e(name.rsplit(".", 1)[0])}"><h3>{_e(head)}</h3>'
                     f'<img alt="{_e(head)}" src="data:image/png;base64,{b64}">'
                     f"<figcaption>{_e(note)}</figcaption></figure>")
    parts.append('<p id="render-check" class="muted" data-images="" data-images-ok=""></p>')
    parts.append(_flows(s, reps))
    parts.append(_resources(s, reps))
    parts.append(_mass_balance(s))
    parts.append(_scenario(data))
    parts.append(_provenance(data))
    parts.append(f"<script>{CHECK_SCRIPT}</script></main></body></html>\n")
    return "\n".join(parts)


def _text(x) -> str:
    if isinstance(x, list):
        return " / ".join(sorted({str(v) for v in x}))
    return "–" if x is None else str(x)


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
           f'Stability — {_e(msg or "not computed")}</div>'


def _headline(s: dict, reps: bool) -> str:
    k = s.get("kpis") or {}
    out = ['<h2 id="kpis">Key performance indicators</h2><div class="kpis">']
    demand = sum(value(v) or 0.0 for v in (k.get("demand_tonnes_per_year_by_flow") or {}).values())
    for key, label, digits in HEADLINE:
        raw = k.get(key)
        v = value(raw)
        iv = ci95(raw)
        ci = f'<div class="n ci">95%: {iv[0]:,.0f} – {iv[1]:,.0f}</div>' if iv and iv[0] is not None else ""
        extra = f'<div class="n">{v / demand:.1%} of the demand ({demand:,.0f} t)</div>' \
            if key == "delivered_tonnes_per_year" and demand and v is not None else ""
        out.append(f'<div class="kpi"><div class="v" data-kpi="{key}" data-value="{v!r}">{_num(v, digits)}</div>'
                   f'<div class="n">{_e(label)}</div>{ci}{extra}</div>')
    out.append("</div>")
    groups = k.get("transit_days_by_group") or {}
    if groups:
        out.append("<h3>Transit days by flow group</h3><table><tr><th class=\"l\">group</th>")
        out.append("".join(f"<th>{c}</th>" + ("<th>95% interval</th>" if reps else "")
                           for c in ("mean", "p50", "p95")) + "<th>n</th></tr>")
        for g, st in groups.items():
            row = f'<tr><td class="l">{_e(g)}</td>'
            for c in ("mean", "p50", "p95"):
                row += _cells(st.get(c), 1, f"transit_days_by_group.{g}.{c}", reps)
            row += _cell(st.get("n"), 0) + "</tr>"
            out.append(row)
        out.append("</table>")
    return "\n".join(out)


def _flows(s: dict, reps: bool) -> str:
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
        row = f'<tr><td class="l">{_e(flow)}</td>{_cell(dem, 0)}'
        row += _cells(d, 0, f"delivered_tonnes_per_year_by_flow.{flow}", reps)
        row += f"<td>{_pct(ratio)}</td>" + _cells(t.get("mean"), 1, f"transit_days.{flow}.mean", reps)
        row += _cell(t.get("p50"), 1) + _cells(t.get("p95"), 1, f"transit_days.{flow}.p95", reps)
        row += f"<td>{'–' if not mean or p95 is None else f'{p95 / mean:.2f}'}</td>{_cell(t.get('n'), 0)}</tr>"
        out.append(row)
    out.append("</table>")
    shares = k.get("route_shares") or {}
    if shares:
        out.append("<h3>Route shares</h3><table><tr><th class=\"l\">flow</th><th class=\"l\">share of consignments "
                   "per route option (in the scenario's order)</th></tr>")
        for flow, sh in shares.items():
            vals = sh if isinstance(sh, list) else [sh]
            out.append(f'<tr><td class="l">{_e(flow)}</td><td class="l">'
                       f'{" / ".join(_pct(value(v)) for v in vals)}</td></tr>')
        out.append("</table>")
    return "\n".join(out)


def _bottlenecks(s: dict, reps: bool) -> str:
    rows = s.get("bottlenecks") or []
    out = ['<h2 id="bottlenecks">Bottlenecks</h2>']
    if not rows:
        return out[0] + "<p>No resource is busy or waited for enough to be ranked.</p>"
    out.append('<p class="muted">Ranked by their share of all the tonne-hours spent waiting in the corridor'
               + ("; over replications: how often each is ranked, and its mean rank" if reps else "") + ".</p>")
    out.append('<table id="bottleneck-table"><tr><th>#</th><th class="l">resource</th><th class="l">kind</th>'
               + ("<th>ranked in</th><th>mean rank</th>" if reps else "")
               + '<th>utilisation</th><th>share of waiting</th><th>share of transit time</th>'
                 '<th class="l">why</th></tr>')
    for i, b in enumerate(rows, 1):
        row = f'<tr><td>{i}</td><td class="l">{_e(b["name"])}</td><td class="l">{_e(b.get("kind", ""))}</td>'
        if reps:
            row += f"<td>{_e(b.get('listed_in'))}</td><td>{_num(value(b.get('rank')), 1)}</td>"
        row += _cell(b.get("utilization"), pct=True) + _cell(b.get("wait_share"), pct=True)
        row += _cell(b.get("share_of_transit_time"), pct=True)
        row += f'<td class="l">{_e(b.get("reason", ""))}</td></tr>'
        out.append(row)
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
    out.append(f"<dt>demand-weighted capacity</dt><dd data-value=\"{total!r}\">{_num(total)} t/yr</dd>")
    out.append(f"<dt>simulated throughput</dt><dd>{_num(sim)} t/yr"
               + (f" ({sim / total:.0%} of the static capacity)" if sim and total else "") + "</dd>")
    if first:
        out.append(f"<dt>first element to fill</dt><dd>{_e(first.get('element'))}: {_num(value(first.get('tonnes_per_year')))}"
                   f" t/yr ({_e(first.get('basis', ''))}); demand / capacity "
                   f"{_pct(value(first.get('demand_over_capacity')))}</dd>")
    for direction, d in (cap.get("by_direction") or {}).items():
        cut = ", ".join(f"{c.get('element')} ({_num(value(c.get('tonnes_per_year')))} t/yr)"
                        for c in d.get("min_cut") or [])
        out.append(f"<dt>{_e(direction)} max flow</dt><dd>{_num(value(d.get('tonnes_per_year')))} t/yr; "
                   f"min cut: {_e(cut or '–')}</dd>")
    out.append("</dl>")
    if cap.get("note"):
        out.append(f'<p class="muted">{_e(_text(cap["note"]))}</p>')
    return "\n".join(out)


def _resources(s: dict, reps: bool) -> str:
    res = s.get("resources") or []
    out = ['<h2 id="resources">Resources</h2>',
           f"<details><summary>All {len(res)} resources (utilisation, waits, queues)</summary>",
           '<table><tr><th class="l">resource</th><th class="l">kind</th><th>capacity</th><th>utilisation</th>'
           '<th>mean wait h</th><th>mean queue</th><th>max queue</th><th>arrivals</th></tr>']
    for r in sorted(res, key=lambda r: -(value(r.get("utilization")) or 0)):
        out.append(f'<tr><td class="l">{_e(r.get("name"))}</td><td class="l">{_e(r.get("kind"))}</td>'
                   f'{_cell(r.get("capacity"), 0)}{_cell(r.get("utilization"), pct=True)}'
                   f'{_cell(r.get("mean_wait_hours"), 1)}{_cell(r.get("mean_queue"), 1)}'
                   f'{_cell(r.get("max_queue"), 0)}{_cell(r.get("arrivals"), 0)}</tr>')
    out.append("</table></details>")
    return "\n".join(out)


def _mass_balance(s: dict) -> str:
    mb = s.get("mass_balance") or {}
    if not mb:
        return ""
    ok = mb.get("balanced")
    return (f'<p class="muted">Mass balance over the whole run: generated {_num(value(mb.get("generated_tonnes")))} t'
            f' = delivered {_num(value(mb.get("delivered_tonnes")))} t + in the corridor '
            f'{_num(value(mb.get("in_system_tonnes")))} t: {"balanced" if ok else "NOT balanced"}.</p>')


def _scenario(data: RunData) -> str:
    import yaml

    text = yaml.safe_dump(data.scenario, sort_keys=False, allow_unicode=True)
    return ('<h2 id="scenario">Scenario</h2><p class="muted">The scenario after <code>extends</code> and '
            '<code>--set</code>: rerunning it reproduces the run.</p>'
            f"<details><summary>scenario.resolved.yaml ({len(text.splitlines())} lines)</summary>"
            f"<pre>{_e(text)}</pre></details>")


def _provenance(data: RunData) -> str:
    s = data.summary
    first = {}
    if data.replication_dirs:
        try:
            first = json.loads((data.replication_dirs[0] / "summary.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            first = {}
    pick = lambda key: s.get(key) if s.get(key) is not None else first.get(key)  # noqa: E731
    rows = [("scenario", s.get("scenario")), ("scenario file", pick("scenario_file")), ("seed", pick("seed")),
            ("replications", s.get("replications", 1)), ("corridor-sim", pick("version")),
            ("git commit", pick("git_commit")), ("Python", pick("python")),
            ("runtime", f"{value(s.get('runtime_seconds')) or 0:.1f} s"),
            ("run directory", str(data.path) if data.path else "(in memory)")]
    return _provenance_list(rows)
