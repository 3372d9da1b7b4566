"""Which reviews are negative and whose: the flags the rate numerators count, and the delivered orders they divide by.

A review is **negative** at 1 or 2 stars; a negative is **logistics-related** when its responsibility is
``logistics`` and **seller-related** otherwise (one with no known cause is *unattributed* and counts as
seller-related); **product-related** when its cause's area is product, **service-related** when the area is fulfilment
or service and it is not logistics-related.
"""

from __future__ import annotations

import narwhals as nw

from toolkit.rates._engines import Frame, _lazy, _lazy_all, _on_backend, _same_kind, _with_day
from toolkit.schema import NEGATIVE_MAX_STARS
from toolkit.settings import Settings
from toolkit.taxonomy import Area, Cause

PRODUCT_CAUSES = tuple(c.value for c in Cause if c.area is Area.PRODUCT)
SERVICE_CAUSES = tuple(c.value for c in Cause if c.area in (Area.FULFILMENT, Area.SERVICE))

#: flag name -> count column in the rate frames
FLAGS = {
    "negative": "negative_reviews",
    "seller": "seller_negative_reviews",
    "product": "product_negative_reviews",
    "service": "service_negative_reviews",
    "logistics": "logistics_negative_reviews",
    "unattributed": "unattributed_negative_reviews",
}


def delivered_orders(orders: nw.LazyFrame, tz: str) -> nw.LazyFrame:
    """One row per delivered order and shop: ``shop_id, order_id, day`` (day number of delivery in ``tz``)."""
    lf = orders.select("shop_id", "order_id", "order_status", "delivered_at")  # fewer columns to filter on pandas
    lf = lf.filter((nw.col("order_status") == "delivered") & ~nw.col("delivered_at").is_null())
    lf = _with_day(lf.drop("order_status"), "delivered_at", tz)
    return lf.group_by("shop_id", "order_id").agg(nw.col("day").min())


def _stars(reviews: nw.LazyFrame, rating: str) -> nw.Expr:
    if rating == "initial" and "initial_rating" in reviews.collect_schema().names():
        return nw.coalesce(nw.col("initial_rating"), nw.col("rating"))
    return nw.col("rating")


def attribute_negatives(reviews: Frame, attribution: Frame | None = None, rating: str = "latest") -> Frame:
    """Classify every review: negative, and if so seller-, product-, service-, logistics-related or unattributed.

    Parameters
    ----------
    reviews : frame
        Canonical reviews (``review_id, order_id, shop_id, product_id, rating, created_at``; ``initial_rating``
        optional).
    attribution : frame, optional
        ``review_id, shop_id, cause, responsibility``: a :class:`~toolkit.taxonomy.Cause` value (or null) and
        ``seller/logistics/buyer/unknown`` (or null). Without it every negative is unattributed.
    rating : {"latest", "initial"}
        Which rating decides negativity.

    Returns
    -------
    frame
        The reviews' ids, ``stars``, ``cause``, ``responsibility`` and boolean columns ``negative, seller, product,
        service, logistics, unattributed``.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"review_id": ["a", "b", "c"], "order_id": ["o1", "o2", "o3"], "shop_id": "s",
    ...                   "product_id": "p", "rating": [1, 2, 5], "created_at": pd.Timestamp("2024-01-01", tz="UTC")})
    >>> att = pd.DataFrame({"review_id": ["a"], "shop_id": ["s"], "cause": ["late_or_wrong_delivery"],
    ...                     "responsibility": ["logistics"]})
    >>> attribute_negatives(r, att)[["review_id", "seller", "logistics", "unattributed"]].to_dict("list")
    ... # doctest: +NORMALIZE_WHITESPACE
    {'review_id': ['a', 'b', 'c'], 'seller': [False, True, False], 'logistics': [True, False, False],
     'unattributed': [False, True, False]}
    """
    lf = _lazy(reviews)  # pandas stays on pandas here: rows come back in input order, which Polars does not keep
    return _same_kind(_classify(lf, _on_backend(attribution, lf), rating), reviews)


def _classify(reviews: nw.LazyFrame, attribution: nw.LazyFrame | None, rating: str) -> nw.LazyFrame:
    lf = reviews.select(
        nw.col("shop_id", "review_id", "order_id", "product_id", "created_at"),
        _stars(reviews, rating).cast(nw.Int64).alias("stars"),
    )
    if attribution is None:
        lf = lf.with_columns(cause=nw.lit(None, nw.String), responsibility=nw.lit(None, nw.String))
    else:
        att = attribution.select(
            nw.col("shop_id", "review_id"),
            nw.col("cause").cast(nw.String),
            nw.col("responsibility").cast(nw.String),
        ).unique(subset=["shop_id", "review_id"], keep="any")
        lf = lf.join(att, on=["shop_id", "review_id"], how="left")
    negative = nw.col("stars") <= NEGATIVE_MAX_STARS
    logistics = negative & (nw.col("responsibility") == "logistics").fill_null(False)
    return lf.with_columns(
        negative=negative,
        logistics=logistics,
        seller=negative & ~logistics,
        product=negative & nw.col("cause").is_in(PRODUCT_CAUSES).fill_null(False),
        service=negative & ~logistics & nw.col("cause").is_in(SERVICE_CAUSES).fill_null(False),
        unattributed=negative & ~logistics & nw.col("cause").is_null(),
    )


def _prepared(orders: Frame, reviews: Frame, config: Settings, attribution: Frame | None):
    o, r, a = _lazy_all(orders, reviews, attribution)
    classified = _with_day(_classify(r, _on_backend(a, r), config.rating), "created_at", config.tz)
    return o, r, delivered_orders(o, config.tz), classified


def _ints(columns) -> list[nw.Expr]:
    return [nw.col(c).cast(nw.Int64) for c in columns]
