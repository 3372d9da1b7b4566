"""Altair chart builders with one accessible theme; each takes the frames of :mod:`toolkit.rates` / causes.

Colours come from the Okabe-Ito palette (distinguishable with the common colour-vision deficiencies); every
mark has a tooltip; an empty selection draws a short explanation instead of failing.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from toolkit.taxonomy import Area, Cause, label

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000")
AREA_COLOURS = {
    Area.PRODUCT.value: "#D55E00",
    Area.FULFILMENT.value: "#0072B2",
    Area.SERVICE.value: "#CC79A7",
    Area.OTHER.value: "#999999",
}
TARGET_COLOUR, STRICT_COLOUR, LINE_COLOUR = "#B42318", "#E69F00", "#0072B2"
WIDTH = 640
TREND_HEIGHT = 260
THEME = "shop_review_health"


@alt.theme.register(THEME, enable=True)
def theme() -> alt.theme.ThemeConfig:
    """One theme for every chart: readable type sizes, left-aligned titles, no chart border, an accessible palette."""
    font = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
    return alt.theme.ThemeConfig(
        config={
            "font": font,
            "view": {"stroke": None},
            "title": {"anchor": "start", "fontSize": 15, "color": "#1f2933"},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#3e4c59", "titleColor": "#3e4c59"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12},
            "range": {"category": list(OKABE_ITO)},
        }
    )


def _area_scale() -> alt.Scale:
    """Area colours keyed by the area in plain words (what the legend shows)."""
    return alt.Scale(domain=[Area(a).label for a in AREA_COLOURS], range=list(AREA_COLOURS.values()))


def offline_vega() -> object:
    """Display this once in a notebook to draw charts without internet: Altair's default renderer loads Vega from a
    CDN unless the versions it asks for are already on the page, so this puts vl-convert's bundled Vega, Vega-Lite and
    Vega-Embed there (about 0.9 MB, no network) and tells the renderer they are loaded."""
    from altair.vegalite.v6.display import VEGA_VERSION, VEGAEMBED_VERSION, VEGALITE_VERSION
    from IPython.display import HTML

    from toolkit.offline_html import vega_bundle

    versions = {
        "vega_version": VEGA_VERSION,
        "vegalite_version": VEGALITE_VERSION,
        "vegaembed_version": VEGAEMBED_VERSION,
    }
    marker = f"window.VEGA_DEBUG = Object.assign(window.VEGA_DEBUG || {{}}, {json.dumps(versions)});"
    return HTML(f"<script>{vega_bundle()}</script><script>{marker}</script>")


def empty_state(message: str, width: int = WIDTH) -> alt.Chart:
    """A chart that says why there is nothing to draw."""
    return (
        alt.Chart(pd.DataFrame({"message": [message]}))
        .mark_text(fontSize=14, color="#616e7c")
        .encode(text="message:N", tooltip=alt.Tooltip("message:N", title="why empty"))
        .properties(width=width, height=60)
    )


def _with_area(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with each cause's area and the cause, both in plain words (``taxonomy.label``)."""
    areas = {c.value: c.area.label for c in Cause}
    return frame.assign(area=frame["cause"].map(areas).fillna(Area.OTHER.label), cause=frame["cause"].map(label))


def snrr_trend(daily: pd.DataFrame, target: float = 0.01, strict: float = 0.005) -> alt.LayerChart | alt.Chart:
    """The daily trailing SNRR with its Wilson band, the target and strict lines, and breaches shaded.

    ``daily`` is :func:`toolkit.rates.daily_rates` for one shop (``as_of`` is the day).
    """
    frame = daily.dropna(subset=["snrr"]) if "snrr" in daily else daily.iloc[:0]
    if frame.empty:
        return empty_state("No delivered orders in this period, so there is no rate to draw.")
    columns = ["snrr", "snrr_low", "snrr_high", "seller_negative_reviews", "delivered_orders"]
    # only JSON-ready columns go into the spec (a column of date objects would not serialise)
    window = int(frame["window_days"].iloc[0]) if "window_days" in frame else 30
    frame = frame[columns].assign(day=pd.to_datetime(frame["as_of"]), breach=frame["snrr"] > target)
    base = alt.Chart(frame).encode(x=alt.X("day:T", title=None))
    tips = [
        alt.Tooltip("day:T", title="day"),
        alt.Tooltip("snrr:Q", title="SNRR", format=".2%"),
        alt.Tooltip("snrr_low:Q", title="95% low", format=".2%"),
        alt.Tooltip("snrr_high:Q", title="95% high", format=".2%"),
        alt.Tooltip("seller_negative_reviews:Q", title="seller-related negatives"),
        alt.Tooltip("delivered_orders:Q", title="delivered orders"),
    ]
    breaches = (
        base.transform_filter("datum.breach")
        .mark_bar(color=TARGET_COLOUR, opacity=0.12)
        .encode(y=alt.value(0), y2=alt.value(TREND_HEIGHT), tooltip=tips)
    )
    band = base.mark_area(opacity=0.2, color=LINE_COLOUR).encode(
        y=alt.Y("snrr_low:Q", title=f"SNRR ({window}-day trailing)", axis=alt.Axis(format=".1%")),
        y2="snrr_high:Q",
        tooltip=tips,
    )
    line = base.mark_line(color=LINE_COLOUR, point=True).encode(y="snrr:Q", tooltip=tips)
    rules = (
        alt.Chart(pd.DataFrame({"line": ["target", "strict"], "value": [target, strict]}))
        .mark_rule(strokeDash=[6, 4])
        .encode(
            y="value:Q",
            color=alt.Color(
                "line:N",
                scale=alt.Scale(domain=["target", "strict"], range=[TARGET_COLOUR, STRICT_COLOUR]),
                title="threshold",
            ),
            tooltip=[alt.Tooltip("line:N", title="threshold"), alt.Tooltip("value:Q", format=".1%")],
        )
    )
    return alt.layer(breaches, band, line, rules).properties(
        width=WIDTH, height=TREND_HEIGHT, title="Seller-related negative review rate"
    )


