"""Render the report template for many shops: papermill on warm kernels in a small pool, one offline HTML per shop.

Layout of the output: ``<out>/<as_of>/<shop>.html`` plus ``index.html``, a fleet overview ranked by risk (and, with
``shared_assets``, one ``vega-<hash>.js`` beside them; with ``keep_notebooks``, the executed ``<shop>.ipynb``). File
names come from :func:`safe_name` (no path traversal, no clashes).

How a batch runs (issue 12 item 1, issue 13 item 1):

- **Fleet-wide work once.** The parent loads, classifies and attributes once (:func:`toolkit.pipeline.analyse`),
  computes the index's rates for every shop in one pass, and writes each shop's own slice of the analysis to its own
  file. A kernel reads only its shop's slice, never the whole fleet. A fleet larger than one part
  (:mod:`toolkit.parts`) is split by shop and done part by part, so the parent holds one part at a time.
- **Warm kernels.** Each worker starts one kernel and keeps it (and its imports) across shops; papermill still
  executes the parameterised template for every shop (the template stays the one source of the report), and the
  kernel's namespace is reset between shops. One shop, or one worker, runs without a pool (two processes in all).
- **Private scratch.** Slices, logs and kernels' files live in a private temporary folder outside the output
  (``mkdtemp``, mode 0700); pages are rendered into a hidden staging folder of this run inside the output folder
  (same file system, so publishing is a rename). Both are removed when the batch ends, however it ends: normally, on
  an error, on SIGTERM/SIGINT (handled), and on SIGKILL (a janitor process waits for the batch to end and removes
  them). Workers and kernels die with their parent (Linux parent-death signal), so nothing writes after a kill.
- **Atomic, consistent publishing.** Pages and the index of one run are moved into the output folder together, under
  a lock on the folder (``.lock``): two runs into one folder never mix their pages, and the index always describes
  the pages next to it. A run that is killed publishes nothing.
- **No personal data in the output** unless ``redact_pii=False`` (``--keep-pii``): the reports are redacted, the
  executed notebooks are not kept unless asked for (``keep_notebooks``), the log stays in the scratch folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import multiprocessing
import multiprocessing.util
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, as_completed, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from toolkit.offline_html import esc, page, vega_file_name
from toolkit.paths import REPORT_TEMPLATE as TEMPLATE
from toolkit.paths import REPORTS_DIR, atomic_write
from toolkit.pipeline import Analysis, check_batch_engine
from toolkit.privacy import redact
from toolkit.taxonomy import STATUS_LABELS

if TYPE_CHECKING:
    from toolkit.parts import Parts

STATUS_RISK = {"above_target": 0, "above_strict": 1, "ok": 2, "no_orders": 3}
RISK_NOTE = (
    "Ranked by status, then by the low end of the 95% interval: a shop that is surely above the line comes before "
    "a small shop whose rate is high but uncertain."
)
LOCK_NAME = ".lock"
STAGING_PREFIX = ".staging-"
#: a warm kernel is restarted after this many shops, so that a long batch's memory stays bounded
KERNEL_SHOPS = 200


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


@dataclass
class RenderResult:
    out_dir: Path
    index: Path
    rendered: dict[str, Path] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


@cache
def _exporter() -> Any:
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_markdown=True,
    )


def notebook_to_html(notebook: Any, title: str, shared_assets: bool = False) -> str:
    """The executed notebook's outputs (no code, no stderr) wrapped in one self-contained page."""
    import copy

    nb = copy.deepcopy(notebook)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
    body, _ = _exporter().from_notebook_node(nb)
    return page(title, body, shared_assets=shared_assets)


# ----------------------------------------------------------------------------------------------- warm kernels


def _kernel_manager_class() -> type:
    from jupyter_client import KernelManager

    class ReportKernelManager(KernelManager):
        """The ``python3`` kernel, started through :mod:`toolkit._child` so it dies with its parent."""

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            cmd = super().format_kernel_cmd(extra_arguments)
            return [sys.executable, "-m", "toolkit._child", "kernel", *cmd[cmd.index("-f") :]]

    return ReportKernelManager


#: between shops: an empty namespace for the next one, the imports (sys.modules) and caches kept warm, and what
#: survives moved out of the garbage collector's sight (``gc.freeze``: its full collections no longer walk the
#: 200,000 objects of the imported libraries, about 0.1 s each)
_RESET = "get_ipython().reset(new_session=False); import gc; gc.freeze()"


