"""Load a shop's (or a marketplace's) exports into clean canonical frames plus an account of every row.

Examples
--------
>>> from toolkit import load_shop_data
>>> data = load_shop_data()                     # the bundled samples in data/samples/
>>> data.report.usable
True
>>> sorted(data.orders.columns)[:3]
['cancel_reason', 'created_at', 'delivered_at']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from toolkit import olist
from toolkit._columns import is_in
from toolkit.errors import DataFileError, ParameterError, ShopHealthError
from toolkit.mapping import Mapping, known_headers, load_mapping, to_canonical
from toolkit.paths import SAMPLES_DIR
from toolkit.readers import ROW_COLUMN, norm_header, read_table
from toolkit.schema import TABLES, empty_frame
from toolkit.settings import check_tz
from toolkit.validate import (
    FILE_COLUMN,
    SET_ASIDE_COLUMNS,
    ParseOptions,
    date_order_evidence,
    date_order_of,
    link_reviews,
    validate_table,
)

EXAMPLES = 5


@dataclass
class FileReport:
    """How one input file's rows were used: rows_read == accepted + set_aside."""

    table: str
    file: str
    rows_read: int
    accepted: int
    set_aside: int
    reasons: pd.DataFrame  # reason, count, example_rows, example_value
    notes: list[str] = field(default_factory=list)


@dataclass
class LoadReport:
    files: list[FileReport]
    problems: list[str] = field(default_factory=list)  # why the data is not usable, if it is not
    derived: list[str] = field(default_factory=list)  # facts the exports lack, supplied and how (shop, ship-by, ...)

    @property
    def usable(self) -> bool:
        return not self.problems

    def to_frame(self) -> pd.DataFrame:
        """One row per file and reason (a file with nothing set aside has one row with an empty reason)."""
        rows = []
        for f in self.files:
            head = {
                "table": f.table,
                "file": f.file,
                "rows_read": f.rows_read,
                "accepted": f.accepted,
                "set_aside": f.set_aside,
            }
            notes = "; ".join(f.notes)
            if f.reasons.empty:
                rows.append({**head, "reason": "", "count": 0, "example_rows": "", "example_value": "", "notes": notes})
            for r in f.reasons.itertuples(index=False):
                rows.append({**head, **r._asdict(), "notes": notes})
        return pd.DataFrame(rows)

    def check_usable(self) -> None:
        """Raise a one-line error naming why the data cannot be used (no usable orders or reviews)."""
        if self.problems:
            raise ShopHealthError(
                f"the data is not usable: {'; '.join(self.problems)}. The load report (`shop-health validate`) "
                "gives the reasons"
            )

    def set_aside_summary(self) -> list[str]:
        """One line per file that had rows set aside: how many, and the commonest reasons (never silent)."""
        lines = []
        for f in self.files:
            if f.set_aside:
                top = f.reasons.sort_values("count", ascending=False).head(2)
                why = "; ".join(f"{r.count:,} {r.reason}" for r in top.itertuples(index=False))
                lines.append(
                    f"{f.file}: {f.set_aside:,} of {f.rows_read:,} rows set aside, not counted ({why}); "
                    "`shop-health validate` lists them"
                )
        return lines

    def to_csv(self, path: str | Path) -> None:
        from toolkit.safe_csv import write_csv

        write_csv(self.to_frame(), path)

    def __str__(self) -> str:
        lines = []
        for f in self.files:
            lines.append(f"{f.table:<9} {f.file}")
            lines.append(f"          rows read {f.rows_read:,} = accepted {f.accepted:,} + set aside {f.set_aside:,}")
            for note in f.notes:
                lines.append(f"          note: {note}")
            for r in f.reasons.itertuples(index=False):
                value = f" (e.g. {r.example_value!r})" if r.example_value else ""
                lines.append(f"          {r.count:>7,}  {r.reason}{value}; rows {r.example_rows}")
        if self.derived:
            lines.append("derived (not in the exports):")
            lines.extend(f"          {d}" for d in self.derived)
        lines.extend(f"NOT USABLE: {p}" for p in self.problems)
        return "\n".join(lines)


@dataclass
class ShopData:
    """Clean canonical tables (see :mod:`toolkit.schema`), what was set aside, and the load report."""

    orders: pd.DataFrame
    reviews: pd.DataFrame
    products: pd.DataFrame
    chats: pd.DataFrame
    set_aside: pd.DataFrame  # SET_ASIDE_COLUMNS: table, file, row, reason, value
    report: LoadReport
    tz: str = "UTC"


