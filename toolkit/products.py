"""The fix-first list: which products to fix first, ranked by the negatives a fix would remove.

Each product's negative rate (1-2 star reviews / reviews) is shrunk towards its group with an empirical-Bayes
beta-binomial model. The group is the product's category across the data when the products table has categories
(and the category has at least :data:`MIN_GROUP` reviewed products), else the shop. The group's prior
``Beta(mu s, (1 - mu) s)`` is fitted by **maximum marginal likelihood** (the beta-binomial likelihood of every
product's ``k`` negatives in ``n`` reviews, maximised over ``mu`` and the strength ``s``). Guards: a group with
fewer than :data:`MIN_GROUP` products, or whose fit runs to the bounds, borrows the prior fitted on all products of
the data; ``s`` is kept in ``[S_MIN, S_MAX]`` so that neither "no pooling" nor "total pooling" can happen.

A product's posterior is ``Beta(a + k, b + n - k)``: ``shrunk_negative_rate`` is its mean, ``low``/``high`` its 2.5%
and 97.5% quantiles. ``expected_excess = n * max(0, shrunk - mu)`` is how many of its negatives a fix would have
removed had it been a typical product of its group: the ranking key (ties: more negatives, then more reviews first),
among the products with the minimum support (``min_reviews``, default 3); thinner products follow them.
Variants (``Variation`` / SKU, where the data has them) are a level below their product: see :func:`fix_first`.

Examples
--------
>>> import pandas as pd
>>> stars = {"one": [1], "bad": [1] * 8 + [5] * 12, "good": [5] * 20, "fine": [2] + [4] * 19}
>>> rows = [(p, s) for p, ss in stars.items() for s in ss]
>>> reviews = pd.DataFrame({"review_id": [str(i) for i in range(len(rows))], "order_id": "o", "shop_id": "s",
...                         "product_id": [p for p, _ in rows], "rating": [s for _, s in rows],
...                         "created_at": pd.Timestamp("2024-05-01", tz="UTC")})
>>> from toolkit.settings import Settings
>>> out = fix_first(reviews, Settings(as_of="2024-05-30"))
>>> out[["rank", "product_id", "reviews", "negative_reviews"]].values.tolist()
[[1, 'bad', 20, 8], [2, 'fine', 20, 1], [3, 'good', 20, 0], [4, 'one', 1, 1]]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd
from scipy import optimize, special  # not scipy.stats: its import costs ~1 s of every report

from toolkit.errors import ParameterError
from toolkit.schema import NEGATIVE_MAX_STARS
from toolkit.settings import Settings

MIN_GROUP = 3
S_MIN, S_MAX = 2.0, 1e4
FIX_COLUMNS = [
    "shop_id",
    "rank",
    "product_id",
    "title",
    "reviews",
    "negative_reviews",
    "negative_share",
    "shrunk_negative_rate",
    "low",
    "high",
    "expected_excess",
]
EXTRA_COLUMNS = ["variant", "supported", "prior_group", "prior_mean"]


@dataclass(frozen=True)
class FixFirstSettings:
    """What the fix-first list counts.

    Parameters
    ----------
    period_days : int, optional
        Only reviews of the last ``period_days`` days up to the as-of day; ``None`` (default): all reviews up to it.
    min_reviews : int
        The minimum support: products with fewer reviews are listed after those with enough (``supported`` False),
        whatever their excess, because one or two reviews cannot tell a bad product from bad luck. Default 3.
    prior : {"auto", "shop", "category"}
        ``auto`` uses categories when the products table has them.
    """

    period_days: int | None = None
    min_reviews: int = 3
    prior: str = "auto"

    def __post_init__(self) -> None:
        if self.period_days is not None and self.period_days < 1:
            raise ParameterError(f"period_days must be at least 1 (or None for all time), got {self.period_days}")
        if self.min_reviews < 1:
            raise ParameterError(f"min_reviews must be at least 1, got {self.min_reviews}")
        if self.prior not in ("auto", "shop", "category"):
            raise ParameterError(f"prior must be 'auto', 'shop' or 'category', got {self.prior!r}")

    def describe(self) -> str:
        period = "all reviews up to the as-of day" if self.period_days is None else f"the last {self.period_days} days"
        return f"{period}; products with fewer than {self.min_reviews} reviews ranked after the others"


def fit_beta_binomial(k: np.ndarray, n: np.ndarray) -> tuple[float, float, bool]:
    """``(mu, s, ok)``: the beta prior maximising the beta-binomial marginal likelihood of ``k`` out of ``n``.

    ``ok`` is False when the optimum sits on a bound of ``s`` (no evidence for a spread, or none against one).

    Examples
    --------
    >>> mu, s, ok = fit_beta_binomial(np.array([1, 2, 8, 0, 3]), np.array([20, 20, 20, 20, 20]))
    >>> round(mu, 3), ok
    (0.14, True)
    """
    k, n = np.asarray(k, float), np.asarray(n, float)
    pooled = (k.sum() + 0.5) / (n.sum() + 1)

    def nll(theta: np.ndarray) -> float:
        mu = special.expit(theta[0])
        s = np.exp(theta[1])
        a, b = mu * s, (1 - mu) * s
        return -float(np.sum(special.betaln(k + a, n - k + b) - special.betaln(a, b)))

    lo, hi = np.log(S_MIN), np.log(S_MAX)
    start = np.array([special.logit(pooled), np.log(20.0)])
    res = optimize.minimize(nll, start, method="L-BFGS-B", bounds=[(-12, 12), (lo, hi)])
    mu, log_s = special.expit(res.x[0]), res.x[1]
    ok = bool(res.success and lo + 1e-3 < log_s < hi - 1e-3)
    return float(mu), float(np.exp(log_s)), ok


def _window(reviews: pd.DataFrame, settings: Settings, fix: FixFirstSettings) -> pd.DataFrame:
    """The reviews the list counts: ``shop_id, product_id, variant, _neg`` (1 for a 1-2 star review)."""
    stars = reviews["rating"]
    if settings.rating == "initial" and "initial_rating" in reviews:
        stars = reviews["initial_rating"].fillna(reviews["rating"])
    day = reviews["created_at"].dt.tz_convert(settings.tz).dt.date
    keep = day <= settings.as_of
    if fix.period_days is not None:
        keep &= day > settings.as_of - timedelta(days=fix.period_days)
    variant = reviews["variant"] if "variant" in reviews else pd.Series(None, index=reviews.index, dtype=object)
    return reviews.loc[keep, ["shop_id", "product_id"]].assign(
        variant=variant[keep], _neg=(stars[keep] <= NEGATIVE_MAX_STARS).astype(int)
    )


def _counts(window: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    per = window.groupby(keys, sort=False).agg(reviews=("_neg", "size"), negative_reviews=("_neg", "sum"))
    return per.reset_index()


def with_variants(reviews: pd.DataFrame, orders: pd.DataFrame | None) -> pd.DataFrame:
    """The reviews with each one's ``variant``: its own where the review export gives it, else its order line's.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "shop_id": "s", "product_id": "p", "variant": ["S", "XL"]})
    >>> reviews = pd.DataFrame({"review_id": ["r1", "r2"], "order_id": ["o1", "o2"], "shop_id": "s", "product_id": "p"})
    >>> with_variants(reviews, orders)["variant"].tolist()
    ['S', 'XL']
    """
    own = reviews["variant"] if "variant" in reviews else pd.Series(None, index=reviews.index, dtype=object)
    if orders is None or "variant" not in orders or not orders["variant"].notna().any():
        return reviews.assign(variant=own)
    key = ["shop_id", "order_id", "product_id"]
    lines = orders.loc[orders["variant"].notna(), [*key, "variant"]].drop_duplicates(key)
    from_order = reviews[key].merge(lines, on=key, how="left")["variant"].set_axis(reviews.index)
    return reviews.assign(variant=own.where(own.notna(), from_order))


def _variant_rows(window: pd.DataFrame, per: pd.DataFrame, strength: pd.Series) -> pd.DataFrame:
    """Variants of products sold in two or more variants, each shrunk towards its product's estimate."""
    counted = _counts(window[window["variant"].notna()], ["shop_id", "product_id", "variant"])
    counted = counted[counted.groupby(["shop_id", "product_id"])["variant"].transform("size") >= 2]
    if counted.empty:
        return counted
    parent = per.assign(_s=strength)[
        ["shop_id", "product_id", "rank", "title", "shrunk_negative_rate", "prior_mean", "_s", "supported"]
    ].rename(columns={"shrunk_negative_rate": "_m", "prior_mean": "_mu", "supported": "_parent_supported"})
    v = counted.merge(parent, on=["shop_id", "product_id"], how="inner")
    a = v["_m"] * v["_s"] + v["negative_reviews"]
    b = (1 - v["_m"]) * v["_s"] + v["reviews"] - v["negative_reviews"]
    v["negative_share"] = v["negative_reviews"] / v["reviews"]
    v["shrunk_negative_rate"] = a / (a + b)
    v["low"], v["high"] = special.betaincinv(a, b, 0.025), special.betaincinv(a, b, 0.975)
    v["expected_excess"] = (v["reviews"] * (v["shrunk_negative_rate"] - v["_mu"])).clip(lower=0)
    v["prior_group"] = "product " + v["product_id"].astype(str)
    v["prior_mean"] = v["_m"]
    v["supported"] = v["_parent_supported"]
    return v.drop(columns=["_m", "_mu", "_s", "_parent_supported"])


