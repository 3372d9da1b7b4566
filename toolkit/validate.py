"""Parse and validate canonical tables: every row is accepted or set aside with a reason.

The row rules of the data model live in :func:`toolkit.schema.pandera_schema` (pandera); this module parses raw
text into typed columns, runs that schema lazily to learn which rows break which rule, and adds the
rules that span rows or tables (duplicates, conflicting ids, reviews of unknown orders, reviews dated
before their delivery).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from toolkit._columns import is_in
from toolkit.mapping import Canonical
from toolkit.readers import ROW_COLUMN
from toolkit.schema import KIND_DTYPE, KIND_EXPECTED, ORDERS, REVIEWS, Kind, Table, pandera_schema

FILE_COLUMN = "_file"
MAX_FIELD_CHARS = 100_000
SET_ASIDE_COLUMNS = ["table", "file", "row", "reason", "value"]
_POS = "_pos"  # the row's label in the frame being checked, so that several rules can mark the same row

_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\b")
_HAS_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_SPREADSHEET_NUMBER = re.compile(r"^\d(\.\d+)?[eE]\+\d+$")
_WHOLE = re.compile(r"^\d+(\.0+)?$")
# Unix seconds (9-10 digits), milliseconds (12-13) or an Excel serial day (5 digits, 1954-2119)
_EPOCH = re.compile(r"\d{9,10}(?:\.\d+)?|\d{12,13}(?:\.0+)?|\d{5}(?:\.\d+)?")
_EXCEL_SERIAL_RANGE = (20_000, 80_000)
_TWELVE_HOUR = re.compile(r"\d\s*[AaPp]\.?[Mm]\.?\s*$")


@dataclass(frozen=True)
class ParseOptions:
    """How raw text is read: the market time zone for timestamps without an offset, and D/M/Y vs M/D/Y."""

    tz: str = "UTC"
    dayfirst: bool = True
    reviews_before_delivery: str = "set_aside"  # or "keep"
    earliest: str = "2000-01-01"  # a time before this is implausible (an epoch 0 or a typo)
    future_days: int = 366  # a time more than this many days after today is implausible (deadlines excepted)


# Deadlines and promises may lie in the future; times that happened may not.
_FUTURE_ALLOWED = {"ship_by", "promised_delivery_at"}


def _set_aside(table: Table, rows: pd.DataFrame, reason: str, value: pd.Series | str | None = None) -> pd.DataFrame:
    if value is None:
        value = ""
    return pd.DataFrame(
        {
            "table": table.name,
            "file": rows[FILE_COLUMN].to_numpy(),
            "row": rows[ROW_COLUMN].to_numpy(),
            "reason": reason,
            "value": value.astype(str).str.slice(0, 80).to_numpy() if isinstance(value, pd.Series) else value,
            _POS: rows.index.to_numpy(),
        }
    )


def parse_timestamps(values: pd.Series, tz: str = "UTC", dayfirst: bool = True) -> tuple[pd.Series, pd.Series]:
    """Parse text to UTC timestamps; returns (timestamps, mask of values that could not be read).

    ISO 8601 is read first; then day/month/year (or month/day/year when ``dayfirst`` is false, or when
    the data shows a month position above 12); then other written dates that contain a four-digit year.
    A value without an offset is local time in ``tz``.

    Examples
    --------
    >>> ts, bad = parse_timestamps(pd.Series(["2024-03-05 10:00", "05/03/2024", "soon"]), tz="Asia/Jakarta")
    >>> [str(t) for t in ts]
    ['2024-03-05 03:00:00+00:00', '2024-03-04 17:00:00+00:00', 'NaT']
    >>> bad.tolist()
    [False, False, True]
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").astype(KIND_DTYPE[Kind.TIMESTAMP]), pd.Series(False, index=values.index)
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return _localize(values, tz), pd.Series(False, index=values.index)
    text = values.astype("str").str.strip()
    present = text.notna() & (text != "")
    out = pd.Series(pd.NaT, index=values.index, dtype=KIND_DTYPE[Kind.TIMESTAMP])
    aware = present & text.str.contains(_OFFSET, na=False)
    if aware.any():
        out[aware] = pd.to_datetime(text[aware], format="ISO8601", errors="coerce", utc=True)
    epoch = present & ~aware & text.str.fullmatch(_EPOCH, na=False)
    if epoch.any():
        number = pd.to_numeric(text[epoch], errors="coerce")
        digits = text[epoch].str.split(".").str[0].str.len()
        unit = digits.map({9: "s", 10: "s", 12: "ms", 13: "ms"})
        for u in ("s", "ms"):
            mine = unit == u
            if mine.any():
                out[mine[mine].index] = pd.to_datetime(number[mine], unit=u, utc=True)
        serial = digits == 5
        if serial.any():  # an Excel serial day number: local wall time, days since 1899-12-30
            days = number[serial].where(number[serial].between(*_EXCEL_SERIAL_RANGE))
            local = pd.Timestamp("1899-12-30") + pd.to_timedelta(days, unit="D").dt.round("s")
            out[serial[serial].index] = _localize(pd.Series(local, index=days.index), tz)
    naive = present & ~aware & ~epoch
    if naive.any():
        local = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
        rest = local.isna()
        if rest.any():
            local[rest] = _parse_written_dates(text[naive][rest], dayfirst)
        out[naive] = _localize(local, tz)
    return out, present & out.isna()


