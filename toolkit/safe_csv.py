"""Write CSV that is safe to open in a spreadsheet: text that would run as a formula is neutralised, and bidi and
zero-width control characters are made visible (:func:`toolkit.privacy.show_controls`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.privacy import CONTROL_PATTERN, CONTROLS, JOINERS, show_controls

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would read as a formula with a quote (OWASP CSV injection), and show
    bidi and zero-width control characters as ``[U+XXXX]``.

    Examples
    --------
    >>> neutralise(pd.DataFrame({"t": ["=HYPERLINK(1)", "ok", "a\u202egnp.exe"], "n": [-1, 2, 3]}))["t"].tolist()
    ["'=HYPERLINK(1)", 'ok', 'a[U+202E]gnp.exe']
    """
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_string_dtype(out[column].dtype) or out[column].dtype == object:
            text = out[column].astype("str")
            hidden = text.str.contains(CONTROL_PATTERN, na=False, regex=True)
            if hidden.any():
                text = text.mask(hidden, text[hidden].map(show_controls))
            risky = text.str.startswith(_FORMULA_START, na=False)
            out[column] = text.mask(risky, "'" + text)
    return out


def write_csv(frame: pd.DataFrame, path: str | Path | None) -> None:
    """Write ``frame`` to ``path`` ('-' or None: standard output), formulas neutralised."""
    target = sys.stdout if path in (None, "-") else path
    neutralise(frame).to_csv(target, index=False)


def _duckdb_neutralised(rel: Any) -> Any:
    """The same neutralisation as :func:`neutralise`, in DuckDB SQL over a relation's text columns."""
    starts = ", ".join("'" + c.replace("'", "''") + "'" for c in _FORMULA_START)
    columns = []
    for name, dtype in zip(rel.columns, rel.dtypes, strict=True):
        quoted = '"' + name.replace('"', '""') + '"'
        if str(dtype).upper() != "VARCHAR":
            columns.append(quoted)
            continue
        text = quoted
        for char in sorted(CONTROLS | JOINERS):  # joiners shown even inside emoji here: ids and codes, not prose
            text = f"replace({text}, chr({ord(char)}), '[U+{ord(char):04X}]')"
        columns.append(f"CASE WHEN left({text}, 1) IN ({starts}) THEN chr(39) || {text} ELSE {text} END AS {quoted}")
    return rel.project(", ".join(columns))


def write_table(result: Any, path: str | Path | None) -> None:
    """Write a rate function's result: Parquet when ``path`` ends with ``.parquet``, else CSV (formulas and control
    characters neutralised); a DuckDB relation is written by DuckDB itself (no pandas in between).

    Examples
    --------
    >>> import duckdb, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> write_table(duckdb.sql("SELECT '=1+1' AS shop_id, 2 AS n"), out)
    >>> out.read_text().splitlines()
    ['shop_id,n', "'=1+1,2"]
    """
    parquet = path not in (None, "-") and str(path).lower().endswith(".parquet")
    if type(result).__name__ == "DuckDBPyRelation" and path not in (None, "-"):
        if parquet:
            result.write_parquet(str(path))
        else:
            _duckdb_neutralised(result).write_csv(str(path), header=True)
        return
    from toolkit.rates import to_pandas

    frame = to_pandas(result)
    if parquet:
        frame.to_parquet(path, index=False)
    else:
        write_csv(frame, path)
