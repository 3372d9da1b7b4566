"""The daily series: every shop's trailing-window rates for every day of a period, in one vectorised pass."""

from __future__ import annotations

from datetime import date

import narwhals as nw

from toolkit.errors import ParameterError
from toolkit.rates._engines import Frame, _calendar, _same_kind, _shop_universe
from toolkit.rates.negatives import FLAGS, _ints, _prepared
from toolkit.rates.snrr import RATE_COLUMNS, RateConfig, _with_rates
from toolkit.settings import day_number


def _negatives_per_day(classified: nw.LazyFrame, first: int, last: int) -> nw.LazyFrame:
    """Per shop and review day from ``first`` to ``last``: the negative counts (review anchor)."""
    negatives = classified.filter(nw.col("negative") & nw.col("day").is_between(first, last))
    per_day = negatives.with_columns(*_ints(FLAGS)).group_by("shop_id", "day")
    return per_day.agg(*(nw.col(f).sum().alias(c) for f, c in FLAGS.items()))


def _order_anchor_changes(
    delivered: nw.LazyFrame, classified: nw.LazyFrame, config: RateConfig, first: int, last: int
) -> nw.LazyFrame:
    """Per shop and day from ``first`` to ``last``: the change of each order-anchored count (+1 in, -1 out).

    An order counts from the later of its delivery day and its first such negative review until it leaves the
    window, ``window_days`` after delivery; that is not a count of one day, so the window value is the running total
    of these changes. Changes before ``first`` are put on ``first``.
    """
    w = config.window_days
    dated = classified.filter(nw.col("negative") & (nw.col("day") <= last))
    dated = dated.with_columns(*(nw.when(nw.col(f)).then(nw.col("day")).alias(f) for f in FLAGS))
    first_negative = dated.group_by("shop_id", "order_id").agg(*(nw.col(f).min() for f in FLAGS))
    # orders that left the window before ``first`` add nothing
    orders = delivered.filter(nw.col("day") > first - w).join(first_negative, on=["shop_id", "order_id"], how="inner")
    changes = []
    for f, c in FLAGS.items():
        enter = nw.max_horizontal(nw.col("day"), nw.col(f))
        counted = orders.filter(~nw.col(f).is_null() & (enter < nw.col("day") + w))
        for when, change in ((enter, 1), (nw.col("day") + w, -1)):
            values = (nw.lit(change if k == c else 0).cast(nw.Int64).alias(k) for k in FLAGS.values())
            on = nw.max_horizontal(when, nw.lit(first)).cast(nw.Int64).alias("day")
            changes.append(counted.select("shop_id", on, *values))
    per_day = nw.concat(changes, how="vertical").filter(nw.col("day") <= last).group_by("shop_id", "day")
    return per_day.agg(*(nw.col(c).sum() for c in FLAGS.values()))


def daily_rates(
    orders: Frame,
    reviews: Frame,
    config: RateConfig,
    since: date,
    attribution: Frame | None = None,
    shops: list[str] | None = None,
) -> Frame:
    """The trailing-window rates of every shop for every day from ``since`` to ``config.as_of``.

    One vectorised pass, no loop over days: deliveries and negatives are counted per shop and day, joined to the
    complete shop x day calendar (days without any row included, from ``window_days - 1`` days before ``since``) and
    summed over each run of ``window_days`` consecutive days of a shop. Order-anchored numerators are running totals
    of entry and exit changes instead (see :func:`_order_anchor_changes`).

    Returns
    -------
    frame
        One row per shop and day with :data:`RATE_COLUMNS` (``as_of`` is the day). Sorted by shop and day.

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="UTC")
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "shop_id": "s", "product_id": "p",
    ...                        "order_status": "delivered", "delivered_at": [ts("2024-05-01"), ts("2024-05-02")]})
    >>> reviews = pd.DataFrame({"review_id": ["r1"], "order_id": ["o1"], "shop_id": "s", "product_id": "p",
    ...                         "rating": [2], "created_at": [ts("2024-05-02")]})
    >>> cfg = RateConfig(as_of=date(2024, 5, 4), window_days=2)
    >>> daily_rates(orders, reviews, cfg, since=date(2024, 5, 1))[["delivered_orders", "snrr"]].values.tolist()
    [[1.0, 0.0], [2.0, 0.5], [1.0, 1.0], [0.0, nan]]
    """
    return _same_kind(_daily_series(orders, reviews, config, since, attribution, shops), orders)


def _daily_series(
    orders: Frame, reviews: Frame, config: RateConfig, since: date, attribution: Frame | None, shops: list[str] | None
) -> nw.LazyFrame:
    """:func:`daily_rates` as a LazyFrame on the backend the inputs are computed on."""
    if since > config.as_of:
        raise ParameterError(f"since ({since}) is after as_of ({config.as_of})")
    o, r, delivered, classified = _prepared(orders, reviews, config, attribution)
    start, end = day_number(since), config.last
    calendar_start = start - config.window_days + 1  # early enough to give every reported day a full window
    deliveries = delivered.filter(nw.col("day").is_between(calendar_start, end)).group_by("shop_id", "day")
    deliveries = deliveries.agg(nw.len().alias("delivered_orders"))
    if config.anchor == "review":
        numerators, summed = _negatives_per_day(classified, calendar_start, end), ["delivered_orders", *FLAGS.values()]
    else:
        numerators, summed = (
            _order_anchor_changes(delivered, classified, config, calendar_start, end),
            ["delivered_orders"],
        )
    cols = ["delivered_orders", *FLAGS.values()]
    same_as_negative, zero = [], []
    if attribution is None and config.anchor == "review":
        # Without causes every negative is unattributed and seller-related, and none is product, service or
        # logistics: two windowed sums instead of seven (the bulk of the work on a large marketplace).
        same_as_negative = [FLAGS["seller"], FLAGS["unattributed"]]
        zero = [FLAGS["product"], FLAGS["service"], FLAGS["logistics"]]
        numerators = numerators.select("shop_id", "day", FLAGS["negative"])
    windowed = [c for c in cols if c not in same_as_negative + zero]
    lf = (
        _calendar(o, calendar_start, end, _shop_universe(o, r, shops))
        .join(deliveries, on=["shop_id", "day"], how="left")
        .join(numerators, on=["shop_id", "day"], how="left")
        .with_columns(*(nw.col(c).fill_null(0).cast(nw.Int64) for c in windowed))
    )
    # rolling_sum counts rows, not days: right because the calendar has every day of every shop; the partial windows
    # (min_samples=1) are those of the days before ``since``, dropped below
    window = {
        c: nw.col(c).rolling_sum(config.window_days, min_samples=1) if c in summed else nw.col(c).cum_sum()
        for c in windowed
    }
    lf = lf.with_columns(*(v.over("shop_id", order_by="day").cast(nw.Int64).alias(c) for c, v in window.items()))
    if same_as_negative:
        lf = lf.with_columns(
            *(nw.col(FLAGS["negative"]).alias(c) for c in same_as_negative),
            *(nw.lit(0, nw.Int64).alias(c) for c in zero),
        )
    lf = _with_rates(lf.filter(nw.col("day") >= start).rename({"date": "as_of"}), config)
    return lf.select(RATE_COLUMNS).sort("shop_id", "as_of")
