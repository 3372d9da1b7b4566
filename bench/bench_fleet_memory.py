"""Benchmark: the memory of a batch's parent process as the fleet grows (issue 13 item 2: no process above 1.5 GB
whatever the fleet size).

The parent of ``shop-health report --all`` loads, classifies and computes the fleet's figures, and writes each
shop's slice; the workers and their kernels render one shop at a time from its slice (their memory does not grow
with the fleet: ``bench_reports.py`` measures them at 63 and 504 shops). This script does exactly the parent's work
(:func:`toolkit.parts.fleet_analysis`, then part by part the figures and the slices, as
:func:`toolkit.render.render_reports` does) without rendering, in a fresh process per fleet, and reports its peak
resident memory, the number of parts and the wall time. Fleets are the samples replicated under new shop ids
(generated data).

Run: ``.venv/bin/python bench/bench_fleet_memory.py 1008 5040`` (about 2 minutes per 1,000 shops).
Results are appended to bench/results/fleet_memory.txt.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from record import record  # bench/record.py (the script's folder is on sys.path)

RESULTS = Path(__file__).parent / "results" / "fleet_memory.txt"
AS_OF = date(2026, 10, 31)


def parent_work(data: Path, scratch: Path) -> None:
    """What the batch's parent does, without the workers: load in parts, classify, figures, slices."""
    from toolkit.parts import Parts, fleet_analysis
    from toolkit.render import _with_figures, _write_slices
    from toolkit.settings import Settings
    from toolkit.source import DataSource

    start = time.perf_counter()
    source = DataSource(data_dir=str(data), use_default_labels=False)
    with fleet_analysis(source, Settings(as_of=AS_OF)) as fleet:
        rows: list = []
        pieces = fleet.analyses() if isinstance(fleet, Parts) else [fleet]
        for k, (piece, mine) in enumerate(_with_figures(pieces, fleet.check_shops(None), rows)):
            _write_slices(piece, mine, scratch / f"slices{k}")
            del piece
        parts = len(fleet.files) if isinstance(fleet, Parts) else 1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    shops = sum(len(r) for r in rows)
    print(f"{shops} {parts} {time.perf_counter() - start:.1f} {peak:.0f}")


def main(sizes: list[int]) -> None:
    from bench_reports import fleet  # the same replicated fleets as the batch benchmark

    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [f"{datetime.now():%Y-%m-%d %H:%M} {platform.node()} ({os.cpu_count()} cores, load {load} at start)"]
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for size in sizes:
            data = fleet(tmp / f"fleet{size}", -(-size // 7))
            mb = sum(p.stat().st_size for p in data.iterdir()) / 1e6
            argv = [sys.executable, __file__, "--parent", str(data), str(tmp / f"scratch{size}")]
            done = subprocess.run(argv, capture_output=True, text=True, check=False)
            if done.returncode:
                raise SystemExit(done.stderr[-2000:])
            shops, parts, wall, peak = done.stdout.split()[-4:]
            lines.append(
                f"  parent of report --all, {int(shops):,} shops ({mb:,.0f} MB of CSV, {parts} part(s)): "
                f"{float(wall):.1f} s wall, peak {peak} MB (goal <= 1536 whatever the fleet size)"
            )
            for path in data.iterdir():
                path.unlink()
    lines.append(f"  load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    record(RESULTS, "\n".join(lines))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--parent"]:
        Path(sys.argv[3]).mkdir()
        parent_work(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main([int(a) for a in sys.argv[1:]] or [1008])
