"""Alert episodes: when a shop's seller-related negatives rose, shifted or clustered, one row per episode.

Four kinds, each computed per shop and day from ``since`` to ``as_of`` and then merged: consecutive flagged days of
one shop, kind (and cause) are **one episode** with its first and last day and its peak.

- ``control_limit``: the trailing-window SNRR rose over its binomial control limit (p-chart). The baseline is the
  shop's own rate in the previous, non-overlapping window, smoothed as (x + 0.5) / (n + 1); the day is flagged when
  the window's seller-related negatives exceed ``n p0 + sigmas sqrt(n p0 (1 - p0))`` and are at least 2
  (:func:`alert_days`, ``rate_rise``).
- ``cusum``: a Bernoulli (binomial) CUSUM on the seller-related negatives per delivered order of each day. In-control
  rate ``p0`` is the shop's smoothed rate over the ``baseline_days`` before ``since`` (review days for negatives,
  delivery days for orders), floored at the strict line so that a clean history does not make one negative a shift;
  the out-of-control rate is ``p1 = shift * p0``. Each day adds the log-likelihood ratio
  ``x log(p1 / p0) + (n - x) log((1 - p1) / (1 - p0))`` and the statistic is ``S_d = max(0, S_{d-1} + that)``;
  days with ``S_d > h`` are flagged (no reset, so a lasting shift is one episode). Defaults: ``shift = 2``,
  ``h = 4`` (in natural-log units).
- ``burst``: ``burst_size`` (3) or more seller-related negatives of one real cause within ``burst_days`` (7) days.
  ``other`` and ``unspecified`` are not causes for this, nor are negatives without a cause.
- ``threshold``: the trailing-window SNRR is above the target (days above the bar).

The per-day computations are the rates module's narwhals functions (any engine); the episodes are formed on the
small shop x day result in pandas.

Examples
--------
>>> import pandas as pd
>>> from datetime import date
>>> from toolkit.rates import RateConfig
>>> ts = lambda s: pd.Timestamp(s, tz="UTC")
>>> orders = pd.DataFrame({"order_id": [f"o{i}" for i in range(10)], "shop_id": "s", "product_id": "p",
...                        "order_status": "delivered", "delivered_at": ts("2024-05-01")})
>>> reviews = pd.DataFrame({"review_id": ["a", "b", "c"], "order_id": ["o1", "o2", "o3"], "shop_id": "s",
...                         "product_id": "p", "rating": 1, "created_at": ts("2024-05-02")})
>>> att = pd.DataFrame({"review_id": ["a", "b", "c"], "shop_id": "s", "cause": "poor_quality",
...                     "responsibility": "seller"})
>>> config = RateConfig(as_of=date(2024, 5, 3), window_days=2)
>>> out = episodes(orders, reviews, config, att, since=date(2024, 5, 2), by_kind=True)
>>> out[["kind", "start", "end", "cause"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
[['burst', datetime.date(2024, 5, 2), datetime.date(2024, 5, 3), 'poor_quality'],
 ['threshold', datetime.date(2024, 5, 2), datetime.date(2024, 5, 2), None]]
>>> merged = episodes(orders, reviews, config, att, since=date(2024, 5, 2))  # one row: the two overlap
>>> merged[["kind", "start", "end", "peak_value", "open"]].values.tolist()
[['burst', datetime.date(2024, 5, 2), datetime.date(2024, 5, 3), 0.3, True]]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta

import narwhals as nw
import pandas as pd

from toolkit import rates
from toolkit.errors import ParameterError
from toolkit.rates import RateConfig
from toolkit.rates._engines import Frame, _calendar, _lazy_all, _same_kind
from toolkit.rates.daily import _daily_series
from toolkit.rates.negatives import _prepared
from toolkit.settings import day_number
from toolkit.taxonomy import Cause

EPISODE_COLUMNS = ["shop_id", "kind", "start", "end", "peak_day", "peak_value", "cause", "detail", "open"]
KINDS = ("control_limit", "cusum", "burst", "threshold")
#: causes that are not a reason a burst can be about
NOT_CAUSES = (Cause.OTHER.value, Cause.UNSPECIFIED.value)


@dataclass(frozen=True)
class AlertSettings:
    """The parameters of the four alert kinds (see the module docstring).

    Examples
    --------
    >>> AlertSettings().cusum_h
    4.0
    """

    sigmas: float = 3.0
    cusum_shift: float = 2.0
    cusum_h: float = 4.0
    baseline_days: int = 90
    burst_days: int = 7
    burst_size: int = 3
    gap_days: int = 7

    def __post_init__(self) -> None:
        if self.cusum_shift <= 1:
            raise ParameterError(f"cusum_shift must be above 1 (a rise), got {self.cusum_shift}")
        if self.cusum_h <= 0 or self.sigmas <= 0:
            raise ParameterError("cusum_h and sigmas must be positive")
        if self.burst_size < 2 or self.burst_days < 1 or self.baseline_days < 1:
            raise ParameterError("burst_size must be at least 2, burst_days and baseline_days at least 1")


# ----------------------------------------------------------------------------------------------- per-day flags


def alert_days(
    orders: Frame,
    reviews: Frame,
    config: RateConfig,
    since: date,
    attribution: Frame | None = None,
    sigmas: float = 3.0,
    cluster_days: int = 7,
    cluster_size: int = 3,
) -> Frame:
    """Days on which a shop's SNRR rose significantly, and clusters of negatives with the same cause (narwhals: any
    engine); :func:`episodes` turns these days into episodes.

    ``rate_rise``: a binomial p-chart on the daily trailing-window series. The baseline is the shop's own rate in
    the previous, non-overlapping window (day d - window_days), smoothed as (x + 0.5) / (n + 1) so that a clean
    history does not make one negative an alert; the day is flagged when the seller-related negatives exceed
    ``n p0 + sigmas * sqrt(n p0 (1 - p0))`` (and are at least 2). ``cause_cluster``: ``cluster_size`` or more
    seller-related negatives with the same cause within ``cluster_days`` days (review days).

    Returns
    -------
    frame
        ``shop_id, day (date), alert, cause, count, expected, limit``, sorted by shop, day, alert.

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="UTC")
    >>> orders = pd.DataFrame({"order_id": [f"o{i}" for i in range(10)], "shop_id": "s", "product_id": "p",
    ...                        "order_status": "delivered", "delivered_at": ts("2024-05-01")})
    >>> reviews = pd.DataFrame({"review_id": ["a", "b", "c"], "order_id": ["o1", "o2", "o3"], "shop_id": "s",
    ...                         "product_id": "p", "rating": 1, "created_at": ts("2024-05-02")})
    >>> att = pd.DataFrame({"review_id": ["a", "b", "c"], "shop_id": "s", "cause": "poor_quality",
    ...                     "responsibility": "seller"})
    >>> a = alert_days(orders, reviews, RateConfig(as_of=date(2024, 5, 3), window_days=2), date(2024, 5, 2), att)
    >>> a[["day", "alert", "count"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [[datetime.date(2024, 5, 2), 'cause_cluster', 3.0], [datetime.date(2024, 5, 3), 'cause_cluster', 3.0],
     [datetime.date(2024, 5, 3), 'rate_rise', 3.0]]
    """
    w = config.window_days
    # one backend for the series and the clusters; stars as floats (same values) so pandas frames go to Polars
    o, r, a = _lazy_all(orders, _float_stars(reviews), attribution)
    rise = _daily_series(o, r, config, since - timedelta(days=w), a, None)
    x, n = nw.col("seller_negative_reviews").cast(nw.Float64), nw.col("delivered_orders").cast(nw.Float64)
    prev = [c.shift(w).over("shop_id", order_by="as_of").alias(f"_{name}") for name, c in (("x", x), ("n", n))]
    # capped at 1: under the review anchor a tiny shop can have more negatives than deliveries in a window
    p0 = nw.min_horizontal((nw.col("_x") + 0.5) / (nw.col("_n") + 1), nw.lit(1.0))
    rise = (
        rise.with_columns(*prev)
        .with_columns(expected=n * p0)
        .with_columns(limit=nw.col("expected") + sigmas * (nw.col("expected") * (1 - p0)).sqrt())
    )
    rise = rise.filter((nw.col("as_of") >= nw.lit(since)) & (x > nw.col("limit")) & (x >= 2)).select(
        "shop_id",
        nw.col("as_of").alias("day"),
        nw.lit("rate_rise").alias("alert"),
        nw.lit(None, nw.String).alias("cause"),
        x.alias("count"),
        nw.col("expected").cast(nw.Float64),
        nw.col("limit").cast(nw.Float64),
    )
    cluster = _cause_clusters(o, r, config, since, a, cluster_days, cluster_size)
    out = nw.concat([rise, cluster.select(rise.collect_schema().names())], how="vertical")
    return _same_kind(out.sort("shop_id", "day", "alert", "cause"), orders)


def _float_stars(reviews: Frame) -> Frame:
    """A pandas frame's nullable-integer star columns as float64 (missing: NaN), the dtype that lets
    :func:`~toolkit.rates._engines._lazy_all` compute on Polars; alert days count rows, so no result changes."""
    if not isinstance(reviews, pd.DataFrame):
        return reviews
    nullable = [
        c
        for c in ("rating", "initial_rating")
        if c in reviews.columns
        and isinstance(reviews[c].dtype, pd.api.extensions.ExtensionDtype)
        and reviews[c].dtype.kind in "iu"
    ]
    return reviews.astype(dict.fromkeys(nullable, "float64")) if nullable else reviews


def _cause_clusters(orders, reviews, config, since, attribution, days: int, size: int) -> nw.LazyFrame:
    """Shop, cause and day where the last ``days`` days hold ``size`` or more seller-related negatives of one cause."""
    o, _, _, classified = _prepared(orders, reviews, config, attribution)
    start, end = day_number(since), config.last
    seller = classified.filter(nw.col("seller") & ~nw.col("cause").is_null())
    events = nw.concat(
        [
            seller.select("shop_id", "cause", "day", nw.lit(1).cast(nw.Int64).alias("v")),
            seller.select(
                "shop_id", "cause", (nw.col("day") + days).alias("day"), nw.lit(-1).cast(nw.Int64).alias("v")
            ),
        ],
        how="vertical",
    ).with_columns(day=nw.max_horizontal(nw.col("day"), nw.lit(start)).cast(nw.Int64))
    per_day = events.filter(nw.col("day") <= end).group_by("shop_id", "cause", "day").agg(nw.col("v").sum())
    keys = per_day.select("shop_id", "cause").unique()
    lf = _calendar(o, start, end, keys).join(per_day, on=["shop_id", "cause", "day"], how="left")
    lf = lf.with_columns(
        count=nw.col("v").fill_null(0).cast(nw.Int64).cum_sum().over("shop_id", "cause", order_by="day")
    )
    return lf.filter(nw.col("count") >= size).select(
        "shop_id",
        nw.col("date").alias("day"),
        nw.lit("cause_cluster").alias("alert"),
        "cause",
        nw.col("count").cast(nw.Float64),
        nw.lit(None, nw.Float64).alias("expected"),
        nw.lit(None, nw.Float64).alias("limit"),
    )


# ----------------------------------------------------------------------------------------------- episodes


def _pandas(frame: Frame) -> pd.DataFrame:
    if hasattr(frame, "df"):  # DuckDB relation
        return frame.df()
    if hasattr(frame, "to_pandas"):  # Polars
        frame = frame.collect() if hasattr(frame, "collect") else frame
        return frame.to_pandas()
    return frame


def _runs(flags: pd.DataFrame, keys: list[str], value: str, kind: str, detail, gap: int = 1) -> pd.DataFrame:
    """Flagged days of each key as episodes: days at most ``gap`` days apart are one episode (1: consecutive)."""
    if flags.empty:
        return pd.DataFrame(columns=EPISODE_COLUMNS)
    f = flags.sort_values([*keys, "day"]).reset_index(drop=True)
    days = pd.to_datetime(f["day"])
    new = (days.diff() > pd.Timedelta(days=gap)) | days.diff().isna() | (f[keys].shift() != f[keys]).any(axis=1)
    f["_episode"] = new.cumsum()
    rows = []
    for _, g in f.groupby("_episode", sort=True):
        peak = g.loc[g[value].idxmax()]
        rows.append(
            {
                "shop_id": peak["shop_id"],
                "kind": kind,
                "start": g["day"].iloc[0],
                "end": g["day"].iloc[-1],
                "peak_day": peak["day"],
                "peak_value": float(peak[value]),
                "cause": peak["cause"] if "cause" in g else None,
                "detail": detail(g, peak),
            }
        )
    return pd.DataFrame(rows, columns=EPISODE_COLUMNS[:-1])


def _cusum(per_day: pd.DataFrame, baseline: pd.DataFrame, config: RateConfig, s: AlertSettings) -> pd.DataFrame:
    """Per shop and day: the binomial CUSUM statistic (see the module docstring) with its ``p0`` and ``p1``."""
    base = baseline.groupby("shop_id")[["seller_negative_reviews", "delivered_orders"]].sum()
    p0 = ((base["seller_negative_reviews"] + 0.5) / (base["delivered_orders"] + 1)).clip(lower=config.strict)
    out = per_day.copy()
    out["p0"] = out["shop_id"].map(p0).fillna(config.strict).clip(upper=0.5 / s.cusum_shift)
    out["p1"] = out["p0"] * s.cusum_shift
    x, n = out["seller_negative_reviews"].astype(float), out["delivered_orders"].astype(float)
    # a day's negatives can exceed its deliveries (reviews of earlier orders): n - x is floored at 0
    llr = x * (out["p1"] / out["p0"]).map(math.log) + (n - x).clip(lower=0) * ((1 - out["p1"]) / (1 - out["p0"])).map(
        math.log
    )
    out["_llr"] = llr
    stats = []
    for _, g in out.sort_values(["shop_id", "day"]).groupby("shop_id", sort=False):
        total, values = 0.0, []
        for v in g["_llr"]:
            total = max(0.0, total + v)
            values.append(total)
        stats.append(pd.Series(values, index=g.index))
    out["cusum"] = pd.concat(stats) if stats else pd.Series(dtype=float)
    return out.drop(columns="_llr")


def episodes(
    orders: Frame,
    reviews: Frame,
    config: RateConfig,
    attribution: Frame | None = None,
    *,
    since: date | None = None,
    shops: list[str] | None = None,
    settings: AlertSettings | None = None,
    by_kind: bool = False,
) -> pd.DataFrame:
    """Alert episodes of every shop between ``since`` (default 89 days before ``as_of``) and ``config.as_of``.

    Flagged days of one kind less than ``settings.gap_days`` apart are one episode (a rate hovering at the bar is
    one episode, not one per crossing). By default the episodes of all kinds that overlap or touch (within the same
    gap) are then merged into one row per shop episode: ``kind`` is the signal that fired first, ``peak_day`` and
    ``peak_value`` the highest trailing SNRR of the episode, ``cause`` the cause of its bursts, and ``detail`` lists
    every signal. ``by_kind=True`` keeps one row per kind and episode.

    Returns
    -------
    pandas.DataFrame
        :data:`EPISODE_COLUMNS`: ``shop_id, kind, start, end, peak_day, peak_value`` (the SNRR for
        ``control_limit`` and ``threshold``, the CUSUM statistic for ``cusum``, the count for ``burst``), ``cause``
        (bursts only), ``detail`` (plain words) and ``open`` (the episode runs to ``as_of``). Sorted by shop, start,
        kind.
    """
    s = settings or AlertSettings()
    since = since or config.as_of - timedelta(days=89)
    if since > config.as_of:
        raise ParameterError(f"--since ({since}) is after --as-of ({config.as_of})")
    parts = []

    reviews = _float_stars(reviews)  # every series below then computes on Polars (see _float_stars)
    raw = _pandas(alert_days(orders, reviews, config, since, attribution, s.sigmas, s.burst_days, s.burst_size))
    raw = raw.rename(columns={"count": "value"})
    if shops is not None:
        raw = raw[raw["shop_id"].isin(shops)]
    # a window without deliveries has no rate to be out of control (its expected count is 0)
    rise = raw[(raw["alert"] == "rate_rise") & (raw["expected"] > 0)].drop(columns="cause")
    parts.append(
        _runs(
            rise,
            ["shop_id"],
            "value",
            "control_limit",
            lambda g, p: (
                f"{int(p['value'])} seller-related negatives in the {config.window_days} days to {p['day']}, "
                f"control limit {p['limit']:.1f} (expected {p['expected']:.1f} from the window before)"
            ),
            s.gap_days,
        )
    )
    burst = raw[(raw["alert"] == "cause_cluster") & ~raw["cause"].isin(NOT_CAUSES)]
    parts.append(
        _runs(
            burst,
            ["shop_id", "cause"],
            "value",
            "burst",
            lambda g, p: (
                f"{int(p['value'])} seller-related negatives about {Cause(p['cause']).label} "
                f"within {s.burst_days} days (by {p['day']})"
            ),
            s.gap_days,
        )
    )

    window = rates.daily_rates(orders, reviews, config, since, attribution, shops=shops)
    window = _pandas(window).rename(columns={"as_of": "day"})
    above = window[window["snrr"] > config.target]
    parts.append(
        _runs(
            above,
            ["shop_id"],
            "snrr",
            "threshold",
            lambda g, p: (
                f"SNRR above the {config.target * 100:g}% target on {len(g)} day(s), "
                f"peak {p['snrr'] * 100:.2f}% on {p['day']}"
            ),
            s.gap_days,
        )
    )

    one_day = replace(config, window_days=1)
    per_day = _pandas(rates.daily_rates(orders, reviews, one_day, since, attribution, shops=shops))
    first_base = since - timedelta(days=s.baseline_days)
    baseline = _pandas(
        rates.daily_rates(
            orders, reviews, replace(one_day, as_of=since - timedelta(days=1)), first_base, attribution, shops=shops
        )
    )
    stat = _cusum(per_day.rename(columns={"as_of": "day"}), baseline, config, s)
    parts.append(
        _runs(
            stat[stat["cusum"] > s.cusum_h],
            ["shop_id"],
            "cusum",
            "cusum",
            lambda g, p: (
                f"negatives per delivered order shifted up from {p['p0'] * 100:.2f}% "
                f"(CUSUM {p['cusum']:.1f} > h={s.cusum_h:g}, testing for {s.cusum_shift:g}x)"
            ),
            s.gap_days,
        )
    )
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=EPISODE_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    if not by_kind:
        out = _merge(out, window, s.gap_days)
    out["open"] = out["end"] == config.as_of
    out["cause"] = out["cause"].astype(object).where(out["cause"].notna(), None)
    return out.sort_values(["shop_id", "start", "kind"]).reset_index(drop=True)[EPISODE_COLUMNS]


def _merge(per_kind: pd.DataFrame, window: pd.DataFrame, gap: int) -> pd.DataFrame:
    """Overlapping or touching episodes of one shop (any kind) as one row (see :func:`episodes`)."""
    order = {k: i for i, k in enumerate(KINDS)}
    f = per_kind.assign(_k=per_kind["kind"].map(order)).sort_values(["shop_id", "start", "_k"]).reset_index(drop=True)
    ends = pd.to_datetime(f["end"]).groupby(f["shop_id"]).cummax().groupby(f["shop_id"]).shift()
    new = f["shop_id"].ne(f["shop_id"].shift()) | (pd.to_datetime(f["start"]) - ends > pd.Timedelta(days=gap))
    snrr = window.set_index(["shop_id", "day"])["snrr"]
    rows = []
    for _, g in f.groupby(new.cumsum(), sort=True):
        shop, start, end = g["shop_id"].iloc[0], g["start"].min(), g["end"].max()
        days = snrr.loc[shop].loc[start:end] if shop in snrr.index.get_level_values(0) else pd.Series(dtype=float)
        peak_day = days.idxmax() if days.notna().any() else g["peak_day"].iloc[0]
        causes = list(dict.fromkeys(c for c in g["cause"] if isinstance(c, str)))
        rows.append(
            {
                "shop_id": shop,
                "kind": g["kind"].iloc[0],
                "start": start,
                "end": end,
                "peak_day": peak_day,
                "peak_value": float(days.max()) if days.notna().any() else float(g["peak_value"].iloc[0]),
                "cause": "; ".join(causes) if causes else None,
                "detail": "; ".join(f"{k}: {d}" for k, d in zip(g["kind"], g["detail"], strict=True)),
            }
        )
    return pd.DataFrame(rows, columns=EPISODE_COLUMNS[:-1])


def open_alerts(episodes_frame: pd.DataFrame) -> pd.Series:
    """Per shop, the number of episodes still open on the as-of day (shops without one are not listed)."""
    return episodes_frame[episodes_frame["open"]].groupby("shop_id").size()
