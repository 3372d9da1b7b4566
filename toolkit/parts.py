"""A fleet in parts: exports larger than one part are split by shop, so a batch holds one part at a time.

``shop-health report --all`` on exports of more than :data:`PART_BYTES` renders the fleet part by part; the memory
of the batch is then that of one part (about 150 shops of the samples' size), whatever the fleet's size.

How it stays exact (issue 13 item 2):

- **Split by shop, streaming.** Each table's file is read in blocks (:func:`toolkit.readers.csv_blocks`) and every
  row goes, as the raw strings it had and with its row number in the file, to the part of its shop (a hash of the
  trimmed shop id). A shop's rows are never in two parts, and every rule between rows names the shop (duplicates,
  same key, a review's order), so a part sees what the whole file shows of its shops.
- **Each part loaded by the same loader**, its rows under their file's name and row number, its dates read in the
  order every row of the files shows (decided once, on all of them). The parts' load reports add up to the whole
  files' (:func:`toolkit.load.merge_reports`), and every report shows the whole.
- **Then each part in turn** is classified (the corrections applied) and its shops rendered
  (:func:`toolkit.render.render_reports`); the index lists every shop.
- **Or whole.** Exports the stream cannot read exactly as the reader would are loaded whole, as a small fleet is,
  and a warning says why: a Parquet, workbook or JSON file (or one compressed), another encoding, lines above the
  header, a row that does not split, the Olist tables (joined across files), reviews that name their shop only
  through their order. One shop's exports (no file names a shop: the marketplaces' own exports) are not split.

Two differences remain, both about ids shared across shops: a review whose order id is only another shop's is set
aside as an unknown order (a whole load says "not a shop of this order"; it is not counted either way), and a review
that takes its product from its order takes it from its own shop's lines of that order.

The parts live in a private scratch folder (mode 0700) that is removed when the batch ends, however it ends.
"""

from __future__ import annotations

import contextlib
import math
import resource
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from toolkit.load import LoadReport, date_headers, merge_reports, resolve_paths
from toolkit.mapping import Mapping, known_headers, load_mapping
from toolkit.pipeline import Analysis, analyse, check_shops, classified, data_range, settle
from toolkit.readers import ROW_COLUMN, csv_blocks, csv_layout, delimiter_notes, norm_header
from toolkit.settings import Settings
from toolkit.source import TABLE_OPTIONS, DataSource
from toolkit.validate import date_order_evidence

#: the exports' bytes in one part: about 150 shops of the samples' size, a few hundred MB in memory
PART_BYTES = 64 << 20


@dataclass
class Parts:
    """A fleet loaded part by part: the whole load report and settings, and each part's loaded data on disk."""

    source: DataSource
    settings: Settings  # its as-of day is the last day of the whole fleet when none was given
    report: LoadReport  # every file's rows, over all the parts
    warnings: list[str]
    shops: list[str]
    files: list[Path]  # each part's ShopData (pickled, private scratch)
    model: Any = None
    engine: str = "local"

    def check_shops(self, shops: list[str] | None) -> list[str]:
        return check_shops(self.shops, shops)

    def analyses(self) -> Iterator[Analysis]:
        """Each part's analysis in turn (one in memory at a time), with the whole load report."""
        overrides = self.source.overrides()
        for path in self.files:
            data = replace(pd.read_pickle(path), report=self.report)
            piece = classified(
                self.source, self.settings, data, overrides, self.warnings, model=self.model, engine=self.engine
            )
            del data
            yield piece
            del piece