def fix_first(
    reviews: pd.DataFrame,
    settings: Settings,
    products: pd.DataFrame | None = None,
    fix: FixFirstSettings | None = None,
    shops: list[str] | None = None,
) -> pd.DataFrame:
    """The fix-first list of every shop (see the module docstring).

    Parameters
    ----------
    reviews : pandas.DataFrame
        Canonical reviews (``shop_id, product_id, rating, created_at``; ``initial_rating`` and ``variant``
        optional: :func:`with_variants` takes the variant from the order line).
    settings : Settings
        ``as_of``, ``tz`` and ``rating`` are used.
    products : pandas.DataFrame, optional
        ``shop_id, product_id, title`` and optionally ``category``.
    fix : FixFirstSettings, optional
        Period, minimum support and prior.

    Returns
    -------
    pandas.DataFrame
        :data:`FIX_COLUMNS` plus ``variant``, ``supported`` (at least ``min_reviews`` reviews), ``prior_group``
        (what the product was shrunk towards) and ``prior_mean``, one row per listed product, ``rank`` 1 = fix
        first in a shop. A product reviewed in two or more variants is followed by one row per variant (same
        ``rank``, ``variant`` set), shrunk towards the product's own estimate, so the list says which size or
        colour draws the negatives; its ``supported`` is the product's.
    """
    fix = fix or FixFirstSettings()
    window = _window(reviews, settings, fix)
    if shops is not None:
        window = window[window["shop_id"].isin(shops)]
    per = _counts(window, ["shop_id", "product_id"])
    catalogue = products if products is not None and not products.empty else None
    if catalogue is not None:
        cat_cols = ["shop_id", "product_id", *(c for c in ("title", "category") if c in catalogue)]
        per = per.merge(catalogue[cat_cols].drop_duplicates(["shop_id", "product_id"]), how="left")
    if "title" not in per:
        per["title"] = None
    use_category = fix.prior == "category" or (
        fix.prior == "auto" and "category" in per and per["category"].notna().any()
    )
    if fix.prior == "category" and "category" not in per:
        raise ParameterError("prior='category' needs the products table with a category column")
    if use_category:
        per["prior_group"] = "category " + per["category"].fillna("(none)").astype(str)
    else:
        per["prior_group"] = "shop " + per["shop_id"].astype(str)
    if per.empty:
        return pd.DataFrame(columns=[*FIX_COLUMNS, *EXTRA_COLUMNS])
    g_mu, g_s, _ = fit_beta_binomial(per["negative_reviews"].to_numpy(), per["reviews"].to_numpy())
    priors = {}
    for group, g in per.groupby("prior_group", sort=False):
        fitted = (
            fit_beta_binomial(g["negative_reviews"].to_numpy(), g["reviews"].to_numpy())
            if len(g) >= MIN_GROUP
            else None
        )
        priors[group] = fitted[:2] if fitted and fitted[2] else (g_mu, g_s)
    mu = per["prior_group"].map(lambda grp: priors[grp][0])
    s = per["prior_group"].map(lambda grp: priors[grp][1])
    a = mu * s + per["negative_reviews"]
    b = (1 - mu) * s + per["reviews"] - per["negative_reviews"]
    per["negative_share"] = per["negative_reviews"] / per["reviews"]
    per["shrunk_negative_rate"] = a / (a + b)
    per["low"], per["high"] = special.betaincinv(a, b, 0.025), special.betaincinv(a, b, 0.975)
    per["prior_mean"] = mu
    per["expected_excess"] = (per["reviews"] * (per["shrunk_negative_rate"] - mu)).clip(lower=0)
    per["supported"] = per["reviews"] >= fix.min_reviews
    per = per.sort_values(
        ["shop_id", "supported", "expected_excess", "negative_reviews", "reviews", "product_id"],
        ascending=[True, False, False, False, False, True],
    )
    per["rank"] = per.groupby("shop_id").cumcount() + 1
    per["variant"] = None
    variants = _variant_rows(window, per, s)
    if not variants.empty:
        per = pd.concat([per, variants], ignore_index=True).assign(_level=lambda f: f["variant"].notna().astype(int))
        per = per.sort_values(
            ["shop_id", "rank", "_level", "expected_excess", "negative_reviews", "variant"],
            ascending=[True, True, True, False, False, True],
        )
    return per[[*FIX_COLUMNS, *EXTRA_COLUMNS]].reset_index(drop=True)


def one_review_first_share(fix_list: pd.DataFrame) -> tuple[int, int]:
    """Among shops with 3+ listed products one of which has 5+ reviews: ``(shops where a one-review product is
    first, such shops)`` -- the check of issue 11's goal."""
    if "variant" in fix_list:
        fix_list = fix_list[fix_list["variant"].isna()]
    per_shop = fix_list.groupby("shop_id").agg(products=("product_id", "size"), most=("reviews", "max"))
    eligible = per_shop[(per_shop["products"] >= 3) & (per_shop["most"] >= 5)].index
    first = fix_list[(fix_list["rank"] == 1) & fix_list["shop_id"].isin(eligible)]
    return int((first["reviews"] == 1).sum()), len(eligible)
