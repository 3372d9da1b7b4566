"""The seller negative review rate (SNRR) and the product and service NRR of each shop as of a day.

Definitions follow ``../shared/POLICY.md``:

- A **negative** review has 1 or 2 stars (the latest rating, or the initial one with ``rating="initial"``).
- A **delivered order** counts once per shop (order lines are deduplicated on ``(shop_id, order_id)``); its day is
  ``delivered_at`` in the shop's time zone. A review's day is its ``created_at`` in that zone.
- The window is the ``window_days`` calendar days ending with ``as_of`` (inclusive).
- **Seller-related** negatives are all negatives except logistics-related ones (``responsibility == "logistics"``).
  A negative with no known cause is *unattributed*: it counts as seller-related, and the ledger says so.
- **Product-related**: the cause's area is product. **Service-related**: area fulfilment or service, not logistics.
- Anchor ``review`` (default): a negative counts by its review day, orders by their delivery day. Anchor ``order``: the
  numerator is the delivered orders in the window that received a negative review (on or before ``as_of``).

Examples
--------
>>> import pandas as pd
>>> from datetime import date
>>> from toolkit.rates import RateConfig, shop_rates
>>> ts = lambda s: pd.Timestamp(s, tz="UTC")
>>> orders = pd.DataFrame({"order_id": ["o1", "o2", "o3", "o4"], "shop_id": "s1", "product_id": "p1",
...                        "order_status": "delivered", "delivered_at": [ts("2024-05-01 10:00")] * 4})
>>> reviews = pd.DataFrame({"review_id": ["r1"], "order_id": ["o1"], "shop_id": ["s1"], "product_id": ["p1"],
...                         "rating": [1], "created_at": [ts("2024-05-03 09:00")]})
>>> out = shop_rates(orders, reviews, RateConfig(as_of=date(2024, 5, 30)))
>>> out[["delivered_orders", "seller_negative_reviews", "snrr", "status"]].to_dict("records")
[{'delivered_orders': 4, 'seller_negative_reviews': 1, 'snrr': 0.25, 'status': 'above_target'}]
"""

from __future__ import annotations

import narwhals as nw

from toolkit.rates._engines import Frame, _same_kind, _shop_universe
from toolkit.rates.negatives import FLAGS, _ints, _prepared
from toolkit.settings import Settings

Z95 = 1.959963984540054


#: rate column -> numerator count column
RATES = {
    "snrr": "seller_negative_reviews",
    "product_nrr": "product_negative_reviews",
    "service_nrr": "service_negative_reviews",
}
RATE_COLUMNS = [
    "shop_id",
    "as_of",
    "window_days",
    "anchor",
    "rating",
    "delivered_orders",
    *FLAGS.values(),
    *(f"{r}{s}" for r in RATES for s in ("", "_low", "_high")),
    "status",
    "product_nrr_status",
    "service_nrr_status",
    "small_sample",
]


RateConfig = Settings
"""The rate functions' settings: :class:`toolkit.settings.Settings` (one object for every step)."""


def _wilson(x: nw.Expr, n: nw.Expr, z: float = Z95) -> tuple[nw.Expr, nw.Expr, nw.Expr]:
    """Rate, Wilson low and high for ``x`` successes in ``n`` trials; null where ``n`` is 0.

    Under the review anchor a tiny shop can have more negatives in the window than deliveries (reviews of orders
    delivered earlier): the rate is then above 1 as the formula says, and the interval is that of ``x = n``.
    """
    nf = nw.when(n > 0).then(n.cast(nw.Float64))
    p = x.cast(nw.Float64) / nf
    capped = nw.min_horizontal(x, n).cast(nw.Float64) / nf
    denom = 1 + z**2 / nf
    centre = (capped + z**2 / (2 * nf)) / denom
    half = z * (capped * (1 - capped) / nf + z**2 / (4 * nf**2)).sqrt() / denom
    # the exact bounds at 0 and n, which floating point would miss by ~1e-18
    low = nw.when(x == 0).then(nw.lit(0.0)).otherwise((centre - half).clip(0.0, 1.0))
    high = nw.when(x >= n).then(nw.lit(1.0)).otherwise((centre + half).clip(0.0, 1.0))
    return p, nw.when(n > 0).then(low), nw.when(n > 0).then(high)