def resolve_paths(
    mapping: Mapping,
    data_dir: str | Path | None,
    given: dict[str, str | Path | None],
    required: tuple[str, ...] = ("orders", "reviews"),
) -> dict[str, Path]:
    """The file of each table: the path given, or the first of the mapping's file names found in ``data_dir``."""
    if not any(given.values()) and data_dir is None:
        data_dir = SAMPLES_DIR
    paths: dict[str, Path] = {name: Path(p) for name, p in given.items() if p}
    if data_dir is not None:
        data_dir = Path(data_dir)
        if not data_dir.is_dir():
            raise DataFileError(data_dir, "folder not found", expected="a folder holding the exported files")
        for name, tmap in mapping.tables.items():
            found = next((data_dir / f for f in tmap.files if (data_dir / f).exists()), None)
            if name not in paths and found is not None:
                paths[name] = found
    for name in required:
        if name not in paths:
            where = f"in {data_dir}" if data_dir is not None else "(no path given)"
            names = ", ".join(mapping.tables[name].files)
            raise DataFileError(
                data_dir or name,
                f"no {name} file found {where}",
                expected=f"one of {names}",
                todo=f"Pass --{name} PATH",
            )
    return paths


def load_shop_data(
    orders: str | Path | None = None,
    reviews: str | Path | None = None,
    products: str | Path | None = None,
    chats: str | Path | None = None,
    *,
    data_dir: str | Path | None = None,
    preset: str | None = None,
    mapping: str | Path | None = None,
    tz: str = "UTC",
    need_orders: bool = True,
    shop_id: str | None = None,
    region: str | None = None,
    handling_days: float | None = None,
    delivery_days: float | None = None,
    file_names: dict[str, str] | None = None,
    date_evidence: dict[tuple[str, str], dict] | None = None,
) -> ShopData:
    """Read, map and validate the exports; with no paths at all, the bundled samples.

    Parameters
    ----------
    orders, reviews, products, chats : path, optional
        CSV/TSV, Parquet or XLSX files. Orders and reviews are needed (directly or found in ``data_dir``).
    data_dir : path, optional
        A folder in which the mapping's usual file names are looked up.
    preset, mapping : str or path, optional
        A built-in column mapping (``canonical``, ``olist``, ``tiktok-seller-center``) or a mapping file.
    tz : str
        The market time zone: timestamps without an offset are local times there.
    need_orders : bool
        False to work with reviews alone (classification): then no orders file is required, and reviews are not
        checked against orders when none is given.
    shop_id : str, optional
        The shop of exports that name none (TikTok, Shopee, Lazada, Amazon exports are one shop's). Without it
        such exports get the name of their folder, and the load report says so.
    region : str, optional
        A market code (``US``, ``ID``, ``MY``, ...) that sets the date order of the mapping's ``[regions]``;
        without it the order is detected from the data and stated.
    handling_days, delivery_days : float, optional
        Override the mapping's handling time (ship-by = payment + days) and delivery time (delivered =
        shipped + days) where an export lacks those facts.
    file_names, date_evidence : optional
        For a fleet read in parts (:mod:`toolkit.parts`): the files the part files came from (each table's name, as
        the load report and every set-aside row name it), and the date-order evidence of every row of the fleet
        (:func:`toolkit.validate.date_order_evidence` by table and header), so that every part reads its dates in
        the order the whole files show.
    """
    opts_map = load_mapping(preset, mapping)
    given = {"orders": orders, "reviews": reviews, "products": products, "chats": chats}
    paths = resolve_paths(opts_map, data_dir, given, ("orders", "reviews") if need_orders else ("reviews",))
    for option, value in (("--handling-days", handling_days), ("--delivery-days", delivery_days)):
        if value is not None and not 0 <= value <= 365:
            raise ParameterError(f"{option} must be a number of days between 0 and 365, not {value!r}")
    origin = {name: Path((file_names or {}).get(name, path)) for name, path in paths.items()}
    derived: list[str] = []
    raws, reads, aside = {}, [], []
    if opts_map.adapter == "olist":
        raws, reads, aside = olist.assemble(paths)
    else:
        for name, path in paths.items():
            tmap = opts_map.tables[name]
            raw = read_table(path, tmap.sheet, known_headers(opts_map, name), whole_file=not file_names)
            raw.path = origin[name]
            raw.frame[FILE_COLUMN] = str(raw.path)
            raws[name] = raw.frame
            reads.append((name, raw))
    # the load report needs only each file's counts and notes: its raw frame is freed with its table
    reads = [(name, replace(raw, frame=raw.frame.iloc[:0])) for name, raw in reads]
    if date_evidence is None:
        date_evidence = {} if region else _evidence(opts_map, raws)
    dayfirst = _date_order(opts_map, region, date_evidence, derived)
    opts = ParseOptions(check_tz(tz), dayfirst, opts_map.reviews_before_delivery)
    supplied = {"shop_id": shop_id} if shop_id else {}
    if not shop_id and _names_no_shop(opts_map, raws):
        supplied["shop_id"] = _default_shop(data_dir, paths)
        derived.append(
            f"shop_id: the exports name no shop; called {supplied['shop_id']!r} after the "
            f"{'folder' if data_dir else 'file'} (pass --shop-id NAME to name it)"
        )
    frames: dict[str, pd.DataFrame] = {}
    notes: dict[str, list[str]] = {}
    for name, raw in reads:
        notes[str(raw.path)] = list(raw.notes)
        if raw.malformed:
            rows = pd.DataFrame(raw.malformed, columns=["row", "value"])
            aside.append(
                rows.assign(table=name, file=str(raw.path), reason="row cannot be split into the header's columns")
            )
    for name in ("orders", "reviews", "products", "chats"):
        if name not in raws:
            frames[name] = empty_frame(TABLES[name])
            continue
        raw = raws.pop(name)  # the raw strings are not kept past their table (memory: a fleet's orders file)
        path = Path(raw[FILE_COLUMN].iloc[0]) if len(raw) else origin[name]
        plan = to_canonical(raw, name, opts_map, path, supplied)
        if name == "orders" and "order_id" in raw.columns:
            raws["orders"] = raw[["order_id", FILE_COLUMN, ROW_COLUMN]]  # for the reviews of set-aside orders
        del raw
        notes.setdefault(str(path), []).extend(plan.notes)
        canonical = plan.frame
        tmap = opts_map.tables[name]
        lacking = tuple(c for c in tmap.from_order if c not in canonical.columns)
        if lacking and "orders" in frames:
            canonical, unknown = _from_order(canonical, frames["orders"], lacking)
            aside.append(unknown)
        frames[name], rejected = validate_table(
            TABLES[name],
            canonical,
            opts,
            plan,
            units=tmap.units,
            option_days={"handling_days": handling_days, "delivery_days": delivery_days},
        )
        derived.extend(plan.derived)
        aside.append(rejected)
    order_rows = _order_rows(raws.get("orders"), aside)
    orders_given = "orders" in paths
    frames["reviews"], rejected = link_reviews(
        frames["reviews"], frames["orders"] if orders_given else None, order_rows, opts
    )
    aside.append(rejected)
    nonempty = [a[SET_ASIDE_COLUMNS] for a in aside if len(a)]
    if nonempty:
        set_aside = pd.concat(nonempty, ignore_index=True)
    else:
        set_aside = pd.DataFrame({c: pd.Series(dtype="object") for c in SET_ASIDE_COLUMNS})
    report = _report(reads, frames, set_aside, notes, need_orders)
    report.derived = sorted(derived)  # by table and column (the same for a fleet read in parts)
    clean = {name: frame.drop(columns=[FILE_COLUMN, ROW_COLUMN], errors="ignore") for name, frame in frames.items()}
    return ShopData(clean["orders"], clean["reviews"], clean["products"], clean["chats"], set_aside, report, tz)


