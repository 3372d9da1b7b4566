"""Render the report template for many shops: papermill in a small pool of workers, one offline HTML per shop.

Layout of the output: ``<out>/<as_of>/<shop>.html`` (and the executed ``<shop>.ipynb``) plus ``index.html``, a fleet
overview ranked by risk. File names come from :func:`safe_name` (no path traversal, no clashes). Every file is written
atomically (a temporary file in the same folder, then ``os.replace``), so a rerun or a kill never leaves a
half-written report. One shop's failure does not stop the others.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from toolkit import rates
from toolkit.offline_html import esc, page
from toolkit.paths import REPORT_TEMPLATE as TEMPLATE
from toolkit.paths import REPORTS_DIR
from toolkit.pipeline import Analysis
from toolkit.taxonomy import STATUS_LABELS

CACHE_NAME = "analysis.pkl"
STATUS_RISK = {"above_target": 0, "above_strict": 1, "ok": 2, "no_orders": 3}
RISK_NOTE = (
    "Ranked by status, then by the low end of the 95% interval: a shop that is surely above the line comes before "
    "a small shop whose rate is high but uncertain."
)


def safe_name(shop_id: str) -> str:
    """A file name for a shop id: readable, never a path, and unique (a short hash of the exact id).

    Examples
    --------
    >>> safe_name("../../etc/passwd")
    'etc-passwd-3754d6cb'
    >>> safe_name("Toko Maju") != safe_name("toko-maju")
    True
    """
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", str(shop_id)).strip("-_")[:60] or "shop"
    return f"{slug}-{hashlib.sha256(str(shop_id).encode('utf-8')).hexdigest()[:8]}"


def atomic_write(path: Path, content: str) -> None:
    """Write ``content`` to ``path`` so that readers see the old file or the whole new one, never a part."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(content)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; a report is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class RenderResult:
    out_dir: Path
    index: Path
    rendered: dict[str, Path] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def notebook_to_html(notebook: object, title: str) -> str:
    """The executed notebook's outputs (no code, no stderr) wrapped in one self-contained page."""
    import copy

    from nbconvert import HTMLExporter

    nb = copy.deepcopy(notebook)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_markdown=True,
    )
    body, _ = exporter.from_notebook_node(nb)
    return page(title, body)


def render_one(shop_id: str, out_dir: Path, parameters: dict, template: Path = TEMPLATE) -> Path:
    """Execute the template for one shop and write ``<name>.ipynb`` and ``<name>.html`` atomically."""
    import nbformat
    import papermill

    name = safe_name(shop_id)
    with tempfile.TemporaryDirectory() as tmp:
        executed = Path(tmp) / f"{name}.ipynb"
        papermill.execute_notebook(
            str(template),
            str(executed),
            parameters={**parameters, "shop_id": shop_id},
            progress_bar=False,
            log_output=False,
            kernel_name="python3",
            cwd=str(template.parent),
        )
        notebook = nbformat.read(executed, as_version=4)
    atomic_write(out_dir / f"{name}.ipynb", nbformat.writes(notebook))
    html_path = out_dir / f"{name}.html"
    atomic_write(html_path, notebook_to_html(notebook, f"Review health: {shop_id}"))
    return html_path


def _quiet_worker(log: str) -> None:
    """Send a worker's stderr (and its kernels' chatter) to the batch's log file, away from the progress bar."""
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 2)
    os.close(fd)


def _render_task(args: tuple) -> tuple[str, str | None, str | None]:
    shop_id, out_dir, parameters, template = args
    try:
        return shop_id, str(render_one(shop_id, out_dir, parameters, template)), None
    except Exception as exc:  # one shop's failure is reported, never fatal to the batch
        message = str(exc).strip().splitlines()
        return shop_id, None, f"{type(exc).__name__}: {message[-1] if message else ''}"[:500]


def _open_alerts(analysis, settings, shops: list[str]) -> pd.Series:
    """Per shop, the alert episodes still open on the as-of day (:mod:`toolkit.alerts`)."""
    from toolkit.alerts import episodes, open_alerts

    o, r, a = analysis.tables()
    since = settings.as_of - timedelta(days=89)
    return open_alerts(episodes(o, r, settings, a, since=since, shops=shops))