def _with_rates(lf: nw.LazyFrame, config: RateConfig) -> nw.LazyFrame:
    n = nw.col("delivered_orders")
    exprs = []
    for rate, count in RATES.items():
        p, low, high = _wilson(nw.col(count), n)
        exprs += [p.alias(rate), low.alias(f"{rate}_low"), high.alias(f"{rate}_high")]
    lf = lf.with_columns(*exprs)
    status = (
        nw.when(n == 0)
        .then(nw.lit("no_orders"))
        .when(nw.col("snrr") > config.target)
        .then(nw.lit("above_target"))
        .when(nw.col("snrr") > config.strict)
        .then(nw.lit("above_strict"))
        .otherwise(nw.lit("ok"))
    )

    def sub_status(rate: str, threshold: float) -> nw.Expr:
        above = nw.when(nw.col(rate) > threshold).then(nw.lit("above_target")).otherwise(nw.lit("ok"))
        return nw.when(n == 0).then(nw.lit("no_orders")).otherwise(above)

    return lf.with_columns(
        status=status,
        product_nrr_status=sub_status("product_nrr", config.product_target),
        service_nrr_status=sub_status("service_nrr", config.service_target),
        small_sample=n < config.min_orders,
        window_days=nw.lit(config.window_days, nw.Int64),
        anchor=nw.lit(config.anchor),
        rating=nw.lit(config.rating),
    )


def _window_counts(
    delivered: nw.LazyFrame, classified: nw.LazyFrame, config: RateConfig, universe: nw.LazyFrame
) -> nw.LazyFrame:
    """Per shop of ``universe``: delivered orders in the window and the negative counts of the numerators.

    Aggregations are kept simple (a bare sum or length) so that pandas runs them as native group-bys.
    """
    in_window = delivered.filter(nw.col("day").is_between(config.first, config.last))
    den = in_window.group_by("shop_id").agg(nw.len().alias("delivered_orders"))
    negatives = classified.filter(nw.col("negative")).with_columns(*_ints(FLAGS))
    if config.anchor == "review":
        num = negatives.filter(nw.col("day").is_between(config.first, config.last))
    else:
        num = (
            negatives.filter(nw.col("day") <= config.last)
            .group_by("shop_id", "order_id")
            .agg(*(nw.col(f).max() for f in FLAGS))
            .join(in_window.select("shop_id", "order_id"), on=["shop_id", "order_id"], how="inner")
        )
    num = num.group_by("shop_id").agg(*(nw.col(f).sum().alias(c) for f, c in FLAGS.items()))
    counts = ["delivered_orders", *FLAGS.values()]
    lf = universe.join(den, on="shop_id", how="left").join(num, on="shop_id", how="left")
    return lf.with_columns(*(nw.col(c).fill_null(0).cast(nw.Int64) for c in counts))


def shop_rates(
    orders: Frame,
    reviews: Frame,
    config: RateConfig,
    attribution: Frame | None = None,
    shops: list[str] | None = None,
) -> Frame:
    """Negative review rates of each shop as of a day: counts, SNRR, product and service NRR, Wilson 95% intervals.

    Parameters
    ----------
    orders, reviews : frame
        Canonical orders (one row per order line) and reviews: pandas or Polars frames, or DuckDB relations.
    config : RateConfig
        As-of day, window, time zone, anchor, rating and thresholds.
    attribution : frame, optional
        Causes of negatives (see :func:`attribute_negatives`); without it all negatives are unattributed.
    shops : list of str, optional
        The shops to report (also those without any row); default every shop with an order or a review.

    Returns
    -------
    frame
        One row per shop with :data:`RATE_COLUMNS`: ``delivered_orders``, the negative counts, ``snrr``,
        ``product_nrr``, ``service_nrr`` (fractions) each with ``_low``/``_high``, ``status`` (``ok``,
        ``above_strict``, ``above_target`` or ``no_orders``) and ``small_sample``. Under ``anchor="order"`` the
        counts are of delivered orders that received such a negative. Sorted by ``shop_id``.

    Examples
    --------
    >>> from datetime import date
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": ["o1", "o1", "o2"], "shop_id": ["s1", "s1", "s2"], "product_id": "p",
    ...                        "order_status": "delivered", "delivered_at": pd.Timestamp("2024-05-20", tz="UTC")})
    >>> reviews = pd.DataFrame(columns=["review_id", "order_id", "shop_id", "product_id", "rating", "created_at"])
    >>> reviews = reviews.astype({"rating": "int64", "created_at": "datetime64[us, UTC]"})
    >>> out = shop_rates(orders, reviews, RateConfig(as_of=date(2024, 5, 30)), shops=["s1", "s3"])
    >>> out[["shop_id", "delivered_orders", "snrr", "status"]].to_dict("list")
    {'shop_id': ['s1', 's3'], 'delivered_orders': [1, 0], 'snrr': [0.0, nan], 'status': ['ok', 'no_orders']}
    """
    o, r, delivered, classified = _prepared(orders, reviews, config, attribution)
    universe = _shop_universe(o, r, shops)
    lf = _window_counts(delivered, classified, config, universe)
    lf = _with_rates(lf.with_columns(as_of=nw.lit(config.as_of)), config)
    return _same_kind(lf.select(RATE_COLUMNS).sort("shop_id"), orders)
