"""Accuracy of the cause classifier on real text, and its speed; results are appended to bench/results/.

Every accuracy figure here is measured on the hand-labelled real reviews of ``../shared/realdata/labelled/``
(text nobody on the project wrote). The generated phrase bank is only ever *training* data.

Parts (default: all):

- ``cv``: stratified 5-fold cross-validation on each real set (en, id, tl, pt): the shipped training recipe
  (phrase bank + Olist crowd labels + the other real sets) plus 4/5 of the set, tested on the fifth.
- ``oos``: out-of-source: trained without a source, tested on it (for pt, without the Olist crowd labels too:
  same marketplace).
- ``compare``: the out-of-source figure of each text representation under the same lexicon and training rows:
  hashed n-grams alone, the multilingual-e5-small embedding alone (the shipped model), and both in one head.
- ``baseline``: the model as it was before the real sets existed (v1.0 of commit accc9a8), on each whole set.
- ``curve``: learning curve: en and id, macro-F1 on a fixed half of the set after 0, 25, 50, 100 corrections
  drawn from the other half, trained on top of the out-of-source data (what ``shop-health train`` does).
- ``extra``: the shipped model on further hand-labelled real sets kept outside the repository (never trained on),
  named in ``$EXTRA_LABELLED`` (paths separated by ``:``, the labelled sets' columns, language from the file name
  ``reviews-<lang>...csv``; an empty rating is read as a review without stars). Skipped when unset.
- ``speed``: whole-process ``shop-health classify`` on 10,000 reviews (15% negative), and its cold start.

Run: ``.venv/bin/python bench/bench_causes.py [cv|oos|baseline|curve|speed ...]``. Results:
``bench/results/causes.txt`` (accuracy tables) and ``bench/results/causes-summary.txt`` (one line per figure).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

USER_ENV = dict(os.environ)  # what `speed` runs the CLI with: a user's threads, not the fitting parts' one thread
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from record import record  # noqa: E402  (bench/record.py: the script folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "causes.txt"
SUMMARY = ROOT / "bench" / "results" / "causes-summary.txt"
BASELINE_COMMIT = "accc9a8"
CURVE_STEPS = (0, 25, 50, 100)


def _base_data(exclude: str | None = None) -> pd.DataFrame:
    """The shipped training recipe's rows, optionally without one real source (and, for pt, Olist)."""
    from toolkit.causes import olist_labelled, phrase_bank, real_labelled

    bank = phrase_bank()
    parts = [bank[~bank["heldout"]].assign(weight=1.0, origin="phrase_bank")]
    if exclude != "pt":
        ol = olist_labelled()
        parts.append(ol[~ol["heldout"]].assign(weight=0.5, origin="olist"))
    real = real_labelled()
    parts.append(real[real["source"] != exclude].assign(weight=2.0, origin="real"))
    return pd.concat(parts, ignore_index=True)


def _fit(data: pd.DataFrame, representation: str = "embedding"):
    """The shipped recipe's model on ``data``; ``representation`` "ngrams" has no embedding head (1-2 star reviews
    are read by n-grams too), "both" an embedding head reading n-grams and embedding together (for ``compare``)."""
    from toolkit.causes import fit_arrays, model_from_arrays

    arrays, meta = fit_arrays(data, embedding=representation != "ngrams")
    model = model_from_arrays(arrays, meta)
    if representation == "both":
        model = _both_head(data, model)
    return model


def _both_head(data: pd.DataFrame, model):
    """``model`` with its 1-2 star head replaced by one on n-grams and embedding together (measured, not shipped)."""
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    from toolkit.causes import model as m
    from toolkit.taxonomy import LABELS

    rows = data[data["cause"].isin(LABELS)]
    texts = rows["review_text"].tolist()
    x = sparse.hstack([m._features(texts), sparse.csr_matrix(m._embeddings(texts) * m._EMBED_SCALE)], format="csr")
    head = LogisticRegression(C=8.0, max_iter=3000).fit(x, rows["cause"], sample_weight=rows["weight"])
    assert tuple(head.classes_) == model.classes

    class Both(type(model)):
        def predict_proba(self, texts, embed=None):
            p = model.predict_proba(texts)
            rows = np.flatnonzero(np.asarray(embed if embed is not None else np.zeros(len(texts), bool)))
            if len(rows):
                sub = [texts[i] for i in rows]
                xs = sparse.hstack(
                    [m._features(sub), sparse.csr_matrix(m._embeddings(sub) * m._EMBED_SCALE)], format="csr"
                )
                p[rows] = head.predict_proba(xs)
            return p

    return Both(**{f: getattr(model, f) for f in model.__dataclass_fields__})


def _labels(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={"review_text": "text"})[["text", "language", "cause", "rating"]]


def _evaluate(labels: pd.DataFrame, model) -> dict:
    from toolkit.causes import evaluate

    return evaluate(labels.reset_index(drop=True), model=model, use_rating=True)


def _pooled(truth: list[pd.Series], pred: list[pd.Series]) -> dict:
    from toolkit.causes.evaluation import _scores

    return _scores(pd.concat(truth, ignore_index=True), pd.concat(pred, ignore_index=True))