def _order_rows(raw_orders: pd.DataFrame | None, aside: list[pd.DataFrame]) -> pd.DataFrame:
    """The order id of every set-aside orders row, with the reason (for the reviews of those orders)."""
    if raw_orders is None or "order_id" not in raw_orders.columns:
        return pd.DataFrame({"order_id": pd.Series(dtype="str"), "why": pd.Series(dtype="str")})
    ids = raw_orders[["order_id", FILE_COLUMN, ROW_COLUMN]].rename(columns={FILE_COLUMN: "file", ROW_COLUMN: "row"})
    ids["order_id"] = ids["order_id"].astype("str").str.strip()
    reasons = pd.concat(aside) if aside else pd.DataFrame(columns=SET_ASIDE_COLUMNS)
    reasons = reasons[reasons["table"] == "orders"].drop_duplicates(["file", "row"])
    merged = ids.merge(reasons[["file", "row", "reason"]], on=["file", "row"], how="inner")
    merged["why"] = "orders row " + merged["row"].astype(str) + ": " + merged["reason"]
    return merged[["order_id", "why"]]


def _report(reads, frames, set_aside: pd.DataFrame, notes: dict[str, list[str]], need_orders: bool) -> LoadReport:
    files = []
    for name, raw in reads:
        file = str(raw.path)
        accepted_rows = set()
        if name in frames and FILE_COLUMN in frames[name].columns:
            mine = frames[name][frames[name][FILE_COLUMN] == file]
            accepted_rows = set(mine[ROW_COLUMN].astype(int))
        mine = set_aside[(set_aside["file"] == file) & ~set_aside["row"].astype(int).isin(accepted_rows)]
        by_row = mine.drop_duplicates(["row", "reason"])
        reasons = (
            by_row.groupby("reason", sort=False)
            .agg(
                count=("row", "nunique"),
                example_rows=("row", lambda r: ", ".join(map(str, sorted(set(r.astype(int)))[:EXAMPLES]))),
                example_value=("value", "first"),
            )
            .reset_index()
            .sort_values(["count", "reason"], ascending=[False, True])
        )
        n_aside = mine["row"].nunique()
        files.append(
            FileReport(name, file, raw.rows_read, raw.rows_read - n_aside, n_aside, reasons, notes.get(file, []))
        )
    return LoadReport(files, _problems(files, frames["orders"].empty, need_orders))


