"""The page of a levers directory: what limits the corridor, and what each lever buys.

The page holds the base (delivered tonnes against demand, its stability in each
replication, its static capacity), the elements its diagnostics point at and why, the
ranked levers with every gain and its paired 95% interval (tonnes a year gained, days of
mean and p95 transit saved by flow group), the figure of those gains, the elements passed
over for want of a lever, the failed runs, links to the base's and each lever's own
reports, and the provenance. Every number comes from levers.json.
"""

from __future__ import annotations

from ..plots.levers import lever_gains, load_levers
from ..analysis.values import value
from .markup import (RENDER_CHECK, esc, figure_html, interval_cell, num, page_end, page_head, png_base64,
                     provenance_list, text)

GAINS_CAPTION = ("Each lever against the base, replication by replication with the same random numbers: the bar "
                 "is the mean gain, the whisker its 95% paired interval. A solid bar's interval excludes 0 (a real "
                 "change); a pale one's includes it: these replications cannot tell it from noise.")


def render_levers_report(source) -> str:
    """The HTML page of a levers directory (or a LeverResult, or its levers.json as a dict)."""
    info = load_levers(source)
    n = info.get("replications")
    title = f"corridor-sim levers report: {info.get('scenario', 'levers')}"
    parts = [page_head(title), f"<h1>{esc(title)}</h1>",
             f"<p class=\"sub\">What limits the corridor, and what each lever buys: {len(info['levers'])} levers, "
             f"each against the base over {esc(n)} replications; {esc(info.get('runs_ok'))} of "
             f"{esc(info.get('runs'))} runs finished; seed {esc(info.get('seed'))}. {esc(info.get('confidence'))}.</p>",
             '<p class="toc"><a href="#base">Base</a><a href="#limiting">What limits it</a><a href="#levers">Levers</a>'
             '<a href="#figures">Figure</a><a href="#runs">Runs</a><a href="#provenance">Provenance</a></p>',
             _base(info), _limiting(info), _levers(info), '<h2 id="figures">Figure</h2>',
             figure_html("lever-gains", "What each lever buys", png_base64(lever_gains(info)), GAINS_CAPTION),
             RENDER_CHECK, _runs(info), _provenance(info), page_end()]
    return "\n".join(parts)


def _stat(stat: dict | None, digits: int = 0, signed: bool = False) -> str:
    """A {mean, ci95, real} as two cells: the mean (with a * when real) and its interval."""
    stat = stat or {}
    mean, (lo, hi) = stat.get("mean"), stat.get("ci95") or (None, None)
    if mean is None:
        return '<td>–</td><td class="ci">–</td>'
    shown = f"{mean:+,.{digits}f}" if signed else num(mean, digits)
    real = stat.get("real")
    cls = "" if not real else (' class="gain"' if mean > 0 else ' class="loss"')
    return f'<td data-value="{mean!r}"{cls}>{shown}{"*" if real else ""}</td>{interval_cell(lo, hi, digits)}'


def _base(info: dict) -> str:
    base = info["base"]
    stability = base.get("stability") or {}
    stable_in, n = stability.get("stable_in"), info.get("replications")
    cls = "ok" if stability.get("stable") else "bad"
    head = ("stable in every replication" if stability.get("stable") else
            f"unstable: stable in {stable_in} of {n} replications" if stable_in is not None else "unstable")
    messages = stability.get("message")
    messages = messages if isinstance(messages, list) else [messages]
    static = base.get("static_capacity") or {}
    first = static.get("first_to_saturate") or {}
    cap = value(static.get("tonnes_per_year"))
    return (f'<h2 id="base">The base</h2><table><tr><th class="l">measure</th><th>mean</th><th>95% interval</th></tr>'
            f'<tr><td class="l">delivered, t/yr</td>{_stat(base.get("delivered_tonnes_per_year"))}</tr>'
            f'<tr><td class="l">demand, t/yr</td><td data-value="{base.get("demand_tonnes_per_year")!r}">'
            f'{num(base.get("demand_tonnes_per_year"))}</td><td></td></tr>'
            f'<tr><td class="l">static capacity (estimate), t/yr; first to fill: {esc(first.get("element", "–"))}'
            f'</td><td>{num(cap)}</td><td></td></tr></table>'
            f'<div class="banner {cls}">{esc(head)}</div>'
            f'<ul>{"".join(f"<li>replication {i}: {esc(text(m))}</li>" for i, m in enumerate(messages))}</ul>')


