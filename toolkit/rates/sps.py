"""The Shop Performance Score negative review rate: 60 days, order-anchored, initial rating, all negatives."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import narwhals as nw

from toolkit.rates._engines import Frame, _same_kind, _shop_universe
from toolkit.rates.negatives import _prepared
from toolkit.rates.snrr import RateConfig, _wilson, _window_counts


def sps_negative_rate(
    orders: Frame, reviews: Frame, as_of: date, tz: str = "UTC", shops: list[str] | None = None
) -> Frame:
    """The Shop Performance Score negative review rate: 60 days, order-anchored, initial rating, all negatives.

    Returns
    -------
    frame
        ``shop_id, as_of, window_days (60), delivered_orders, negative_orders, sps_negative_rate, sps_low, sps_high,
        delivered_orders_90d, eligible`` (eligible: at least 30 delivered orders in 90 days).

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="UTC")
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "shop_id": "s", "product_id": "p",
    ...                        "order_status": "delivered", "delivered_at": [ts("2024-04-10"), ts("2024-05-20")]})
    >>> reviews = pd.DataFrame({"review_id": ["r1"], "order_id": ["o1"], "shop_id": "s", "product_id": "p",
    ...                         "rating": [5], "initial_rating": [1], "created_at": [ts("2024-04-12")]})
    >>> sps_negative_rate(orders, reviews, date(2024, 5, 30))[["negative_orders", "sps_negative_rate"]].to_dict("list")
    {'negative_orders': [1], 'sps_negative_rate': [0.5]}
    """
    config = RateConfig(as_of=as_of, window_days=60, tz=tz, anchor="order", rating="initial")
    o, r, delivered, classified = _prepared(orders, reviews, config, None)
    universe = _shop_universe(o, r, shops)
    lf = _window_counts(delivered, classified, config, universe).select(
        "shop_id", "delivered_orders", "negative_reviews"
    )
    wide = _window_counts(delivered, classified, replace(config, window_days=90), universe)
    wide = wide.select("shop_id", nw.col("delivered_orders").alias("delivered_orders_90d"))
    lf = lf.join(wide, on="shop_id", how="left")
    p, low, high = _wilson(nw.col("negative_reviews"), nw.col("delivered_orders"))
    lf = lf.select(
        "shop_id",
        nw.lit(as_of).alias("as_of"),
        nw.lit(60, nw.Int64).alias("window_days"),
        "delivered_orders",
        nw.col("negative_reviews").alias("negative_orders"),
        p.alias("sps_negative_rate"),
        low.alias("sps_low"),
        high.alias("sps_high"),
        "delivered_orders_90d",
        (nw.col("delivered_orders_90d") >= 30).alias("eligible"),
    )
    return _same_kind(lf.sort("shop_id"), orders)
