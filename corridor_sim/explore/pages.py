"""The explorer's page pieces as Dash components: KPI cards, tables, the lever form, the comparison.

Plain functions from the views' data to `dash.html` trees; numbers carry `data-kpi` / `data-value`
attributes (as the HTML report's do), so that a test — or a person's script — reads them off the page.
"""

from __future__ import annotations

from dash import dcc, html

CARD = {"display": "inline-block", "margin": "4px 8px 4px 0", "padding": "8px 12px", "border": "1px solid #ccd",
        "borderRadius": "6px", "minWidth": "150px", "background": "#fafbfd"}
CELL = {"padding": "3px 8px", "borderBottom": "1px solid #eee", "textAlign": "left", "fontSize": "13px"}


def number(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}"


def cards(items: list[dict], run: str = "base") -> list:
    """The KPI cards of a run (`run`: which run they belong to, "base" or "lever")."""
    out = []
    for c in items:
        interval = f"95%: {number(c['ci95'][0])} – {number(c['ci95'][1])}" if c.get("ci95") else ""
        out.append(html.Div([
            html.Div(c["title"], style={"fontSize": "12px", "color": "#666"}),
            html.Span(number(c["value"]), style={"fontSize": "20px", "fontWeight": "bold"},
                      **{"data-kpi": c["key"], "data-value": repr(c["value"]), "data-run": run}),
            html.Span(f" {c['unit']}", style={"fontSize": "12px"}),
            html.Div(interval, style={"fontSize": "11px", "color": "#888"})], style=CARD))
    return out


def table(rows: list[dict], columns: list[str] | None = None) -> html.Table:
    """Rows of dicts as a plain HTML table (a header, then one row each)."""
    columns = columns or (list(rows[0]) if rows else [])
    head = html.Tr([html.Th(c, style=CELL) for c in columns])
    body = [html.Tr([html.Td(str(r.get(c, "")), style=CELL) for c in columns]) for r in rows]
    return html.Table([html.Thead(head), html.Tbody(body)], style={"borderCollapse": "collapse", "width": "100%"})


def field(text: str, control) -> html.Div:
    return html.Div([html.Label(text, style={"fontSize": "12px", "display": "block", "color": "#444"}), control],
                    style={"marginBottom": "8px"})


def lever_form() -> html.Div:
    """The levers: what to change (a dropdown, filled per run) and its new value (empty: unchanged)."""
    def pick(name: str):
        return dcc.Dropdown(id=name, clearable=True, style={"fontSize": "12px"})

    def amount(name: str, step):
        return dcc.Input(id=name, type="number", step=step, debounce=False, style={"width": "110px"})

    return html.Div([
        html.H3("Change levers and run", style={"marginTop": 0}),
        field("fleet", pick("lever-fleet")), field("vessels", amount("lever-vessels", 1)),
        field("port berths", pick("lever-berth")), field("berths", amount("lever-berths", 1)),
        field("station (border) dwell", pick("lever-station")), field("mean dwell hours", amount("lever-dwell", "any")),
        field("demand growth, % on every flow", amount("lever-growth", "any")),
        field("fleet on a timetable", pick("lever-timetable")),
        field("sail every … hours", amount("lever-every", "any")),
        html.Button("Run with these levers", id="run-button", n_clicks=0,
                    style={"padding": "6px 12px", "fontWeight": "bold"}),
        html.Div(id="progress", style={"marginTop": "8px", "fontSize": "13px"}),
    ], style={"width": "300px", "padding": "12px", "border": "1px solid #ccd", "borderRadius": "6px",
              "background": "#f6f8fb", "flex": "none"})


def comparison(base_cards: list[dict], lever_cards: list[dict], changes: dict, base_name: str,
               tops: tuple[str, str] | None = None) -> html.Div:
    """The lever run beside its base: each KPI, both values and the change; the top bottleneck of each
    (`tops`: where the jam moved, if it did); then what was changed."""
    lever = {c["key"]: c for c in lever_cards}
    rows = []
    for c in base_cards:
        other = lever.get(c["key"])
        if other is None:
            continue
        change = (other["value"] - c["value"]) / abs(c["value"]) if c["value"] else None
        rows.append(html.Tr([
            html.Td(f"{c['title']} ({c['unit']})", style=CELL),
            html.Td(number(c["value"]), style=CELL, **{"data-kpi": c["key"], "data-value": repr(c["value"]),
                                                       "data-run": "base-compared"}),
            html.Td(number(other["value"]), style=CELL, **{"data-kpi": c["key"], "data-value": repr(other["value"]),
                                                           "data-run": "lever"}),
            html.Td("–" if change is None else f"{change:+.1%}", style=CELL)]))
    head = html.Tr([html.Th(h, style=CELL) for h in ("KPI", f"base: {base_name}", "with the levers", "change")])
    changed = [html.Li(f"{path} = {value}") for path, value in changes.items()] or [html.Li("nothing (the base again)")]
    return html.Div([html.H3("Side by side with its base"),
                     html.Table([html.Thead(head), html.Tbody(rows)], style={"borderCollapse": "collapse"}),
                     html.P("Same seed as the base: the difference is the levers', not chance's (one run each; "
                            "for intervals run replications from the command line).", style={"fontSize": "12px"}),
                     html.P(f"top bottleneck: {tops[0]} (base) → {tops[1]} (with the levers)" if tops else "",
                            id="top-bottlenecks", style={"fontSize": "13px"}),
                     html.Div("changed:", style={"fontSize": "12px"}), html.Ul(changed, style={"fontSize": "12px"})])


def levers_tried(info: dict) -> html.Div:
    """A levers directory's levers, ranked as levers.json ranks them: what each buys in tonnes (with its
    paired 95% interval) and in days, and whether the gain is real (its interval excludes 0)."""
    rows = []
    for lever in info.get("levers") or []:
        gain = lever.get("gain_tonnes_per_year") or {}
        low, high = (gain.get("ci95") or [None, None])[:2]
        rows.append({"rank": lever.get("rank"), "lever": lever.get("lever"),
                     "t/yr gained": number(gain.get("mean")), "95% interval": f"{number(low)} – {number(high)}",
                     "real": "yes" if lever.get("real") else "no (noise)", "buys": ", ".join(lever.get("buys") or [])})
    return html.Div([html.H3("Levers tried (against the base, same random numbers)"), table(rows)])


def market_routes(info: dict) -> html.Div:
    """A market directory's markets: each route's share, TEU and generalised cost at the settled demand (the
    corridor simulated, the others published), and whether the equilibrium settled."""
    rows = [{"market": m, "route": r, "": "simulated" if x.get("simulated") else "published",
             "share": f"{x['share']:.2%}", "TEU/yr": number(x.get("teu_per_year")),
             "generalised USD/TEU": number(x.get("generalised_cost_usd_per_teu"))}
            for m, market in info["markets"].items() for r, x in market["routes"].items()]
    settled = (f"settled in {len(info['iterations'])} iterations" if info.get("converged")
               else f"not settled after {len(info['iterations'])} iterations")
    return html.Div([html.H3(f"Who carries each market (the equilibrium: {settled})"), table(rows)],
                    id="market-routes")
