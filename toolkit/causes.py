"""Root cause, responsibility and risk flags of reviews: a lexicon/rule layer with a learned model on top.

Layers, in the order they decide a review:

1. **Overrides** (:func:`toolkit.labels.load_overrides`): a labels file names the cause of a review; it wins everywhere.
2. **Language** (:mod:`toolkit.language`): en, id, ms, pt, es, vi, th; any other language is ``unscored``.
3. **Rules** (:mod:`toolkit.lexicon`): negation-aware cue phrases with their exact text spans.
4. **Model**: a linear model on hashed character and word n-grams (scikit-learn ``HashingVectorizer`` +
   ``LogisticRegression``), trained by :func:`train` on the crowd-labelled Olist reviews and the team's phrase
   bank. Its scores are mixed with the rule evidence; when no cue fires the model decides alone
   (``source="model"``) and its evidence is the (up to 2) content words of the text that pushed it hardest
   (function words, :data:`~toolkit.lexicon.STOPWORDS`, never; none when no content word pushed it). Cues read
   from context (what is slow: "frete muito lento" late, "celular muito lento" quality, "lambat balas" chat;
   "ordered black, got white") keep the language's highest rule share, as n-grams cannot read them.

   **Per-language blending.** The model has seen thousands of Portuguese Olist rows but only ~75 rows per other
   language (~6 per cause), so how much the rules count against it depends on how much training data it had for
   the detected language and the cause at stake. :func:`fit_arrays` stores, per language x cause, the weighted
   training rows and the rule share ``_RULE_SHARE_MIN + (_RULE_SHARE - _RULE_SHARE_MIN) * h / (h + rows)``
   (0.65 with no data, 0.05 in the limit, ``h`` = 100 rows; :func:`_rule_share_for`) in the artefact's meta
   (``training_rows_by_language``, ``rule_share``). A review uses the share of the least-trained cause among its
   cues, negated ones included; praise alone (fast delivery, affirmed attributes) keeps the language's highest
   share, as n-grams do not read it. So Portuguese delivery/quality/praise cues give the model ~0.1-0.4 of the
   say, while every cause in en/id/ms/es/vi/th (and the rarer Portuguese causes) keeps ~0.62. The artefact also
   carries per-language class scales on the model probabilities (``class_scale``, from :data:`_CLASS_SCALE`):
   Portuguese ``not_as_described`` and ``poor_quality`` x2.5, correcting the model's Olist prior towards
   positive/late. ``h``, the minimum and the scales were chosen by 5-fold cross-validation on the training parts
   only (Olist macro-F1 0.733 -> 0.802 with stars; phrase bank 0.892 -> 0.887).
5. **Responsibility** (:func:`assign_responsibility`): text kind + order facts, with a plain reason.
6. **Flags**: ``safety``, ``reply_abusive``, ``reply_coercive``, ``rating_text_mismatch``, ``report_candidate``.

Output causes are :class:`~toolkit.taxonomy.Cause` values, ``positive`` (not a complaint) or ``unscored``.

Olist crowd classes map onto the taxonomy as follows (:data:`OLIST_TO_CAUSE`): ``satisfeito`` and
``antes_prazo`` -> positive; ``atrasado``, ``entrega_parcial`` and ``outro_entrega`` -> late_or_wrong_delivery;
``baixa_qualidade`` -> poor_quality; ``diferente_do_anunciado`` -> not_as_described. ``devolucao`` (a return
request) and ``outro_pedido`` (other order problem) name an action, not a cause; they are left out of training
and evaluation.

Examples
--------
>>> import pandas as pd
>>> from toolkit.causes import classify_reviews
>>> reviews = pd.DataFrame({"review_id": ["r1", "r2", "r3"], "shop_id": "s1", "rating": [1, 5, 1],
...                         "review_text": ["layar retak pas dibuka, packing cuma plastik", "tidak rusak, mantap",
...                                         "Das Produkt ist kaputt"]})
>>> out = classify_reviews(reviews)
>>> out[["review_id", "language", "cause", "responsibility"]].values.tolist()
... # doctest: +NORMALIZE_WHITESPACE
[['r1', 'id', 'damaged_item_or_package', 'seller'], ['r2', 'id', 'positive', 'unknown'],
 ['r3', 'unknown', 'unscored', 'unknown']]
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import DataFileError, ParameterError
from toolkit.labels import apply_overrides, area_of, load_overrides
from toolkit.language import UNDECIDED, UNKNOWN, detect_language
from toolkit.lexicon import _THAI_CONTRAST, CONTRAST, LANGUAGES, STOPWORDS, Cue, find_cues, fold, tokens
from toolkit.taxonomy import LABELS, POSITIVE, Area, Cause, Responsibility

UNSCORED = "unscored"
"""The review's language is not one the classifier handles: no cause is guessed."""


MODEL_VERSION = "1.0"
MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILE = f"causes-v{MODEL_VERSION}.npz"
REPO_ROOT = Path(__file__).resolve().parent.parent
PHRASE_BANK = Path(__file__).resolve().parent / "sample_data" / "review_phrases.csv"
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
USER_MODEL_DIR = Path("models")
"""Where ``shop-health train`` writes a model retrained with your corrections, relative to the current folder;
:func:`load_model` prefers a model found there to the packaged one."""

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

OUTPUT_COLUMNS = [
    "review_id",
    "shop_id",
    "language",
    "cause",
    "area",
    "responsibility",
    "responsibility_reason",
    "confidence",
    "secondary_causes",
    "evidence",
    "flags",
    "source",
]

