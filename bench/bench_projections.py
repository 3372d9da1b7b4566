"""Back-test of the recovery projections (toolkit.projections) on the sample shops and the real Olist samples.

Usage: .venv/bin/python bench/bench_projections.py [--step 7]

For every shop and every ``step``-th day t of the data (leaving two windows after it), when the shop's 30-day SNRR
is above the 1% target on day t: project from day t with each scenario that can be checked ("no new negatives",
"at the current inflow"; "top contributor fixed" needs a fix that happened, so it is not back-tested) and compare
with what happened: the first later day the real trailing SNRR was at or under the target, within the 60-day
horizon (a window without deliveries has no rate: it does not count as under). The inflow is that of the 90 days
to t (fewer where the data starts later). A projection is a hit when both days exist and are within 3 days of
each other, or when both say "not
within the horizon". Results are appended to bench/results/projections.txt.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from record import record  # noqa: E402

from toolkit.pipeline import analyse  # noqa: E402
from toolkit.projections import _seller_negatives, first_day_under  # noqa: E402
from toolkit.settings import Settings  # noqa: E402
from toolkit.source import DataSource  # noqa: E402

OLIST = ROOT.parent / "shared" / "realdata" / "olist"
W, TARGET, TOLERANCE, INFLOW = 30, 0.01, 3, 90
H = 2 * W


def per_day(analysis) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], pd.DatetimeIndex]:
    s = analysis.settings
    o = analysis.data.orders
    o = o[(o["order_status"] == "delivered") & o["delivered_at"].notna()]
    o = o.assign(day=o["delivered_at"].dt.tz_convert(s.tz).dt.date).groupby(["shop_id", "order_id"])["day"].min()
    neg = _seller_negatives(analysis.data.reviews, analysis.attribution, s)
    first, last = analysis.data_range
    days = pd.date_range(first, last, freq="D").date
    n = o.reset_index().groupby(["shop_id", "day"]).size().unstack(fill_value=0).reindex(columns=days, fill_value=0)
    x = neg.groupby(["shop_id", "day"]).size().unstack(fill_value=0).reindex(columns=days, fill_value=0)
    x = x.reindex(n.index.union(x.index), fill_value=0)
    n = n.reindex(x.index, fill_value=0)
    return {shop: (n.loc[shop].to_numpy(float), x.loc[shop].to_numpy(float)) for shop in n.index}, days


def backtest(analysis, step: int) -> pd.DataFrame:
    arrays, days = per_day(analysis)
    rows = []
    for shop, (n, x) in arrays.items():
        cn, cx = np.concatenate([[0], np.cumsum(n)]), np.concatenate([[0], np.cumsum(x)])
        win_n = cn[W:] - cn[:-W]  # window ending on day index W-1+j
        win_x = cx[W:] - cx[:-W]
        for t in range(W - 1, len(days) - H, step):
            j = t - (W - 1)
            if win_n[j] == 0 or win_x[j] <= TARGET * win_n[j]:
                continue
            fn, fx = win_n[j + 1 : j + H + 1], win_x[j + 1 : j + H + 1]
            future = np.flatnonzero((fn > 0) & (fx <= TARGET * fn + 1e-12))  # a window without deliveries has no rate
            actual = int(future[0]) + 1 if future.size else None
            wn, wx = n[t - W + 1 : t + 1], x[t - W + 1 : t + 1]
            tn, tx = n[max(0, t - INFLOW + 1) : t + 1], x[max(0, t - INFLOW + 1) : t + 1]
            for name, inflow, daily in (
                ("no_new_negatives", 0.0, None),
                ("current_inflow", tx.sum() / tn.sum(), tn.sum() / len(tn)),
            ):
                k = first_day_under(wn, wx, target=TARGET, window_days=W, inflow_rate=inflow, horizon=H, daily=daily)
                hit = (k is None and actual is None) or (
                    k is not None and actual is not None and abs(k - actual) <= TOLERANCE
                )
                rows.append(
                    {"shop": shop, "t": days[t], "scenario": name, "projected": k, "actual": actual, "hit": hit}
                )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", type=int, default=7)
    args = parser.parse_args()
    sources = {"samples": DataSource(use_default_labels=False)}
    for name in ("random-sample", "problem-sample"):
        if (OLIST / name).is_dir():
            sources[f"olist {name}"] = DataSource(data_dir=str(OLIST / name), preset="olist", use_default_labels=False)
    lines = [f"# projections back-test: 30-day SNRR, target 1%, hit = within {TOLERANCE} days (or both none in {H})"]
    for label, source in sources.items():
        result = backtest(analyse(source, Settings()), args.step)
        if result.empty:
            lines.append(f"{label}: no shop-day above the target")
            continue
        for name, g in result.groupby("scenario"):
            recovered = g["actual"].notna().mean()
            lines.append(
                f"{label:22s} {name:18s} projections {len(g):6d} ({g['shop'].nunique()} shops), "
                f"hit {g['hit'].mean() * 100:5.1f}%, really back under within {H} days {recovered * 100:5.1f}%, "
                f"projected back under {g['projected'].notna().mean() * 100:5.1f}%"
            )
    record(ROOT / "bench" / "results" / "projections.txt", "\n".join(lines))


if __name__ == "__main__":
    main()
