"""The labels file: a person's corrections of review causes, kept apart from the raw data.

A labels file has the columns ``review_id, cause`` and optionally ``shop_id, note``. It is read like any export
(:func:`toolkit.readers.read_table`: comma, semicolon, tab or pipe separated, any common encoding, or a workbook),
so a file saved from a spreadsheet in any locale loads. :func:`save_label` writes one correction,
:func:`load_overrides` reads the file, :func:`apply_overrides` puts the corrections over the classifier's output.

Examples
--------
>>> import tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "labels.csv")
>>> _ = open(p, "w").write("review_id;cause;note\\nr9;poor_quality;checked by hand\\n")
>>> load_overrides(p)[["review_id", "cause", "shop_id"]].values.tolist()
[['r9', 'poor_quality', '']]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.errors import DataFileError, ParameterError
from toolkit.paths import LABELS_FILE, SAMPLES_DIR, atomic_write
from toolkit.readers import ROW_COLUMN, norm_header, read_table
from toolkit.safe_csv import neutralise
from toolkit.taxonomy import LABELS, Cause

LABEL_COLUMNS = ["review_id", "cause", "shop_id", "note"]
"""The columns of a labels file as :func:`save_label` writes it."""
_EXPECTED = "review_id,cause[,shop_id,note]"


def load_overrides(path: str | Path) -> pd.DataFrame:
    """Read a labels file into ``review_id, shop_id, cause, note`` (the last row of a review wins).

    Raises :class:`~toolkit.errors.DataFileError` naming the file, row and column for a missing column, an unknown
    cause or an empty review id; raw data is never touched.
    """
    path = Path(path)
    if not path.exists():
        raise DataFileError(path, "labels file not found", todo="Check the path, or correct a review in the explorer")
    raw = read_table(path, known_headers=frozenset(LABEL_COLUMNS))
    if raw.malformed:
        row, why = raw.malformed[0]
        raise DataFileError(path, why, row=row, expected=_EXPECTED)
    names = {c: norm_header(c).replace(" ", "_") for c in raw.frame.columns if c != ROW_COLUMN}
    frame = raw.frame.rename(columns=names)
    for column in ("review_id", "cause"):
        if column not in frame.columns:
            raise DataFileError(path, "required column missing", column=column, expected=_EXPECTED)
    for column in ("shop_id", "note"):
        if column not in frame.columns:
            frame[column] = ""
    frame[LABEL_COLUMNS] = frame[LABEL_COLUMNS].astype(object).fillna("").astype(str)
    frame["cause"] = frame["cause"].str.strip().str.lower()
    frame["review_id"] = frame["review_id"].str.strip()
    rows = frame[ROW_COLUMN]
    unknown = ~frame["cause"].isin(LABELS)
    if unknown.any():
        first = int(unknown.to_numpy().argmax())
        raise DataFileError(
            path,
            f"unknown cause {frame['cause'].iloc[first]!r}",
            row=int(rows.iloc[first]),
            column="cause",
            expected=", ".join(LABELS),
        )
    blank = frame["review_id"].eq("")
    if blank.any():
        first = int(blank.to_numpy().argmax())
        raise DataFileError(path, "empty review id", row=int(rows.iloc[first]), column="review_id", expected=_EXPECTED)
    return frame[["review_id", "shop_id", "cause", "note"]].drop_duplicates(["shop_id", "review_id"], keep="last")


def apply_overrides(predictions: pd.DataFrame, overrides: pd.DataFrame | None) -> pd.DataFrame:
    """Overwrite cause, area, confidence and source (clearing the evidence) of overridden review ids.

    A label matches on shop_id too when it names one.

    Examples
    --------
    >>> pred = pd.DataFrame({"review_id": ["a", "b"], "shop_id": "s", "cause": ["other", "other"], "area": "other",
    ...                      "confidence": 0.5, "source": "model"})
    >>> ov = pd.DataFrame({"review_id": ["b"], "cause": ["poor_quality"]})
    >>> apply_overrides(pred, ov)[["cause", "area", "source"]].values.tolist()
    [['other', 'other', 'model'], ['poor_quality', 'product', 'override']]
    """
    out = predictions.copy()
    if overrides is None or overrides.empty:
        return out
    ov = overrides.copy()
    if "shop_id" not in ov.columns:
        ov["shop_id"] = ""
    ov = ov.fillna({"shop_id": ""}).astype({"review_id": str, "shop_id": str})
    by_shop = ov[ov["shop_id"] != ""].set_index(["shop_id", "review_id"])["cause"]
    any_shop = ov[ov["shop_id"] == ""].drop_duplicates("review_id", keep="last").set_index("review_id")["cause"]
    keys = pd.MultiIndex.from_arrays([out["shop_id"].astype(str), out["review_id"].astype(str)])
    new = pd.Series(by_shop.reindex(keys).to_numpy(), index=out.index)
    new = new.fillna(pd.Series(any_shop.reindex(out["review_id"].astype(str)).to_numpy(), index=out.index))
    hit = new.notna()
    out.loc[hit, "cause"] = new[hit]
    out.loc[hit, "area"] = new[hit].map(area_of)
    out.loc[hit, "confidence"] = 1.0
    out.loc[hit, "source"] = "override"
    if "evidence" in out.columns:  # the model's words did not decide a corrected label: highlight none
        out.loc[hit, "evidence"] = ""
    return out


def area_of(cause: str) -> str:
    """The area (product, fulfilment, service, other) of a cause; empty for ``positive`` and ``unscored``."""
    return Cause(cause).area.value if cause in Cause.__members__.values() else ""


def save_label(
    review_id: str, cause: str, *, shop_id: str = "", note: str = "", path: str | Path = LABELS_FILE
) -> pd.DataFrame:
    """Write one corrected cause to the labels file: update the row of that review (and shop), or append one.

    The file is CSV ``review_id, cause, shop_id, note`` as :func:`load_overrides` reads it. It is replaced
    atomically (readers see the old or the new file, never half of it), and a path inside ``data/samples/`` is
    refused: raw data is immutable.

    Returns
    -------
    DataFrame
        The whole labels file as written.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "labels.csv")
    >>> _ = save_label("r1", "poor_quality", shop_id="s", path=p)
    >>> save_label("r1", "not_as_described", shop_id="s", note="photos differ", path=p).values.tolist()
    [['r1', 'not_as_described', 's', 'photos differ']]
    """
    path = Path(path).resolve()
    cause = str(cause).strip().lower()
    if cause not in LABELS:
        raise ParameterError(f"unknown cause {cause!r}; use one of: {', '.join(LABELS)}")
    if path.is_relative_to(SAMPLES_DIR.resolve()):
        raise ParameterError(f"labels go to their own file, not into the raw data folder {SAMPLES_DIR}")
    empty = pd.DataFrame(columns=LABEL_COLUMNS, dtype="str")
    labels = load_overrides(path)[LABEL_COLUMNS] if path.exists() else empty
    same = (labels["review_id"] == str(review_id)) & (labels["shop_id"] == str(shop_id))
    row = pd.DataFrame([{"review_id": str(review_id), "cause": cause, "shop_id": str(shop_id), "note": str(note)}])
    labels = pd.concat([labels.loc[~same, LABEL_COLUMNS], row], ignore_index=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    # only the free-text note can start a spreadsheet formula; ids are written as they are
    written = labels.assign(note=neutralise(labels[["note"]])["note"])
    atomic_write(path, written.to_csv(index=False))
    return labels