# How much a cue counts against the model, per cause (why: a safety mention must win even when the review is
# mostly about something else; a slow chat is usually mentioned alongside the real problem).
_RULE_WEIGHT = {
    Cause.PRODUCT_SAFETY.value: 3.0,
    Cause.PRODUCT_COMPLIANCE.value: 1.6,
    Cause.INAPPROPRIATE_REVIEW_HANDLING.value: 1.5,
    Cause.OUT_OF_STOCK.value: 1.3,
    Cause.DAMAGED_ITEM_OR_PACKAGE.value: 1.1,
    Cause.NOT_AS_DESCRIBED.value: 1.1,
    Cause.POOR_QUALITY.value: 1.0,
    Cause.LATE_OR_WRONG_DELIVERY.value: 1.0,
    Cause.OTHER.value: 0.7,
    Cause.LATE_CHAT_RESPONSE.value: 0.45,
    Cause.UNSPECIFIED.value: 0.3,
    POSITIVE: 0.35,
}
_RULE_SHARE = 0.65  # weight of the rule evidence against the model when a cue fired and the language had no data
_RULE_SHARE_MIN = 0.05  # ... and its limit for a language with plenty of training data (see _rule_share_for)
_RULE_SHARE_HALF = 100.0  # weighted training rows at which a language's rule share is halfway to the minimum
# Per-language factors on the model's class probabilities before blending: the Olist-trained model's prior leans
# towards positive/late, so it under-calls the rarer product causes (5-fold CV on the training parts: Olist
# macro-F1 0.771 -> 0.804 with stars, 0.772 -> 0.800 without; phrase bank 0.889 -> 0.884).
_CLASS_SCALE: dict[str, dict[str, float]] = {"pt": {"not_as_described": 2.5, "poor_quality": 2.5}}
_SECONDARY_MIN = 0.3  # a model probability above this names a secondary cause
_NEGATED_DAMPING = 0.25  # a cause whose only cues are negated keeps this share of its model probability
_WEAK_SHARE = 1.0  # a weak cue (an attribute mention) keeps full weight at 1-3 stars (5-fold CV: 0.5 cost Olist F1)
_HIGH_STAR = 4  # from this rating on, a complaint needs a strong cue or a confident model
_HIGH_STAR_MODEL_MIN = 0.6  # model probability a complaint needs at 4-5 stars when no strong cue fired

# Causes a buyer names in words (a burn, a fake, a stock-out, a rude reply, an unanswered chat): with no cue of
# theirs, the model alone must be this sure (out of source, model-only guesses of these were nearly all wrong).
_NAMED_ONLY = tuple(
    c.value
    for c in (
        Cause.PRODUCT_SAFETY,
        Cause.PRODUCT_COMPLIANCE,
        Cause.OUT_OF_STOCK,
        Cause.INAPPROPRIATE_REVIEW_HANDLING,
        Cause.LATE_CHAT_RESPONSE,
    )
)
_NAMED_ONLY_MODEL_MIN = 0.8

DAMAGE_WITHOUT_PACKING_WORDS = Responsibility.SELLER
"""Damage with no words about packing or the carrier: the seller's (POLICY: the seller must pack so the product
survives transit, and the taxonomy puts damaged items in the seller's fulfilment area). Words blaming the
carrier ("courier threw it") make it logistics."""

_STOCK = re.compile(r"stock|estoque|stok|inventory|inventario|sold.?out|esgotad|agotad|het hang|hết hàng|หมด", re.I)
_SPAM = re.compile(r"https?://|www\.|\.com/|bit\.ly|wa\.me/", re.I)
_NO_LETTERS = re.compile(r"^[\W\d_]*$")
_STRETCH = re.compile(r"([^\W\d_])\1{2,}")  # "pessimoooo": stretched letters count as two for the model
_REPORT_WINDOW_DAYS = 30
_GENERIC_MAX_WORDS = 8  # above this many words a generic cue ("terrible") no longer decides the cause
_PRAISE_MAX_WORDS = 12  # a 1-2 star text up to this long with only praise words reads as praise (mismatch)
_PACKING_TAG = f"{Cause.DAMAGED_ITEM_OR_PACKAGE.value}/packing"


# ---------------------------------------------------------------------------------------------------------------
# Features and the trained artefact
# ---------------------------------------------------------------------------------------------------------------
_N_FEATURES = 2**18


@lru_cache(maxsize=1)
def _vectorizers():
    from sklearn.feature_extraction.text import HashingVectorizer

    common = {"n_features": _N_FEATURES, "alternate_sign": False, "norm": None, "lowercase": False}
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), **common)
    words = HashingVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", **common)
    return chars, words


def _features(texts: list[str]):
    """Sublinear, L2-normalised hashed char 2-4-grams + word 1-2-grams of the folded text (one sparse matrix)."""
    from sklearn.preprocessing import normalize

    chars, words = _vectorizers()
    folded = [_STRETCH.sub(r"\1\1", fold(t)) for t in texts]
    x = chars.transform(folded) + words.transform(folded)
    x.data = np.log1p(x.data)
    return normalize(x)


@dataclass(frozen=True)
class CauseModel:
    """The learned layer: a linear cause model and a character-level language fallback, both on hashed features."""

    classes: tuple[str, ...]
    columns: np.ndarray  # hashed feature ids with a non-zero weight
    coef: np.ndarray  # (n_classes, len(columns)) float32
    intercept: np.ndarray
    lang_classes: tuple[str, ...]
    lang_columns: np.ndarray
    lang_logprob: np.ndarray  # (n_languages, len(lang_columns))
    meta: dict

    def _weights(self):
        from scipy import sparse

        k = len(self.classes)
        rows = np.repeat(self.columns, k)
        cols = np.tile(np.arange(k), len(self.columns))
        return sparse.csr_matrix((self.coef.T.ravel(), (rows, cols)), shape=(_N_FEATURES, k))

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Class probabilities (columns in ``classes`` order) for each text."""
        if not texts:
            return np.zeros((0, len(self.classes)))
        scores = (_features(texts) @ _weight_matrix(self)).toarray() + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        return p / p.sum(axis=1, keepdims=True)

    def guess_language(self, texts: list[str]) -> list[str]:
        """Most likely supported language by character n-grams (used only when no marker word decides)."""
        if not texts:
            return []
        x = _features(texts)[:, self.lang_columns]
        return [self.lang_classes[i] for i in np.asarray(x @ self.lang_logprob.T).argmax(axis=1)]

    def word_contributions(self, words: list[str], cls: list[int]) -> np.ndarray:
        """How much each word alone pushes towards class ``cls[i]`` (for evidence of model decisions)."""
        if not words:
            return np.zeros(0)
        contrib = (_features(words) @ _weight_matrix(self)).toarray()
        return contrib[np.arange(len(words)), cls]


def _weight_matrix(model: CauseModel):
    """The model's sparse weight matrix, built once and kept on the model itself (never keyed by ``id``: a new
    model that reuses a dead one's address must not get its weights)."""
    cached = model.__dict__.get("_weight_cache")
    if cached is None:
        cached = model._weights()
        object.__setattr__(model, "_weight_cache", cached)
    return cached


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Like ``np.savez_compressed`` but byte-for-byte reproducible (fixed zip timestamps)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, arr in arrays.items():
            buf = io.BytesIO()
            np.save(buf, arr, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())


