"""Where a shop's SNRR comes from and where it goes: contributions per product or cause, headroom under each
threshold and the day the rate falls back under it."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

import narwhals as nw

from toolkit.errors import ParameterError
from toolkit.rates._engines import Frame, _same_kind, _shop_universe, _small_frame
from toolkit.rates.negatives import _prepared
from toolkit.rates.snrr import RateConfig, _wilson, _window_counts
from toolkit.settings import EPOCH


def _seller_numerator(delivered: nw.LazyFrame, classified: nw.LazyFrame, config: RateConfig) -> nw.LazyFrame:
    """The seller-related negative reviews in the SNRR numerator, each with a ``weight`` summing to its count.

    Under the order anchor an order with several such reviews counts once, so each of its reviews weighs 1/k.
    """
    seller = classified.filter(nw.col("seller"))
    if config.anchor == "review":
        return seller.filter(nw.col("day").is_between(config.first, config.last)).with_columns(weight=nw.lit(1.0))
    in_window = delivered.filter(nw.col("day").is_between(config.first, config.last)).select("shop_id", "order_id")
    lf = seller.filter(nw.col("day") <= config.last).join(in_window, on=["shop_id", "order_id"], how="inner")
    per_order = nw.len().over("shop_id", "order_id").cast(nw.Float64)
    return lf.with_columns(weight=1.0 / per_order)


def contributions(
    orders: Frame,
    reviews: Frame,
    config: RateConfig,
    attribution: Frame | None = None,
    by: Literal["product", "cause"] = "product",
) -> Frame:
    """How much of each shop's SNRR each product (or cause) contributes; per shop they sum to the SNRR.

    Returns
    -------
    frame
        ``shop_id, as_of, product_id`` (or ``cause``; ``"unattributed"`` for negatives without one),
        ``seller_negative_reviews`` (weighted under the order anchor), ``delivered_orders``, ``contribution``
        (fraction of delivered orders: the share of the SNRR), ``contribution_pp`` (percentage points) and
        ``share`` (of the shop's seller-related negatives). Largest contribution first within each shop.

    Examples
    --------
    >>> from datetime import date
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="UTC")
    >>> orders = pd.DataFrame({"order_id": [f"o{i}" for i in range(4)], "shop_id": "s", "product_id": "p",
    ...                        "order_status": "delivered", "delivered_at": ts("2024-05-20")})
    >>> reviews = pd.DataFrame({"review_id": ["r1", "r2", "r3"], "order_id": ["o1", "o2", "o3"], "shop_id": "s",
    ...                         "product_id": ["a", "a", "b"], "rating": [1, 2, 1], "created_at": ts("2024-05-21")})
    >>> contributions(orders, reviews, RateConfig(as_of=date(2024, 5, 30)))[["product_id", "contribution_pp"]]
      product_id  contribution_pp
    0          a             50.0
    1          b             25.0
    """
    key = {"product": "product_id", "cause": "cause"}.get(by)
    if key is None:
        raise ParameterError(f"by must be 'product' or 'cause', got {by!r}")
    _, _, delivered, classified = _prepared(orders, reviews, config, attribution)
    numerator = _seller_numerator(delivered, classified, config)
    if key == "cause":
        numerator = numerator.with_columns(cause=nw.col("cause").fill_null("unattributed"))
    parts = numerator.group_by("shop_id", key).agg(nw.col("weight").sum().alias("seller_negative_reviews"))
    den = delivered.filter(nw.col("day").is_between(config.first, config.last))
    den = den.group_by("shop_id").agg(nw.len().alias("delivered_orders"))
    lf = parts.join(den, on="shop_id", how="left").with_columns(nw.col("delivered_orders").fill_null(0).cast(nw.Int64))
    count = nw.col("seller_negative_reviews")
    contribution = count / nw.when(nw.col("delivered_orders") > 0).then(nw.col("delivered_orders").cast(nw.Float64))
    lf = lf.select(
        "shop_id",
        nw.lit(config.as_of).alias("as_of"),
        key,
        count,
        "delivered_orders",
        contribution.alias("contribution"),
        (contribution * 100).alias("contribution_pp"),
        (count / count.sum().over("shop_id")).alias("share"),
    )
    return _same_kind(lf.sort(["shop_id", "contribution", key], descending=[False, True, False]), orders)


def headroom(
    orders: Frame,
    reviews: Frame,
    config: RateConfig,
    attribution: Frame | None = None,
    shops: list[str] | None = None,
) -> Frame:
    """Room under each threshold, the excess above it, and the first day the SNRR falls back if nothing changes.

    For each threshold (``target``, ``strict``): ``*_headroom`` is how many more seller-related negatives the shop
    can take at its current delivered volume without going above it; ``*_excess`` how many it would have needed to
    avoid to be at or under it now; ``back_under_*_on`` the first future day the SNRR is at or under it if no new
    negatives come, assuming the window's negatives leave as their days pass and deliveries continue at the window's
    daily mean (null when the shop is already at or under, or has no deliveries).

    Examples
    --------
    >>> from datetime import date
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="UTC")
    >>> orders = pd.DataFrame({"order_id": [f"o{i}" for i in range(300)], "shop_id": "s", "product_id": "p",
    ...                        "order_status": "delivered", "delivered_at": ts("2024-05-10")})
    >>> reviews = pd.DataFrame({"review_id": ["r1", "r2"], "order_id": ["o1", "o2"], "shop_id": "s",
    ...                         "product_id": "p", "rating": 1, "created_at": ts("2024-05-12")})
    >>> h = headroom(orders, reviews, RateConfig(as_of=date(2024, 5, 30)))
    >>> h[["target_headroom", "strict_excess", "back_under_strict_on"]].values.tolist()
    [[1, 1, datetime.date(2024, 6, 11)]]
    """
    o, r, delivered, classified = _prepared(orders, reviews, config, attribution)
    universe = _shop_universe(o, r, shops)
    lf = _window_counts(delivered, classified, config, universe)
    n, x = nw.col("delivered_orders"), nw.col("seller_negative_reviews")
    exprs = []
    for name, threshold in (("target", config.target), ("strict", config.strict)):
        allowed = (n.cast(nw.Float64) * threshold + 1e-9).floor().cast(nw.Int64)
        exprs += [
            (allowed - x).clip(lower_bound=0).alias(f"{name}_headroom"),
            (x - allowed).clip(lower_bound=0).alias(f"{name}_excess"),
        ]
    lf = lf.with_columns(*exprs, mean_daily_orders=n.cast(nw.Float64) / config.window_days)
    lf = lf.join(_back_under(delivered, classified, config, universe), on="shop_id", how="left")
    p, _, _ = _wilson(x, n)
    lf = lf.with_columns(nw.lit(config.as_of).alias("as_of"), p.alias("snrr"))
    columns = ["shop_id", "as_of", "delivered_orders", "seller_negative_reviews", "snrr", "mean_daily_orders"]
    columns += ["target_headroom", "target_excess", "strict_headroom", "strict_excess"]
    return _same_kind(lf.select(*columns, "back_under_target_on", "back_under_strict_on").sort("shop_id"), orders)


def _back_under(
    delivered: nw.LazyFrame, classified: nw.LazyFrame, config: RateConfig, universe: nw.LazyFrame
) -> nw.LazyFrame:
    """Per shop, the first future day the projected SNRR is at or under each threshold (while it is above now).

    On future day ``as_of + k`` the items dated up to ``first + k - 1`` have left the window; ``k`` days of new
    deliveries at the window's daily mean have come in and no new negatives.
    """
    w = config.window_days
    window = nw.col("day").is_between(config.first, config.last)
    numerator = _seller_numerator(delivered, classified, config)
    if config.anchor == "order":  # an order's negatives leave with the order, on its delivery day
        days = delivered.select("shop_id", "order_id", nw.col("day").alias("_delivery"))
        numerator = numerator.join(days, on=["shop_id", "order_id"], how="left").with_columns(day=nw.col("_delivery"))
    leaving = nw.concat(
        [
            numerator.select("shop_id", "day", nw.col("weight").alias("x"), nw.lit(0.0).alias("n")),
            delivered.filter(window).select("shop_id", "day", nw.lit(0.0).alias("x"), nw.lit(1.0).alias("n")),
        ],
        how="vertical",
    )
    per_day = leaving.group_by("shop_id", "day").agg(nw.col("x").sum(), nw.col("n").sum())
    days = list(range(config.first, config.last + 1))
    future = [EPOCH + timedelta(days=d + w) for d in days]
    cal = universe.join(
        _small_frame(delivered, {"day": days, "date": future}, {"day": "BIGINT", "date": "DATE"}), how="cross"
    )
    lf = cal.join(per_day, on=["shop_id", "day"], how="left").with_columns(nw.col("x", "n").fill_null(0.0))
    gone = [nw.col(c).cum_sum().over("shop_id", order_by="day").alias(f"{c}_gone") for c in ("x", "n")]
    total = [nw.col(c).sum().over("shop_id").alias(f"{c}_total") for c in ("x", "n")]
    lf = lf.with_columns(*gone, *total)
    k = nw.col("day") - config.first + 1
    x_k = nw.col("x_total") - nw.col("x_gone")
    n_k = nw.col("n_total") - nw.col("n_gone") + k * nw.col("n_total") / w
    now_above = {
        name: nw.col("x_total") > threshold * nw.col("n_total")
        for name, threshold in (("target", config.target), ("strict", config.strict))
    }
    lf = lf.filter(nw.col("n_total") > 0)
    names = [f"back_under_{name}_on" for name in ("target", "strict")]
    lf = lf.with_columns(
        *(
            nw.when(now_above[name] & (x_k <= threshold * n_k)).then(nw.col("date")).alias(column)
            for (name, threshold), column in zip(
                (("target", config.target), ("strict", config.strict)), names, strict=True
            )
        )
    )
    return lf.group_by("shop_id").agg(*(nw.col(c).min() for c in names))
