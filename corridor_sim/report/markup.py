"""The pieces every HTML page of corridor-sim is made of: the head with its inline style, the
cells that carry a number's exact value, the provenance list, the figures as base64 PNG.

A page loads nothing from the network (no scripts, fonts or styles from elsewhere): the
style is inline, the figures are data: URLs, and the one script (`CHECK_SCRIPT`) only
counts the images it shows. Every number shown in a cell carries the exact number of its
source in a `data-value` attribute (an interval: `data-ci95`), for a reader or a test to
check.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io

from .. import __version__
from ..analysis.values import ci95, value
from ..layout import PRODUCT, REPORT   # REPORT: a report's file name in the directory it reports on

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1d1d1f;
background:#f6f6f3}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px;background:#fff;box-shadow:0 0 12px rgba(0,0,0,.06)}
h1{font-size:26px;margin:4px 0 2px}h2{font-size:19px;margin:34px 0 8px;border-bottom:2px solid #e4e2da;
padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
.sub{color:#555;margin:0 0 14px}.desc{color:#333;max-width:900px}
table{border-collapse:collapse;font-size:13px;margin:6px 0 10px}th,td{padding:4px 9px;border-bottom:1px solid #e8e8e8;
text-align:right;vertical-align:top}th{background:#f1f0ea;font-weight:600}td.l,th.l{text-align:left}
tr:hover td{background:#fafaf5}.ci{color:#777;font-size:12px}td.gain{color:#1b5e20}td.loss{color:#922}
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

# Where the page's own script writes how many figures it could show.
RENDER_CHECK = '<p id="render-check" class="muted" data-images="" data-images-ok=""></p>'


def esc(x) -> str:
    """Any value as HTML text (quotes escaped too: safe in an attribute)."""
    return html.escape(str(x), quote=True)


def num(x, digits: int = 0, unit: str = "") -> str:
    """A number with thousands separators, or a dash for none."""
    if x is None:
        return "–"
    return f"{x:,.{digits}f}{unit}"


def pct(x) -> str:
    """A share (0-1) in whole per cent, or a dash for none."""
    return "–" if x is None else f"{x:.0%}"


def text(x) -> str:
    """A field of a summary as words: a list (replications that disagree) as its distinct values, None as a dash."""
    if isinstance(x, list):
        return " / ".join(sorted({str(v) for v in x}))
    return "–" if x is None else str(x)


def cell(raw, digits: int = 0, key: str | None = None, percent: bool = False) -> str:
    """A number of the summary (plain or {mean, ci95}) as <td>, its exact value in data-value
    (and, with `key`, its KPI's name in data-kpi)."""
    v = value(raw)
    shown = pct(v) if percent else num(v, digits)
    attrs = f' data-value="{v!r}"' if v is not None else ""
    if key:
        attrs += f' data-kpi="{esc(key)}"'
    return f"<td{attrs}>{shown}</td>"


def interval_cell(lo: float | None, hi: float | None, digits: int = 0, percent: bool = False) -> str:
    """An interval as <td class="ci">, its exact ends in data-ci95; a dash when there is none (lo is None)."""
    if lo is None:
        return '<td class="ci">–</td>'
    shown = f"{lo:.0%} – {hi:.0%}" if percent else f"{num(lo, digits)} – {num(hi, digits)}"
    return f'<td class="ci" data-ci95="{lo!r},{hi!r}">{shown}</td>'


def ci_cell(raw, digits: int = 0, percent: bool = False) -> str:
    """The 95% interval of a summary number as <td> (a dash for a plain number)."""
    lo, hi = ci95(raw) or (None, None)
    return interval_cell(lo, hi, digits, percent)


def cells(raw, digits: int, key: str, replications: bool) -> str:
    """The number's cell, followed for replications by its interval's cell."""
    return cell(raw, digits, key) + (ci_cell(raw, digits) if replications else "")


def page_head(title: str) -> str:
    """The page up to <main>: charset, viewport, generator, title and the inline style."""
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<meta name=\"generator\" content=\"{PRODUCT} {esc(__version__)}\">"   # ownership.is_report
            f"<title>{esc(title)}</title><style>{STYLE}</style></head><body><main>")


def page_end() -> str:
    """The page after its last section: the script that counts the figures shown, and the closing tags."""
    return f"<script>{CHECK_SCRIPT}</script></main></body></html>\n"


def provenance_list(rows: list[tuple[str, object]]) -> str:
    """The Provenance section: `rows` as a definition list, then when and by which version the page was written."""
    rows = [*rows, ("report written", dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
                    + f" by corridor-sim {__version__}")]
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(text(v))}</dd>" for k, v in rows)
    return f'<h2 id="provenance">Provenance</h2><dl id="provenance-list">{items}</dl>'


def png_base64(fig) -> str:
    """A matplotlib figure as base64 PNG, at the figure's own resolution (for an <img> data: URL)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def figure_html(anchor: str, head: str, png: str, caption: str) -> str:
    """A figure with its heading, the image (base64 PNG) and its caption."""
    return (f'<figure id="fig-{esc(anchor)}"><h3>{esc(head)}</h3>'
            f'<img alt="{esc(head)}" src="data:image/png;base64,{png}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")