def cause_pareto(classified: pd.DataFrame) -> alt.LayerChart | alt.Chart:
    """Negative reviews by cause: counts (bars, coloured by area) and the cumulative share (line)."""
    if classified.empty:
        return empty_state("No negative reviews in this selection.")
    counts = (
        _with_area(classified).groupby(["cause", "area"], as_index=False).size().rename(columns={"size": "reviews"})
    )
    counts = counts.sort_values("reviews", ascending=False, kind="stable")
    counts["share"] = counts["reviews"] / counts["reviews"].sum()
    counts["cumulative"] = counts["share"].cumsum()
    order = counts["cause"].tolist()
    tips = [
        "cause:N",
        "area:N",
        "reviews:Q",
        alt.Tooltip("share:Q", format=".0%"),
        alt.Tooltip("cumulative:Q", format=".0%"),
    ]
    base = alt.Chart(counts).encode(x=alt.X("cause:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30)))
    # Click an area in the legend to pick out its causes (works in the offline report too: no widget runtime).
    area = alt.selection_point(fields=["area"], bind="legend")
    bars = (
        base.mark_bar()
        .encode(
            y=alt.Y("reviews:Q", title="negative reviews"),
            color=alt.Color("area:N", scale=_area_scale()),
            opacity=alt.condition(area, alt.value(1.0), alt.value(0.25)),
            tooltip=tips,
        )
        .add_params(area)
    )
    line = base.mark_line(point=True, color="#1f2933").encode(
        y=alt.Y("cumulative:Q", title="cumulative share", axis=alt.Axis(format="%")), tooltip=tips
    )
    return (
        alt.layer(bars, line)
        .resolve_scale(y="independent")
        .properties(width=WIDTH, height=260, title="Causes of negative reviews")
    )


def product_cause_heatmap(classified: pd.DataFrame, products: pd.DataFrame | None = None) -> alt.Chart:
    """Negative reviews per product and cause."""
    if classified.empty:
        return empty_state("No negative reviews in this selection.")
    cells = classified.assign(cause=classified["cause"].map(label))
    cells = cells.groupby(["product_id", "cause"], as_index=False).size().rename(columns={"size": "reviews"})
    if products is not None and not products.empty:
        titles = products.drop_duplicates("product_id").set_index("product_id")["title"]
        cells["title"] = cells["product_id"].map(titles).fillna("")
    else:
        cells["title"] = ""
    return (
        alt.Chart(cells)
        .mark_rect()
        .encode(
            x=alt.X("cause:N", title=None, axis=alt.Axis(labelAngle=-30)),
            y=alt.Y("product_id:N", title="product", sort="-x"),
            color=alt.Color("reviews:Q", scale=alt.Scale(scheme="oranges"), title="negatives"),
            tooltip=["product_id:N", "title:N", "cause:N", "reviews:Q"],
        )
        .properties(width=WIDTH - 160, title="Negative reviews by product and cause")
    )


def product_names(products: pd.DataFrame | None, width: int = 48) -> dict[str, str]:
    """``product_id -> "title (id)"`` for chart labels (titles cut to ``width`` characters); empty without titles.

    Examples
    --------
    >>> product_names(pd.DataFrame({"product_id": ["p1", "p2"], "title": ["Linen shirt", None]}))
    {'p1': 'Linen shirt (p1)'}
    """
    if products is None or products.empty or "title" not in products:
        return {}
    titled = products.dropna(subset=["title"]).drop_duplicates("product_id")
    cut = titled["title"].astype(str).map(lambda t: t if len(t) <= width else t[: width - 1] + "\u2026")
    ids = titled["product_id"].astype(str)
    return dict(zip(ids, cut + " (" + ids + ")", strict=True))


def _named(frame: pd.DataFrame, names: dict[str, str] | None) -> pd.DataFrame:
    names = names or {}
    return frame.assign(product=[names.get(i, i) for i in frame["product_id"].astype(str)])


def fix_first_chart(fix_list: pd.DataFrame, names: dict[str, str] | None = None, top: int = 15) -> alt.Chart:
    """The top of the fix-first list (:func:`toolkit.products.fix_first`): each product's estimated negative rate
    with its 95% interval; the size of the dot is the review count. ``names`` (:func:`product_names`) labels the
    products by title."""
    if "variant" in fix_list:
        fix_list = fix_list[fix_list["variant"].isna()]
    if fix_list.empty:
        return empty_state("No reviews for these products.")
    frame = _named(fix_list.sort_values(["shop_id", "rank"]).head(top), names)
    frame = frame[["product", "product_id", "reviews", "negative_share", "shrunk_negative_rate", "low", "high"]].join(
        frame[["expected_excess"]]
    )
    tips = [
        alt.Tooltip("product:N", title="product"),
        alt.Tooltip("reviews:Q", title="reviews"),
        alt.Tooltip("negative_share:Q", format=".1%", title="1-2 star share"),
        alt.Tooltip("shrunk_negative_rate:Q", format=".1%", title="estimated rate"),
        alt.Tooltip("expected_excess:Q", format=".1f", title="negatives a fix removes"),
    ]
    base = alt.Chart(frame).encode(y=alt.Y("product:N", sort=frame["product"].tolist(), title=None))
    interval = base.mark_rule(color="#9aa5b1").encode(
        x=alt.X("low:Q", title="estimated negative rate (95% interval)", axis=alt.Axis(format="%")),
        x2="high:Q",
        tooltip=tips,
    )
    dots = base.mark_circle(color=TARGET_COLOUR).encode(
        x="shrunk_negative_rate:Q", size=alt.Size("reviews:Q", title="reviews"), tooltip=tips
    )
    return alt.layer(interval, dots).properties(width=WIDTH - 160, title="Products to fix first (top of the list)")


def contributions_chart(contrib: pd.DataFrame, by: str, names: dict[str, str] | None = None) -> alt.Chart:
    """Percentage points of SNRR contributed by each cause or product (they sum to the SNRR); ``names``
    (:func:`product_names`) labels products by title."""
    if contrib.empty:
        return empty_state("No seller-related negatives in the window.")
    frame = contrib[[by, "contribution_pp", "seller_negative_reviews", "share"]].copy()
    colour = alt.Color("area:N", scale=_area_scale(), title="area") if by == "cause" else alt.value(LINE_COLOUR)
    frame = _with_area(frame) if by == "cause" else _named(frame, names).drop(columns=[by])
    field = "cause" if by == "cause" else "product"
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("contribution_pp:Q", title="percentage points of SNRR"),
            y=alt.Y(f"{field}:N", sort="-x", title=None),
            color=colour,
            tooltip=[
                alt.Tooltip(f"{field}:N", title=field),
                alt.Tooltip("contribution_pp:Q", format=".2f", title="points"),
                alt.Tooltip("seller_negative_reviews:Q", title="negatives"),
                alt.Tooltip("share:Q", format=".0%"),
            ],
        )
        .properties(width=WIDTH - 160, title=f"Key contributors by {field}")
    )