def load_model(path: str | Path | None = None) -> CauseModel:
    """Load the trained artefact (no network; plain arrays, no pickle).

    With no ``path``: ``models/causes-v<version>.npz`` under the current folder when it exists (a model retrained
    with your corrections by ``shop-health train``), otherwise the packaged one.

    Examples
    --------
    >>> m = load_model()
    >>> m.meta["version"] == MODEL_VERSION and "positive" in m.classes
    True
    """
    if path is None:
        user = Path.cwd() / USER_MODEL_DIR / MODEL_FILE
        path = user if user.exists() else MODEL_DIR / MODEL_FILE
    path = Path(path)
    if not path.exists():
        raise DataFileError(path, "the cause model is missing", todo="Rebuild it with `make model`")
    return _load_model_cached(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load_model_cached(path: str, _mtime: int) -> CauseModel:
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(bytes(z["meta"]).decode())
        return model_from_arrays({name: z[name] for name in z.files if name != "meta"}, meta)


# ---------------------------------------------------------------------------------------------------------------
# Training data
# ---------------------------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------------------------
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
    data: pd.DataFrame, *, c: float = 8.0, class_weight: str | None = None
) -> tuple[dict[str, np.ndarray], dict]:
    """Fit the cause model and the language fallback on ``data`` (``review_text, cause, language, weight, origin``).

    Returns the artefact's arrays (as stored: float16 weights) and its metadata, without writing anything, so that
    cross-validation can fit in memory (:func:`model_from_arrays`).
    """
    from sklearn.linear_model import LogisticRegression

    data = data[data["cause"].isin(LABELS)].reset_index(drop=True)
    x = _features(data["review_text"].tolist())
    clf = LogisticRegression(C=c, max_iter=3000, class_weight=class_weight)
    clf.fit(x, data["cause"].to_numpy(), sample_weight=data["weight"].to_numpy())
    used = np.flatnonzero(np.abs(clf.coef_).max(axis=0) > 0)

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
        "features": "hashed char_wb 2-4 + word 1-2 grams of folded text (letter runs cut to 2), 2**18, log1p, l2",
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
    }
    return arrays, meta


def _rule_share_for(rows: float) -> float:
    """Rule share of a language with ``rows`` weighted training rows: :data:`_RULE_SHARE` with no data, sliding
    towards :data:`_RULE_SHARE_MIN` as the model sees more of the language (half way at :data:`_RULE_SHARE_HALF`).

    Examples
    --------
    >>> round(_rule_share_for(0), 2) == _RULE_SHARE, round(_rule_share_for(1e9), 2) == _RULE_SHARE_MIN
    (True, True)
    """
    return _RULE_SHARE_MIN + (_RULE_SHARE - _RULE_SHARE_MIN) * _RULE_SHARE_HALF / (_RULE_SHARE_HALF + rows)


def _blend_meta(data: pd.DataFrame, classes: list[str]) -> dict:
    """The per-language blending stored in the artefact: weighted training rows and rule share per language x
    cause, and the class scales (:data:`_CLASS_SCALE`)."""
    rows = data[data["language"].isin(LANGUAGES)].groupby(["language", "cause"])["weight"].sum()
    counts = {lang: {c: round(float(rows.get((lang, c), 0.0)), 2) for c in classes} for lang in LANGUAGES}
    return {
        "training_rows_by_language": counts,
        "rule_share": {lang: {c: round(_rule_share_for(n), 4) for c, n in cs.items()} for lang, cs in counts.items()},
        "class_scale": {lang: dict(sorted(f.items())) for lang, f in sorted(_CLASS_SCALE.items())},
    }


