"""Write CSV that is safe to open in a spreadsheet: text that would run as a formula is neutralised."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would read as a formula with a quote (OWASP CSV injection).

    Examples
    --------
    >>> neutralise(pd.DataFrame({"t": ["=HYPERLINK(1)", "ok"], "n": [-1, 2]}))["t"].tolist()
    ["'=HYPERLINK(1)", 'ok']
    """
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_string_dtype(out[column].dtype) or out[column].dtype == object:
            text = out[column].astype("str")
            risky = text.str.startswith(_FORMULA_START, na=False)
            out[column] = text.mask(risky, "'" + text)
    return out


def write_csv(frame: pd.DataFrame, path: str | Path | None) -> None:
    """Write ``frame`` to ``path`` ('-' or None: standard output), formulas neutralised."""
    target = sys.stdout if path in (None, "-") else path
    neutralise(frame).to_csv(target, index=False)
