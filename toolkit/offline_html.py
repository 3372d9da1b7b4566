"""Self-contained, offline, safe HTML: one page with the Vega bundle inlined once and charts embedded as data.

Why this way (measured): Altair's default renderer loads Vega from a CDN, ``template='inline'`` breaks from
the second chart on, and the ipywidgets runtime comes from a CDN. What works offline is the Vega bundle from
``vl-convert-python`` included once per page plus a small embed per chart.

Safety: everything from the data (review text, product names, shop ids, replies) is escaped or carried as
base64 JSON, never as markup. The page carries a Content-Security-Policy that allows only its own inline
scripts (by hash), no network at all, and Vega runs with its expression interpreter (no ``eval``), so even
a payload that slipped through could neither run nor make a request.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from toolkit.privacy import show_controls

EMBED_JS = """
document.querySelectorAll("div.srh-chart").forEach(function (el) {
  var bytes = Uint8Array.from(atob(el.dataset.spec), function (c) { return c.charCodeAt(0); });
  var spec = JSON.parse(new TextDecoder().decode(bytes));
  vegaEmbed(el, spec, {actions: false, ast: true, renderer: "svg"}).catch(function (err) {
    el.textContent = "This chart could not be drawn: " + err.message;
  });
});
"""

STYLE = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bad: #b42318; --warn: #b54708; --ok: #067647; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 1100px; margin: 2rem auto; padding: 0 1rem; }
h1, h2, h3 { line-height: 1.2; } h2 { border-bottom: 1px solid var(--line); padding-bottom: .3rem; margin-top: 2.2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: 14px; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f5f7fa; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { display: inline-block; padding: .1rem .6rem; border-radius: 1rem; color: #fff; font-weight: 600; }
.status-ok { background: var(--ok); } .status-above_strict { background: var(--warn); }
.status-above_target { background: var(--bad); } .status-no_orders { background: var(--muted); }
.muted { color: var(--muted); }
.warning { border-left: 4px solid var(--warn); padding: .3rem .8rem; background: #fffaeb; }
mark { background: #fde68a; padding: 0 .1rem; } .review { white-space: pre-wrap; overflow-wrap: anywhere; }
.srh-chart { display: block; margin: .5rem 0 1.2rem; min-height: 2rem; }
#vg-tooltip-element { font: 13px system-ui, sans-serif; }
"""


@cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed in one script, from vl-convert-python (no network).

    Building it takes about a second, so it is kept in the temporary folder, one file per vl-convert version.
    """
    import vl_convert

    version = getattr(vl_convert, "__version__", "unknown")
    cached = Path(tempfile.gettempdir()) / f"shop-review-health-vega-{version}.js"
    try:
        return cached.read_text(encoding="utf-8")
    except OSError:
        pass
    bundle = vl_convert.javascript_bundle()
    try:
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(bundle, encoding="utf-8")
        os.replace(tmp, cached)  # atomic: a reader never sees half a bundle
    except OSError:
        pass  # a read-only temporary folder only costs the second again next time
    return bundle


@cache
def vega_file_name() -> str:
    """The name of the shared Vega runtime file (``--shared-assets``): its content's hash, so a changed bundle
    never mixes with reports made for an older one."""
    return f"vega-{hashlib.sha256(vega_bundle().encode('utf-8')).hexdigest()[:12]}.js"


def esc(value: object) -> str:
    """Text from the data, escaped for HTML (quotes too, so it is also safe inside attributes), with bidi and
    zero-width control characters made visible (:func:`toolkit.privacy.show_controls`)."""
    return html.escape(show_controls("" if value is None else str(value)), quote=True)


def _visible(value: Any) -> Any:
    """Strings in a chart's data with their control characters shown (axis labels and tooltips come from there)."""
    if isinstance(value, str):
        return show_controls(value)
    if isinstance(value, list):
        return [_visible(v) for v in value]
    if isinstance(value, dict):
        return {k: _visible(v) for k, v in value.items()}
    return value


def chart_html(chart: Any) -> str:
    """A chart as an inert div carrying its spec as base64 JSON; the page's one script draws it.

    The spec is not validated against the Vega-Lite schema here (a tenth of a report's time): the charts are built
    by :mod:`toolkit.charts`, and the tests validate every chart of every sample report."""
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    if "datasets" in spec:
        spec = {**spec, "datasets": _visible(spec["datasets"])}
    payload = base64.b64encode(json.dumps(spec, ensure_ascii=False).encode("utf-8")).decode("ascii")
    return f'<div class="srh-chart" data-spec="{payload}"></div>'


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def page(title: str, body: str, *, with_charts: bool = True, shared_assets: bool = False) -> str:
    """A complete HTML document; ``body`` must already be safe HTML (built with :func:`esc`).

    With ``shared_assets`` the Vega runtime is not inlined but loaded from :func:`vega_file_name` beside the page.
    A ``file://`` page cannot check an ``integrity`` attribute (that needs CORS), so the policy then allows scripts
    of the page's own origin (``'self'``) besides the one inline script (by hash); still no network.
    """
    allowed = []
    if with_charts:
        allowed = ["'self'", _sha256(EMBED_JS)] if shared_assets else [_sha256(vega_bundle()), _sha256(EMBED_JS)]
    csp = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; connect-src 'none'; form-action 'none'; "
        "base-uri 'none'; script-src " + (" ".join(allowed) or "'none'")
    )
    head_script = tail_script = ""
    if with_charts:
        shared = f'<script src="{vega_file_name()}"></script>'
        head_script = shared if shared_assets else f"<script>{vega_bundle()}</script>"
        tail_script = f"<script>{EMBED_JS}</script>"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}</style>{head_script}</head>"
        f"<body>{body}{tail_script}</body></html>\n"
    )