def _predict(labels: pd.DataFrame, model) -> pd.Series:
    from toolkit.causes import classify_reviews

    rev = pd.DataFrame(
        {
            "review_id": [str(i) for i in range(len(labels))],
            "shop_id": "",
            "review_text": labels["text"].to_numpy(),
            "rating": labels["rating"].to_numpy(),
        }
    )
    return pd.Series(classify_reviews(rev, model=model)["cause"].to_numpy())


def part_cv(lines: list[str], summary: list[str]) -> None:
    from sklearn.model_selection import StratifiedKFold

    from toolkit.causes import LABELS, REAL_SETS, format_evaluation, real_labelled

    real = real_labelled()
    for lang in REAL_SETS:
        this = real[real["source"] == lang].reset_index(drop=True)
        base = _base_data(exclude=lang)
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
        truth, pred = [], []
        strata = this["cause"].where(this["cause"].map(this["cause"].value_counts()) >= 5, "rare")
        for train_idx, test_idx in folds.split(this, strata):
            train_rows = this.iloc[train_idx].assign(weight=2.0, origin="real")
            model = _fit(pd.concat([base, train_rows], ignore_index=True))
            test = _labels(this.iloc[test_idx])
            truth.append(test["cause"].reset_index(drop=True))
            pred.append(_predict(test, model))
        res = _pooled(truth, pred)
        outside = int((~pd.concat(pred).isin([c for c in LABELS if c != "positive"])).sum())
        lines.append(format_evaluation(res, f"5-fold CV, real {lang} ({len(this)} rows)", per_language=False))
        summary.append(
            f"cv        {lang}: macro-F1 {res['macro_f1']:.3f}, accuracy {res['accuracy']:.3f}, "
            f"outside the 11 causes {outside}"
        )


def part_oos(lines: list[str], summary: list[str]) -> None:
    from toolkit.causes import REAL_SETS, format_evaluation, real_labelled

    real = real_labelled()
    for lang in REAL_SETS:
        model = _fit(_base_data(exclude=lang))
        res = _evaluate(_labels(real[real["source"] == lang]), model)
        lines.append(format_evaluation(res, f"out-of-source, real {lang} (trained without it)", per_language=False))
        summary.append(
            f"oos       {lang}: macro-F1 {res['macro_f1']:.3f}, accuracy {res['accuracy']:.3f}, "
            f"positive {int(res['confusion'].get('positive', pd.Series()).sum())}"
        )


def part_compare(lines: list[str], summary: list[str]) -> None:
    from toolkit.causes import REAL_SETS, format_evaluation, real_labelled

    real = real_labelled()
    names = {"ngrams": "n-grams", "embedding": "embedding", "both": "both"}
    for lang in REAL_SETS:
        base, test = _base_data(exclude=lang), _labels(real[real["source"] == lang])
        figures = []
        for rep, name in names.items():
            res = _evaluate(test, _fit(base, rep))
            lines.append(format_evaluation(res, f"out-of-source, real {lang}, lexicon + {name}", per_language=False))
            figures.append(f"{name} {res['macro_f1']:.3f} (accuracy {res['accuracy']:.3f})")
        summary.append(f"compare   {lang}: out-of-source macro-F1 with the lexicon: " + ", ".join(figures))


def part_extra(lines: list[str], summary: list[str]) -> None:
    import re

    from toolkit.causes import format_evaluation, load_model

    model = load_model()
    for path in filter(None, os.environ.get("EXTRA_LABELLED", "").split(":")):
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        lang = re.match(r"reviews-([a-z]{2})", Path(path).name).group(1)
        text = (raw["title"].str.strip() + ". " + raw["text"]).where(raw["title"].str.strip() != "", raw["text"])
        rating = pd.to_numeric(raw["rating"], errors="coerce")
        labels = pd.DataFrame({"text": text, "language": lang, "cause": raw["cause"].str.strip(), "rating": rating})
        res = _evaluate(labels, model)
        lines.append(format_evaluation(res, f"shipped model, extra real set {Path(path).name}", per_language=False))
        summary.append(
            f"extra     {lang} ({Path(path).name}, {len(labels)} rows, {int(rating.isna().sum())} without stars): "
            f"macro-F1 {res['macro_f1']:.3f}, accuracy {res['accuracy']:.3f}"
        )


def _sklearn_features(texts: list[str]):
    """The n-gram features the baseline model was trained on: scikit-learn's HashingVectorizer (murmurhash)."""
    import re

    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.preprocessing import normalize

    from toolkit.lexicon import fold

    common = {"n_features": 2**18, "alternate_sign": False, "norm": None, "lowercase": False}
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), **common)
    words = HashingVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", **common)
    folded = [re.sub(r"([^\W\d_])\1{2,}", r"\1\1", fold(t)) for t in texts]
    x = chars.transform(folded) + words.transform(folded)
    x.data = np.log1p(x.data)
    return normalize(x)


