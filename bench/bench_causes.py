"""Benchmark and accuracy report of the cause classifier; results are appended to bench/results/causes.txt.

Run: ``.venv/bin/python bench/bench_causes.py`` (one core: the machine is shared).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pandas as pd  # noqa: E402
from record import record  # bench/record.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "causes.txt"


def load_time() -> float:
    """Cold start in a fresh interpreter: import the module and load the artefact."""
    code = (
        "import time; t=time.perf_counter(); from toolkit.causes import load_model; m=load_model(); "
        "m.predict_proba(['x']); print(time.perf_counter()-t)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from toolkit.causes import (
        MODEL_DIR,
        MODEL_FILE,
        classify_reviews,
        evaluate,
        format_evaluation,
        load_model,
        olist_labelled,
        phrase_bank,
    )

    lines = [f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, python {sys.version.split()[0]}, one thread"]
    lines.append(f"artefact {MODEL_FILE}: {(MODEL_DIR / MODEL_FILE).stat().st_size / 1e6:.2f} MB")
    lines.append(f"cold load (import + artefact): {load_time():.2f} s")
    model = load_model()
    bank = phrase_bank()
    olist = olist_labelled()
    texts = pd.concat([bank["review_text"], olist["review_text"]], ignore_index=True)
    reps = 10_000 // len(texts) + 1
    reviews = pd.DataFrame({"review_text": pd.concat([texts] * reps, ignore_index=True)[:10_000]})
    reviews["review_id"] = [f"r{i}" for i in range(len(reviews))]
    reviews["shop_id"] = "s"
    reviews["rating"] = 1
    classify_reviews(reviews.head(200), model=model)
    t = time.perf_counter()
    classify_reviews(reviews, model=model)
    rate = len(reviews) / (time.perf_counter() - t)
    lines.append(f"throughput: {rate:,.0f} reviews/s on {len(reviews):,} reviews (phrase bank + Olist texts)")

    held = bank[bank["heldout"]].drop(columns=["text"]).rename(columns={"review_text": "text"})
    oh = olist[olist["heldout"]].rename(columns={"review_text": "text"})
    summary = []
    for name, labels, per_language in [
        ("phrase bank held-out (25% per language x cause)", held, True),
        ("Olist crowd labels held-out (20% per subclass)", oh, False),
    ]:
        labels = labels[["text", "language", "cause", "rating"]].copy()
        labels["rating"] = pd.to_numeric(labels["rating"], errors="coerce")
        for use_rating in (True, False):  # real use passes the stars; the text alone is reported too
            res = evaluate(labels, model=model, use_rating=use_rating)
            stars = "with stars" if use_rating else "text only"
            lines.append(format_evaluation(res, f"{name}, {stars}", per_language=per_language and use_rating))
            summary.append(f"  {name}, {stars}: macro-F1 {res['macro_f1']:.3f}, accuracy {res['accuracy']:.3f}")
    lines += ["summary:", *summary]
    record(RESULTS, "\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