def _localize(local: pd.Series, tz: str) -> pd.Series:
    local = local.astype("datetime64[us]")
    # A wall time that occurs twice at a DST change is read as standard time; one that never occurs moves forward.
    aware = local.dt.tz_localize(tz, ambiguous=np.zeros(len(local), dtype=bool), nonexistent="shift_forward")
    return aware.dt.tz_convert("UTC").astype(KIND_DTYPE[Kind.TIMESTAMP])


def _parse_written_dates(text: pd.Series, dayfirst: bool) -> pd.Series:
    parts = text.str.extract(_NUMERIC_DATE).astype("float")
    if (parts[0] > 12).any() and not (parts[1] > 12).any():
        dayfirst = True
    elif (parts[1] > 12).any() and not (parts[0] > 12).any():
        dayfirst = False
    normal = text.str.replace(r"^(\d{1,2})[.\-](\d{1,2})[.\-]", r"\1/\2/", regex=True)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    day_month = "%d/%m" if dayfirst else "%m/%d"
    formats = ("%Y %H:%M:%S", "%Y %H:%M", "%Y", "%y %H:%M:%S", "%y %H:%M", "%y")
    if text.str.contains(_TWELVE_HOUR, na=False).any():
        formats = ("%Y %I:%M:%S %p", "%Y %I:%M %p", "%y %I:%M:%S %p", "%y %I:%M %p", *formats)
    for fmt in formats:
        todo = out.isna()
        if not todo.any():
            break
        out[todo] = pd.to_datetime(normal[todo], format=f"{day_month}/{fmt}", errors="coerce")
    todo = out.isna() & text.str.contains(_HAS_YEAR, na=False) & ~text.str.match(_NUMERIC_DATE, na=False)
    if todo.any():
        out[todo] = pd.to_datetime(text[todo], format="mixed", dayfirst=dayfirst, errors="coerce")
    return out


def parse_number(values: pd.Series) -> pd.Series:
    """Amounts as written in exports, with thousands separators: ``119.900`` (Indonesia), ``1,234.50``.

    A dot or comma followed by exactly three digits, and not the only separator in a short number with
    decimals, is a thousands separator; the last separator followed by one, two or four-plus digits is the
    decimal mark. Unreadable values are NaN.

    Examples
    --------
    >>> parse_number(pd.Series(["119.900", "1,234.50", "1.234,5", "12.5", "0", "Rp 25.000", "x"])).tolist()
    [119900.0, 1234.5, 1234.5, 12.5, 0.0, 25000.0, nan]
    """
    text = values.astype("str").str.strip().str.replace(r"[^\d.,\-]", "", regex=True)
    decimal = text.str.extract(r"[.,](\d{1,2}|\d{4,})$")[0].notna()
    whole = text.where(~decimal, text.str.replace(r"[.,](\d+)$", r"#\1", regex=True))
    whole = whole.str.replace(r"[.,]", "", regex=True).str.replace("#", ".", regex=False)
    return pd.to_numeric(whole.where(whole != ""), errors="coerce").astype("float64")


def date_order_evidence(values: pd.Series, seen: dict[str, str | None] | None = None) -> dict[str, str | None]:
    """The first value of ``values`` that shows a day first, a month first, a 12-hour time (None where none does);
    ``seen``, the evidence of the rows before them (a file read in parts), keeps its examples."""
    text = values.dropna().astype("str").str.strip()
    parts = text.str.extract(_NUMERIC_DATE).astype("float")
    found = {
        "day": text[parts[0] > 12],  # a first number above 12
        "month": text[parts[1] > 12],  # a second number above 12
        "twelve": text[text.str.contains(_TWELVE_HOUR, na=False) & parts[0].notna()],
    }
    seen = seen or {}
    return {k: seen.get(k) or (str(v.iloc[0]) if len(v) else None) for k, v in found.items()}


