"""Column mappings: which export header holds which canonical column, kept in small TOML files.

A mapping file has one section per table::

    name = "my-export"
    dayfirst = true                      # 03/04/2024 is 3 April when a file does not tell
    reviews_before_delivery = "set_aside"  # or "keep"

    [orders]
    files = ["orders.csv", "orders.xlsx"]  # names looked for when a folder is given
    [orders.columns]
    order_id = ["Order ID", "Order Number"]  # canonical name = export header(s); the first present wins
    [orders.values.order_status]
    Completed = "delivered"                 # export value = canonical value (case-insensitive)

Built-in presets live in ``toolkit/mappings/``; copy one and edit it for an export with other headers.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit.errors import DataFileError, MappingError
from toolkit.paths import MAPPINGS_DIR
from toolkit.schema import TABLES

PRESET_DIR = MAPPINGS_DIR


@dataclass(frozen=True)
class TableMapping:
    files: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]  # canonical -> export headers
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # canonical column -> {export value: canonical}


@dataclass(frozen=True)
class Mapping:
    name: str
    tables: dict[str, TableMapping]
    dayfirst: bool = True
    reviews_before_delivery: str = "set_aside"
    adapter: str | None = None  # a preset whose tables need joining (olist) names its adapter
    source: str = ""


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
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"{path}: mapping file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: not a valid TOML mapping file ({exc})") from None
    return _parse(spec, path)


def _parse(spec: dict, path: Path) -> Mapping:
    tables = {}
    for table_name, table in TABLES.items():
        section = spec.get(table_name, {})
        columns = {}
        for canonical, headers in section.get("columns", {}).items():
            if canonical not in table.names:
                raise MappingError(
                    f"{path}: [{table_name}.columns] names '{canonical}', which is not a column of {table_name} "
                    f"(columns: {', '.join(table.names)})"
                )
            columns[canonical] = (headers,) if isinstance(headers, str) else tuple(headers)
        for name in table.names:
            columns.setdefault(name, (name,))
        values = {
            col: {str(k).casefold(): str(v) for k, v in vmap.items()} for col, vmap in section.get("values", {}).items()
        }
        files = section.get("files", [f"{table_name}.csv", f"{table_name}.parquet", f"{table_name}.xlsx"])
        tables[table_name] = TableMapping(tuple(files), columns, values)
    rbd = spec.get("reviews_before_delivery", "set_aside")
    if rbd not in ("set_aside", "keep"):
        raise MappingError(f"{path}: reviews_before_delivery must be 'set_aside' or 'keep', not {rbd!r}")
    return Mapping(
        name=spec.get("name", path.stem),
        tables=tables,
        dayfirst=bool(spec.get("dayfirst", True)),
        reviews_before_delivery=rbd,
        adapter=spec.get("adapter"),
        source=str(path),
    )


def _norm(header: str) -> str:
    return " ".join(str(header).replace("_", " ").split()).casefold()


def to_canonical(frame: pd.DataFrame, table_name: str, mapping: Mapping, path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Rename an export's headers to canonical names and translate mapped values.

    Headers match case-insensitively, ignoring spaces and underscores. Returns the frame (canonical
    columns and any helper columns starting with ``_``) and notes about ignored columns.
    """
    table = TABLES[table_name]
    tmap = mapping.tables[table_name]
    by_norm = {_norm(c): c for c in frame.columns if not str(c).startswith("_")}
    renamed: dict[str, str] = {}
    for canonical, headers in tmap.columns.items():
        found = next((by_norm[_norm(h)] for h in headers if _norm(h) in by_norm), None)
        if found is not None:
            renamed[found] = canonical
        elif table.column(canonical).required:
            shown = ", ".join(repr(c) for c in list(by_norm.values())[:12])
            raise DataFileError(
                path,
                "required column is missing",
                column=canonical,
                expected=f"a header named {' or '.join(repr(h) for h in headers)}; the file has {shown}",
                todo=f"Check the file is the {table_name} export, or map the header with --mapping FILE "
                f"(copy {PRESET_DIR / 'canonical.toml'})",
            )
    out = frame[[*renamed, *(c for c in frame.columns if str(c).startswith("_"))]].rename(columns=renamed)
    for column, vmap in tmap.values.items():
        if column in out.columns:
            folded = out[column].str.strip().str.casefold()
            out[column] = folded.map(vmap).fillna(out[column])
    ignored = [c for c in by_norm.values() if c not in renamed]
    notes = [f"ignored column(s) not in the data model: {', '.join(ignored[:10])}"] if ignored else []
    return out, notes