@contextmanager
def fleet_analysis(
    source: DataSource | None = None,
    settings: Settings | None = None,
    *,
    model: Any = None,
    engine: str = "local",
    part_bytes: int | None = None,
) -> Iterator[Analysis | Parts]:
    """The analysis of a whole fleet for a batch: an :class:`Analysis` when the exports fit in one part of
    ``part_bytes`` (default :data:`PART_BYTES`) or cannot be split, else the :class:`Parts` (their scratch folder is
    removed when the ``with`` block ends)."""
    from toolkit._child import start_janitor

    part_bytes = part_bytes or PART_BYTES
    source = source if source is not None else DataSource()
    settings = settings if settings is not None else Settings()
    mapping = load_mapping(source.preset, source.mapping)
    paths = resolve_paths(mapping, source.data_dir, {t: getattr(source, t) for t in TABLE_OPTIONS})
    if sum(p.stat().st_size for p in paths.values() if p.is_file()) <= part_bytes:
        yield analyse(source, settings, model=model, engine=engine)
        return
    folder = Path(tempfile.mkdtemp(prefix="shop-health-parts-"))
    janitor = start_janitor(str(folder))
    try:
        split = split_exports(source, mapping, paths, folder, part_bytes)
        if split is None:  # one shop's exports: nothing to split
            yield analyse(source, settings, model=model, engine=engine)
        elif isinstance(split, str):
            whole = analyse(source, settings, model=model, engine=engine)
            whole.warnings.append(f"the exports are read whole, not in parts ({split}): memory grows with the fleet")
            yield whole
        else:
            yield _load_parts(source, settings, *split, folder, model, engine)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        janitor.stdin.close()
        janitor.wait()


def _load_parts(
    source: DataSource,
    settings: Settings,
    parts: list[DataSource],
    notes: dict[str, list[str]],
    folder: Path,
    model: Any,
    engine: str,
) -> Parts:
    """Load every part (each saved to disk as soon as it is loaded, its part files then removed); settle the
    settings on the whole; the reader's ``notes`` of each file (by name) head its notes in the load report."""
    from tqdm import tqdm

    reports, files, shops, first, last = [], [], [], [], []
    for k, part in enumerate(tqdm(parts, desc="loading parts", unit="part", leave=False)):
        data = part.load(tz=settings.tz)
        shutil.rmtree(folder / f"{k}")  # the scratch holds one copy of the data, not two
        reports.append(data.report)
        lo, hi = data_range(data, settings.tz)
        first += [lo] if lo else []
        last += [hi] if hi else []
        names = sorted(set(data.orders["shop_id"]) | set(data.reviews["shop_id"]))
        if names:
            files.append(folder / f"part{k}.pkl")
            pd.to_pickle(data, files[-1])
            shops.append(names)
        del data
    report = merge_reports(reports)
    for f in report.files:
        f.notes[:0] = notes.get(f.file, [])
    report.check_usable()
    settings, warnings = settle(settings, report, min(first, default=None), max(last, default=None))
    every = sorted(s for names in shops for s in names)
    return Parts(source, settings, report, warnings, every, files, model, engine)


def split_exports(
    source: DataSource, mapping: Mapping, paths: dict[str, Path], folder: Path, part_bytes: int
) -> tuple[list[DataSource], dict[str, list[str]]] | str | None:
    """The sources of the parts of ``paths`` (files in ``folder``) and what the reader notes of each file (by
    name); else why the exports are read whole, or None for one shop's exports (no file names a shop)."""
    if mapping.adapter:
        return f"the {mapping.name} tables are joined across files"
    layouts, shop_columns = {}, {}
    for name, path in paths.items():
        layout = csv_layout(path, known_headers(mapping, name))
        if isinstance(layout, str):
            return layout
        layouts[name], shop_columns[name] = layout, _shop_columns(mapping, name, layout[0])
    if not any(shop_columns.values()):
        return None  # the exports of one shop (TikTok, Shopee, Lazada, Amazon exports are)
    unnamed = [paths[name].name for name, columns in shop_columns.items() if not columns]
    if unnamed:
        return f"{unnamed[0]} names no shop in its rows"
    count = min(math.ceil(sum(p.stat().st_size for p in paths.values()) / part_bytes), _open_files() - 64)
    evidence: dict[tuple[str, str], dict] = {}
    for name, path in paths.items():
        header, delimiter = layouts[name]
        dates = date_headers(mapping, name, header) if mapping.regions and not source.options.get("region") else []
        try:
            _split_file(path, name, header, delimiter, shop_columns[name], folder, count, dates, evidence)
        except ValueError as exc:
            return str(exc)
    consulted = sorted(evidence, key=lambda key: ("orders", "reviews").index(key[0]))  # as a whole load reads them
    options = {
        **source.options,
        "file_names": {name: str(path) for name, path in paths.items()},
        "date_evidence": {key: evidence[key] for key in consulted},
    }
    parts = [
        replace(source, data_dir=None, options=options, **{n: str(folder / f"{k}" / f"{n}.parquet") for n in paths})
        for k in range(count)
    ]
    return parts, {str(path): delimiter_notes(layouts[name][1]) for name, path in paths.items()}