def _register_engine() -> str:
    """A papermill engine that runs the template on a kernel it is given and leaves that kernel running, clean."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, km=None, start_timeout=60, **kwargs):
            client = PapermillNotebookClient(
                nb_man, km=km, kernel_name=kernel_name, startup_timeout=start_timeout, log_output=False
            )
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.execute_interactive(_RESET, silent=True, store_history=False, timeout=60)
                    client.kc.stop_channels()

    papermill_engines.register("shop-health-warm", WarmEngine)
    return "shop-health-warm"


class WarmKernel:
    """One report kernel kept across shops (restarted when it died, and every :data:`KERNEL_SHOPS` shops)."""

    def __init__(self, cwd: Path, log: Path) -> None:
        from toolkit._child import skip_unneeded_imports

        skip_unneeded_imports()  # before papermill imports nbformat and jsonschema
        self.cwd, self.log, self.km, self.runs = cwd, log, None, 0
        self.engine: str | None = None  # registered at the first shop: importing papermill must not delay the kernel
        self._prewarm_client: Any = None

    def _register(self) -> str:
        self.engine = _register_engine()
        return self.engine

    def _ensure(self) -> Any:
        if self.km is not None and (self.runs >= KERNEL_SHOPS or not self.km.is_alive()):
            self.close()
        if self.km is None:
            self.km = _kernel_manager_class()(kernel_name="python3")
            with open(self.log, "ab") as err:
                self.km.start_kernel(
                    cwd=str(self.cwd),
                    stdout=subprocess.DEVNULL,
                    stderr=err,
                    extra_arguments=["--HistoryManager.hist_file=:memory:"],
                )
            self.runs = 0
        return self.km

    def prewarm(self) -> None:
        """Start the kernel and queue the report's imports in it; returns at once (the first shop waits for them)."""
        km = self._ensure()
        kc = km.client()
        kc.start_channels()
        names = ("report", "charts", "alerts", "compare", "products", "projections")
        modules = ", ".join(f"toolkit.{m}" for m in names)
        kc.execute(f"import {modules}", silent=True, store_history=False)  # all that report.build imports
        self._prewarm_client = kc

    def execute(self, template: Path, parameters: dict) -> Any:
        import papermill

        km = self._ensure()
        self.runs += 1
        return papermill.execute_notebook(
            str(template),
            None,
            parameters=parameters,
            engine_name=self.engine or self._register(),
            km=km,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
        )

    def close(self) -> None:
        if self._prewarm_client is not None:
            self._prewarm_client.stop_channels()
            self._prewarm_client = None
        if self.km is not None:
            with contextlib.suppress(Exception):  # a kernel that is already gone is fine
                self.km.shutdown_kernel(now=True)
            self.km = None


_WARM: WarmKernel | None = None


def _warm(template: Path, log: Path) -> WarmKernel:
    global _WARM
    if _WARM is None:
        _WARM = WarmKernel(template.parent, log)
        multiprocessing.util.Finalize(None, _WARM.close, exitpriority=10)
    return _WARM


def start_kernel_early(template: Path = TEMPLATE) -> None:
    """Start this process's report kernel now and have it import the report modules, without waiting: a single
    report's kernel then starts while the data is loaded and classified (on two cores, at the same time)."""
    _warm(Path(template), Path(os.devnull)).prewarm()


def render_one(
    shop_id: str,
    out_dir: Path,
    parameters: dict,
    template: Path = TEMPLATE,
    *,
    log: Path | None = None,
    keep_notebook: bool = False,
    shared_assets: bool = False,
) -> Path:
    """Execute the template for one shop (on this process's warm kernel) and write ``<name>.html`` atomically."""
    import nbformat

    name = safe_name(shop_id)
    log = log or Path(tempfile.gettempdir()) / "shop-health-render.log"
    if _exporter.cache_info().currsize == 0:  # nbconvert's import and templates load while the kernel works
        threading.Thread(target=_exporter, daemon=True).start()
    notebook = _warm(Path(template), log).execute(Path(template), {**parameters, "shop_id": shop_id})
    if keep_notebook:
        atomic_write(out_dir / f"{name}.ipynb", nbformat.writes(notebook))
    html_path = out_dir / f"{name}.html"
    atomic_write(html_path, notebook_to_html(notebook, f"Review health: {shop_id}", shared_assets))
    return html_path