def part_baseline(lines: list[str], summary: list[str]) -> None:
    from toolkit.causes import MODEL_FILE, REAL_SETS, format_evaluation, load_model, real_labelled

    blob = subprocess.run(
        ["git", "show", f"{BASELINE_COMMIT}:toolkit/models/{MODEL_FILE}"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    from unittest import mock

    from toolkit.causes import model as cause_model

    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(cause_model, "_features", _sklearn_features):
        path = Path(tmp) / MODEL_FILE
        path.write_bytes(blob)
        model = load_model(path)
        real = real_labelled()
        for lang in REAL_SETS:
            res = _evaluate(_labels(real[real["source"] == lang]), model)
            title = f"baseline (model of {BASELINE_COMMIT}, today's rules), real {lang}"
            lines.append(format_evaluation(res, title, per_language=False))
            summary.append(
                f"baseline  {lang}: macro-F1 {res['macro_f1']:.3f}, accuracy {res['accuracy']:.3f}, "
                f"positive {int(res['confusion'].get('positive', pd.Series()).sum())}"
            )


def part_curve(lines: list[str], summary: list[str]) -> None:
    from toolkit.causes import holdout_mask, real_labelled

    real = real_labelled()
    for lang in ("en", "id"):
        this = real[real["source"] == lang].reset_index(drop=True)
        test_mask = holdout_mask(this, ["cause"], text="review_text", share=0.5)
        test, pool = this[test_mask], this[~test_mask].sample(frac=1.0, random_state=0)
        base = _base_data(exclude=lang)
        figures = []
        for k in CURVE_STEPS:
            corrections = pool.head(k).assign(weight=3.0, origin="override")
            model = _fit(pd.concat([base, corrections], ignore_index=True))
            res = _evaluate(_labels(test), model)
            figures.append(f"{k}: {res['macro_f1']:.3f}")
        line = f"curve     {lang} (held-out {len(test)} rows), corrections -> macro-F1: " + ", ".join(figures)
        lines.append(line)
        summary.append(line)


def part_speed(lines: list[str], summary: list[str]) -> None:
    from toolkit.causes import real_labelled

    rng = np.random.default_rng(0)
    real = real_labelled()
    samples = pd.read_csv(ROOT / "data" / "samples" / "reviews.csv", dtype=str, keep_default_na=False)
    positive = samples[pd.to_numeric(samples["rating"]) >= 3]
    n, n_neg = 10_000, 1_500
    from toolkit.causes import olist_labelled

    olist = olist_labelled()  # real Olist comments: with the labelled sets, 1,500 distinct negative texts
    pool = pd.unique(np.r_[real["review_text"].to_numpy(), olist.loc[olist["rating"] <= 2, "review_text"].to_numpy()])
    neg_text = rng.choice(pool, n_neg, replace=False)
    pos = positive.iloc[rng.integers(0, len(positive), n - n_neg)]
    frame = pd.DataFrame(
        {
            "review_id": [f"b{i}" for i in range(n)],
            "order_id": [f"o{i}" for i in range(n)],
            "shop_id": "bench",
            "product_id": "p1",
            "rating": np.r_[rng.integers(1, 3, n_neg), pd.to_numeric(pos["rating"]).to_numpy()],
            "review_text": np.r_[neg_text, pos["review_text"].to_numpy()],
            "created_at": "2026-10-01T10:00:00Z",
        }
    )
    exe = Path(sys.executable).parent / "shop-health"
    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp) / "reviews.csv", Path(tmp) / "one.csv"
        frame.to_csv(big, index=False)
        frame.head(1).to_csv(small, index=False)
        timings = {}
        # pandera imports pyspark when it is installed (the test extra): the plain-install cold start hides it
        plain = [
            sys.executable,
            "-c",
            "import sys; sys.modules['pyspark'] = None; from toolkit.cli import main; sys.exit(main(sys.argv[1:]))",
        ]
        runs = (
            ("cold start (1 review)", [str(exe)], small),
            ("cold start (1 review), as a plain install without pyspark", plain, small),
            ("10,000 reviews, 15% negative (1,500 distinct real negative texts)", [str(exe)], big),
        )
        for name, cmd, path in runs:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(
                [*cmd, "classify", "--reviews", str(path), "--out", str(Path(tmp) / "out.csv")],
                cwd=tmp,
                check=True,
                capture_output=True,
                env=USER_ENV,
            )
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            timings[name] = (time.perf_counter() - t, cpu)
    load = os.getloadavg()[0]
    for name, (sec, cpu) in timings.items():
        line = (
            f"speed     whole-process `shop-health classify`, {name}: {sec:.2f} s wall, {cpu:.2f} s CPU "
            f"(load average {load:.1f} on 2 cores)"
        )
        lines.append(line)
        summary.append(line)


PARTS = {
    "cv": part_cv,
    "oos": part_oos,
    "compare": part_compare,
    "baseline": part_baseline,
    "curve": part_curve,
    "extra": part_extra,
    "speed": part_speed,
}


def main(parts: list[str]) -> None:
    head = f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, python {sys.version.split()[0]}, parts {' '.join(parts)}"
    lines, summary = [head], [head]
    for name in parts:
        PARTS[name](lines, summary)
    record(RESULTS, "\n".join(lines) + "\n\n")
    record(SUMMARY, "\n".join(summary) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:] or list(PARTS))