def _open_files() -> int:
    """How many files this process may hold open, raised to the system's limit (a split writes every part at once;
    beyond it, parts grow instead)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 16
    if soft != resource.RLIM_INFINITY and soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
    return hard if soft == resource.RLIM_INFINITY else soft


def _shop_columns(mapping: Mapping, name: str, header: list[str]) -> list[str]:
    """The headers holding the shop of each row, in the mapping's order (the first filled one is the shop, as the
    mapping reads it); none when the rows name no shop."""
    tmap = mapping.tables[name]
    if "shop_id" in tmap.constants or "shop_id" in tmap.combine:
        return []
    by_norm = {norm_header(h): h for h in header}
    return [by_norm[norm_header(h)] for h in tmap.columns.get("shop_id", ()) if norm_header(h) in by_norm]


def _shops(batch: pa.RecordBatch, columns: list[str]) -> pa.Array:
    """Each row's shop as the mapping and the validator read it: the first filled column, trimmed."""
    shop = None
    for column in columns:
        value = pc.utf8_trim_whitespace(batch.column(column))
        shop = value if shop is None else pc.if_else(pc.fill_null(pc.not_equal(shop, ""), False), shop, value)
    return pc.fill_null(shop, "")


def _split_file(
    path: Path,
    name: str,
    header: list[str],
    delimiter: str,
    shop_columns: list[str],
    folder: Path,
    count: int,
    dates: list[str],
    evidence: dict[tuple[str, str], dict],
) -> None:
    """Every row of ``path`` into the part file of its shop; the date-order evidence of ``dates`` gathered."""
    from tqdm import tqdm

    schema = pa.schema([(h, pa.string()) for h in header] + [(ROW_COLUMN, pa.int64())])
    writers = []
    for k in range(count):
        (folder / f"{k}").mkdir(mode=0o700, exist_ok=True)
        writers.append(pq.ParquetWriter(folder / f"{k}" / f"{name}.parquet", schema))
    bar = tqdm(desc=f"splitting {path.name} by shop", unit=" rows", unit_scale=True, leave=False)
    try:
        for batch in csv_blocks(path, header, delimiter):
            bar.update(batch.num_rows)
            for column in dates:
                values = batch.column(column).to_pandas()
                evidence[(name, column)] = date_order_evidence(values, evidence.get((name, column)))
            shop = _shops(batch, shop_columns)
            part = pd.util.hash_array(shop.to_numpy(zero_copy_only=False).astype(object)) % np.uint64(count)
            order = np.argsort(part, kind="stable")
            rows = pa.Table.from_batches([batch]).take(pa.array(order))
            bounds = np.searchsorted(part[order], np.arange(count + 1, dtype=np.uint64))
            for k in range(count):
                if bounds[k + 1] > bounds[k]:
                    writers[k].write_table(rows.slice(bounds[k], bounds[k + 1] - bounds[k]))
    finally:
        bar.close()
        for writer in writers:
            writer.close()


__all__ = ["PART_BYTES", "Parts", "fleet_analysis", "split_exports"]
