"""Benchmark: load and validate 1M order lines + 200k reviews from CSV (goal: < 20 s, peak < 3 GB).

Run: ``make bench`` or ``.venv/bin/python bench/bench_load.py [--orders N --reviews N]``.
The data is synthetic canonical CSV made here (with a few bad rows, so the accounting paths run too);
the load runs in a fresh child process so that its peak memory (ru_maxrss) is its own.
Results are appended to bench/results/load.txt.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from record import record  # bench/record.py (the script's folder is on sys.path)

RESULTS = Path(__file__).parent / "results" / "load.txt"


def make_data(folder: Path, n_orders: int, n_reviews: int, seed: int = 1) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    created = pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 300 * 86400, n_orders), unit="s")
    order_no = np.arange(n_orders) // 2  # about two lines per order
    orders = pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in order_no],
            "shop_id": [f"shop{i % 1000}" for i in order_no],
            "product_id": [f"p{i}" for i in range(n_orders)],
            "order_status": "delivered",
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "shipped_at": (created + pd.Timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "ship_by": (created + pd.Timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "delivered_at": (created + pd.Timedelta(days=4)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "quantity": rng.integers(1, 4, n_orders),
        }
    )
    pick = rng.choice(n_orders, n_reviews, replace=False)
    reviews = pd.DataFrame(
        {
            "review_id": [f"r{i}" for i in range(n_reviews)],
            "order_id": orders["order_id"].to_numpy()[pick],
            "shop_id": orders["shop_id"].to_numpy()[pick],
            "product_id": orders["product_id"].to_numpy()[pick],
            "rating": rng.choice([1, 2, 3, 4, 5], n_reviews, p=[0.03, 0.02, 0.05, 0.2, 0.7]).astype(str),
            "review_text": rng.choice(
                ["bagus", "barang rusak, kecewa", "", "chegou rápido 👍", "runs small"], n_reviews
            ),
            "created_at": (created[pick] + pd.Timedelta(days=6)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )
    reviews.loc[:99, "rating"] = "5 stars"  # a few bad rows, so the set-aside paths do real work
    paths = folder / "orders.csv", folder / "reviews.csv"
    orders.to_csv(paths[0], index=False)
    reviews.to_csv(paths[1], index=False)
    return paths


def child(orders: str, reviews: str) -> None:
    from toolkit import load_shop_data

    start = time.perf_counter()
    data = load_shop_data(orders, reviews)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    files = {f.file.rsplit("/", 1)[-1]: [f.rows_read, f.accepted, f.set_aside] for f in data.report.files}
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "files": files}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--reviews", type=int, default=200_000)
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        orders, reviews = make_data(Path(tmp), args.orders, args.reviews)
        size_mb = (orders.stat().st_size + reviews.stat().st_size) / 1e6
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(orders), str(reviews)], capture_output=True, text=True, check=True
        )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    line = (
        f"{datetime.now():%Y-%m-%d %H:%M} {platform.node()} load+validate {args.orders:,} order lines + "
        f"{args.reviews:,} reviews ({size_mb:.0f} MB CSV): {result['seconds']:.1f} s, peak {result['peak_mb']:.0f} MB "
        f"(goal < 20 s, < 3072 MB); rows {result['files']}"
    )
    record(RESULTS, line)


if __name__ == "__main__":
    main()
