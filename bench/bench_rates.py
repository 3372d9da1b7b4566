"""Benchmark of toolkit.rates: the daily 30-day series and one shop's as-of rates.

Usage: .venv/bin/python bench/bench_rates.py [--lines 10000000] [--shops 1000] [--days 365]

Generates synthetic canonical orders/reviews as Parquet in a temporary folder, then runs each case in a fresh
Python process (so that its peak memory, ru_maxrss, is its own):

- ``duckdb``: ``daily_rates`` on DuckDB relations over the Parquet files;
- ``sql``: a hand-written DuckDB SQL query for the same series (the reference for the 1.3x goal);
- ``pandas``: ``daily_rates`` on pandas frames read from the Parquet files (reading time excluded), computed on
  Polars through Arrow and returned as pandas (``engine`` says which route was taken);
- ``pandas_only``: the same on the pure pandas route (``toolkit.rates.pandas_on_polars(False)``, the fallback
  when Polars is not importable); not run by default;
- ``one_shop``: ``shop_rates`` for one shop with 100k order lines (pandas, the 0.1 s goal, conversion included);
- ``spark``: ``daily_rates`` on PySpark DataFrames over the Parquet files, a ``local[2]`` session with a 1 GB
  driver heap, the series written to Parquet by Spark (not run by default: ``--cases sql,duckdb,spark``).

Results are appended to bench/results/rates.txt.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from record import record  # bench/record.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "rates.txt"
AS_OF = date(2024, 12, 31)

HAND_SQL = """
WITH delivered AS (
    SELECT shop_id, order_id, min(CAST(timezone('UTC', delivered_at) AS DATE)) AS day
    FROM orders WHERE order_status = 'delivered' AND delivered_at IS NOT NULL GROUP BY ALL
),
d AS (SELECT shop_id, day, count(*) AS n FROM delivered GROUP BY ALL),
r AS (
    SELECT shop_id, CAST(timezone('UTC', created_at) AS DATE) AS day, count(*) AS x
    FROM reviews WHERE rating <= 2 GROUP BY ALL
),
shops AS (SELECT shop_id FROM orders UNION SELECT shop_id FROM reviews),
cal AS (
    SELECT shop_id, CAST(range AS DATE) AS day FROM shops,
    range(DATE '{start}', DATE '{end}' + INTERVAL 1 DAY, INTERVAL 1 DAY)
),
daily AS (
    SELECT cal.shop_id, cal.day, coalesce(d.n, 0) AS n, coalesce(r.x, 0) AS x
    FROM cal LEFT JOIN d USING (shop_id, day) LEFT JOIN r USING (shop_id, day)
),
rolled AS (
    SELECT shop_id, day,
        sum(n) OVER w AS delivered_orders, sum(x) OVER w AS seller_negative_reviews
    FROM daily WINDOW w AS (PARTITION BY shop_id ORDER BY day ROWS BETWEEN 29 PRECEDING AND CURRENT ROW)
)
SELECT shop_id, day AS as_of, delivered_orders, seller_negative_reviews,
    seller_negative_reviews / nullif(delivered_orders, 0) AS snrr
