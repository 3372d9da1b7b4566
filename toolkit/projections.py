"""When will the SNRR be back under the target? Three scenarios with their assumptions, and what to fix first.

Every projection works on the window's per-day counts (review anchor: a negative leaves the window
``window_days`` after its review day, a delivered order after its delivery day). On future day ``as_of + k`` the
window holds the counted days not yet left plus ``k`` days of new inflow:

- ``no_new_negatives`` (best case): deliveries continue at the window's daily mean, no new seller-related negatives.
- ``current_inflow``: deliveries per day and seller-related negatives per delivered order continue at their rates
  over the trailing ``inflow_days`` (default 90, longer than the window: the window's own rate is above the target
  whenever the question arises, so it would never let a shop recover). A shop whose trailing rate is above the
  target never gets under this way; its date is empty.
- ``top_contributor_fixed``: as ``current_inflow`` with the top contributing cause (or product) removed, from the
  window and from the inflow: what fixing it from today would give.

:func:`fix_to_reach` gives the smallest set of causes (or products) whose removal gets the shop under the target by
a given day at the current inflow: contributions add up, so removing the largest ones first is the smallest set.

The dates are at most ``horizon`` days ahead (default two windows); empty means "not within the horizon".
``bench/bench_projections.py`` back-tests the first two scenarios (the third needs a fix that happened).

Examples
--------
>>> import numpy as np
>>> n = np.full(30, 10.0); x = np.zeros(30); x[0] = 4  # 4 negatives on the window's first day, 300 orders
>>> first_day_under(n, x, target=0.01, window_days=30, inflow_rate=0.0)
1
>>> x = np.zeros(30); x[::5] = 1  # 6 negatives spread over the window: 2%
>>> first_day_under(n, x, target=0.01, window_days=30, inflow_rate=0.0), first_day_under(
...     n, x, target=0.01, window_days=30, inflow_rate=0.02)
(11, None)
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from toolkit.errors import ParameterError
from toolkit.rates import attribute_negatives, to_pandas
from toolkit.settings import Settings, parse_day

SCENARIOS = ("no_new_negatives", "current_inflow", "top_contributor_fixed")
ASSUMPTIONS = {
    "no_new_negatives": "best case: deliveries continue at the window's daily mean and no new negatives come",
    "current_inflow": "deliveries and seller-related negatives per delivery continue at the last 90 days' rates",
    "top_contributor_fixed": "as at the current inflow, with the top contributor's negatives removed from today",
}


def first_day_under(
    n: np.ndarray,
    x: np.ndarray,
    *,
    target: float,
    window_days: int,
    inflow_rate: float,
    horizon: int | None = None,
    daily: float | None = None,
) -> int | None:
    """The first ``k >= 1`` at which the projected window rate is at or under ``target`` (None: not within horizon).

    ``n`` and ``x`` are the window's deliveries and seller-related negatives per day (oldest first, length
    ``window_days``); new deliveries come at ``daily`` a day (default ``n.mean()``) with ``inflow_rate`` negatives
    per delivery.
    """
    w = window_days
    horizon = horizon or 2 * w
    daily = float(n.sum()) / w if daily is None else daily
    if daily <= 0:
        return None
    k = np.arange(1, horizon + 1)
    left_n = np.concatenate([np.cumsum(n[::-1])[::-1], [0.0]])  # left_n[i]: deliveries of days i.. still counted
    left_x = np.concatenate([np.cumsum(x[::-1])[::-1], [0.0]])
    i = np.minimum(k, w)
    new = np.minimum(k, w) * daily
    n_k, x_k = left_n[i] + new, left_x[i] + new * inflow_rate
    under = np.flatnonzero(x_k <= target * n_k + 1e-12)
    return int(k[under[0]]) if under.size else None


def _window_days(
    orders: pd.DataFrame, negatives: pd.DataFrame, settings: Settings, shop: str, key: str, inflow_days: int = 90
):
    """The window's deliveries and seller negatives per day, the seller negatives per day of each ``key`` (largest
    first), and the trailing ``inflow_days``' negatives per delivery and deliveries per day."""
    first = settings.first_day
    days = pd.date_range(first, settings.as_of, freq="D").date
    o = orders[(orders["shop_id"] == shop) & (orders["order_status"] == "delivered") & orders["delivered_at"].notna()]
    # an order's first delivery day: the day of its first delivery time (the day is monotone in the time)
    o = o.groupby("order_id")["delivered_at"].min().dt.tz_convert(settings.tz).dt.date
    n = o.value_counts().reindex(days, fill_value=0).to_numpy(float)
    neg = negatives[negatives["shop_id"] == shop]
    inflow_first = settings.as_of - timedelta(days=inflow_days - 1)
    trailing_n = int(o.between(inflow_first, settings.as_of).sum())
    trailing_x = int(neg["day"].between(inflow_first, settings.as_of).sum())
    neg = neg[neg["day"].between(first, settings.as_of)]
    x = neg["day"].value_counts().reindex(days, fill_value=0).to_numpy(float)
    by = neg.groupby([neg[key].fillna("unattributed"), "day"]).size().unstack(fill_value=0)
    by = by.reindex(columns=days, fill_value=0)
    inflow = (trailing_x / trailing_n if trailing_n else 0.0, trailing_n / inflow_days)
    return n, x, by.loc[by.sum(axis=1).sort_values(ascending=False).index], inflow