def _problems(files: list[FileReport], no_orders: bool, need_orders: bool) -> list[str]:
    """Why the data cannot be used: a file of orders or reviews with no usable row, no usable order at all."""
    problems = []
    for f in files:
        if f.table in ("orders", "reviews") and f.accepted == 0:
            why = f"; the commonest reason: {f.reasons['reason'].iloc[0]}" if len(f.reasons) else ""
            empty = " (it has no data rows)" if f.rows_read == 0 else ""
            problems.append(f"{f.file}: no {f.table} row could be used{empty}{why}")
    if need_orders and no_orders and not any("orders" in p for p in problems):
        problems.append("no order row could be used; see the reasons above")
    return problems


#: a count in a line of the load report (``orders.order_status: 1,234 row(s) delivered by ...``)
_COUNT = re.compile(r"\d[\d,]*(?= (?:identical )?row\(s\))")


def merge_reports(reports: list[LoadReport], need_orders: bool = True) -> LoadReport:
    """The load report of files read in parts (:mod:`toolkit.parts`): each file's rows, reasons and counted lines
    summed over the parts (a part holds each row of a file at most once), its notes and lines said once."""
    by_file: dict[tuple[str, str], list[FileReport]] = {}
    for report in reports:
        for f in report.files:
            by_file.setdefault((f.table, f.file), []).append(f)
    files = [_merged_file(parts) for parts in by_file.values()]
    derived = _merged_lines([r.derived for r in reports])
    orders = sum(f.accepted for f in files if f.table == "orders")
    return LoadReport(files, _problems(files, orders == 0, need_orders), derived)


def _merged_file(parts: list[FileReport]) -> FileReport:
    first, rows = parts[0], sum(f.rows_read for f in parts)
    reasons = pd.concat([f.reasons for f in parts], ignore_index=True)
    merged = []
    for reason, group in reasons.groupby("reason", sort=False):
        rows_of = [[int(n) for n in str(e).split(", ") if n] for e in group["example_rows"]]
        examples = sorted({n for rows_ in rows_of for n in rows_})
        earliest = min(range(len(rows_of)), key=lambda i: rows_of[i][:1] or [float("inf")])
        merged.append(
            {
                "reason": reason,
                "count": int(group["count"].sum()),
                "example_rows": ", ".join(map(str, examples[:EXAMPLES])),
                "example_value": group["example_value"].iloc[earliest],  # the value of the file's first such row
            }
        )
    frame = pd.DataFrame(merged, columns=list(first.reasons.columns))
    frame = frame.sort_values(["count", "reason"], ascending=[False, True]).reset_index(drop=True)
    # a part without rows of the file says nothing of the file ("no data rows")
    notes = [n for f in parts if f.rows_read or not rows for n in f.notes]
    aside = sum(f.set_aside for f in parts)
    return FileReport(first.table, first.file, rows, rows - aside, aside, frame, list(dict.fromkeys(notes)))


