"""Benchmark: the cost of a batch of reports per shop, and of one report alone, whole-process.

Fleets of 7, 63 and 500 shops are the 7 sample shops replicated under new shop ids (``shop-quality~r3``, ...).
Each batch is the real command (``shop-health report --all --workers 2``) in a fresh process; its CPU seconds (user +
system of the command and every process it started: workers, kernels), wall time and the peak resident memory of
its largest process are read from the kernel's accounting of the finished children (``getrusage``).

Goals (issue 13, on a 2-core machine): at most 1.5 CPU-s per shop at 63 shops and more, no process above 1.5 GB,
1,000 shops in under 20 minutes (extrapolated from the 500-shop wall time), ``report --shop X`` under 6 s.

Run: ``.venv/bin/python bench/bench_reports.py`` (7 and 63 shops and one shop; about 3 minutes on a quiet machine),
``... bench_reports.py 7 63 500`` for the large fleet too, ``--distinct-texts`` to give every copy its own review
texts (each copy's non-empty texts get `` (k)`` appended) so that nothing is classified once for many shops,
``--spark`` to run the batches with ``--engine spark`` (wall time only).
Results are appended to bench/results/reports.txt with the machine's load average, since the machine is shared.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import pandas as pd
from record import record  # bench/record.py (the script's folder is on sys.path)

from toolkit.paths import SAMPLES_DIR

RESULTS = Path(__file__).parent / "results" / "reports.txt"
AS_OF = "2026-10-31"
CLI = str(Path(sys.executable).with_name("shop-health"))
TABLES = ("orders", "reviews", "products", "chats")


def fleet(folder: Path, copies: int, distinct: bool = False) -> Path:
    """The sample shops ``copies`` times (the first copy keeps its ids) as CSV files in ``folder``; with
    ``distinct`` every copy's review texts differ from the other copies' (`` (k)`` appended), as a real fleet's do."""
    folder.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        frame = pd.read_csv(SAMPLES_DIR / f"{table}.csv", dtype=str, keep_default_na=False)
        parts = [frame] + [_copy(frame, k, distinct and table == "reviews") for k in range(1, copies)]
        pd.concat(parts, ignore_index=True).to_csv(folder / f"{table}.csv", index=False)
    return folder


def _copy(frame: pd.DataFrame, k: int, new_texts: bool) -> pd.DataFrame:
    copy = frame.assign(shop_id=frame["shop_id"] + f"~r{k}")
    if new_texts:
        text = copy["review_text"]
        copy["review_text"] = text.where(text.str.strip() == "", text + f" ({k})")
    return copy


def measured(argv: list[str], cwd: Path) -> dict[str, float]:
    """Run ``argv``; its wall time, CPU seconds (it and all its descendants) and largest process's peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "peak_mb": after.ru_maxrss / 1024}  # maxrss: the largest child so far


def one_shop(tmp: Path) -> dict[str, float]:
    return measured([CLI, "report", "--shop", "shop-quality", "--as-of", AS_OF, "--out", str(tmp / "one")], tmp)


def batch(tmp: Path, shops: int, extra: tuple[str, ...] = (), distinct: bool = False) -> dict[str, float]:
    copies = -(-shops // 7)
    data = fleet(tmp / f"fleet{copies}{'d' if distinct else ''}", copies, distinct)
    argv = [CLI, "report", "--all", "--data", str(data), "--as-of", AS_OF, "--out", str(tmp / f"out{shops}")]
    stats = measured([*argv, "--workers", "2", *extra], tmp)
    stats["shops"] = copies * 7
    out = tmp / f"out{shops}" / AS_OF
    stats["mb_per_report"] = sum(p.stat().st_size for p in out.glob("shop-*.html")) / stats["shops"] / 1e6
    return stats


def main(sizes: list[int], distinct: bool = False, engine: str = "local") -> None:
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    stamp = f"{datetime.now():%Y-%m-%d %H:%M} {platform.node()} ({os.cpu_count()} cores, load {load} at start)"
    lines = [stamp]
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if engine == "spark":
            return spark_batches(tmp, sizes, lines)
        one = one_shop(tmp)
        lines.append(
            f"  report --shop shop-quality, whole process: {one['wall']:.1f} s wall, {one['cpu']:.1f} CPU-s, "
            f"peak {one['peak_mb']:.0f} MB (goal < 6 s)"
        )
        for size in sizes:
            b = batch(tmp, size, distinct=distinct)
            n = int(b["shops"])
            per = b["cpu"] / n
            lines.append(
                f"  report --all, {n} shops{' (distinct texts)' if distinct else ''}, 2 workers: "
                f"{b['wall']:.1f} s wall ({b['wall'] / n:.2f} s/shop), "
                f"{b['cpu']:.0f} CPU-s = {per:.2f} CPU-s/shop (goal <= 1.5 at 63+), largest process "
                f"{b['peak_mb']:.0f} MB (goal <= 1536), {b['mb_per_report']:.2f} MB/report inlined; "
                f"1,000 shops at this rate: {b['wall'] / n * 1000 / 60:.1f} min (goal < 20)"
            )
        shared = batch(tmp, 7, ("--shared-assets",))
        lines.append(f"  --shared-assets, 7 shops: {shared['mb_per_report']:.3f} MB/report (+ one 0.9 MB script)")
    lines.append(f"  load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    record(RESULTS, "\n".join(lines))


def spark_batches(tmp: Path, sizes: list[int], lines: list[str]) -> None:
    """``report --all --engine spark`` on the CLI's local[2] session: wall time only (Spark's Python workers are
    the JVM's children, and their CPU time is not reliably handed back to this process's accounting)."""
    for size in sizes:
        b = batch(tmp, size, ("--engine", "spark"))
        n = int(b["shops"])
        lines.append(
            f"  report --all --engine spark (local[2], classify and render on executors), {n} shops: "
            f"{b['wall']:.1f} s wall ({b['wall'] / n:.2f} s/shop; 1,000 shops at this rate: "
            f"{b['wall'] / n * 1000 / 60:.1f} min), {b['mb_per_report']:.2f} MB/report inlined"
        )
    lines.append(f"  load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    record(RESULTS, "\n".join(lines))


if __name__ == "__main__":
    flags = {"--distinct-texts", "--spark"}
    args = [a for a in sys.argv[1:] if a not in flags]
    engine = "spark" if "--spark" in sys.argv[1:] else "local"
    main([int(a) for a in args] or [7, 63], distinct="--distinct-texts" in sys.argv[1:], engine=engine)
