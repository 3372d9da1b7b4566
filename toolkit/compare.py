"""Did the fix work? The negative rate of a product (or a cause) before and after a change date, with a test.

The rate is order-anchored, because a fix acts on what is shipped after it: the delivered orders of the period (of
that product, for a product) that received a seller-related negative review (about that product, or with that
cause) on or before the as-of day, over the delivered orders of the period. Before is the ``days`` days ending the
day before the change; after is the ``days`` days from the change day, cut at the as-of day. Each rate has a Wilson
95% interval; the difference is tested with Fisher's exact test (two-sided), which holds for the small counts a
single product has. Orders delivered in the last days may not be reviewed yet (buyers review days to weeks after
delivery), so a recent "after" reads low: ``detail`` says how many days the after period has.

Examples
--------
>>> import pandas as pd
>>> from toolkit.settings import Settings
>>> ts = lambda s: pd.Timestamp(s, tz="UTC")
>>> days = [ts("2024-05-05")] * 50 + [ts("2024-05-20")] * 50
>>> orders = pd.DataFrame({"order_id": [f"o{i}" for i in range(100)], "shop_id": "s", "product_id": "p",
...                        "order_status": "delivered", "delivered_at": days})
>>> reviews = pd.DataFrame({"review_id": [f"r{i}" for i in range(10)], "order_id": [f"o{i}" for i in range(10)],
...                         "shop_id": "s", "product_id": "p", "rating": 1, "created_at": ts("2024-05-08")})
>>> out = before_after(orders, reviews, Settings(as_of="2024-05-30"), "2024-05-15", shop_id="s", product_id="p",
...                    days=14)
>>> out[["before_negatives", "before_orders", "after_negatives", "after_orders"]].values.tolist()
[[10, 50, 0, 50]]
>>> round(float(out["p_value"].iloc[0]), 4)
0.0012
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from toolkit.errors import ParameterError
from toolkit.rates import Z95, attribute_negatives, to_pandas
from toolkit.settings import Settings, parse_day
from toolkit.taxonomy import Cause

COMPARE_COLUMNS = [
    "shop_id",
    "what",
    "changed_on",
    *(f"{p}_{c}" for p in ("before", "after") for c in ("first", "last", "orders", "negatives", "rate", "low", "high")),
    "difference",
    "p_value",
    "test",
    "verdict",
    "detail",
]


def wilson(x: float, n: float, z: float = Z95) -> tuple[float, float, float]:
    """Rate and Wilson score interval of ``x`` in ``n`` (NaNs when ``n`` is 0).

    Examples
    --------
    >>> [round(v, 4) for v in wilson(1, 10)]
    [0.1, 0.0179, 0.4042]
    """
    if n <= 0:
        return (np.nan, np.nan, np.nan)
    p = x / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    low = 0.0 if x == 0 else max(0.0, float(centre - half))
    return float(p), low, (1.0 if x >= n else min(1.0, float(centre + half)))


def before_after(
    orders: pd.DataFrame,
    reviews: pd.DataFrame,
    settings: Settings,
    changed_on: date | str,
    *,
    shop_id: str,
    attribution: pd.DataFrame | None = None,
    product_id: str | None = None,
    cause: str | None = None,
    days: int = 30,
) -> pd.DataFrame:
    """One row: the before and after rates of the product or cause, their difference and the exact test.

    Returns
    -------
    pandas.DataFrame
        :data:`COMPARE_COLUMNS`; ``verdict`` is ``lower after`` / ``higher after`` when the test's p-value is under
        0.05, else ``no clear change``.
    """
    changed_on = parse_day(changed_on, "changed_on")
    if (product_id is None) == (cause is None):
        raise ParameterError("compare one thing: give a product_id or a cause")
    if cause is not None and cause not in {c.value for c in Cause}:
        raise ParameterError(f"unknown cause {cause!r}; use one of: {', '.join(c.value for c in Cause)}")
    if days < 1:
        raise ParameterError(f"days must be at least 1, got {days}")
    if changed_on > settings.as_of:
        raise ParameterError(f"the change day {changed_on} is after the as-of day {settings.as_of}: nothing after yet")
    orders, reviews = orders[orders["shop_id"] == shop_id], reviews[reviews["shop_id"] == shop_id]
    if product_id is not None and product_id not in set(orders["product_id"]) | set(reviews["product_id"]):
        raise ParameterError(f"product {product_id!r} has no orders or reviews in shop {shop_id!r}")
    delivered = orders[(orders["order_status"] == "delivered") & orders["delivered_at"].notna()]
    if product_id is not None:
        delivered = delivered[delivered["product_id"] == product_id]
    delivered = delivered.assign(day=delivered["delivered_at"].dt.tz_convert(settings.tz).dt.date)
    delivered = delivered.groupby("order_id", as_index=False)["day"].min()

    att = attribution[attribution["shop_id"] == shop_id] if attribution is not None else None
    classified = to_pandas(attribute_negatives(reviews, att, settings.rating))
    negative = classified[classified["seller"]]
    negative = negative[negative["created_at"].dt.tz_convert(settings.tz).dt.date <= settings.as_of]
    if product_id is not None:
        negative = negative[negative["product_id"] == product_id]
    else:
        negative = negative[negative["cause"] == cause]
    hit = set(negative["order_id"])

    periods = {
        "before": (changed_on - timedelta(days=days), changed_on - timedelta(days=1)),
        "after": (changed_on, min(changed_on + timedelta(days=days - 1), settings.as_of)),
    }
    row: dict[str, object] = {
        "shop_id": shop_id,
        "what": f"product {product_id}" if product_id is not None else f"cause {cause}",
        "changed_on": changed_on,
    }
    counts = {}
    for name, (first, last) in periods.items():
        in_period = delivered[(delivered["day"] >= first) & (delivered["day"] <= last)]
        n, x = len(in_period), int(in_period["order_id"].isin(hit).sum())
        p, low, high = wilson(x, n)
        counts[name] = (x, n)
        row.update(
            {
                f"{name}_first": first,
                f"{name}_last": last,
                f"{name}_orders": n,
                f"{name}_negatives": x,
                f"{name}_rate": p,
                f"{name}_low": low,
                f"{name}_high": high,
            }
        )
    (xb, nb), (xa, na) = counts["before"], counts["after"]
    if nb and na:
        from scipy import stats  # here, not at the top: only a report with a change date needs it (~1 s import)

        _, p_value = stats.fisher_exact([[xb, nb - xb], [xa, na - xa]], alternative="two-sided")
    else:
        p_value = np.nan
    difference = row["after_rate"] - row["before_rate"] if nb and na else np.nan
    verdict = "no clear change"
    if p_value == p_value and p_value < 0.05:
        verdict = "lower after" if difference < 0 else "higher after"
    after_days = (periods["after"][1] - periods["after"][0]).days + 1
    row.update(
        {
            "difference": difference,
            "p_value": p_value,
            "test": "Fisher exact, two-sided",
            "verdict": verdict if nb and na else "not enough orders",
            "detail": (
                f"order-anchored: delivered orders with a seller-related negative; before {days} days, after "
                f"{after_days} days (recent orders may not be reviewed yet)"
            ),
        }
    )
    return pd.DataFrame([row], columns=COMPARE_COLUMNS)
