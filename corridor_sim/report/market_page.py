"""The page of a market equilibrium (a `corridor-sim market` directory): who carries each market, whether
the corridor's demand settled, and the corridor's volume against its capacity.

It holds the figure (shares by route; the corridor's volume over the iterations against its static
capacity), a table per market (each route's share, TEU, tonnes and generalised cost, the corridor's
simulated and the others' published), the iterations (demand, cost, share, target, move, gap), the
whole corridor's tonnes with their interval, a link to the final corridor simulation's replications
(beside market.json), and the provenance.
"""

from __future__ import annotations

from pathlib import Path

from ..layout import REPLICATIONS_DIR
from ..plots.market import market_figure
from ..rundir import read_market
from .markup import cell, ci_cell, esc, figure_html, num, page_end, page_head, png_base64, provenance_list

FIGURE_CAPTION = ("Left: each market's shares by route at the settled demand (the corridor simulated, the others "
                  "published). Right: the whole corridor's demand at each iteration (the market flows at the "
                  "iteration's TEU plus the flows no market names), the tonnes delivered at the settled demand "
                  "(mean and 95% interval over the replications), and the static capacity of the final run.")


def render_market_report(directory) -> str:
    """The HTML page of a market directory."""
    r = read_market(directory)
    title = f"corridor-sim market report: {r.get('scenario')}"
    state = "converged" if r["converged"] else "did NOT converge"
    its = r["iterations"]
    t = r.get("corridor_tonnes_per_year")
    parts = [page_head(title), f"<h1>{esc(title)}</h1>",
             f"<p class=\"sub\">{len(its)} iterations × {esc(r.get('replications'))} replications "
             f"(the same random numbers in every iteration); seed {esc(r.get('seed'))}; choice model "
             f"{esc(r['choice']['model'])}, β {esc(r['choice']['cost_scale_per_kusd'])} per 1,000 USD, λ "
             f"{esc(r['choice']['nest_scale'])}.</p>",
             '<p class="toc"><a href="#verdict">Equilibrium</a><a href="#figures">Figure</a><a href="#markets">'
             'Markets</a><a href="#iterations">Iterations</a><a href="#corridor">Corridor run</a>'
             '<a href="#provenance">Provenance</a></p>',
             f'<h2 id="verdict">Equilibrium</h2><div class="banner {"ok" if r["converged"] else "bad"}">'
             f"The corridor's demand {state}: last move {its[-1]['move']:.2%}, gap {its[-1]['gap']:.2%} "
             f"(tolerance {r['equilibrium']['tolerance']:.0%})</div>",
             "<table><tr><th class=\"l\">whole corridor</th><th>mean</th><th>95% interval</th></tr>"
             f"<tr><td class=\"l\">delivered t/yr (all flows)</td>{cell(t)}{ci_cell(t)}</tr>"
             f"<tr><td class=\"l\">demand t/yr (all flows)</td>{cell(r.get('corridor_demand_tonnes_per_year'))}"
             "<td class=\"ci\">–</td></tr>"
             f"<tr><td class=\"l\">static capacity t/yr</td>{cell(r.get('static_capacity_tonnes_per_year'))}"
             "<td class=\"ci\">–</td></tr></table>",
             '<h2 id="figures">Figure</h2>',
             figure_html("market", "Shares by route; the corridor's volume against its capacity",
                         png_base64(market_figure(r)), FIGURE_CAPTION),
             _markets(r), _iterations(r), _corridor(directory),
             provenance_list([("scenario", r.get("scenario")), ("scenario file", r.get("scenario_file")),
                              ("seed", r.get("seed")), ("replications per iteration", r.get("replications")),
                              ("method", r["equilibrium"].get("method")),
                              ("runtime", f"{r.get('runtime_seconds') or 0:.1f} s"),
                              ("market directory", str(directory))]),
             page_end()]
    return "\n".join(parts)


def _markets(r: dict) -> str:
    out = ['<h2 id="markets">Markets</h2>']
    for mname, m in r["markets"].items():
        rows = "".join(
            f"<tr><td class=\"l\">{esc(name)}</td><td class=\"l\">{'simulated' if x['simulated'] else 'published'}"
            f"</td><td data-value=\"{x['share']!r}\">{x['share']:.2%}</td>"
            f"{cell(x['teu_per_year'])}{cell(x['tonnes_per_year'])}"
            f"{cell(x['generalised_cost_usd_per_teu'])}</tr>" for name, x in m["routes"].items())
        out.append(f"<h3>{esc(mname)}: {num(m['teu_per_year'])} TEU a year, {num(m['tonnes_per_teu'], 1)} t per TEU"
                   "</h3><table><tr><th class=\"l\">route</th><th class=\"l\">cost</th><th>share</th><th>TEU/yr</th>"
                   f"<th>t/yr</th><th>generalised USD/TEU</th></tr>{rows}</table>")
    return "".join(out)


def _iterations(r: dict) -> str:
    markets = list(r["markets"])
    head = "<th>iteration</th><th>step</th>" + "".join(
        f"<th>{esc(m)}: demand TEU</th><th>cost USD/TEU</th><th>share</th><th>target TEU</th>" for m in markets)
    rows = []
    for it in r["iterations"]:
        cells = f"<td>{it['iteration']}</td><td>{it['step']:.3f}</td>"
        for m in markets:
            cells += (cell(it["corridor_teu_per_year"][m]) + cell(it["corridor_cost_usd_per_teu"][m])
                      + f"<td>{it['corridor_share'][m]:.3%}</td>" + cell(it["target_teu_per_year"][m]))
        rows.append(f"<tr>{cells}<td>{it['move']:.2%}</td><td>{it['gap']:.2%}</td></tr>")
    return ('<h2 id="iterations">Iterations</h2><p class="muted">Method of successive averages: each iteration '
            "simulates the demand, reads the corridor's generalised cost, and moves the demand by the step "
            "towards the target its share gives. Move: the change of demand; gap: target against demand.</p>"
            f"<table><tr>{head}<th>move</th><th>gap</th></tr>{''.join(rows)}</table>")


def _corridor(directory) -> str:
    runs = Path(directory) / REPLICATIONS_DIR
    links = " ".join(f'<a href="{esc(REPLICATIONS_DIR)}/{esc(d.name)}/">{esc(d.name)}</a>'
                     for d in sorted(runs.iterdir()) if d.is_dir()) if runs.is_dir() else ""
    return ('<h2 id="corridor">The final corridor simulation</h2><p class="muted">The corridor at the settled '
            "demand: its replications are beside market.json (summary.json, runs.parquet, replications/); "
            "<code>corridor-sim report</code> on one of them gives its own page.</p>" + (f"<p>{links}</p>"
                                                                                      if links else ""))
