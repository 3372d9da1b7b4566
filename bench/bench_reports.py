"""Benchmark: render every sample shop's report with 1 and with 2 workers; time one report alone.

Goals: ``--workers 2`` at least 1.6x faster than one at a time; one report under 8 s wall, kernel start included.
Run: ``make bench`` or ``.venv/bin/python bench/bench_reports.py``. Results are appended to bench/results/reports.txt.
"""

from __future__ import annotations

import platform
import tempfile
import time
from datetime import datetime
from pathlib import Path

from record import record  # bench/record.py (the script's folder is on sys.path)

from toolkit import load_shop_data
from toolkit.render import render_one, render_reports
from toolkit.report import ReportSettings

RESULTS = Path(__file__).parent / "results" / "reports.txt"
AS_OF = "2026-10-31"


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    data = load_shop_data()
    shops = sorted(set(data.orders["shop_id"]))
    with tempfile.TemporaryDirectory() as tmp:
        one = timed(lambda: render_one("shop-quality", Path(tmp), {"as_of": AS_OF}))
        serial = timed(lambda: render_reports(ReportSettings(AS_OF), out=Path(tmp) / "w1", workers=1, progress=False))
        parallel = timed(lambda: render_reports(ReportSettings(AS_OF), out=Path(tmp) / "w2", workers=2, progress=False))
    line = (
        f"{datetime.now():%Y-%m-%d %H:%M} {platform.node()} {len(shops)} sample shops: 1 worker {serial:.1f} s, "
        f"2 workers {parallel:.1f} s, speed-up {serial / parallel:.2f}x (goal >= 1.6x); one report alone, loading "
        f"the samples itself, kernel start included: {one:.1f} s (goal < 8 s)"
    )
    record(RESULTS, line)


if __name__ == "__main__":
    main()