def _blend_settings(model: CauseModel) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per language, the rule share and class scale of each class (in ``model.classes`` order), from the meta."""
    cached = model.__dict__.get("_blend_cache")
    if cached is None:

        def vectors(table: dict, default: float) -> dict[str, np.ndarray]:
            return {
                lang: np.array([float(by_cause.get(c, default)) for c in model.classes])
                for lang, by_cause in table.items()
            }

        cached = (
            vectors(model.meta.get("rule_share", {}), _RULE_SHARE),
            vectors(model.meta.get("class_scale", {}), 1.0),
        )
        object.__setattr__(model, "_blend_cache", cached)
    return cached


def model_from_arrays(arrays: dict[str, np.ndarray], meta: dict) -> CauseModel:
    """The in-memory :class:`CauseModel` of :func:`fit_arrays` output (what :func:`load_model` would return)."""
    return CauseModel(
        classes=tuple(meta["classes"]),
        columns=arrays["columns"],
        coef=arrays["coef"].astype(np.float32),
        intercept=arrays["intercept"],
        lang_classes=tuple(meta["lang_classes"]),
        lang_columns=arrays["lang_columns"],
        lang_logprob=arrays["lang_logprob"].astype(np.float32),
        meta=meta,
    )


# ---------------------------------------------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------------------------------------------
@dataclass
class _TextResult:
    language: str
    cause: str
    confidence: float
    secondary: list[str]
    evidence: list[str]
    source: str
    kinds: set[str]
    safety: bool
    invalid: list[str]
    praised: bool = False  # 1-2 stars but the text reads as praise: unspecified + rating_text_mismatch


def _text_column(reviews: pd.DataFrame) -> pd.Series:
    text = reviews["review_text"] if "review_text" in reviews.columns else pd.Series("", index=reviews.index)
    title = reviews["review_title"] if "review_title" in reviews.columns else None
    return _join_title(title, text)


def classify_texts(
    texts: list[str],
    languages: list[str] | None = None,
    model: CauseModel | None = None,
    ratings: list[float] | np.ndarray | None = None,
) -> list:
    """Classify raw texts (the text layer of :func:`classify_reviews`); returns one :class:`_TextResult` each.

    ``ratings`` (stars, NaN when unknown) are evidence: at 4-5 stars a complaint needs a strong cue or a confident
    model, otherwise the review is read as praise.
    """
    model = model or load_model()
    hints = languages if languages is not None else [None] * len(texts)
    langs = detect_language(texts, hints)
    undecided = [i for i, lang in enumerate(langs) if lang == UNDECIDED]
    for i, guess in zip(undecided, model.guess_language([texts[i] for i in undecided]), strict=True):
        langs[i] = guess
    empty = [bool(_NO_LETTERS.match(t)) for t in texts]
    scored = [i for i in range(len(texts)) if not empty[i] and langs[i] in LANGUAGES]
    proba = model.predict_proba([texts[i] for i in scored])
    col = {c: k for k, c in enumerate(model.classes)}
    results: list[_TextResult | None] = [None] * len(texts)
    for i in range(len(texts)):
        if empty[i]:
            ev = [texts[i].strip()] if texts[i].strip() else []
            results[i] = _TextResult(
                UNKNOWN if langs[i] not in LANGUAGES else langs[i],
                Cause.UNSPECIFIED.value,
                0.95,
                [],
                ev,
                "rules",
                set(),
                False,
                [],
            )
        elif langs[i] not in LANGUAGES:
            results[i] = _TextResult(UNKNOWN, UNSCORED, 0.0, [], [], "rules", set(), False, [])
    model_rows: list[tuple[int, int]] = []
    shares, scales = _blend_settings(model)
    for row, i in enumerate(scored):
        cues = find_cues(texts[i], langs[i])
        stars = float(ratings[i]) if ratings is not None else float("nan")
        share = shares.get(langs[i], _RULE_SHARE)
        results[i] = _decide(
            texts[i], langs[i], cues, proba[row], col, model.classes, stars, share, scales.get(langs[i])
        )
        if results[i].source == "model" and results[i].cause != Cause.UNSPECIFIED.value:
            model_rows.append((i, col[results[i].cause]))
    _model_evidence(texts, results, model_rows, model)
    return results


def _decide(
    text: str,
    lang: str,
    cues: list[Cue],
    p: np.ndarray,
    col: dict,
    classes: tuple,
    stars: float = float("nan"),
    rule_share: float | np.ndarray = _RULE_SHARE,
    scale: np.ndarray | None = None,
) -> _TextResult:
    # words about poor packing ("no bubble wrap") are a damaged-package complaint of the seller's packing
    cues = [replace(c, tag=_PACKING_TAG) if c.tag == "packing" else c for c in cues]
    active = [c for c in cues if not c.negated]
    complaint = [c for c in active if c.cause in col and c.cause != POSITIVE]
    if len(text.split()) > _GENERIC_MAX_WORDS:
        # "terrible", "disappointing" say nothing about why: in a longer text the model reads the reason
        complaint = [c for c in complaint if c.cause != Cause.UNSPECIFIED.value]
    strong = [c for c in complaint if not c.weak]
    praise = [c for c in active if c.tag == "praise"] if not strong else []
    if praise and _contrast_after(text, praise[0].end):
        praise = []
    high = stars >= _HIGH_STAR
    if high and not strong and (praise or not complaint) and complaint:
        complaint = []  # 4-5 stars, praise and only attribute mentions: the mentions are not complaints
    negated = {c.cause for c in cues if c.negated and c.cause in col}
    p = p * scale if scale is not None else p.copy()  # the language's class calibration of the model
    for cause in negated - {c.cause for c in complaint}:
        p[col[cause]] *= _NEGATED_DAMPING
    rule = np.zeros_like(p)
    for c in complaint:
        rule[col[c.cause]] += _RULE_WEIGHT[c.cause] * (_WEAK_SHARE if c.weak else 1.0)
    if praise or (negated and not complaint):
        rule[col[POSITIVE]] += _RULE_WEIGHT[POSITIVE] * (len(praise) + len(negated))
    wrong_only = bool(complaint) and all(c.kind in ("wrong", "missing") for c in complaint)
    if rule.sum() > 0:
        # the rules' share: that of the least-trained cause among the cues that fired, negated ones included (the
        # model reads negation poorly), per language (see the module doc)
        if isinstance(rule_share, np.ndarray):
            fired = rule > 0
            fired[[col[c] for c in negated]] = True
            share = float(np.max(rule_share[fired]))
            if (praise and not complaint) or any(c.context or c.kind == "buyer" for c in cues) or wrong_only:
                # "arrived in less than 3 days", "frete muito lento", "my mistake": read by the rules, not the
                # n-grams; so is a wrong or missing item, which crowd labels often file under "not as described"
                share = max(share, float(np.max(rule_share)))
        else:
            share = rule_share
        mix = (1 - share) * p / p.sum() + share * rule / rule.sum()
    else:
        mix = p / p.sum()
    named = {c.cause for c in complaint}
    for cause in _NAMED_ONLY:
        if cause in col and cause not in named and p[col[cause]] / p.sum() < _NAMED_ONLY_MODEL_MIN:
            mix[col[cause]] = 0.0  # a safety, compliance, stock, review or chat problem is said in words
    k = int(mix.argmax())
    if (
        high
        and classes[k] != POSITIVE
        and not strong
        and p[k] / p.sum() < _HIGH_STAR_MODEL_MIN
        and not _complaint_after_contrast(text, cues)
    ):
        # 4-5 stars and neither a strong cue nor a confident model: the stars win (praise, not a complaint)
        k = col[POSITIVE]
        mix[k] = max(float(mix[k]), 0.5)
        complaint = []
        rule[k] = max(rule[k], _RULE_WEIGHT[POSITIVE])
    praised = False
    if stars <= 2 and classes[k] == POSITIVE:
        # the label set is closed for 1-2 stars: never `positive`. Praise words, no complaint cue, and a short text
        # or a model whose first choice is praise too (a long 1-2 star text nearly always gives a reason): the text
        # praises what the stars condemn (unspecified, flagged). Otherwise the best complaint cause.
        short = len(text.split()) <= _PRAISE_MAX_WORDS
        if praise and not complaint and (short or int(p.argmax()) == col[POSITIVE]):
            praised = True
            k = col[Cause.UNSPECIFIED.value]
        else:
            masked = mix.copy()
            masked[col[POSITIVE]] = -1.0
            k = int(masked.argmax())
            rule[col[POSITIVE]] = 0.0
    cause = classes[k]
    fired = {c.cause for c in complaint} | ({POSITIVE} if rule[col[POSITIVE]] > 0 else set())
    source = "rules" if cause in fired else "model"
    secondary = []
    for c in complaint:
        if c.cause != cause and c.cause not in secondary and c.cause not in (Cause.UNSPECIFIED.value,):
            secondary.append(c.cause)
    if cause != POSITIVE:
        for j in np.argsort(-p):
            name = classes[j]
            if (
                p[j] >= _SECONDARY_MIN
                and name not in (cause, POSITIVE, Cause.UNSPECIFIED.value)
                and name not in secondary
            ):
                secondary.append(name)
        secondary = [s for s in secondary if s != Cause.OTHER.value or not complaint]
    else:
        secondary = []
    if cause == POSITIVE or praised:
        evidence = [c.text for c in cues if c.negated] + [c.text for c in praise]
    else:
        evidence = [c.text for c in complaint if c.cause == cause]
    kinds = {c.kind for c in active if c.cause == cause} | {c.tag for c in active if c.tag == "packing"}
    kinds |= {"carrier" for c in active if c.tag == "damaged_item_or_package/carrier"}
    safety = any(c.cause == Cause.PRODUCT_SAFETY.value for c in active)
    invalid = {c.kind for c in active if c.cause == "invalid"} | ({"spam"} if _SPAM.search(text) else set())
    if praised:
        invalid.add("rating_text_mismatch")  # an erroneous review: the seller may report it inside the window
        source = "rules"
    confidence = round(float(mix[k]), 3)
    return _TextResult(lang, cause, confidence, secondary, evidence, source, kinds, safety, sorted(invalid), praised)


def _complaint_after_contrast(text: str, cues: list[Cue]) -> bool:
    """A contrast word ("fast, but the material is not cotton") word with no praise or negated defect after it."""
    last = text.rfind(_THAI_CONTRAST)
    for w, s, _ in tokens(text):
        if w in CONTRAST:
            last = max(last, s)
    if last < 0:
        return False
    return not any(c.start > last and (c.tag == "praise" or c.negated) for c in cues)


def _contrast_after(text: str, pos: int) -> bool:
    rest = text[pos:]
    return _THAI_CONTRAST in rest or any(w in CONTRAST for w, _, _ in tokens(rest))


def _model_evidence(texts: list[str], results: list, rows: list[tuple[int, int]], model: CauseModel) -> None:
    """For model decisions, the (up to 2) content words of the text that push hardest towards the chosen cause.

    Function words (:data:`~toolkit.lexicon.STOPWORDS`), digits and single letters are never evidence; when no
    content word pushes towards the cause, the evidence is empty rather than a word that did not decide it.
    """
    words, owner, cls = [], [], []
    for i, k in rows:
        for w, s, e in tokens(texts[i]):
            if len(w) > 1 and not w.isdigit() and w not in STOPWORDS:
                words.append(texts[i][s:e])
                owner.append(i)
                cls.append(k)
    contrib = model.word_contributions(words, cls)
    best: dict[int, list[tuple[float, str]]] = {}
    for w, i, v in zip(words, owner, contrib, strict=True):
        if v > 0:
            best.setdefault(i, []).append((float(v), w))
    for i, _ in rows:
        results[i].evidence = []
    for i, found in best.items():
        picked = []
        for _, w in sorted(found, key=lambda t: -t[0]):
            if w not in picked:
                picked.append(w)
            if len(picked) == 2:
                break
        results[i].evidence = picked


def _reply_flags(replies: pd.Series) -> list[list[str]]:
    out = []
    for reply in replies.fillna("").astype(str):
        flags = []
        if reply.strip():
            lang = detect_language([reply])[0]
            tags = {c.tag for c in find_cues(reply, lang if lang in LANGUAGES else "en", tags=("reply",))}
            flags = [f"reply_{t.split('/')[1]}" for t in ("reply/abusive", "reply/coercive") if t in tags]
        out.append(flags)
    return out


def classify_reviews(
    reviews: pd.DataFrame,
    orders: pd.DataFrame | None = None,
    chats: pd.DataFrame | None = None,
    overrides: pd.DataFrame | None = None,
    as_of: str | pd.Timestamp | None = None,
    model: CauseModel | None = None,
) -> pd.DataFrame:
    """Cause, responsibility and flags for every review (one output row per input row, same order).

    Parameters
    ----------
    reviews : DataFrame
        Canonical reviews: ``review_id, shop_id`` and ``review_text``; optional ``rating, order_id, created_at,
        review_title, seller_reply, language`` (a supported language code there is trusted).
    orders : DataFrame, optional
        Canonical order lines (``order_id, shop_id, order_status, shipped_at, ship_by, delivered_at``, optional
        ``promised_delivery_at, cancel_reason``). Without it, responsibility needing order facts is ``unknown``.
    chats : DataFrame, optional
        Canonical chats; a late-chat complaint is confirmed by an unanswered or slow chat of the same order.
    overrides : DataFrame, optional
        From :func:`load_overrides`; an override wins over every layer.
    as_of : date, optional
        End of the 30-day reporting window for report candidates (default: the latest review's date).
    model : CauseModel, optional
        Default: :func:`load_model`.

    Returns
    -------
    DataFrame
        Columns :data:`OUTPUT_COLUMNS` plus ``report_reason``. ``secondary_causes``, ``evidence`` and ``flags``
        are ";"-joined; evidence spans are copied exactly from the review's title or text.

    Examples
    --------
    >>> r = pd.DataFrame({"review_id": ["a"], "shop_id": ["s"], "rating": [5],
    ...                   "review_text": ["ordered black got white"]})
    >>> classify_reviews(r)[["cause", "evidence", "flags"]].values.tolist()
    [['late_or_wrong_delivery', 'ordered black got', 'rating_text_mismatch']]
    """
    if "review_id" not in reviews.columns:
        raise ParameterError("reviews need a review_id column")
    idx = reviews.index
    texts = _text_column(reviews).tolist()
    hints = reviews["language"].tolist() if "language" in reviews.columns else None
    rating = pd.to_numeric(reviews["rating"], errors="coerce").to_numpy() if "rating" in reviews.columns else None
    res = classify_texts(texts, hints, model, rating)
    shop = reviews["shop_id"].astype(str) if "shop_id" in reviews.columns else pd.Series("", index=idx)
    out = pd.DataFrame(
        {
            "review_id": reviews["review_id"].astype(str).to_numpy(),
            "shop_id": shop.to_numpy(),
            "language": [r.language for r in res],
            "cause": [r.cause for r in res],
            "confidence": [r.confidence for r in res],
            "secondary_causes": [r.secondary for r in res],
            "evidence": [";".join(r.evidence) for r in res],
            "flags": [["safety"] if r.safety else [] for r in res],
            "source": [r.source for r in res],
        }
    )
    out["area"] = out["cause"].map(area_of)
    out = apply_overrides(out, overrides)

    replies = reviews["seller_reply"] if "seller_reply" in reviews.columns else pd.Series("", index=idx)
    for i, flags in enumerate(_reply_flags(replies)):
        if flags:
            out.at[i, "flags"] = out.at[i, "flags"] + flags
            if out.at[i, "cause"] != Cause.INAPPROPRIATE_REVIEW_HANDLING.value:
                out.at[i, "secondary_causes"] = out.at[i, "secondary_causes"] + [
                    Cause.INAPPROPRIATE_REVIEW_HANDLING.value
                ]

    if rating is not None:
        complaint = ~out["cause"].isin([POSITIVE, UNSCORED, Cause.UNSPECIFIED.value]) & out["source"].ne("override")
        praised = np.array([r.praised for r in res], dtype=bool)
        sure = (out["confidence"] >= 0.5) | out["source"].eq("rules")  # a cue fired, or a confident model
        mismatch = ((rating >= 3) & complaint & sure) | ((rating <= 2) & praised)
        for i in np.flatnonzero(mismatch.to_numpy()):
            out.at[i, "flags"] = out.at[i, "flags"] + ["rating_text_mismatch"]

    resp = assign_responsibility(out, reviews.reset_index(drop=True), orders, chats, kinds=[r.kinds for r in res])
    out["cause"] = resp["cause"]
    out["area"] = out["cause"].map(area_of)
    out["responsibility"] = resp["responsibility"]
    out["responsibility_reason"] = resp["reason"]
    out["source"] = np.where(resp["cause_from_order"], "rules", out["source"])

    out["report_reason"] = _report_reasons(reviews.reset_index(drop=True), [r.invalid for r in res], rating, as_of)
    for i in np.flatnonzero(out["report_reason"].ne("").to_numpy()):
        out.at[i, "flags"] = out.at[i, "flags"] + ["report_candidate"]
    for col in ("secondary_causes", "flags"):
        out[col] = out[col].map(lambda xs: ";".join(dict.fromkeys(xs)))
    return out[[*OUTPUT_COLUMNS, "report_reason"]].set_axis(idx)


def _report_reasons(reviews: pd.DataFrame, invalid: list[list[str]], rating, as_of) -> list[str]:
    """Invalid-looking negative reviews still inside the platform's 30-day reporting window."""
    if "created_at" not in reviews.columns:
        return ["" for _ in invalid]
    created = pd.to_datetime(reviews["created_at"], utc=True, errors="coerce")
    end = pd.Timestamp(as_of) if as_of is not None else created.max()
    if end is not pd.NaT and end.tzinfo is None:
        end = end.tz_localize("UTC")
    start = end.normalize() - pd.Timedelta(days=_REPORT_WINDOW_DAYS - 1)
    inside = ((created >= start) & (created < end.normalize() + pd.Timedelta(days=1))).to_numpy()
    negative = rating <= 2 if rating is not None else np.ones(len(invalid), dtype=bool)
    return [";".join(inv) if inv and ok and neg else "" for inv, ok, neg in zip(invalid, inside, negative, strict=True)]


# ---------------------------------------------------------------------------------------------------------------
# Responsibility
# ---------------------------------------------------------------------------------------------------------------
def _order_facts(reviews: pd.DataFrame, orders: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["shipped_at", "ship_by", "delivered_at", "promised_delivery_at", "cancel_reason", "order_status"]
    empty = pd.DataFrame({c: pd.Series([None] * len(reviews), dtype=object) for c in cols})
    if orders is None or orders.empty or "order_id" not in reviews.columns:
        for c in cols[:4]:
            empty[c] = pd.Series(pd.NaT, index=empty.index, dtype="datetime64[us, UTC]")
        return empty
    o = orders.copy()
    for c in cols:
        if c not in o.columns:
            o[c] = pd.NaT if c in cols[:4] else None
    for c in cols[:4]:
        o[c] = pd.to_datetime(o[c], utc=True, errors="coerce")
    o["shop_id"] = o["shop_id"].astype(str)
    o["order_id"] = o["order_id"].astype(str)
    facts = o.groupby(["shop_id", "order_id"], sort=False).agg(
        shipped_at=("shipped_at", "max"),
        ship_by=("ship_by", "min"),
        delivered_at=("delivered_at", "max"),
        promised_delivery_at=("promised_delivery_at", "min"),
        cancel_reason=("cancel_reason", "first"),
        order_status=("order_status", "first"),
    )
    keys = pd.MultiIndex.from_arrays([reviews["shop_id"].astype(str), reviews["order_id"].astype(str)])
    return facts.reindex(keys).reset_index(drop=True)


def _fmt(ts: pd.Series) -> pd.Series:
    return ts.dt.strftime("%Y-%m-%d %H:%M").fillna("?")


def assign_responsibility(
    predictions: pd.DataFrame,
    reviews: pd.DataFrame,
    orders: pd.DataFrame | None = None,
    chats: pd.DataFrame | None = None,
    kinds: list[set[str]] | None = None,
) -> pd.DataFrame:
    """Who answers for each complaint: seller, logistics, buyer or unknown, with a plain-language reason.

    The rules, first match wins:

    1. Not a complaint / language not scored -> unknown.
    2. The order was cancelled for lack of stock (``cancel_reason`` mentions stock) -> cause ``out_of_stock``,
       seller (unless the text names a product cause).
    3. Product causes (safety, compliance, quality, not as described), out of stock, chat and review handling
       -> seller.
    4. Damaged: words about poor packing -> seller; words blaming the carrier -> logistics; neither -> seller
       (:data:`DAMAGE_WITHOUT_PACKING_WORDS`).
    5. Wrong item / missing items / partial order -> seller (the seller packs the parcel), even when the text also
       says it was late; a parcel the text says was lost in transit -> logistics; a complaint about the courier
       (and no delay) -> logistics.
    6. Late or never arrived: ``shipped_at <= ship_by`` -> logistics (excluded from the SNRR);
       ``shipped_at > ship_by`` or not shipped by a passed deadline -> seller (late shipment); no facts -> unknown.
    7. ``other``: the buyer's own mistake -> buyer; taste, price -> unknown.
    8. ``unspecified`` (rating only, "bad") -> unknown, whatever the order facts: a rating alone does not say why.

    Returns
    -------
    DataFrame
        ``cause`` (possibly out_of_stock from the order), ``responsibility``, ``reason``, ``cause_from_order``.

    Examples
    --------
    >>> ts = pd.Timestamp
    >>> pred = pd.DataFrame({"cause": ["late_or_wrong_delivery"] * 2})
    >>> rev = pd.DataFrame({"review_id": ["a", "b"], "shop_id": "s", "order_id": ["o1", "o2"]})
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "shop_id": "s",
    ...     "shipped_at": [ts("2024-01-02", tz="UTC"), ts("2024-01-05", tz="UTC")],
    ...     "ship_by": [ts("2024-01-03", tz="UTC")] * 2})
    >>> assign_responsibility(pred, rev, orders)["responsibility"].tolist()
    ['logistics', 'seller']
    """
    n = len(predictions)
    kinds = kinds if kinds is not None else [set() for _ in range(n)]
    cause = predictions["cause"].reset_index(drop=True).astype(str).copy()
    facts = _order_facts(reviews, orders)
    has = lambda k: pd.Series([k in s for s in kinds], dtype=bool)  # noqa: E731
    cancel = facts["cancel_reason"].fillna("").astype(str)
    stock_cancel = cancel.str.contains(_STOCK) & cause.isin(
        [Cause.UNSPECIFIED.value, Cause.LATE_OR_WRONG_DELIVERY.value, Cause.OUT_OF_STOCK.value, Cause.OTHER.value]
    )
    cause_from_order = stock_cancel & (cause != Cause.OUT_OF_STOCK.value)
    cause = cause.where(~stock_cancel, Cause.OUT_OF_STOCK.value)

    shipped, ship_by = facts["shipped_at"], facts["ship_by"]
    both = shipped.notna() & ship_by.notna()
    on_time = both & (shipped <= ship_by)
    late_ship = both & (shipped > ship_by)
    reference = pd.Timestamp.now(tz="UTC")
    if "created_at" in reviews.columns:
        reference = pd.to_datetime(reviews["created_at"], utc=True, errors="coerce").reset_index(drop=True)
    never_shipped = shipped.isna() & ship_by.notna() & (ship_by < reference)
    delay_h = ((shipped - ship_by).dt.total_seconds() / 3600).round(1).astype(str)
    delivered_late_days = (facts["delivered_at"] - facts["promised_delivery_at"]).dt.days

    product = cause.isin([c.value for c in Cause if c.area is Area.PRODUCT])
    service = cause.isin([c.value for c in Cause if c.area is Area.SERVICE])
    damaged = cause == Cause.DAMAGED_ITEM_OR_PACKAGE.value
    delivery = cause == Cause.LATE_OR_WRONG_DELIVERY.value
    # a wrong or missing item is the seller's even when the buyer also says it was late (a partial order counted
    # as logistics would drop it from the SNRR: the dangerous direction)
    wrong = delivery & (has("wrong") | has("missing"))
    lost = delivery & has("lost") & ~wrong
    courier = delivery & has("courier") & ~has("late") & ~wrong
    unspecified_late = (cause == Cause.UNSPECIFIED.value) & on_time & (delivered_late_days > 0)
    ship_txt = "shipped " + _fmt(shipped) + ", deadline " + _fmt(ship_by)
    S, L, B, U = (r.value for r in Responsibility)
    rules = [
        (cause == UNSCORED, U, pd.Series("language not scored", index=cause.index)),
        (cause == POSITIVE, U, pd.Series("not a complaint", index=cause.index)),
        (stock_cancel, S, "order cancelled for lack of stock (cancel_reason: " + cancel + ")"),
        (
            cause == Cause.OUT_OF_STOCK.value,
            S,
            pd.Series("out of stock: the seller could not fulfil the order", index=cause.index),
        ),
        (product, S, pd.Series("product cause: the seller answers for what it lists", index=cause.index)),
        (service, S, pd.Series("customer-service cause: the seller's own handling", index=cause.index)),
        (damaged & has("packing"), S, pd.Series("damaged, and the text describes poor packing", index=cause.index)),
        (
            damaged & has("carrier"),
            L,
            pd.Series("damaged, and the text blames the carrier's handling", index=cause.index),
        ),
        (
            damaged,
            DAMAGE_WITHOUT_PACKING_WORDS.value,
            pd.Series(
                "damaged in transit with no words about packing or the carrier: the seller answers for packing "
                "that protects the product (POLICY)",
                index=cause.index,
            ),
        ),
        (wrong, S, pd.Series("wrong or missing item: the seller packed the parcel", index=cause.index)),
        (lost, L, pd.Series("the text says the parcel was lost in transit: the carrier's (POLICY)", index=cause.index)),
        (courier, L, pd.Series("complaint about the courier or delivery handling", index=cause.index)),
        (delivery & late_ship, S, "late shipment: " + ship_txt + " (" + delay_h + " h late)"),
        (delivery & on_time, L, "shipped on time (" + ship_txt + "); the delay happened in transit"),
        (delivery & never_shipped, S, "not shipped and the deadline " + _fmt(ship_by) + " has passed"),
        (
            delivery,
            U,
            pd.Series(
                "delivery complaint but no shipped_at/ship_by facts to tell a late shipment from a transit delay",
                index=cause.index,
            ),
        ),
        (
            (cause == Cause.OTHER.value) & has("buyer"),
            B,
            pd.Series("the buyer says it was their own mistake", index=cause.index),
        ),
        (
            cause == Cause.OTHER.value,
            U,
            pd.Series("a reason outside the taxonomy (taste, price, fit on the buyer)", index=cause.index),
        ),
        (
            unspecified_late,
            U,
            "no reason in the text; the order was delivered "
            + delivered_late_days.astype("Int64").astype(str)
            + " day(s) after the promised date although shipped "
            "on time, but a rating alone does not say why",
        ),
    ]
    responsibility = pd.Series(U, index=cause.index)
    reason = pd.Series("no reason can be read from the review", index=cause.index)
    decided = pd.Series(False, index=cause.index)
    for cond, who, why in rules:
        take = cond.fillna(False).astype(bool) & ~decided
        responsibility = responsibility.where(~take, who)
        reason = reason.where(~take, why)
        decided |= take
    if chats is not None and not chats.empty and "order_id" in chats.columns and "order_id" in reviews.columns:
        reason = _chat_evidence(cause, reason, reviews, chats)
    return pd.DataFrame(
        {"cause": cause, "responsibility": responsibility, "reason": reason, "cause_from_order": cause_from_order}
    )


def _chat_evidence(cause: pd.Series, reason: pd.Series, reviews: pd.DataFrame, chats: pd.DataFrame) -> pd.Series:
    c = chats.copy()
    c["wait_h"] = (
        pd.to_datetime(c["seller_response_at"], utc=True) - pd.to_datetime(c["buyer_message_at"], utc=True)
    ).dt.total_seconds() / 3600
    worst = c.assign(order_id=c["order_id"].astype(str), shop_id=c["shop_id"].astype(str))
    unanswered = worst.groupby(["shop_id", "order_id"])["wait_h"].apply(lambda s: s.isna().any())
    longest = worst.groupby(["shop_id", "order_id"])["wait_h"].max()
    keys = pd.MultiIndex.from_arrays([reviews["shop_id"].astype(str), reviews["order_id"].astype(str)])
    un = unanswered.reindex(keys).to_numpy()
    lg = longest.reindex(keys).to_numpy()
    note = [
        "; chat data: a buyer message was never answered"
        if u is True
        else (f"; chat data: slowest answer {h:.0f} h" if isinstance(h, float) and not np.isnan(h) else "")
        for u, h in zip(un, lg, strict=True)
    ]
    late_chat = cause == Cause.LATE_CHAT_RESPONSE.value
    return reason.where(~late_chat, reason + pd.Series(note, index=reason.index))


# ---------------------------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------------------------
def _scores(truth: pd.Series, pred: pd.Series) -> dict:
    labels = sorted(set(truth))
    rows = []
    for lab in labels:
        tp = int(((truth == lab) & (pred == lab)).sum())
        fp = int(((truth != lab) & (pred == lab)).sum())
        fn = int(((truth == lab) & (pred != lab)).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        rows.append({"cause": lab, "precision": p, "recall": r, "f1": f, "support": tp + fn})
    per = (
        pd.DataFrame(rows).set_index("cause")
        if rows
        else pd.DataFrame(columns=["precision", "recall", "f1", "support"])
    )
    confusion = pd.crosstab(truth.rename("true"), pred.rename("predicted"))
    return {
        "per_cause": per,
        "macro_f1": float(per["f1"].mean()) if len(per) else 0.0,
        "accuracy": float((truth == pred).mean()) if len(truth) else 0.0,
        "n": len(truth),
        "confusion": confusion,
    }


def evaluate(
    labels: pd.DataFrame,
    predictions: pd.DataFrame | None = None,
    model: CauseModel | None = None,
    use_rating: bool = True,
) -> dict:
    """Per-cause precision/recall/F1/support, macro-F1, accuracy and confusion matrix, overall and per language.

    Parameters
    ----------
    labels : DataFrame
        ``cause`` and either ``review_id`` (matched to ``predictions``) or ``text`` (classified here); optional
        ``language`` (for the per-language tables; otherwise the detected language is used) and ``shop_id``.
    predictions : DataFrame, optional
        Output of :func:`classify_reviews`; needed when labels have no ``text``.
    use_rating : bool
        When the labels carry a ``rating`` column (stars) and the text is classified here, pass it on as real use
        does (:func:`classify_reviews` reads the stars as evidence). ``False`` scores the text alone.
        ``result["with_rating"]`` says which was done.

    Examples
    --------
    >>> labels = pd.DataFrame({"text": ["arrived shattered", "chegou quebrado", "love it"],
    ...                        "cause": ["damaged_item_or_package", "damaged_item_or_package", "positive"]})
    >>> evaluate(labels)["macro_f1"]
    1.0
    """
    lab = labels.reset_index(drop=True).copy()
    if "text" in lab.columns and predictions is None:
        rev = pd.DataFrame({"review_id": [str(i) for i in range(len(lab))], "shop_id": "", "review_text": lab["text"]})
        with_rating = use_rating and "rating" in lab.columns
        if with_rating:
            rev["rating"] = pd.to_numeric(lab["rating"], errors="coerce")
        pred = classify_reviews(rev, model=model)
        got = pred["cause"].to_numpy()
        detected = pred["language"].to_numpy()
    else:
        with_rating = None  # the predictions were made by the caller
        if predictions is None:
            raise ParameterError("labels without a text column need predictions (classify the reviews first)")
        on = ["review_id"] + (["shop_id"] if "shop_id" in lab.columns and "shop_id" in predictions.columns else [])
        lab[on] = lab[on].astype(str)
        p = predictions[[*on, "cause", "language"]].astype({k: str for k in on}).drop_duplicates(on)
        merged = lab.merge(p, on=on, how="left", suffixes=("", "_pred"))
        got = merged["cause_pred"].fillna("missing").to_numpy()
        detected = merged["language_pred"].fillna(UNKNOWN).to_numpy()
    truth = lab["cause"].astype(str).str.strip()
    pred = pd.Series(got, index=lab.index, dtype=str)
    lang = lab["language"].astype(str) if "language" in lab.columns else pd.Series(detected, index=lab.index)
    result = _scores(truth, pred)
    result["by_language"] = {g: _scores(truth[lang == g], pred[lang == g]) for g in sorted(lang.unique())}
    result["language_accuracy"] = float((lang == detected).mean()) if "language" in lab.columns else None
    result["with_rating"] = with_rating
    return result


def format_evaluation(result: dict, title: str = "cause classifier", per_language: bool = True) -> str:
    """The evaluation as plain text: per-cause table, macro-F1, confusion matrix, then the same per language.

    Examples
    --------
    >>> res = evaluate(pd.DataFrame({"text": ["love it"], "cause": ["positive"]}))
    >>> print(format_evaluation(res, per_language=False).splitlines()[0])
    == cause classifier: n=1, accuracy=1.000, macro-F1=1.000 ==
    """

    def block(res: dict, name: str) -> list[str]:
        lines = [f"== {name}: n={res['n']}, accuracy={res['accuracy']:.3f}, macro-F1={res['macro_f1']:.3f} =="]
        per = res["per_cause"].copy()
        if len(per):
            lines.append(per.to_string(float_format=lambda v: f"{v:.3f}"))
            conf = res["confusion"].copy()
            short = {c: c[:10] for c in set(conf.columns) | set(conf.index)}
            lines.append("confusion (rows = true, columns = predicted):")
            lines.append(conf.rename(index=short, columns=short).to_string())
        return lines

    lines = block(result, title)
    if result.get("with_rating") is not None:
        lines.append("star ratings passed to the classifier: " + ("yes" if result["with_rating"] else "no"))
    if result.get("language_accuracy") is not None:
        lines.append(f"language detection accuracy: {result['language_accuracy']:.3f}")
    if per_language:
        for lang, res in result.get("by_language", {}).items():
            lines += [""] + block(res, f"{title} [{lang}]")
    return "\n".join(lines)
