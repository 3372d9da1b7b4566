"""The ledger of one shop's rates: every order and review considered as of a day, with its role and the reason."""

from __future__ import annotations

from datetime import timedelta

import narwhals as nw

from toolkit.rates._engines import Frame, _lazy_all, _on_backend, _same_kind, _small_frame
from toolkit.rates.negatives import _prepared
from toolkit.rates.snrr import RateConfig
from toolkit.settings import EPOCH


def ledger(orders: Frame, reviews: Frame, config: RateConfig, shop_id: str, attribution: Frame | None = None) -> Frame:
    """Every order and review of one shop considered for its rates as of ``config.as_of``, with role and reason.

    Returns
    -------
    frame
        ``shop_id, as_of, kind ("order"/"review"), order_id, review_id, product_id, date (of delivery or review in
        the shop's time zone), stars, cause,
        responsibility, role ("denominator order", "numerator review", "excluded"), in_snrr, in_product_nrr,
        in_service_nrr, reason``. Numerator reviews are the seller-related negatives counted in SNRR; a logistics
        negative in the window is "excluded" with its reason (it is still in ``negative_reviews``).

    Examples
    --------
    >>> from datetime import date
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="UTC")
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "shop_id": "s", "product_id": "p",
    ...                        "order_status": ["delivered", "shipped"], "delivered_at": [ts("2024-05-20"), pd.NaT]})
    >>> reviews = pd.DataFrame({"review_id": ["r1", "r2"], "order_id": ["o1", "o1"], "shop_id": "s", "product_id": "p",
    ...                         "rating": [1, 5], "created_at": [ts("2024-05-21"), ts("2024-04-01")]})
    >>> led = ledger(orders, reviews, RateConfig(as_of=date(2024, 5, 30)), "s")
    >>> led[["kind", "order_id", "role"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['order', 'o1', 'denominator order'], ['order', 'o2', 'excluded'],
     ['review', 'o1', 'numerator review'], ['review', 'o1', 'excluded']]
    >>> led["reason"].iloc[2]
    'review day in the window; unattributed, counted as seller-related'
    """
    o, r, att = _lazy_all(orders, reviews, attribution)
    o, r = o.filter(nw.col("shop_id") == shop_id), r.filter(nw.col("shop_id") == shop_id)
    att = _on_backend(att, r)
    _, _, delivered, classified = _prepared(o, r, config, att)
    in_window = nw.col("day").is_between(config.first, config.last)
    order_rows = _ledger_orders(o, delivered, in_window)
    review_rows = _ledger_reviews(classified, delivered, config, in_window)
    rows = nw.concat([order_rows, review_rows.select(order_rows.collect_schema().names())], how="vertical")
    span = rows.select(nw.col("day").min().alias("lo"), nw.col("day").max().alias("hi")).collect().rows()[0]
    lo, hi = (int(v) for v in span) if span[0] is not None and span[0] == span[0] else (config.last, config.last)
    days = list(range(lo, hi + 1))
    dates = _small_frame(
        o, {"day": days, "date": [EPOCH + timedelta(days=d) for d in days]}, {"day": "BIGINT", "date": "DATE"}
    )
    rows = rows.join(dates.with_columns(nw.col("day").cast(nw.Float64)), on="day", how="left")
    columns = ["shop_id", "as_of", "kind", "order_id", "review_id", "product_id", "date", "stars", "cause"]
    columns += ["responsibility", "role", "in_snrr", "in_product_nrr", "in_service_nrr", "reason"]
    rows = rows.with_columns(as_of=nw.lit(config.as_of)).select(columns)
    return _same_kind(rows.sort("kind", "order_id", "review_id", nulls_last=False), orders, nan_dates=("date",))


def _ledger_orders(orders: nw.LazyFrame, delivered: nw.LazyFrame, in_window: nw.Expr) -> nw.LazyFrame:
    statuses = orders.group_by("shop_id", "order_id").agg(nw.col("order_status").max(), nw.col("product_id").min())
    lf = statuses.join(delivered, on=["shop_id", "order_id"], how="left")
    is_den = ~nw.col("day").is_null() & in_window.fill_null(False)
    reason = (
        nw.when(nw.col("day").is_null())
        .then(nw.concat_str(nw.lit("not delivered (status "), nw.col("order_status"), nw.lit("): not counted")))
        .when(is_den)
        .then(nw.lit("delivered in the window: counted in the denominator"))
        .otherwise(nw.lit("delivered outside the window: not counted"))
    )
    return lf.select(
        nw.col("shop_id"),
        nw.lit("order").alias("kind"),
        nw.col("order_id"),
        nw.lit(None, nw.String).alias("review_id"),
        nw.col("product_id"),
        nw.col("day").cast(nw.Float64),
        nw.lit(None, nw.Float64).alias("stars"),
        nw.lit(None, nw.String).alias("cause"),
        nw.lit(None, nw.String).alias("responsibility"),
        nw.when(is_den).then(nw.lit("denominator order")).otherwise(nw.lit("excluded")).alias("role"),
        nw.lit(False).alias("in_snrr"),
        nw.lit(False).alias("in_product_nrr"),
        nw.lit(False).alias("in_service_nrr"),
        reason.alias("reason"),
    )


def _ledger_reviews(
    classified: nw.LazyFrame, delivered: nw.LazyFrame, config: RateConfig, in_window: nw.Expr
) -> nw.LazyFrame:
    if config.anchor == "review":
        placed = in_window
        where = nw.lit("review day in the window")
        outside = nw.lit("review day outside the window: not counted")
        lf = classified
    else:
        window_orders = delivered.filter(in_window).select("shop_id", "order_id", nw.lit(True).alias("_in"))
        lf = classified.join(window_orders, on=["shop_id", "order_id"], how="left")
        placed = nw.col("_in").fill_null(False) & (nw.col("day") <= config.last)
        where = nw.lit("its order was delivered in the window (the order counts once)")
        outside = nw.lit("its order was not delivered in the window, or the review came after as_of: not counted")
    counted = nw.col("negative") & placed
    seller_why = (
        nw.when(nw.col("unattributed"))
        .then(nw.lit("unattributed, counted as seller-related"))
        .otherwise(nw.concat_str(nw.lit("seller-related, cause "), nw.col("cause")))
    )
    reason = (
        nw.when(~nw.col("negative"))
        .then(nw.concat_str(nw.lit("not negative ("), nw.col("stars").cast(nw.String), nw.lit(" stars)")))
        .when(~placed)
        .then(outside)
        .when(nw.col("logistics"))
        .then(nw.concat_str(where, nw.lit("; logistics-related: in negative_reviews, not in SNRR")))
        .otherwise(nw.concat_str(where, nw.lit("; "), seller_why))
    )
    return lf.select(
        nw.col("shop_id"),
        nw.lit("review").alias("kind"),
        nw.col("order_id"),
        nw.col("review_id"),
        nw.col("product_id"),
        nw.col("day").cast(nw.Float64),
        nw.col("stars").cast(nw.Float64),
        nw.col("cause"),
        nw.col("responsibility"),
        nw.when(counted & nw.col("seller"))
        .then(nw.lit("numerator review"))
        .otherwise(nw.lit("excluded"))
        .alias("role"),
        (counted & nw.col("seller")).alias("in_snrr"),
        (counted & nw.col("product")).alias("in_product_nrr"),
        (counted & nw.col("service")).alias("in_service_nrr"),
        reason.alias("reason"),
    )
