"""Column mappings: which export header holds which canonical column, kept in small TOML files.

A mapping file has one section per table::

    name = "my-export"
    dayfirst = true                      # 03/04/2024 is 3 April when a file does not tell
    reviews_before_delivery = "set_aside"  # or "keep"
    [regions.US]
    dayfirst = false                     # --region US: month first (09/15/2025 7:44:26 AM)

    [orders]
    files = ["orders.csv", "orders.xlsx"]  # names looked for when a folder is given
    sheet = "OrderSKUList"                 # the workbook sheet to read (default: the one holding most data)
    units = false                          # true: identical rows are units of one line (quantity = their count)
    [orders.columns]
    order_id = ["Order ID", "Order Number"]  # canonical name = export header(s); the first non-empty value wins
    [orders.values.order_status]
    Completed = "delivered"                 # export value = canonical value (case-insensitive)
    [orders.constants]
    shop_id = "my-shop"                     # a fact the export lacks, the same on every row
    [orders.derive.ship_by]                 # a time the export lacks: another time plus a number of days
    from = ["Paid Time", "Created Time"]    # export headers or canonical columns; the first present
    days = 3                                # --handling-days overrides (option = "handling_days")
    option = "handling_days"
    why = "the export has no ship-by deadline"
    [orders.stated]
    shipped_at = "the export has no ship time"  # said in the load report; an absent column stays empty
    [[orders.status_rules]]                 # a raw column overrides the status (returns, refunds)
    status = "returned"
    column = "Cancelation/Return Type"
    is = ["Return/Refund"]                  # or: above = 0 (a number), or: filled = true
    when_status = ["delivered", "shipped"]  # only rows whose mapped status is one of these

    [reviews.combine]
    review_id = ["Order ID", "Date"]        # an id the export lacks: values joined with "-"
    [reviews]
    from_order = ["product_id"]             # taken from the review's order (the first line of it)

Built-in presets live in ``toolkit/mappings/``; copy one and edit it for an export with other headers.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit.errors import DataFileError, MappingError
from toolkit.paths import MAPPINGS_DIR
from toolkit.readers import norm_header
from toolkit.schema import TABLES, Kind, OrderStatus

PRESET_DIR = MAPPINGS_DIR
DATA_OPTIONS = ("handling_days", "delivery_days")  # numeric data options a derivation may name


@dataclass(frozen=True)
class Derivation:
    """A time the export lacks: the first present of ``sources`` plus ``days``, on rows of ``status`` (or all)."""

    target: str
    sources: tuple[str, ...]
    days: float
    option: str | None = None
    status: tuple[str, ...] = ()
    why: str = ""


@dataclass(frozen=True)
class StatusRule:
    status: str
    column: tuple[str, ...]  # export headers; the first present
    values: tuple[str, ...] = ()  # casefolded
    above: float | None = None
    filled: bool = False
    when_status: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableMapping:
    files: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]  # canonical -> export headers
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # canonical column -> {export value: canonical}
    sheet: str | None = None
    units: bool = False
    constants: dict[str, str] = field(default_factory=dict)
    combine: dict[str, tuple[str, ...]] = field(default_factory=dict)
    derive: tuple[Derivation, ...] = ()
    stated: dict[str, str] = field(default_factory=dict)
    status_rules: tuple[StatusRule, ...] = ()
    from_order: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mapping:
    name: str
    tables: dict[str, TableMapping]
    dayfirst: bool = True
    reviews_before_delivery: str = "set_aside"
    adapter: str | None = None  # a preset whose tables need joining (olist) names its adapter
    source: str = ""
    regions: dict[str, bool] = field(default_factory=dict)  # region code -> dayfirst


@dataclass
class Canonical:
    """An export table renamed to canonical columns, with what was derived and noted on the way."""

    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    derive: list[Derivation] = field(default_factory=list)  # to apply once timestamps are parsed
    helpers: dict[str, str] = field(default_factory=dict)  # derivation target -> helper column or canonical source
    labels: dict[str, str] = field(default_factory=dict)  # derivation target -> the source as the file names it


def presets() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


def load_mapping(preset: str | None = None, path: str | Path | None = None) -> Mapping:
    """A built-in preset by name, or a mapping file by path (default: the ``canonical`` preset)."""
    if preset and path:
        raise MappingError("give either a preset or a mapping file, not both")
    if path is None:
        name = preset or "canonical"
        path = PRESET_DIR / f"{name}.toml"
        if not path.exists():
            raise MappingError(f"unknown preset '{name}'; the presets are: {', '.join(presets())}")
    path = Path(path)
    if path.is_dir():
        raise MappingError(f"{path}: is a folder, not a mapping file (give a .toml file)")
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"{path}: mapping file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: not a valid TOML mapping file ({exc})") from None
    except OSError as exc:
        raise MappingError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return _parse(spec, path)


class _Spec:
    """Typed access to one section of a mapping file: a wrong type is one clear error naming the key."""

    def __init__(self, data: object, where: str, path: Path):
        if not isinstance(data, dict):
            raise MappingError(f"{path}: [{where}] must be a table, not {type(data).__name__} {data!r}")
        self.data, self.where, self.path = data, where, path

    def fail(self, key: str, expected: str) -> MappingError:
        value = self.data[key]
        where = f"{self.where}.{key}" if self.where else key
        return MappingError(f"{self.path}: '{where}' must be {expected}, not {type(value).__name__} {value!r}")

    def get(self, key: str, kind: type | tuple[type, ...], default: object, expected: str) -> object:
        if key not in self.data:
            return default
        value = self.data[key]
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool) and bool not in _tuple(kind)):
            raise self.fail(key, expected)
        return value

    def names(self, key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self.data.get(key, default)
        if isinstance(value, str):
            return (value,)
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise self.fail(key, "a text or a list of texts")

    def section(self, key: str) -> _Spec:
        return _Spec(self.data.get(key, {}), f"{self.where}.{key}" if self.where else key, self.path)


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


_STATUSES = {s.value for s in OrderStatus}
_NUMBER = (int, float)


def _parse(spec: dict, path: Path) -> Mapping:
    top = _Spec(spec, "", path)
    tables = {table_name: _parse_table(top, table_name, path) for table_name in TABLES}
    rbd = top.get("reviews_before_delivery", str, "set_aside", "'set_aside' or 'keep'")
    if rbd not in ("set_aside", "keep"):
        raise MappingError(f"{path}: reviews_before_delivery must be 'set_aside' or 'keep', not {rbd!r}")
    regions = {}
    region_spec = top.section("regions")
    for code in region_spec.data:
        regions[str(code).upper()] = region_spec.section(code).get("dayfirst", bool, True, "true or false")
    adapter = top.get("adapter", str, None, "a text")
    if adapter not in (None, "olist"):
        raise MappingError(f"{path}: adapter must be 'olist', not {adapter!r}")
    return Mapping(
        name=top.get("name", str, path.stem, "a text"),
        tables=tables,
        dayfirst=top.get("dayfirst", bool, True, "true or false (without quotes)"),
        reviews_before_delivery=rbd,
        adapter=adapter,
        source=str(path),
        regions=regions,
    )


def _parse_table(top: _Spec, table_name: str, path: Path) -> TableMapping:
    table = TABLES[table_name]
    section = top.section(table_name)

    def check_column(where: str, canonical: str) -> None:
        if canonical not in table.names:
            raise MappingError(
                f"{path}: [{where}] names '{canonical}', which is not a column of {table_name} "
                f"(columns: {', '.join(table.names)})"
            )

    cols = section.section("columns")
    columns = {}
    for canonical in cols.data:
        check_column(f"{table_name}.columns", canonical)
        columns[canonical] = cols.names(canonical)
    for name in table.names:
        columns.setdefault(name, (name,))
    values_spec = section.section("values")
    values = {}
    for column in values_spec.data:
        check_column(f"{table_name}.values", column)
        vmap = values_spec.section(column)
        values[column] = {fold(k): vmap.get(k, str, "", "a text") for k in vmap.data}
    const_spec = section.section("constants")
    constants = {}
    for column in const_spec.data:
        check_column(f"{table_name}.constants", column)
        constants[column] = str(const_spec.get(column, (str, int), "", "a text"))
    combine_spec = section.section("combine")
    combine = {}
    for column in combine_spec.data:
        check_column(f"{table_name}.combine", column)
        combine[column] = combine_spec.names(column)
    stated_spec = section.section("stated")
    stated = {}
    for column in stated_spec.data:
        check_column(f"{table_name}.stated", column)
        stated[column] = stated_spec.get(column, str, "", "a text")
    derive_spec = section.section("derive")
    derive = []
    for column in derive_spec.data:
        check_column(f"{table_name}.derive", column)
        if table.column(column).kind is not Kind.TIMESTAMP:
            raise MappingError(f"{path}: [{table_name}.derive.{column}]: only a date/time column can be derived")
        d = derive_spec.section(column)
        option = d.get("option", str, None, "a text")
        if option is not None and option not in DATA_OPTIONS:
            raise MappingError(
                f"{path}: [{table_name}.derive.{column}] option must be one of {', '.join(DATA_OPTIONS)}"
            )
        status = d.names("status")
        _check_statuses(path, f"{table_name}.derive.{column}", status)
        derive.append(
            Derivation(
                column,
                d.names("from"),
                float(d.get("days", _NUMBER, 0, "a number of days")),
                option,
                status,
                d.get("why", str, "", "a text"),
            )
        )
    rules = []
    raw_rules = section.data.get("status_rules", [])
    if not isinstance(raw_rules, list):
        raise section.fail("status_rules", "a list of tables ([[...status_rules]])")
    for i, raw in enumerate(raw_rules):
        r = _Spec(raw, f"{table_name}.status_rules[{i}]", path)
        status = r.get("status", str, "", "a canonical status")
        _check_statuses(path, r.where, (status,))
        above = r.get("above", _NUMBER, None, "a number")
        rules.append(
            StatusRule(
                status,
                r.names("column"),
                tuple(fold(v) for v in r.names("is")),
                float(above) if above is not None else None,
                r.get("filled", bool, False, "true or false"),
                _check_statuses(path, r.where, r.names("when_status")),
            )
        )
    from_order = section.names("from_order")
    for column in from_order:
        check_column(f"{table_name}.from_order", column)
    return TableMapping(
        files=section.names("files", (f"{table_name}.csv", f"{table_name}.parquet", f"{table_name}.xlsx")),
        columns=columns,
        values=values,
        sheet=section.get("sheet", str, None, "a sheet name"),
        units=section.get("units", bool, False, "true or false (without quotes)"),
        constants=constants,
        combine=combine,
        derive=tuple(derive),
        stated=stated,
        status_rules=tuple(rules),
        from_order=from_order,
    )


def _check_statuses(path: Path, where: str, statuses: tuple[str, ...]) -> tuple[str, ...]:
    for s in statuses:
        if s not in _STATUSES:
            raise MappingError(f"{path}: [{where}] status {s!r} is not one of {', '.join(sorted(_STATUSES))}")
    return statuses


def known_headers(mapping: Mapping, table_name: str) -> set[str]:
    """Every (normalised) export header the mapping reads for a table: how a reader finds the header row."""
    tmap = mapping.tables[table_name]
    names = [h for headers in tmap.columns.values() for h in headers]
    names += [h for headers in tmap.combine.values() for h in headers]
    names += [h for d in tmap.derive for h in d.sources] + [h for r in tmap.status_rules for h in r.column]
    return {norm_header(h) for h in names}


def to_canonical(
    frame: pd.DataFrame,
    table_name: str,
    mapping: Mapping,
    path: Path,
    supplied: dict[str, str] | None = None,
) -> Canonical:
    """Rename an export's headers to canonical names, translate mapped values and supply what the export lacks.

    Headers match case-insensitively, ignoring spaces and underscores; where several headers of a column are
    present, the first non-empty value wins (one source header may feed several canonical columns).
    ``supplied`` holds facts given as data options (``shop_id``), used where the export has no such column.
    """
    from toolkit.validate import parse_number

    table = TABLES[table_name]
    tmap = mapping.tables[table_name]
    supplied = supplied or {}
    by_norm = {norm_header(c): c for c in frame.columns if not str(c).startswith("_")}
    result = Canonical(pd.DataFrame(index=frame.index))
    out = result.frame
    used: set[str] = set()
    for canonical, headers in tmap.columns.items():
        found = [by_norm[norm_header(h)] for h in headers if norm_header(h) in by_norm]
        if found:
            value = frame[found[0]]
            for other in found[1:]:
                value = value.where(_filled(value), frame[other])
            out[canonical] = value
            used.update(found)
        elif canonical in tmap.combine:
            parts = [by_norm.get(norm_header(h)) for h in tmap.combine[canonical]]
            if None in parts:
                continue  # reported as missing below
            joined = frame[parts[0]].astype("str").str.strip()
            for part in parts[1:]:
                joined = joined + "-" + frame[part].astype("str").str.strip()
            out[canonical] = joined
            used.update(parts)
            result.derived.append(f"{table_name}.{canonical}: not in the export; made of {' + '.join(parts)}")
        elif canonical in supplied:
            out[canonical] = supplied[canonical]
            result.derived.append(f"{table_name}.{canonical}: not in the export; {supplied[canonical]!r} (given)")
        elif canonical in tmap.constants:
            out[canonical] = tmap.constants[canonical]
            result.derived.append(
                f"{table_name}.{canonical}: not in the export; {tmap.constants[canonical]!r} (mapping constant)"
            )
        elif canonical in tmap.from_order:
            result.derived.append(f"{table_name}.{canonical}: not in the export; taken from the review's order")
        elif any(d.target == canonical for d in tmap.derive) or canonical in tmap.stated:
            out[canonical] = pd.Series(pd.NA, index=frame.index, dtype="str")
        elif table.column(canonical).required:
            raise _missing(path, table_name, canonical, headers, by_norm, mapping)
        if canonical in tmap.stated:
            result.derived.append(f"{table_name}.{canonical}: {tmap.stated[canonical]}")
    for d in tmap.derive:
        source = next((s for s in d.sources if norm_header(s) in by_norm or s in out.columns), None)
        if source is None:
            continue
        if norm_header(source) in by_norm:  # an export header: its raw text travels in a helper column
            helper = f"_from_{d.target}"
            out[helper] = frame[by_norm[norm_header(source)]]
            used.add(by_norm[norm_header(source)])
            result.helpers[d.target] = helper
            result.labels[d.target] = by_norm[norm_header(source)]
        else:  # a canonical column, read once typed
            result.helpers[d.target] = source
            result.labels[d.target] = source
        result.derive.append(d)
    for column in frame.columns:
        if str(column).startswith("_"):
            out[column] = frame[column]
    for column, vmap in tmap.values.items():
        if column in out.columns:
            folded = out[column].astype("str").str.strip().map(fold, na_action="ignore")
            out[column] = folded.map(vmap).fillna(out[column])
    for rule in tmap.status_rules:
        header = next((by_norm[norm_header(c)] for c in rule.column if norm_header(c) in by_norm), None)
        if header is None or "order_status" not in out.columns:
            continue
        used.add(header)
        raw = frame[header].astype("str").str.strip()
        if rule.values:
            hit = raw.map(fold, na_action="ignore").isin(rule.values)
        elif rule.above is not None:
            hit = parse_number(raw) > rule.above
        else:
            hit = _filled(raw)
        if rule.when_status:
            hit &= out["order_status"].astype("str").str.strip().str.casefold().isin(rule.when_status)
        hit = hit.fillna(False).astype(bool)
        if hit.any():
            out.loc[hit, "order_status"] = rule.status
            result.derived.append(f"{table_name}.order_status: {int(hit.sum()):,} row(s) {rule.status} by {header}")
    ignored = [c for c in by_norm.values() if c not in used]
    if ignored:
        more = f" and {len(ignored) - 10} more" if len(ignored) > 10 else ""
        result.notes.append(f"ignored column(s) not in the data model: {', '.join(ignored[:10])}{more}")
    return result


def fold(value: object) -> str:
    """A value as matched: Unicode-normalised (NFC), case-folded, outer spaces removed."""
    return unicodedata.normalize("NFC", str(value)).strip().casefold()


def _filled(values: pd.Series) -> pd.Series:
    text = values.astype("str").str.strip()
    return text.notna() & (text != "")


def _missing(
    path: Path, table_name: str, canonical: str, headers: tuple[str, ...], by_norm: dict, mapping: Mapping
) -> DataFileError:
    shown = ", ".join(repr(str(c)[:40]) for c in list(by_norm.values())[:12])
    more = f" (and {len(by_norm) - 12} more)" if len(by_norm) > 12 else ""
    todo = f"Check the file is the {table_name} export for the '{mapping.name}' mapping"
    if canonical == "shop_id":
        todo += ", or pass --shop-id NAME for an export that names no shop"
    todo += f", or map the header with --mapping FILE (copy {mapping.source or PRESET_DIR / 'canonical.toml'})"
    return DataFileError(
        path,
        "required column is missing",
        column=canonical,
        expected=f"a header named {' or '.join(repr(h) for h in headers)}; the file has {shown}{more}",
        todo=todo,
    )