def star_distribution(reviews: pd.DataFrame) -> alt.Chart:
    """How many reviews gave each number of stars."""
    if reviews.empty:
        return empty_state("No reviews in this selection.")
    counts = reviews["rating"].astype(int).value_counts().reindex(range(1, 6), fill_value=0).rename_axis("stars")
    frame = counts.reset_index(name="reviews")
    frame["negative"] = frame["stars"] <= 2
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("stars:O", title="stars"),
            y=alt.Y("reviews:Q"),
            color=alt.Color(
                "negative:N", scale=alt.Scale(domain=[True, False], range=[TARGET_COLOUR, "#9aa5b1"]), legend=None
            ),
            tooltip=["stars:O", "reviews:Q"],
        )
        .properties(width=300, height=180, title="Star distribution")
    )


def chat_trend(chats: pd.DataFrame) -> alt.Chart:
    """Share of buyer chats answered within 12 hours, per day (from :func:`toolkit.rates.chat_responsiveness`)."""
    if chats.empty:
        return empty_state("No chats were given.")
    columns = ["answered_in_time_share", "median_response_hours", "buyer_chats"]
    frame = chats[columns].assign(day=pd.to_datetime(chats["date"]))
    return (
        alt.Chart(frame)
        .mark_line(point=True, color=LINE_COLOUR)
        .encode(
            x=alt.X("day:T", title=None),
            y=alt.Y("answered_in_time_share:Q", title="answered within 12 h", axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip("day:T"),
                alt.Tooltip("answered_in_time_share:Q", format=".0%", title="within 12 h"),
                alt.Tooltip("median_response_hours:Q", format=".1f", title="median hours"),
                "buyer_chats:Q",
            ],
        )
        .properties(width=WIDTH, height=200, title="Chat responsiveness")
    )