def _merged_lines(parts: list[list[str]]) -> list[str]:
    """The lines of the parts said once, the counts of a line summed, in order (as :func:`load_shop_data` gives)."""
    counts: dict[str, list[int]] = {}
    for line in (line for lines in parts for line in lines):
        numbers = [int(n.replace(",", "")) for n in _COUNT.findall(line)]
        template = _COUNT.sub("\0", line)
        totals = counts.get(template, [0] * len(numbers))
        counts[template] = [a + b for a, b in zip(totals, numbers, strict=True)]
    out = []
    for template, total in counts.items():
        pieces = template.split("\0")
        out.append(pieces[0] + "".join(f"{n:,}{rest}" for n, rest in zip(total, pieces[1:], strict=True)))
    return sorted(out)


def _date_order(
    mapping: Mapping, region: str | None, evidence: dict[tuple[str, str], dict], derived: list[str]
) -> bool:
    """Day first or month first: the region's (``--region``), else as the data shows it, else the mapping's."""
    if region:
        code = region.strip().upper()
        if mapping.regions and code not in mapping.regions:
            raise ParameterError(
                f"unknown region {region!r} for the '{mapping.name}' mapping; use one of {', '.join(mapping.regions)}"
            )
        dayfirst = mapping.regions.get(code, mapping.dayfirst)
        derived.append(f"dates: {'day' if dayfirst else 'month'} first (--region {code})")
        return dayfirst
    if not mapping.regions:
        return mapping.dayfirst
    for (name, header), seen in evidence.items():
        dayfirst, why = date_order_of(seen)
        if dayfirst is not None:
            derived.append(f"dates: {why} in {name} '{header}' (pass --region to set it)")
            return dayfirst
    order = "day" if mapping.dayfirst else "month"
    derived.append(f"dates: {order} first (the mapping's default; the data does not tell; pass --region to set it)")
    return mapping.dayfirst


def date_headers(mapping: Mapping, name: str, columns: list[str]) -> list[str]:
    """The headers among ``columns`` whose dates tell the date order (orders' and reviews' creation times)."""
    return [h for h in mapping.tables[name].columns.get("created_at", ()) if h in columns]


def _evidence(mapping: Mapping, raws: dict[str, pd.DataFrame]) -> dict[tuple[str, str], dict]:
    """What the files' dates show of the date order, by table and header, in the order they are consulted."""
    if not mapping.regions:
        return {}
    return {
        (name, header): date_order_evidence(raws[name][header])
        for name in ("orders", "reviews")
        if name in raws
        for header in date_headers(mapping, name, list(raws[name].columns))
    }


def _names_no_shop(mapping: Mapping, raws: dict[str, pd.DataFrame]) -> bool:
    """True when a table needs a shop and neither its file nor the mapping gives one."""
    for name, frame in raws.items():
        tmap = mapping.tables[name]
        if "shop_id" in tmap.constants or "shop_id" in tmap.from_order:
            continue
        headers = {norm_header(h) for h in tmap.columns["shop_id"]}
        if not headers & {norm_header(c) for c in frame.columns}:
            return True
    return False


def _default_shop(data_dir: str | Path | None, paths: dict[str, Path]) -> str:
    if data_dir is not None:
        return Path(data_dir).resolve().name or "shop"
    first = paths.get("orders") or next(iter(paths.values()))
    return first.name.split(".")[0] or "shop"


def _from_order(
    frame: pd.DataFrame, orders: pd.DataFrame, columns: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Columns a review export lacks (its product), taken from the first accepted line of its order."""
    first = orders.drop_duplicates("order_id").set_index("order_id")
    ids = frame["order_id"].astype("str").str.strip()
    frame = frame.copy()
    for column in columns:
        frame[column] = ids.map(first[column])
    unknown = ~is_in(ids, first.index.to_series())
    rows = frame[unknown]
    aside = pd.DataFrame(
        {
            "table": "reviews",
            "file": rows[FILE_COLUMN],
            "row": rows[ROW_COLUMN],
            "reason": f"order_id: no accepted order in the orders file (its {', '.join(columns)} comes from the order)",
            "value": ids[unknown],
        }
    )
    return frame[~unknown], aside


__all__ = [
    "load_shop_data",
    "ShopData",
    "LoadReport",
    "FileReport",
    "SAMPLES_DIR",
]
