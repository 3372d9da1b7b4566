"""How often a one-review product tops the fix-first list on real Olist shops (issue 11's goal: at most 10%).

Usage: .venv/bin/python bench/bench_fix_first.py

Among the shops with 3+ reviewed products one of which has 5+ reviews, counts those whose rank-1 product has a
single review, with the default minimum support (3 reviews) and with none (1: the estimator alone), and times the
list. Results are appended to bench/results/fix_first.txt.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from record import record  # noqa: E402

from toolkit.pipeline import analyse  # noqa: E402
from toolkit.products import FixFirstSettings, fix_first, one_review_first_share  # noqa: E402
from toolkit.source import DataSource  # noqa: E402

OLIST = ROOT.parent / "shared" / "realdata" / "olist"


def main() -> None:
    lines = ["# fix-first list on Olist: shops (3+ reviewed products, one with 5+) whose first product has 1 review"]
    for name in ("random-sample", "problem-sample"):
        a = analyse(DataSource(data_dir=str(OLIST / name), preset="olist", use_default_labels=False))
        for support in (3, 1):
            start = time.perf_counter()
            fix = fix_first(a.data.reviews, a.settings, a.data.products, FixFirstSettings(min_reviews=support))
            seconds = time.perf_counter() - start
            first, shops = one_review_first_share(fix)
            lines.append(
                f"olist {name:15s} min_reviews={support}: {first} of {shops} shops ({first / shops * 100:.1f}%), "
                f"{fix['shop_id'].nunique()} shops listed in {seconds:.2f} s"
            )
    record(ROOT / "bench" / "results" / "fix_first.txt", "\n".join(lines))


if __name__ == "__main__":
    main()