def _limiting(info: dict) -> str:
    rows = "".join(
        f'<tr><td>{i}</td><td class="l">{esc(e["element"])}</td><td class="l">{esc(e["pointed_at_by"])}</td>'
        f'<td>{"–" if e.get("rank") is None else "#" + str(e["rank"])}</td>'
        f'<td>{"–" if e.get("demand_over_capacity") is None else format(e["demand_over_capacity"], ".0%")}</td>'
        f'<td class="l">{esc(e.get("queue_state") or "–")}</td><td class="l">{esc(e.get("reason") or "")}</td>'
        f'<td class="l">{esc(", ".join(e.get("levers") or []))}</td></tr>'
        for i, e in enumerate(info["limiting"], 1))
    passed = "".join(f"<li>{esc(e['element'])} ({esc(e['pointed_at_by'])}): {esc(e['no_lever'])}</li>"
                     for e in info.get("not_levered") or [])
    return ('<h2 id="limiting">What limits it</h2><p class="muted">The elements the base\'s diagnostics point at: '
            "those both the bottleneck ranking and the static load name first, then each in turn.</p>"
            '<table><tr><th>#</th><th class="l">element</th><th class="l">pointed at by</th><th>ranked</th>'
            '<th>static load</th><th class="l">queue</th><th class="l">why</th><th class="l">levers</th></tr>'
            f"{rows}</table>" + (f"<p>Passed over, for want of a lever:</p><ul>{passed}</ul>" if passed else ""))


def _levers(info: dict) -> str:
    groups = list(info["measures"]["days"])
    head = ('<tr><th>rank</th><th class="l">lever</th><th class="l">path = value</th><th class="l">from</th>'
            "<th>t/yr gained</th><th>95% interval</th>"
            + "".join(f"<th>{esc(g)}: mean days saved</th><th>95% interval</th>"
                      f"<th>{esc(g)}: p95 days saved</th><th>95% interval</th>" for g in groups) + "</tr>")
    rows = []
    for lever in info["levers"]:
        days = lever.get("days_saved") or {}
        cells = "".join(_stat(days.get(g, {}).get(m), 1, True) for g in groups for m in ("mean", "p95"))
        rows.append(f'<tr data-lever="{esc(lever["id"])}"><td>{esc(lever["rank"])}</td>'
                    f'<td class="l">{esc(lever["id"])}: {esc(lever["lever"])}</td>'
                    f'<td class="l">{esc(lever["path"])} = {esc(lever["value"])} (base {esc(lever.get("base_value"))})'
                    f'</td><td class="l">{esc(lever.get("source", ""))}</td>'
                    f'{_stat(lever.get("gain_tonnes_per_year"), 0, True)}{cells}</tr>')
    return ('<h2 id="levers">What each lever buys</h2><p class="muted">Ranked by tonnes gained (real gains first, '
            "real losses last; in between, by the measures bought less those cost). Days saved: the base's transit "
            "days less the lever's (+ is faster). * real: the 95% interval excludes 0. Each interval is 95% on its "
            "own, not simultaneous: among many, some exclude 0 by chance.</p>"
            f'<table id="levers-table">{head}{"".join(rows)}</table>')


def _runs(info: dict) -> str:
    failed = info.get("failed") or []
    out = ['<h2 id="runs">Runs</h2>']
    if failed:
        out.append(f'<div class="banner bad">{len(failed)} run(s) failed</div>'
                   f'<ul>{"".join(f"<li>{esc(text(f))}</li>" for f in failed)}</ul>')
    links = [(info["base"].get("dir", "base"), "the base")] + [(lever["dir"], lever["id"]) for lever in info["levers"]]
    out.append('<p class="muted">The base and each lever are replications directories (relative links: the page '
               "travels with its directory); <code>corridor-sim report</code> on one gives its own page, "
               "<code>corridor-sim compare base levers/lever-NNN</code> every metric against the base.</p><p>"
               + " ".join(f'<a href="{esc(d)}/">{esc(name)}</a>' for d, name in links) + "</p>")
    return "".join(out)


def _provenance(info: dict) -> str:
    return provenance_list([("scenario", info.get("scenario")), ("scenario file", info.get("scenario_file")),
                            ("overrides", ", ".join(info.get("overrides") or []) or "–"), ("seed", info.get("seed")),
                            ("replications", info.get("replications")), ("top", info.get("top")),
                            ("corridor-sim", info.get("version")), ("git commit", info.get("git_commit")),
                            ("Python", info.get("python")),
                            ("runtime", f"{info.get('runtime_seconds') or 0:.1f} s")])
