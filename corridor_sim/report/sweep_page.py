"""The page of a sweep: what was varied, what it bought, where it saturates.

The page holds the sweep curves (each headline KPI against each varied parameter,
with its 95% band and the saturation point ringed), the grid table (every point's
means and intervals, its gain over the previous value and whether it is
saturated), the paired gains behind the saturation verdict, the failed runs, a
link to every run directory, and the provenance.
"""

from __future__ import annotations

import pandas as pd

from ..experiment.metrics import ECONOMIC_KPIS, HEADLINE_KPIS, Kpi
from ..experiment.saturation import describe_line
from ..plots import load_sweep, sweep_curves
from ..rundir import SWEEP_RUNS_DIR
from .markup import REPORT, RENDER_CHECK, cell, esc, figure_html, interval_cell, num, page_end, page_head, png_base64, \
    provenance_list, text

# The headline KPIs as headings of their own (capitalised); the economic ones where the runs price routes.
KPIS = tuple(Kpi(k.key, k.label[:1].upper() + k.label[1:], k.digits) for k in HEADLINE_KPIS + ECONOMIC_KPIS)

CURVE_CAPTION = ("The mean over the replications at each value, its 95% band shaded; one line per combination "
                 "of the other parameters. A red ring marks the saturation point: the first value whose next "
                 "step gains less than the threshold, with a paired interval that says so.")


def render_sweep_report(source) -> str:
    """The HTML page of a sweep directory (or a SweepResult)."""
    sw = load_sweep(source)
    info, summary, sat = sw.info, sw.summary, sw.saturation
    paths = list(info.get("vary", {}))
    kpis = [k for k in KPIS if k.key in summary.columns]
    title = f"corridor-sim sweep report: {info.get('scenario', 'sweep')}"
    parts = [page_head(title),
             f"<h1>{esc(title)}</h1>",
             f"<p class=\"sub\">{esc(info.get('points'))} grid points × {esc(info.get('replications'))} replications: "
             f"{esc(info.get('runs_ok'))} of {esc(info.get('runs'))} runs finished; seed {esc(info.get('seed'))}; "
             f"95% Student t intervals over the replications (common random numbers between points).</p>",
             '<p class="toc"><a href="#verdict">Saturation</a><a href="#figures">Figures</a><a href="#grid">Grid</a>'
             '<a href="#gains">Gains</a><a href="#runs">Runs</a><a href="#provenance">Provenance</a></p>']
    parts.append(_varied(info))
    parts.append(_verdict(info, sat))
    parts.append('<h2 id="figures">Figures</h2>')
    for kpi in kpis:
        parts.append(figure_html(kpi.key, kpi.label, png_base64(sweep_curves(sw, kpi.key)), CURVE_CAPTION))
    parts.append(RENDER_CHECK)
    parts.append(_grid(summary, paths, kpis))
    parts.append(_gains(sat))
    parts.append(_runs(sw, info))
    parts.append(_provenance(sw, info))
    parts.append(page_end())
    return "\n".join(parts)


def _varied(info: dict) -> str:
    rows = "".join(f"<tr><td class=\"l\">{esc(p)}</td><td class=\"l\">{esc(', '.join(map(str, v)))}</td></tr>"
                   for p, v in info.get("vary", {}).items())
    fixed = info.get("overrides") or []
    more = f"<p class=\"muted\">Set for every run: {esc(', '.join(fixed))}.</p>" if fixed else ""
    return ('<h2 id="varied">What was varied</h2><table><tr><th class="l">path</th><th class="l">values</th></tr>'
            f"{rows}</table>{more}")


def _verdict(info: dict, sat: pd.DataFrame) -> str:
    rule = info.get("saturation") or {}
    kpis, min_gain = [k["metric"] for k in rule.get("kpis") or []], rule.get("min_gain", 0.0)
    lines = []
    for path, groups in (rule.get("points") or {}).items():
        for g in groups:
            where = ", ".join(f"{k}={v}" for k, v in (g.get("fixed") or {}).items())
            said = f"<b>{esc(describe_line(g))}</b>"
            if len(kpis) > 1:
                said += "<ul>" + "".join(f"<li>{esc(k)}: {esc(describe_line(v))}</li>"
                                         for k, v in (g.get("by_kpi") or {}).items()) + "</ul>"
            lines.append(f"<li><b>{esc(path)}</b>{' with ' + esc(where) if where else ''}: {said}</li>")
    cls = "ok" if lines else "bad"
    head = (f"Saturation judged on {', '.join(kpis)}: a step counts when it buys at least {min_gain:.0%} of one "
            f"({rule.get('confidence', '')})" if lines else "No saturation verdict (fewer than 2 values?)")
    return (f'<h2 id="verdict">Saturation</h2><div class="banner {cls}">{esc(head)}</div>'
            f"<ul>{''.join(lines)}</ul>")