def _worker_init(parent: int, log: str) -> None:
    """A pool worker: die with the batch, send stderr (and the kernels' chatter) to the batch's private log."""
    from toolkit._child import die_with_parent

    die_with_parent(parent)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(fd, 2)
    os.close(fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the batch decides; Ctrl-C reaches it and it ends the workers


def _render_task(args: tuple) -> tuple[str, str | None, str | None]:
    shop_id, out_dir, parameters, template, options = args
    try:
        return shop_id, str(render_one(shop_id, out_dir, parameters, template, **options)), None
    except Exception as exc:  # one shop's failure is reported, never fatal to the batch
        message = str(exc).strip().splitlines()
        return shop_id, None, redact(f"{type(exc).__name__}: {message[-1] if message else ''}")[:500]


# ----------------------------------------------------------------------------------------------- the run


class Interrupted(KeyboardInterrupt):
    """The batch received SIGTERM (SIGINT raises KeyboardInterrupt as usual)."""


@contextmanager
def _signals_end_the_run() -> Iterator[None]:
    """SIGTERM ends the run like Ctrl-C: the ``finally`` clauses remove its scratch and stop its workers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):  # noqa: ARG001
        raise Interrupted(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _run_folders(out_dir: Path) -> Iterator[tuple[Path, Path]]:
    """This run's private scratch folder (outside the output) and its staging folder (inside it), removed at the
    end, and by the janitor if the batch is killed."""
    from toolkit._child import start_janitor

    staging = out_dir / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        staging.mkdir()
    except OSError as exc:
        from toolkit.errors import ParameterError

        raise ParameterError(f"cannot write into the output folder {out_dir}: {exc.strerror}") from None
    scratch = Path(tempfile.mkdtemp(prefix="shop-health-run-"))
    janitor = start_janitor(str(scratch), str(staging))
    try:
        yield scratch, staging
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
        janitor.stdin.close()
        janitor.wait()


@contextmanager
def folder_lock(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock (``.lock``): one run publishes into a folder at a time."""
    fd = os.open(out_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock, as does the death of the process


def _sweep(out_dir: Path) -> None:
    """Remove what runs that died before the janitor existed could have left (half files, staging folders)."""
    for stale in out_dir.glob(".*.tmp"):
        stale.unlink(missing_ok=True)
    for staging in out_dir.glob(f"{STAGING_PREFIX}*"):
        pid = staging.name[len(STAGING_PREFIX) :].split("-")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(staging, ignore_errors=True)


def _publish(staging: Path, out_dir: Path, result: RenderResult) -> None:
    """Move the run's pages (and its shared script) into the output folder, then its index: under the lock."""
    with folder_lock(out_dir):
        for path in sorted(staging.iterdir()):
            if path.name != "index.html":
                os.replace(path, out_dir / path.name)
        os.replace(staging / "index.html", result.index)
    result.rendered = {s: out_dir / p.name for s, p in result.rendered.items()}


def _write_slices(analysis: Analysis, shops: list[str], folder: Path) -> dict[str, str]:
    """Each shop's own slice of the analysis in its own file (private scratch): what its kernel reads."""
    folder.mkdir(mode=0o700)
    paths = {}
    for shop_id, one in analysis.by_shop(shops):
        path = folder / f"{safe_name(shop_id)}.pkl"
        pd.to_pickle(one, path)
        paths[shop_id] = str(path)
    return paths


def render_reports(
    analysis: Analysis | Parts,
    *,
    shops: list[str] | None = None,
    out: str | Path = REPORTS_DIR,
    workers: int = 2,
    redact_pii: bool = True,
    change: dict | None = None,
    template: Path = TEMPLATE,
    progress: bool = True,
    keep_notebooks: bool = False,
    shared_assets: bool = False,
    engine: str = "local",
) -> RenderResult:
    """Render the reports of ``shops`` (default: every shop) into ``<out>/<as_of>/`` and write ``index.html``.

    ``analysis`` is the pipeline's result (:func:`toolkit.pipeline.analyse`), or a fleet in parts
    (:func:`toolkit.parts.fleet_analysis`, rendered part by part): every report reads its data, classification and
    settings. See the module's docstring for how the run is isolated and published.
    ``shared_assets`` writes the Vega runtime once beside the reports instead of inlining it into each (0.9 MB less
    per report; the reports then only work with that file next to them). ``keep_notebooks`` also keeps the executed
    notebooks (they show the same redacted outputs, and the data's paths in their parameters). ``change``
    (``changed_on`` and ``changed_product`` or ``changed_cause``) adds the "Did the fix work?" section.
    ``engine`` "spark" renders the shops on Spark executors (:mod:`toolkit._distributed`; ``workers`` is then
    Spark's), "local" in a pool of ``workers`` processes here.
    """
    from tqdm import tqdm

    check_batch_engine(engine)
    settings = analysis.settings
    shops = analysis.check_shops(shops)
    out_dir = Path(out) / settings.as_of.isoformat()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from toolkit.errors import ParameterError

        raise ParameterError(f"cannot create the output folder {out_dir}: {exc.strerror}") from None
    _sweep(out_dir)
    result = RenderResult(out_dir, out_dir / "index.html")
    with _signals_end_the_run(), _run_folders(out_dir) as (scratch, staging):
        log = scratch / "render.log"
        parameters = {
            **settings.to_parameters(),
            "source": analysis.source.to_parameters(),
            "redact_pii": redact_pii,
            "change": dict(change or {}),
        }
        options = {"log": log, "keep_notebook": keep_notebooks, "shared_assets": shared_assets}
        pieces = [analysis] if isinstance(analysis, Analysis) else analysis.analyses()
        rows: list[pd.DataFrame] = []  # the index's row of every shop, part by part
        figured = _with_figures(pieces, shops, rows)
        if engine == "spark":
            outcomes = _spark_outcomes(figured, parameters, template, options, staging)
        else:
            outcomes = _run_tasks(
                _tasks(figured, scratch, staging, parameters, template, options), len(shops), workers, log
            )
        bar = tqdm(total=len(shops), desc="reports", unit="shop", disable=not progress)
        try:
            for shop_id, path, error in outcomes:
                if error:
                    result.failed[shop_id] = error
                else:
                    result.rendered[shop_id] = Path(path)
                bar.update()
        finally:
            bar.close()
        if shared_assets and result.rendered:
            from toolkit.offline_html import vega_bundle

            atomic_write(staging / vega_file_name(), vega_bundle())
        links = {s: p.name for s, p in result.rendered.items()}
        fleet = pd.concat(rows, ignore_index=True)
        atomic_write(staging / "index.html", index_page(fleet, links, result.failed, settings.as_of))
        _publish(staging, out_dir, result)
    return result


def _with_figures(
    pieces: Iterator[Analysis] | list[Analysis], shops: list[str], rows: list[pd.DataFrame]
) -> Iterator[tuple[Analysis, list[str]]]:
    """Each piece with the rates, trends, alerts and projections of its shops among ``shops`` (one pass each for
    all of them; each report gets its shop's rows), and those shops; their index rows are added to ``rows``."""
    from toolkit.alerts import open_alerts
    from toolkit.report import fleet_figures

    wanted = set(shops)
    for piece in pieces:
        mine = [s for s in piece.shops if s in wanted]
        if not mine:
            continue
        piece = replace(piece, figures=fleet_figures(piece, mine))
        now = piece.figures["now"]
        rows.append(now.assign(open_alerts=now["shop_id"].map(open_alerts(piece.figures["episodes"])).fillna(0)))
        yield piece, mine
        del piece  # the next part is loaded without this one


def _tasks(
    figured: Iterator[tuple[Analysis, list[str]]],
    scratch: Path,
    staging: Path,
    parameters: dict,
    template: Path,
    options: dict,
) -> Iterator[tuple]:
    """A render task for each shop, its slice written to the private scratch (part by part)."""
    for k, (piece, mine) in enumerate(figured):
        slices = _write_slices(piece, mine, scratch / f"slices{k}")
        del piece  # the next part is loaded without this one
        for shop_id in mine:
            yield shop_id, staging, {**parameters, "cache": slices[shop_id]}, template, options


def _spark_outcomes(
    figured: Iterator[tuple[Analysis, list[str]]], parameters: dict, template: Path, options: dict, staging: Path
) -> Iterator[tuple[str, str | None, str | None]]:
    """Each shop rendered on a Spark executor from its own slice; its files written into this run's staging."""
    from toolkit._distributed import render_on_spark

    for piece, mine in figured:
        for shop_id, files, html, error in render_on_spark(piece.by_shop(mine), parameters, template, options):
            for name, data in files.items():
                atomic_write(staging / name, data.decode("utf-8"))
            yield shop_id, (str(staging / html) if html else None), error


def _run_tasks(
    tasks: Iterator[tuple], count: int, workers: int, log: Path
) -> Iterator[tuple[str, str | None, str | None]]:
    """Each task's result as it completes: in this process for one task or one worker, else in a pool. The tasks
    are taken as the pool needs them (a fleet's parts are prepared while the workers render)."""
    if count <= 1 or workers <= 1:
        try:
            for task in tasks:
                yield _render_task(task)
        finally:
            global _WARM
            if _WARM is not None:
                _WARM.close()
                _WARM = None
        return
    pool = ProcessPoolExecutor(
        max_workers=min(workers, count),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(os.getpid(), str(log)),
    )
    pending: set = set()
    try:
        for task in tasks:
            pending.add(pool.submit(_render_task, task))
            if len(pending) >= 4 * workers:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (future.result() for future in done)
        for future in as_completed(pending):
            yield future.result()
    except BaseException:
        for process in list(getattr(pool, "_processes", {}).values()):  # stop now; their kernels die with them
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)


def index_page(fleet: pd.DataFrame, links: dict[str, str], failed: dict[str, str], as_of: date) -> str:
    """The fleet overview: every shop ranked by risk (status, then SNRR), linking to its report."""
    fleet = fleet.assign(_risk=fleet["status"].map(STATUS_RISK)).sort_values(
        ["_risk", "snrr_low", "snrr", "shop_id"], ascending=[True, False, False, True]
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