def _seller_negatives(reviews: pd.DataFrame, attribution: pd.DataFrame | None, settings: Settings) -> pd.DataFrame:
    c = to_pandas(attribute_negatives(reviews, attribution, settings.rating))
    c = c[c["seller"]]
    return c.assign(day=c["created_at"].dt.tz_convert(settings.tz).dt.date)


def scenarios(
    orders: pd.DataFrame,
    reviews: pd.DataFrame,
    settings: Settings,
    attribution: pd.DataFrame | None = None,
    *,
    shops: list[str] | None = None,
    by: str = "cause",
    horizon: int | None = None,
) -> pd.DataFrame:
    """Per shop above the target: the day each scenario gets it back under, with the assumptions in words.

    Returns
    -------
    pandas.DataFrame
        ``shop_id, scenario, back_under_on, days, assumption, top_contributor`` (3 rows per shop above the target;
        shops at or under it are not listed).
    """
    key = {"cause": "cause", "product": "product_id"}.get(by)
    if key is None:
        raise ParameterError(f"by must be 'cause' or 'product', got {by!r}")
    negatives = _seller_negatives(reviews, attribution, settings)
    shops = shops or sorted(set(orders["shop_id"]) | set(reviews["shop_id"]))
    # each shop's rows by position, found once: a fleet is not scanned once per shop
    orders_of, negatives_of = (f.groupby("shop_id", sort=False).indices for f in (orders, negatives))
    rows = []
    for shop in shops:
        mine = [f.take(at.get(shop, [])) for f, at in ((orders, orders_of), (negatives, negatives_of))]
        n, x, per, (rate, daily) = _window_days(*mine, settings, shop, key)
        if n.sum() == 0 or x.sum() <= settings.target * n.sum():
            continue
        top = per.index[0] if len(per) else None
        top_x = per.iloc[0].to_numpy(float) if len(per) else np.zeros_like(x)
        # the top contributor's share of the window's negatives leaves the inflow too
        share = top_x.sum() / x.sum() if x.sum() else 0.0
        runs = {
            "no_new_negatives": (x, 0.0, None),
            "current_inflow": (x, rate, daily),
            "top_contributor_fixed": (x - top_x, rate * (1 - share), daily),
        }
        for name, (xs, inflow, per_day) in runs.items():
            k = first_day_under(
                n,
                xs,
                target=settings.target,
                window_days=settings.window_days,
                inflow_rate=inflow,
                horizon=horizon,
                daily=per_day,
            )
            rows.append(
                {
                    "shop_id": shop,
                    "scenario": name,
                    "back_under_on": settings.as_of + timedelta(days=k) if k else None,
                    "days": k,
                    "assumption": ASSUMPTIONS[name],
                    "top_contributor": top,
                }
            )
    columns = ["shop_id", "scenario", "back_under_on", "days", "assumption", "top_contributor"]
    return pd.DataFrame(rows, columns=columns).astype({"days": "Int64"})  # missing: not within the horizon


def fix_to_reach(
    orders: pd.DataFrame,
    reviews: pd.DataFrame,
    settings: Settings,
    by_day: date | str,
    *,
    shop_id: str,
    attribution: pd.DataFrame | None = None,
    by: str = "cause",
) -> pd.DataFrame:
    """The smallest set of causes (or products) whose removal, at the current inflow, gets ``shop_id`` at or under
    the target by ``by_day``.

    Returns
    -------
    pandas.DataFrame
        One row per contributor to fix, largest first: ``shop_id, order, contributor, negatives, back_under_on``
        (the day the set so far gets there). Empty when the shop is already there without a fix; a
        :class:`ParameterError` when even removing every contributor does not get there (deliveries too few to
        let the old negatives leave in time).
    """
    by_day = parse_day(by_day, "by_day")
    if by_day <= settings.as_of:
        raise ParameterError(f"the goal day {by_day} must be after the as-of day {settings.as_of}")
    key = {"cause": "cause", "product": "product_id"}[by]
    negatives = _seller_negatives(reviews, attribution, settings)
    n, x, per, (rate, daily) = _window_days(orders, negatives, settings, shop_id, key)
    horizon = (by_day - settings.as_of).days
    rows, xs = [], x.copy()
    for i in range(len(per) + 1):
        inflow = rate * (xs.sum() / x.sum()) if x.sum() else rate
        k = first_day_under(
            n,
            xs,
            target=settings.target,
            window_days=settings.window_days,
            inflow_rate=inflow,
            horizon=horizon,
            daily=daily,
        )
        if k is not None:
            if rows:
                rows[-1]["back_under_on"] = settings.as_of + timedelta(days=k)
            return pd.DataFrame(rows, columns=["shop_id", "order", "contributor", "negatives", "back_under_on"])
        if i == len(per):
            break
        xs = xs - per.iloc[i].to_numpy(float)
        rows.append(
            {
                "shop_id": shop_id,
                "order": i + 1,
                "contributor": per.index[i],
                "negatives": int(per.iloc[i].sum()),
                "back_under_on": None,
            }
        )
    raise ParameterError(
        f"shop {shop_id!r} cannot be under the target by {by_day} even with every cause fixed: too few deliveries "
        "for the window's negatives to leave in time; choose a later day"
    )
