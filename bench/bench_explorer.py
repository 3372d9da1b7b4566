"""Benchmark of toolkit.explorer: each widget interaction (recompute + re-render) for a big shop.

Usage: .venv/bin/python bench/bench_explorer.py [--orders 100000] [--reviews 10000] [--repeat 5] [--engine pandas]

Builds two synthetic shops, each with ``--orders`` delivered orders (one line each) over 120 days and ``--reviews``
reviews whose texts are drawn from the bundled sample reviews (so the classifier has real work), classifies them
once, then drives the apps from Python exactly as a user's click does (setting a widget's ``value`` runs its
observers synchronously): the time of one interaction is from setting the value to the charts' mime bundles and
the table's HTML being ready for the front end. "cold" clears the explorer's caches first (the first visit of a
shop/as-of/window/anchor); "warm" is a revisit. Goal: every interaction under 300 ms.

Results are appended to bench/results/explorer.txt.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from record import record  # bench/record.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "explorer.txt"
AS_OF = date(2026, 10, 31)
GOAL_MS = 300


def synthetic(orders_per_shop: int, reviews_per_shop: int, shops=("big-a", "big-b"), seed: int = 0):
    """ShopData with canonical frames; review texts and ratings resampled from the bundled samples."""
    from toolkit.load import LoadReport, ShopData, load_shop_data

    rng = np.random.default_rng(seed)
    sample = load_shop_data().reviews
    sample = sample[sample["review_text"].fillna("") != ""]
    end = pd.Timestamp(AS_OF, tz="UTC") + pd.Timedelta(hours=12)
    orders, reviews, products, chats = [], [], [], []
    for s, shop in enumerate(shops):
        n, k = orders_per_shop, reviews_per_shop
        delivered = end - pd.to_timedelta(rng.integers(0, 120 * 86400, n), unit="s")
        created = delivered - pd.to_timedelta(rng.integers(2 * 86400, 6 * 86400, n), unit="s")
        ids = np.char.add(f"O{s}-", np.arange(n).astype(str))
        product = np.char.add(f"{shop}-p", rng.integers(0, 40, n).astype(str))
        orders.append(
            pd.DataFrame(
                {
                    "order_id": ids,
                    "shop_id": shop,
                    "product_id": product,
                    "order_status": "delivered",
                    "created_at": created,
                    "shipped_at": created + pd.Timedelta(hours=20),
                    "ship_by": created + pd.Timedelta(hours=48),
                    "delivered_at": delivered,
                    "quantity": 1,
                }
            )
        )
        pick = rng.choice(n, k, replace=False)
        texts = sample.sample(k, replace=True, random_state=seed + s)
        reviews.append(
            pd.DataFrame(
                {
                    "review_id": np.char.add(f"R{s}-", np.arange(k).astype(str)),
                    "order_id": ids[pick],
                    "shop_id": shop,
                    "product_id": product[pick],
                    "rating": texts["rating"].to_numpy(),
                    "review_text": texts["review_text"].to_numpy(),
                    "created_at": np.minimum(delivered[pick] + pd.Timedelta(days=2), end),
                }
            )
        )
        products.append(
            pd.DataFrame({"product_id": [f"{shop}-p{i}" for i in range(40)], "shop_id": shop, "title": "a product"})
        )
        m = n // 20
        asked = end - pd.to_timedelta(rng.integers(0, 120 * 86400, m), unit="s")
        answered = asked + pd.to_timedelta(rng.integers(60, 30 * 3600, m), unit="s")
        chats.append(
            pd.DataFrame(
                {
                    "conversation_id": np.char.add(f"C{s}-", np.arange(m).astype(str)),
                    "shop_id": shop,
                    "order_id": None,
                    "buyer_message_at": asked,
                    "seller_response_at": answered,
                }
            )
        )
    frames = [pd.concat(x, ignore_index=True) for x in (orders, reviews, products, chats)]
    frames[1]["rating"] = frames[1]["rating"].astype("int64")
    return ShopData(*frames, set_aside=pd.DataFrame(), report=LoadReport([]))


def timed(action, app, cold: bool, repeat: int) -> list[float]:
    """Milliseconds of ``action()`` (it changes one widget value and returns a function that undoes it).

    Cold: the caches are emptied and only the app's current state is computed again, so the new state is a
    first visit (as for a user who has just opened the app); warm: the new state was seen before.
    """
    out = []
    for _ in range(repeat):
        if cold:
            app.explorer.clear_caches()
            app.explorer.view_data(app.state, app.parts)
        start = time.perf_counter()
        undo = action()
        out.append((time.perf_counter() - start) * 1000)
        undo()
    return out


def setter(control, value):
    def act():
        old = control.value
        control.value = value
        return lambda: setattr(control, "value", old)

    return act


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--engine", choices=["auto", "pandas"], default="auto", help="pandas: run the rates on pandas even with polars"
    )
    args = parser.parse_args()
    if args.engine == "pandas":
        import toolkit.explorer

        toolkit.explorer._polars = lambda: None

    from toolkit.explorer import CausesApp, Explorer, LabellingApp, OverviewApp, ProductsApp

    t0 = time.perf_counter()
    data = synthetic(args.orders, args.reviews)
    t1 = time.perf_counter()
    labels = Path(tempfile.mkdtemp()) / "labels.csv"
    explorer = Explorer(data, labels_path=labels, as_of=AS_OF)
    t2 = time.perf_counter()
    apps = {
        "overview": OverviewApp(explorer, shop_id="big-a"),
        "causes": CausesApp(explorer, shop_id="big-a"),
        "products": ProductsApp(explorer, shop_id="big-a"),
        "labelling": LabellingApp(explorer, shop_id="big-a"),
    }
    t3 = time.perf_counter()
    ov, ca, pr, la = apps.values()
    top_cause = explorer.view_data(ca.state)["negatives"]["cause"].value_counts().index[0]
    cases = [
        ("overview: shop big-a -> big-b", setter(ov.shop, "big-b")),
        ("overview: window 30 -> 60", setter(ov.window, 60)),
        ("overview: window 30 -> 90", setter(ov.window, 90)),
        ("overview: anchor review -> order", setter(ov.anchor, "order")),
        ("overview: as-of day - 7", setter(ov.as_of, AS_OF - timedelta(days=7))),
        (f"causes: cause filter -> {top_cause}", setter(ca.cause, top_cause)),
        ("causes: product filter -> big-a-p3", setter(ca.product, "big-a-p3")),
        ("causes: language filter -> en", setter(ca.language, "en")),
        ("causes: window 30 -> 60", setter(ca.window, 60)),
        ("products: product filter -> big-a-p3", setter(pr.product, "big-a-p3")),
        ("products: shop big-a -> big-b", setter(pr.shop, "big-b")),
        ("labelling: 1-2 stars only -> all", setter(la.negative_only, False)),
    ]
    lines = [
        f"== {time.strftime('%Y-%m-%d %H:%M')} {os.uname().nodename} explorer: 2 shops x {args.orders:,} orders "
        f"+ {args.reviews:,} reviews; rates on {'pandas' if args.engine == 'pandas' else 'polars if installed'}; "
        f"repeat {args.repeat}; median (max) ms; goal < {GOAL_MS} ms",
        f"data generation {t1 - t0:.1f} s; Explorer() incl. classifying {2 * args.reviews:,} reviews {t2 - t1:.1f} s;"
        f" building the 4 apps {t3 - t2:.1f} s",
    ]
    worst = 0.0
    for name, action in cases:
        app = next(a for key, a in apps.items() if name.startswith(key))
        cold = timed(action, app, True, args.repeat)
        warm = timed(action, app, False, args.repeat)
        worst = max(worst, statistics.median(cold), statistics.median(warm))
        lines.append(
            f"{name:<42} cold {statistics.median(cold):6.0f} ({max(cold):4.0f})   "
            f"warm {statistics.median(warm):6.0f} ({max(warm):4.0f})"
        )
    saves = []
    for i in range(args.repeat):
        la.new_cause.value = "poor_quality" if i % 2 else "not_as_described"
        start = time.perf_counter()
        la.save.click()
        saves.append((time.perf_counter() - start) * 1000)
    lines.append(
        f"{'labelling: save a label (write + re-classify)':<42} {statistics.median(saves):6.0f} ({max(saves):4.0f})"
    )
    lines.append(
        f"slowest median interaction {worst:.0f} ms: {'within' if worst < GOAL_MS else 'OVER'} the {GOAL_MS} ms goal"
    )
    record(RESULTS, "\n".join(lines))


if __name__ == "__main__":
    main()