def index_page(fleet: pd.DataFrame, links: dict[str, str], failed: dict[str, str], as_of: date) -> str:
    """The fleet overview: every shop ranked by risk (status, then SNRR), linking to its report."""
    fleet = fleet.assign(_risk=fleet["status"].map(STATUS_RISK)).sort_values(
        ["_risk", "snrr_low", "snrr"], ascending=[True, False, False]
    )
    rows = []
    for r in fleet.itertuples(index=False):
        link = links.get(r.shop_id)
        name = f'<a href="{esc(link)}">{esc(r.shop_id)}</a>' if link else esc(r.shop_id)
        note = (
            "report failed: " + esc(failed[r.shop_id])
            if r.shop_id in failed
            else ("small sample" if r.small_sample else "")
        )
        snrr = "n/a" if pd.isna(r.snrr) else f"{r.snrr * 100:.2f}%"
        interval = "" if pd.isna(r.snrr) else f"{r.snrr_low * 100:.2f}% to {r.snrr_high * 100:.2f}%"
        rows.append(
            f"<tr><td>{name}</td><td><span class='status status-{esc(r.status)}'>"
            f"{esc(STATUS_LABELS.get(r.status, r.status))}"
            f"</span></td><td class='num'>{snrr}</td><td class='num'>{interval}</td>"
            f"<td class='num'>{int(r.seller_negative_reviews)}</td><td class='num'>{int(r.delivered_orders)}</td>"
            f"<td class='num'>{int(getattr(r, 'open_alerts', 0))}</td>"
            f"<td>{note}</td></tr>"
        )
    body = (
        f"<h1>Review health of {len(fleet)} shops</h1><p class='muted'>As of {as_of.isoformat()}. {RISK_NOTE}</p>"
        "<table><thead><tr><th>shop</th><th>status</th><th class='num'>SNRR</th><th class='num'>95% interval</th>"
        "<th class='num'>seller-related negatives</th><th class='num'>delivered orders</th>"
        "<th class='num'>open alerts</th><th></th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return page(f"Review health as of {as_of.isoformat()}", body, with_charts=False)


def render_reports(
    analysis: Analysis,
    *,
    shops: list[str] | None = None,
    out: str | Path = REPORTS_DIR,
    workers: int = 2,
    redact_pii: bool = True,
    change: dict | None = None,
    template: Path = TEMPLATE,
    progress: bool = True,
) -> RenderResult:
    """Render the reports of ``shops`` (default: every shop) into ``<out>/<as_of>/`` and write ``index.html``.

    ``analysis`` is the pipeline's result (:func:`toolkit.pipeline.analyse`): every report reads its data,
    classification and settings. The batch keeps it for the notebooks in a private scratch folder outside the
    output (it holds unredacted review text), removed when the batch ends.
    """
    from tqdm import tqdm

    from toolkit.report import save_cache

    settings = analysis.settings
    as_of = settings.as_of
    shops = analysis.check_shops(shops)
    out_dir = Path(out) / as_of.isoformat()
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob(".*.tmp"):  # left by a run that was killed mid-write
        stale.unlink(missing_ok=True)
    fleet = rates.shop_rates(analysis.data.orders, analysis.data.reviews, settings, analysis.attribution, shops=shops)
    fleet = fleet.assign(open_alerts=fleet["shop_id"].map(_open_alerts(analysis, settings, shops)).fillna(0))
    result = RenderResult(out_dir, out_dir / "index.html")
    bar = tqdm(total=len(shops), desc="reports", unit="shop", disable=not progress)
    with tempfile.TemporaryDirectory(prefix="shop-health-run-") as scratch:
        cache = Path(scratch) / CACHE_NAME
        save_cache(analysis, cache)
        parameters = {
            **settings.to_parameters(),
            "source": analysis.source.to_parameters(),
            "redact_pii": redact_pii,
            "change": dict(change or {}),
            "cache": str(cache),
        }
        tasks = [(s, out_dir, parameters, template) for s in shops]
        try:
            with ProcessPoolExecutor(
                max_workers=max(1, workers),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_quiet_worker,
                initargs=(str(out_dir / "render.log"),),
            ) as pool:
                for future in as_completed(pool.submit(_render_task, t) for t in tasks):
                    shop_id, path, error = future.result()
                    if error:
                        result.failed[shop_id] = error
                    else:
                        result.rendered[shop_id] = Path(path)
                    bar.update()
        finally:
            bar.close()
    links = {s: p.name for s, p in result.rendered.items()}
    atomic_write(result.index, index_page(fleet, links, result.failed, as_of))
    return result
