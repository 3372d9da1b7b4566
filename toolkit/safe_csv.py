"""Write CSV that is safe to open in a spreadsheet: text that would run as a formula is neutralised, and bidi and
zero-width control characters are made visible (:func:`toolkit.privacy.show_controls`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from toolkit.privacy import CONTROL_PATTERN, show_controls

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