def date_order_of(evidence: dict[str, str | None]) -> tuple[bool | None, str]:
    """Day first (True) or month first (False) as :func:`date_order_evidence` shows it, with the evidence; None if it
    cannot tell.

    A first number above 12 means day first, a second above 12 month first; failing both, 12-hour times with
    AM/PM mean month first (the US writes them so; day-first regions write 24-hour times).
    """
    day, month, twelve = evidence["day"], evidence["month"], evidence["twelve"]
    if day and not month:
        return True, f"day first (e.g. {day!r})"
    if month and not day:
        return False, f"month first (e.g. {month!r})"
    if twelve:
        return False, f"month first: 12-hour AM/PM times (e.g. {twelve!r})"
    return None, ""


def _parse_column(table: Table, frame: pd.DataFrame, name: str, opts: ParseOptions) -> tuple[pd.Series, pd.DataFrame]:
    """One column to its canonical type; the rows whose value cannot be read go to the set-aside list."""
    kind = table.column(name).kind
    raw = frame[name]
    if kind is Kind.TIMESTAMP:
        parsed, bad = parse_timestamps(raw, opts.tz, opts.dayfirst)
        return parsed, _set_aside(table, frame[bad], f"{name}: not {KIND_EXPECTED[kind]}", raw[bad])
    text = raw.astype("str").str.strip()
    text = text.where(text != "")
    if kind in (Kind.RATING, Kind.COUNT):
        whole = text.str.match(_WHOLE, na=False)
        whole &= text.str.len() <= 15  # beyond 64-bit integers (and any real count): not a count
        bad = text.notna() & ~whole
        number = pd.to_numeric(text.where(whole), errors="coerce").astype("Int64")
        if kind is Kind.RATING:
            out_of_range = number.notna() & ~number.isin([1, 2, 3, 4, 5])
            bad |= out_of_range.fillna(False).astype(bool)
            number = number.where(~bad).astype(KIND_DTYPE[kind])
        return number, _set_aside(table, frame[bad], f"{name}: not {KIND_EXPECTED[kind]}", raw[bad])
    if kind is Kind.ID:
        bad = text.str.match(_SPREADSHEET_NUMBER, na=False)
        reason = f"{name}: looks like a number a spreadsheet rounded (export ids as text)"
        return text, _set_aside(table, frame[bad], reason, raw[bad])
    if kind is Kind.STATUS:
        return text.str.casefold(), _set_aside(table, frame.iloc[:0], "")
    too_long = text.str.len() > MAX_FIELD_CHARS
    reason = f"{name}: longer than {MAX_FIELD_CHARS:,} characters"
    return text, _set_aside(table, frame[too_long.fillna(False)], reason, text[too_long.fillna(False)].str.len())