def _opt(x) -> float | None:
    """A cell of the sweep's tables as a float, None when it is missing (None or NaN)."""
    return None if x is None or pd.isna(x) else float(x)


def _grid(summary: pd.DataFrame, paths: list[str], kpis: list[Kpi]) -> str:
    head = "".join(f'<th class="l">{esc(p)}</th>' for p in paths)
    head += "<th>runs</th><th>failed</th>"
    for kpi in kpis:
        head += f"<th>{esc(kpi.label)}</th><th>95% interval</th>"
    head += "".join(f"<th>gain over previous, {esc(p)}</th>" for p in paths) + "<th>saturated</th>"
    rows = []
    for _, r in summary.iterrows():
        cells = "".join(f'<td class="l">{esc(r[p])}</td>' for p in paths)
        cells += f"<td>{int(r['runs'])}</td><td>{int(r['failed'])}</td>"
        for kpi in kpis:
            cells += cell(_opt(r[kpi.key]), kpi.digits)
            cells += interval_cell(_opt(r.get(f"{kpi.key}_ci95_low")), _opt(r.get(f"{kpi.key}_ci95_high")))
        for p in paths:
            g = _opt(r.get(f"gain_pct[{p}]"))
            cells += "<td>–</td>" if g is None else f'<td data-value="{g!r}">{g:+.1f}%</td>'
        cells += f"<td>{'yes' if bool(r['saturated']) else 'no'}</td>"
        rows.append(f'<tr data-point="{int(r["point"])}">{cells}</tr>')
    return (f'<h2 id="grid">The grid</h2><table id="grid-table"><tr>{head}</tr>{"".join(rows)}</table>')


def _gains(sat: pd.DataFrame) -> str:
    if sat.empty:
        return ""
    rows = []
    for _, r in sat.iterrows():
        ci = ("–" if pd.isna(r["gain_ci95_low"]) else
              f"{num(float(r['gain_ci95_low']), 2)} – {num(float(r['gain_ci95_high']), 2)}")
        rows.append(f'<tr><td class="l">{esc(r["parameter"])}</td><td class="l">{esc(r["kpi"])}</td>'
                    f"<td>{esc(r['value'])}</td>{cell(_opt(r['gain']), 2)}<td class=\"ci\">{ci}</td>"
                    f"<td>{esc(r['step']) if not pd.isna(r['step']) else ''}</td>"
                    f"<td>{'yes' if bool(r['saturated']) else 'no'}</td>"
                    f"<td>{'yes' if bool(r['saturation_point']) else ''}</td></tr>")
    return ('<h2 id="gains">Paired gains</h2><p class="muted">What each step buys over the previous value on '
            "each KPI judged (tonnes gained; days or hours saved), paired replication by replication (same "
            "random numbers), with its interval; a step grows, is flat (buys less than the threshold) or is "
            "unclear (not enough replications to tell).</p>"
            '<table><tr><th class="l">parameter</th><th class="l">KPI</th><th>value</th><th>gain</th>'
            "<th>interval</th><th>step</th><th>saturated</th><th>saturation point</th></tr>"
            + "".join(rows) + "</table>")


def _runs(sw, info: dict) -> str:
    failed = info.get("failed") or []
    out = ['<h2 id="runs">Runs</h2>']
    if failed:
        items = "".join(f"<li>{esc(text(f))}</li>" for f in failed)
        out.append(f'<div class="banner bad">{len(failed)} run(s) failed</div><ul>{items}</ul>')
    where = getattr(sw, "out", None)
    runs_dir = where / SWEEP_RUNS_DIR if where is not None else None
    if runs_dir is not None and runs_dir.is_dir():
        links = []
        for d in sorted(p for p in runs_dir.iterdir() if p.is_dir()):
            link = f"{SWEEP_RUNS_DIR}/{d.name}/"   # relative: the page travels with its directory
            target = link + REPORT if (d / REPORT).is_file() else link
            links.append(f'<a href="{esc(target)}">{esc(d.name)}</a>')
        out.append("<p class=\"muted\">Each run is a complete run directory (g = grid point, r = replication); "
                   "<code>corridor-sim report</code> on one gives its own page.</p><p>" + " ".join(links) + "</p>")
    return "".join(out)


def _provenance(sw, info: dict) -> str:
    rows = [("scenario", info.get("scenario")), ("scenario file", info.get("scenario_file")),
            ("seed", info.get("seed")), ("replications", info.get("replications")),
            ("corridor-sim", info.get("version")), ("git commit", info.get("git_commit")),
            ("Python", info.get("python")), ("runtime", f"{info.get('runtime_seconds') or 0:.1f} s"),
            ("sweep directory", str(sw.out) if getattr(sw, "out", None) else "(in memory)")]
    return provenance_list(rows)