FROM rolled WHERE day >= DATE '{since}' ORDER BY shop_id, day
"""


def generate(folder: Path, lines: int, shops: int, days: int, seed: int = 0) -> None:
    """Synthetic canonical orders (1.25 lines per order) and reviews (~8% of lines, 10% of them negative)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    n_orders = int(lines / 1.25)
    order_of_line = np.sort(rng.integers(0, n_orders, lines))
    shop_of_order = rng.integers(0, shops, n_orders)
    start = np.datetime64(AS_OF - timedelta(days=days + 60), "us")
    delivered = start + rng.integers(0, (days + 60) * 86_400_000_000, n_orders).astype("timedelta64[us]")
    status = np.where(rng.random(n_orders) < 0.95, "delivered", "shipped")
    order_ids = np.char.add("o", order_of_line.astype(str))
    orders = pa.table(
        {
            "order_id": order_ids,
            "shop_id": np.char.add("s", shop_of_order[order_of_line].astype(str)),
            "product_id": np.char.add("p", rng.integers(0, 50, lines).astype(str)),
            "order_status": status[order_of_line],
            "delivered_at": pa.array(delivered[order_of_line], pa.timestamp("us", tz="UTC")),
        }
    )
    pq.write_table(orders, folder / "orders.parquet")
    reviewed = np.flatnonzero(rng.random(lines) < 0.08)
    created = delivered[order_of_line[reviewed]] + rng.integers(0, 10 * 86_400_000_000, len(reviewed)).astype(
        "timedelta64[us]"
    )
    reviews = pa.table(
        {
            "review_id": np.char.add("r", np.arange(len(reviewed)).astype(str)),
            "order_id": order_ids[reviewed],
            "shop_id": orders.column("shop_id").to_numpy()[reviewed],
            "product_id": orders.column("product_id").to_numpy()[reviewed],
            "rating": np.where(rng.random(len(reviewed)) < 0.1, rng.integers(1, 3, len(reviewed)), 5).astype("int8"),
            "created_at": pa.array(created, pa.timestamp("us", tz="UTC")),
        }
    )
    pq.write_table(reviews, folder / "reviews.parquet")


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would include the parent's peak before exec)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_case(case: str, folder: Path, days: int) -> dict:
    import duckdb

    from toolkit.rates import RateConfig, _engines, daily_rates, shop_rates

    cfg = RateConfig(as_of=AS_OF)
    since = AS_OF - timedelta(days=days - 1)
    out: dict = {"case": case}
    if case == "spark":
        from toolkit.rates._engines import spark_session

        # the CLI's local[2] session: Spark's default 1 GB driver heap (the JVM fails rather than grow past it); the
        # series is written by Spark itself, never collected to the driver
        session = spark_session()
        session.sparkContext.setLogLevel("ERROR")
        out["driver_heap_mb"] = session.sparkContext._jvm.java.lang.Runtime.getRuntime().maxMemory() / 2**20
        orders = session.read.parquet(str(folder / "orders.parquet"))
        reviews = session.read.parquet(str(folder / "reviews.parquet"))
        t = time.perf_counter()
        daily_rates(orders, reviews, cfg, since=since).write.mode("overwrite").parquet(str(folder / "spark-daily"))
        out["seconds"] = round(time.perf_counter() - t, 3)
        import pyarrow.parquet as pq

        table = pq.read_table(folder / "spark-daily")
        out["rows"] = table.num_rows
        out["snrr_sum"] = float(np.nansum(table.column("snrr").to_numpy(zero_copy_only=False)))
        out["peak_rss_mb"] = peak_rss_mb()  # the Python driver process; the JVM's heap is capped at 1 GB
        return out
    if case in ("duckdb", "sql"):
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET threads = 2")
        orders = con.sql(f"SELECT * FROM read_parquet('{folder / 'orders.parquet'}')")
        reviews = con.sql(f"SELECT * FROM read_parquet('{folder / 'reviews.parquet'}')")
        t = time.perf_counter()
        if case == "duckdb":
            rel = daily_rates(orders, reviews, cfg, since=since)
        else:
            start = since - timedelta(days=29)
            rel = con.sql(HAND_SQL.format(start=start, end=AS_OF, since=since))
        table = rel.fetch_arrow_table() if hasattr(rel, "fetch_arrow_table") else rel.arrow()
        out["rows"] = table.num_rows
        out["snrr_sum"] = float(np.nansum(table.column("snrr").to_numpy(zero_copy_only=False)))
    else:
        import pandas as pd

        # the pure pandas route for "pandas_only"; the context lasts for this child process's one case
        contextlib.ExitStack().enter_context(_engines.pandas_on_polars(case != "pandas_only"))
        orders = pd.read_parquet(folder / "orders.parquet")
        reviews = pd.read_parquet(folder / "reviews.parquet")
        out["engine"] = _engines._lazy_all(orders, reviews)[0].implementation.name.lower()
        if case == "one_shop":
            top = "s0"  # the first 100k order lines relabelled as one big shop
            orders = orders.head(100_000).assign(shop_id=top)
            reviews = reviews[reviews["order_id"].isin(orders["order_id"])].assign(shop_id=top)
            shop_rates(orders, reviews, cfg, shops=[top])  # warm-up (imports, first calls)
            t = time.perf_counter()
            res = shop_rates(orders, reviews, cfg, shops=[top])
            out["order_lines"] = len(orders)
        else:
            t = time.perf_counter()
            res = daily_rates(orders, reviews, cfg, since=since)
            out["snrr_sum"] = float(np.nansum(res["snrr"].to_numpy(dtype=float)))
        out["rows"] = len(res)
    out["seconds"] = round(time.perf_counter() - t, 3)
    out["peak_rss_mb"] = peak_rss_mb()
    if case == "duckdb":  # kept for the comparison with Spark (after the timing)
        import pyarrow.parquet as pq

        pq.write_table(table, folder / "duckdb-daily.parquet")
    return out


def same_series(folder: Path) -> str:
    """Whether Spark's daily series equals DuckDB's, row for row (counts exactly, rates to 1e-12)."""
    import pandas as pd

    frames = [pd.read_parquet(folder / name) for name in ("duckdb-daily.parquet", "spark-daily")]
    spark, duck = (f.sort_values(["shop_id", "as_of"]).reset_index(drop=True) for f in frames[::-1])
    try:
        pd.testing.assert_frame_equal(spark[duck.columns], duck, check_dtype=False, rtol=1e-12)
    except AssertionError as exc:
        return f"spark differs from duckdb: {str(exc).splitlines()[0]}"
    return f"spark equals duckdb: {len(duck):,} rows x {len(duck.columns)} columns"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--cases", default="sql,duckdb,pandas,one_shop")
    parser.add_argument("--case")
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, Path(args.folder), args.days)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        generate(folder, args.lines, args.shops, args.days)
        lines = [f"== {time.strftime('%Y-%m-%d %H:%M')} lines={args.lines:,} shops={args.shops} days={args.days}"]
        lines.append(f"data generation {time.perf_counter() - t:.1f} s")
        results = {}
        for case in args.cases.split(","):
            cmd = [sys.executable, __file__, "--case", case, "--folder", str(folder), "--days", str(args.days)]
            proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
            if proc.returncode:
                lines.append(f"{case}: FAILED {proc.stderr.strip().splitlines()[-1]}")
                continue
            results[case] = json.loads(proc.stdout.strip().splitlines()[-1])
            lines.append(json.dumps(results[case]))
        if "duckdb" in results and "spark" in results:
            lines.append(same_series(folder))
        if "sql" in results:
            for case in ("duckdb", "pandas", "pandas_only", "spark"):
                if case in results:
                    ratio = results[case]["seconds"] / results["sql"]["seconds"]
                    lines.append(f"{case} / hand-written SQL = {ratio:.2f}x")
    record(RESULTS, "\n".join(lines))


if __name__ == "__main__":
    main()