def validate_table(
    table: Table,
    frame: pd.DataFrame,
    opts: ParseOptions,
    plan: Canonical | None = None,
    *,
    units: bool = False,
    option_days: dict[str, float | None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Typed, checked rows of one table and the rows set aside (``SET_ASIDE_COLUMNS``).

    ``frame`` holds canonical column names (absent optional columns are fine) plus ``_file`` and ``_row``.
    ``plan`` (from :func:`toolkit.mapping.to_canonical`) holds the times to derive once parsed; what was
    derived is added to ``plan.derived``. ``units``: identical rows are units of one line, counted into its
    quantity. ``option_days`` overrides a derivation's days by its data option name.
    """
    frame = frame.reset_index(drop=True)
    present = [c for c in table.names if c in frame.columns]
    aside = [_set_aside(table, frame.iloc[:0], "")]

    if units and len(frame):
        frame, collapsed = _collapse_units(frame, present)
        if collapsed and plan is not None:
            plan.derived.append(
                f"{table.name}.quantity: one row per unit in the export; {collapsed:,} identical row(s) counted "
                "into the quantity of their line"
            )

    # Exact duplicates collapse onto their first occurrence.
    dup = frame.duplicated(subset=present, keep="first")
    if dup.any():
        first_row = frame.groupby(present, dropna=False, sort=False)[ROW_COLUMN].transform("first")
        aside.append(_set_aside(table, frame[dup], "exact duplicate of an earlier row (collapsed)", first_row[dup]))
        frame = frame[~dup]

    typed = pd.DataFrame(index=frame.index)
    for name in table.names:
        if name in frame.columns:
            typed[name], bad = _parse_column(table, frame, name, opts)
            aside.append(bad)
        else:
            typed[name] = pd.Series(pd.NA, index=frame.index, dtype=KIND_DTYPE[table.column(name).kind])
    if plan is not None:
        _derive_times(table, frame, typed, plan, opts, option_days or {})
    if table is REVIEWS:
        typed["initial_rating"] = typed["initial_rating"].fillna(typed["rating"])
    if table is ORDERS:
        typed["quantity"] = typed["quantity"].fillna(1)

    aside.extend(_implausible_times(table, frame, typed, opts))
    rejected = _rows_of(aside, frame)
    try:
        pandera_schema(table).validate(typed[~rejected], lazy=True)
    except pa.errors.SchemaErrors as exc:
        aside.append(_schema_failures(table, frame, exc.failure_cases))
    rejected = _rows_of(aside, frame)

    # The same key with different content: we cannot tell which version is right, so none is used.
    keep = typed[~rejected]
    clash = keep.duplicated(subset=list(table.key), keep=False)
    if clash.any():
        idx = keep.index[clash]
        rows = frame.loc[idx]
        others = rows.groupby([typed.loc[idx, k] for k in table.key], sort=False)[ROW_COLUMN].transform(
            lambda r: ", ".join(map(str, r))
        )
        aside.append(
            _set_aside(table, rows, f"same {'/'.join(table.key)} as another row with different content", others)
        )
    rejected = _rows_of(aside, frame)
    clean = typed[~rejected].copy()
    clean[FILE_COLUMN] = frame.loc[~rejected, FILE_COLUMN]
    clean[ROW_COLUMN] = frame.loc[~rejected, ROW_COLUMN]
    return clean.reset_index(drop=True), pd.concat(aside, ignore_index=True).drop(columns=_POS)


def _implausible_times(table: Table, frame: pd.DataFrame, typed: pd.DataFrame, opts: ParseOptions) -> list:
    """Times before a floor or far in the future, and an order delivered or shipped before it was created."""
    floor = pd.Timestamp(opts.earliest, tz="UTC")
    ceiling = pd.Timestamp.now(tz="UTC").normalize() + pd.Timedelta(days=opts.future_days)
    out = []
    for column in table.columns:
        if column.kind is not Kind.TIMESTAMP:
            continue
        values = typed[column.name]
        early = (values < floor).fillna(False).astype(bool)
        if early.any():
            out.append(
                _set_aside(table, frame[early], f"{column.name}: implausible, before {opts.earliest}", values[early])
            )
        if column.name not in _FUTURE_ALLOWED:
            late = (values > ceiling).fillna(False).astype(bool)
            if late.any():
                reason = f"{column.name}: implausible, more than {opts.future_days} days after today"
                out.append(_set_aside(table, frame[late], reason, values[late]))
    if table is ORDERS:  # delivered before it was created or shipped
        for column, what in (("created_at", "created"), ("shipped_at", "shipped")):
            before = (typed["delivered_at"] < typed[column]).fillna(False).astype(bool)
            if before.any():
                reason = f"delivered_at: before the order was {what}"
                out.append(_set_aside(table, frame[before], reason, typed["delivered_at"][before]))
    return out


def _collapse_units(frame: pd.DataFrame, present: list[str]) -> tuple[pd.DataFrame, int]:
    """Identical rows (canonical columns) become one row whose quantity is their count (times any quantity)."""
    helpers = [c for c in frame.columns if c.startswith("_from_")]
    keys = [c for c in present + helpers if c != "quantity"]
    size = frame.groupby(keys, dropna=False, sort=False)[ROW_COLUMN].transform("size")
    first = ~frame.duplicated(subset=keys, keep="first")
    out = frame[first].copy()
    quantity = pd.to_numeric(out["quantity"], errors="coerce") if "quantity" in out.columns else 1
    out["quantity"] = (size[first] * quantity).astype("Int64").astype("str")
    return out, int((~first).sum())


def _derive_times(
    table: Table, frame: pd.DataFrame, typed: pd.DataFrame, plan: Canonical, opts: ParseOptions, days: dict
) -> None:
    for d in plan.derive:
        source = plan.helpers[d.target]
        raw = source.startswith("_")  # an export header's text in a helper column, else a typed canonical column
        base = parse_timestamps(frame[source], opts.tz, opts.dayfirst)[0] if raw else typed[source]
        n_days = days.get(d.option) if d.option and days.get(d.option) is not None else d.days
        fill = typed[d.target].isna() & base.notna()
        if d.status:
            fill &= typed["order_status"].isin(d.status)
        if not fill.any():
            continue
        typed.loc[fill, d.target] = base[fill] + pd.Timedelta(days=n_days)
        option = f", --{d.option.replace('_', '-')} to change" if d.option else ""
        why = f" ({d.why})" if d.why else ""
        plan.derived.append(
            f"{table.name}.{d.target}: {int(fill.sum()):,} row(s) derived as {plan.labels[d.target]} + "
            f"{n_days:g} day(s){option}{why}"
        )


def _rows_of(aside: list[pd.DataFrame], frame: pd.DataFrame) -> pd.Series:
    return pd.Series(frame.index.isin(pd.concat(aside)[_POS]), index=frame.index)


def _schema_failures(table: Table, frame: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """Turn pandera's failure cases into set-aside rows; a whole-row check names itself, not each column."""
    cases = cases.dropna(subset=["index"])
    whole_row = cases["schema_context"] == "DataFrameSchema"
    cases = pd.concat([cases[~whole_row], cases[whole_row].drop_duplicates(["check", "index"]).assign(column=None)])
    out = []
    for (column, check), group in cases.groupby(["column", "check"], dropna=False, sort=False):
        rows = frame.loc[group["index"].astype(int).to_numpy()]
        if pd.isna(column):
            out.append(_set_aside(table, rows, str(check)))
        elif check == "not_nullable":
            out.append(_set_aside(table, rows, f"{column}: missing"))
        else:
            value = pd.Series(group["failure_case"].astype(str).to_numpy(), index=rows.index)
            expected = KIND_EXPECTED.get(table.column(column).kind, str(check))
            out.append(_set_aside(table, rows, f"{column}: not {expected}", value))
    return pd.concat(out, ignore_index=True) if out else _set_aside(table, frame.iloc[:0], "")


def link_reviews(
    reviews: pd.DataFrame,
    orders: pd.DataFrame | None,
    order_rows: pd.DataFrame,
    opts: ParseOptions,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rules between reviews and orders: the order must exist, belong to the shop, and be delivered first.

    ``order_rows`` maps the order id of every set-aside orders row to its file row and reason, so that a review
    of an order that was set aside says so instead of calling the order unknown.
    """
    if orders is None:
        return reviews, _set_aside(REVIEWS, reviews.iloc[:0], "").drop(columns=_POS)
    aside = []
    known = is_in(reviews["order_id"], orders["order_id"])
    seen = is_in(reviews["order_id"], order_rows["order_id"])
    missing = ~known & ~seen
    aside.append(
        _set_aside(
            REVIEWS, reviews[missing], "order_id: no such order in the orders file", reviews["order_id"][missing]
        )
    )
    setaside_order = ~known & seen
    if setaside_order.any():
        why = order_rows.drop_duplicates("order_id").set_index("order_id")["why"]
        value = reviews.loc[setaside_order, "order_id"].map(why)
        aside.append(_set_aside(REVIEWS, reviews[setaside_order], "its order was set aside", value))
    # the reviewed orders' lines only (a fleet's orders table is several times its reviews): each (order, shop)
    # pair once, with its first delivery
    keys = ["order_id", "shop_id"]
    lines = orders.loc[is_in(orders["order_id"], reviews["order_id"]), [*keys, "delivered_at"]]
    delivered = lines.groupby(keys, as_index=False, sort=False, dropna=False)["delivered_at"].min()
    matched = reviews[keys].merge(delivered, how="left", on=keys, indicator=True).set_axis(reviews.index)
    wrong_shop = known & matched["_merge"].ne("both")
    aside.append(
        _set_aside(REVIEWS, reviews[wrong_shop], "shop_id: not a shop of this order", reviews["shop_id"][wrong_shop])
    )
    delivered_at = matched["delivered_at"]
    day = reviews["created_at"].dt.tz_convert(opts.tz).dt.normalize()
    early = known & ~wrong_shop & (day < delivered_at.dt.tz_convert(opts.tz).dt.normalize()).fillna(False)
    if opts.reviews_before_delivery == "set_aside":
        aside.append(
            _set_aside(
                REVIEWS, reviews[early], "created_at: before its order was delivered", reviews["created_at"][early]
            )
        )
    rejected = _rows_of(aside, reviews)
    return reviews[~rejected].reset_index(drop=True), pd.concat(aside, ignore_index=True).drop(columns=_POS)


__all__ = [
    "ParseOptions",
    "parse_timestamps",
    "parse_number",
    "date_order_evidence",
    "date_order_of",
    "validate_table",
    "link_reviews",
]
