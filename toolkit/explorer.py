"""Explore a shop's review health in JupyterLab: ipywidgets apps over the toolkit's rates, causes and charts.

Three layers, so that every callback can be tested without a kernel:

- :class:`Explorer` holds the loaded data and the classification (computed once), split per shop.
  :meth:`Explorer.view_data` returns *the data behind the views* for a :class:`ViewState` as a dict of frames;
  the rate frames are cached per (shop, as-of day, window, anchor), so a filter change only re-filters reviews.
- :func:`save_label` writes a corrected cause to the labels file (never to the raw data);
  :meth:`Explorer.relabel` saves it and re-classifies that review with the overrides applied.
- The apps (:class:`OverviewApp`, :class:`CausesApp`, :class:`ProductsApp`, :class:`LabellingApp`) are small:
  a widget's observer builds the state, calls :meth:`Explorer.view_data`, and replaces the charts (an
  ``ipywidgets.Output`` per chart, re-drawn only when its inputs changed) and the table (an ``ipywidgets.HTML``
  built from escaped text with the evidence marked by :func:`toolkit.report.highlighted`). Setting a widget's
  ``value`` runs its observers synchronously, so tests drive the apps from plain Python.

Examples
--------
>>> from datetime import date
>>> state = ViewState("shop-quality", date(2026, 10, 31), window_days=60)
>>> state.first_day, state.rate_key
(datetime.date(2026, 9, 2), ('shop-quality', datetime.date(2026, 10, 31), 60, 'review'))
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import altair as alt
import ipywidgets as widgets
import pandas as pd

from toolkit import charts, rates
from toolkit.causes import LABELS, classify_reviews
from toolkit.errors import ParameterError, unknown
from toolkit.labels import load_overrides, save_label
from toolkit.offline_html import esc
from toolkit.paths import LABELS_FILE
from toolkit.pipeline import Analysis, analyse
from toolkit.report import highlighted, pct
from toolkit.settings import Settings
from toolkit.source import DataSource
from toolkit.taxonomy import STATUS_LABELS, label

ALL = "(all)"
WINDOWS = (30, 60, 90)
ANCHORS = ("review", "order")
TREND_DAYS = 90
TABLE_ROWS = 50
PARTS = ("rates", "daily", "by_cause", "by_product", "chats", "products", "reviews")
CLASSIFICATION_COLUMNS = [
    "cause",
    "area",
    "responsibility",
    "responsibility_reason",
    "confidence",
    "evidence",
    "flags",
    "source",
]


@dataclass(frozen=True)
class ViewState:
    """Everything a view depends on. ``None`` in a filter means all.

    Parameters
    ----------
    shop_id : str
    as_of : date
        Last day of the window (inclusive) in the shop's time zone.
    window_days : int
        30, 60 or 90 calendar days.
    anchor : {"review", "order"}
        What places a negative in the window (see :class:`toolkit.rates.RateConfig`).
    cause, product_id, language : str, optional
        Filters of the review-level views (Pareto, heatmap, star distribution, table).
    negative_only : bool
        The table lists only 1-2 star reviews (default) or every review matching the filters.
    """

    shop_id: str
    as_of: date
    window_days: int = 30
    anchor: str = "review"
    cause: str | None = None
    product_id: str | None = None
    language: str | None = None
    negative_only: bool = True

    @property
    def first_day(self) -> date:
        return self.as_of - timedelta(days=self.window_days - 1)

    @property
    def rate_key(self) -> tuple[str, date, int, str]:
        """What the rate frames depend on (the cache key)."""
        return (self.shop_id, self.as_of, self.window_days, self.anchor)


@functools.cache
def _polars() -> Any:
    """The polars module, or None where it is not installed."""
    try:
        import polars
    except ImportError:
        return None
    return polars


def _pandas(frame: Any) -> pd.DataFrame:
    """A rates result as pandas, with Polars dates back as ``datetime.date`` values (as pandas inputs give them)."""
    if isinstance(frame, pd.DataFrame):
        return frame
    pl = _polars()
    out = frame.to_pandas()
    for name, dtype in frame.schema.items():
        if dtype == pl.Date:
            out[name] = [None if pd.isna(v) else v.date() for v in out[name]]
    return out


# ---------------------------------------------------------------------------------------------- labels file


# ---------------------------------------------------------------------------------------------- the data


class Explorer:
    """The analysis of the data (loaded and classified once, corrections applied), and the frames behind every view.

    Parameters
    ----------
    analysis : Analysis, optional
        :func:`toolkit.pipeline.analyse` output: data, classification with the labels file's corrections, and the
        settings (as-of day, time zone, thresholds). Default: the bundled samples with ``labels_path``'s corrections.
    labels_path : path, optional
        Where :meth:`relabel` writes corrections: default the analysis' labels file, else ``labels/labels.csv``.
    redact_pii : bool
        Redact e-mail addresses, handles and long numbers in the review table.
    """

    def __init__(
        self,
        analysis: Analysis | None = None,
        *,
        labels_path: str | Path | None = None,
        redact_pii: bool = True,
    ) -> None:
        if analysis is None:
            labels = labels_path if labels_path is not None and Path(labels_path).is_file() else None
            analysis = analyse(DataSource(labels=labels, use_default_labels=labels_path is None))
        self.analysis = analysis
        self.data = analysis.data
        self.settings = analysis.settings
        self.tz = self.settings.tz
        in_use = analysis.source.labels_path()
        self.labels_path = Path(labels_path) if labels_path is not None else (in_use or LABELS_FILE)
        self.target, self.strict, self.redact_pii = self.settings.target, self.settings.strict, redact_pii
        self.as_of = self.settings.as_of
        self._split(analysis.classified)
        for shop in self.shops:
            self._rate_inputs(shop)
        # one cache per computation, keyed on exactly what it depends on, so that e.g. a new anchor does not
        # recompute the product ratings and a filter change recomputes no rate at all
        cached = functools.lru_cache(maxsize=64)
        self._daily = cached(self._compute_daily)
        self._contributions = cached(self._compute_contributions)
        self._chats = cached(self._compute_chats)
        self._product_ratings = cached(self._compute_product_ratings)

    def clear_caches(self, classification_only: bool = False) -> None:
        """Forget computed frames (only those that depend on the classification, if asked)."""
        caches = [self._daily, self._contributions]
        if not classification_only:
            caches += [self._chats, self._product_ratings]
        for cache in caches:
            cache.cache_clear()

    # -- set-up

    def overrides(self) -> pd.DataFrame | None:
        """The labels file's corrections, or None when there is no labels file yet."""
        return load_overrides(self.labels_path) if self.labels_path.is_file() else None

    def _split(self, classified: pd.DataFrame) -> None:
        """One set of frames per shop, reviews joined to their classification with their local day."""
        reviews = self.data.reviews.drop(columns=["language"], errors="ignore")
        extra = classified[["shop_id", "review_id", "language", *CLASSIFICATION_COLUMNS]]
        reviews = reviews.merge(extra, on=["shop_id", "review_id"], how="left")
        reviews["day"] = reviews["created_at"].dt.tz_convert(self.tz).dt.date
        self._shops: dict[str, dict[str, pd.DataFrame]] = {}
        self._choices: dict[str, dict[str, list[str]]] = {}
        self._inputs: dict[str, tuple[Any, Any, Any]] = {}
        groups = {
            "orders": self.data.orders,
            "reviews": reviews,
            "products": self.data.products,
            "chats": self.data.chats,
        }
        shop_ids = sorted(set(self.data.orders["shop_id"]) | set(self.data.reviews["shop_id"]))
        for name, frame in groups.items():
            parts = dict(tuple(frame.groupby("shop_id", sort=False))) if not frame.empty else {}
            for shop in shop_ids:
                part = parts.get(shop, frame.iloc[:0])
                self._shops.setdefault(shop, {})[name] = part.reset_index(drop=True)

    @property
    def shops(self) -> list[str]:
        return list(self._shops)

    @property
    def classified(self) -> pd.DataFrame:
        """The classification of every review (with the labels file's corrections)."""
        frames = [
            f["reviews"][["shop_id", "review_id", "language", *CLASSIFICATION_COLUMNS]] for f in self._shops.values()
        ]
        return pd.concat(frames, ignore_index=True)

    def alerts(self, as_of: date | None = None) -> pd.DataFrame:
        """The alert episodes of every shop in the 90 days to ``as_of`` (:func:`toolkit.alerts.episodes`)."""
        as_of = as_of or self.as_of
        if getattr(self, "_alerts_for", None) != as_of:
            from toolkit.alerts import episodes

            o, r, a = self.analysis.tables()
            self._alerts_cache = episodes(o, r, self.settings.replace(as_of=as_of), a)
            self._alerts_for = as_of
        return self._alerts_cache

    def risk_table(self, as_of: date | None = None) -> pd.DataFrame:
        """Every shop ranked by risk: status, then the low end of the SNRR interval, then open alerts.

        Columns ``shop_id, status, status_label, snrr, snrr_low, snrr_high, delivered_orders, open_alerts,
        sparkline`` (the 90-day trailing SNRR as a text sparkline), ``risk_rank`` (1 = most at risk).
        """
        from toolkit.alerts import open_alerts

        as_of = as_of or self.as_of
        if getattr(self, "_risk_for", None) == as_of:
            return self._risk_cache
        settings = self.settings.replace(as_of=as_of)
        o, r, a = self.analysis.tables()
        now = rates.to_pandas(rates.shop_rates(o, r, settings, a))
        daily = rates.to_pandas(rates.daily_rates(o, r, settings, as_of - timedelta(days=89), a))
        spark = daily.groupby("shop_id")["snrr"].apply(lambda v: sparkline(v.to_numpy()))
        now["open_alerts"] = now["shop_id"].map(open_alerts(self.alerts(as_of))).fillna(0).astype(int)
        now["sparkline"] = now["shop_id"].map(spark).fillna("")
        now["status_label"] = now["status"].map(lambda v: STATUS_LABELS.get(v, v))
        risk = now["status"].map(STATUS_RISK)
        now = now.assign(_risk=risk).sort_values(
            ["_risk", "snrr_low", "open_alerts", "snrr", "shop_id"], ascending=[True, False, False, False, True]
        )
        now["risk_rank"] = range(1, len(now) + 1)
        columns = ["risk_rank", "shop_id", "status", "status_label", "snrr", "snrr_low", "snrr_high"]
        self._risk_cache = now[[*columns, "delivered_orders", "open_alerts", "sparkline"]].reset_index(drop=True)
        self._risk_for = as_of
        return self._risk_cache

    def shops_by_risk(self) -> list[str]:
        """Shop ids, most at risk first (the order of every notebook's shop picker)."""
        return self.risk_table()["shop_id"].tolist()

    def shop_frames(self, shop_id: str) -> dict[str, pd.DataFrame]:
        """``orders, reviews (with classification and day), products, chats`` of one shop."""
        if shop_id not in self._shops:
            raise unknown("shop", shop_id, self.shops)
        return self._shops[shop_id]

    def choices(self, shop_id: str) -> dict[str, list[str]]:
        """The values the filters offer for a shop: ``cause``, ``product_id`` and ``language`` seen in its reviews."""
        if shop_id not in self._choices:
            self._choices[shop_id] = self._compute_choices(shop_id)
        return self._choices[shop_id]

    def _compute_choices(self, shop_id: str) -> dict[str, list[str]]:
        frames = self.shop_frames(shop_id)
        reviews = frames["reviews"]
        products = set(reviews["product_id"]) | set(frames["orders"]["product_id"])
        return {
            "cause": sorted(reviews["cause"].dropna().unique()),
            "product_id": sorted(products),
            "language": sorted(reviews["language"].dropna().unique()),
        }

    def config(self, state: ViewState) -> Settings:
        return self.settings.replace(as_of=state.as_of, window_days=state.window_days, anchor=state.anchor)

    # -- computations (cached)

    def _rate_inputs(self, shop_id: str) -> tuple[Any, Any, Any]:
        """A shop's orders, reviews and attribution for :mod:`toolkit.rates`, only the columns it reads, on Polars
        when it is installed (the same narwhals code, 2-3x faster than on pandas; measured in bench/), else pandas."""
        if shop_id not in self._inputs:
            frames = self.shop_frames(shop_id)
            orders = frames["orders"][["order_id", "shop_id", "product_id", "order_status", "delivered_at"]]
            columns = ["review_id", "order_id", "shop_id", "product_id", "rating", "created_at"]
            if "initial_rating" in frames["reviews"].columns:
                columns.append("initial_rating")
            reviews = frames["reviews"][columns]
            attribution = frames["reviews"][["shop_id", "review_id", "cause", "responsibility"]]
            inputs = (orders, reviews, attribution)
            if _polars() is not None:
                inputs = tuple(_polars().from_pandas(frame) for frame in inputs)
            self._inputs[shop_id] = inputs
        return self._inputs[shop_id]

    def _compute_daily(self, shop_id: str, as_of: date, window_days: int, anchor: str) -> pd.DataFrame:
        orders, reviews, attribution = self._rate_inputs(shop_id)
        config = self.config(ViewState(shop_id, as_of, window_days, anchor))
        since = as_of - timedelta(days=TREND_DAYS - 1)
        return _pandas(rates.daily_rates(orders, reviews, config, since, attribution, shops=[shop_id]))

    def _compute_contributions(self, shop_id: str, as_of: date, window_days: int, anchor: str, by: str) -> pd.DataFrame:
        orders, reviews, attribution = self._rate_inputs(shop_id)
        config = self.config(ViewState(shop_id, as_of, window_days, anchor))
        return _pandas(rates.contributions(orders, reviews, config, attribution, by=by))

    def _compute_chats(self, shop_id: str, as_of: date, window_days: int) -> pd.DataFrame:
        chats = self.shop_frames(shop_id)["chats"]
        if chats.empty:
            return pd.DataFrame()
        return rates.chat_responsiveness(chats, self.config(ViewState(shop_id, as_of, window_days)))

    def _compute_product_ratings(self, shop_id: str, as_of: date) -> pd.DataFrame:
        """The shop's fix-first list (:func:`toolkit.products.fix_first`), variants included where the data has them."""
        from toolkit.products import fix_first, with_variants

        frames = self.shop_frames(shop_id)
        products = frames["products"] if not frames["products"].empty else None
        reviews = with_variants(frames["reviews"], frames["orders"])
        return fix_first(reviews, self.config(ViewState(shop_id, as_of)), products)

    def view_data(self, state: ViewState, parts: tuple[str, ...] = PARTS) -> dict[str, pd.DataFrame]:
        """The frames behind the views for ``state`` (only ``parts``, default all).

        Returns
        -------
        dict of DataFrame
            ``rates`` (one row of :data:`toolkit.rates.RATE_COLUMNS` as of the day), ``daily`` (the trailing rates of
            the last 90 days), ``by_cause`` and ``by_product`` (contributions), ``chats`` (chat responsiveness per
            day of the window), ``products`` (product ratings, narrowed to the product filter), ``reviews`` (the
            window's reviews matching the filters, with their classification), ``negatives`` (those with 1-2 stars)
            and ``table`` (what the drill-down table lists, newest first). The rate frames do not depend on the
            filters.

        Examples
        --------
        >>> ex = Explorer(labels_path="no-labels-here.csv")          # the bundled samples
        >>> state = ViewState("shop-quality", ex.as_of)
        >>> out = ex.view_data(state, parts=("rates", "reviews"))
        >>> sorted(out), int(out["rates"]["delivered_orders"].iloc[0]) > 0
        (['negatives', 'rates', 'reviews', 'table'], True)
        >>> filtered = ex.view_data(ViewState("shop-quality", ex.as_of, cause="poor_quality"), parts=("reviews",))
        >>> set(filtered["negatives"]["cause"]) <= {"poor_quality"}
        True
        """
        unknown = set(parts) - set(PARTS)
        if unknown:
            raise ParameterError(f"unknown view parts {sorted(unknown)}; use some of: {', '.join(PARTS)}")
        shop, as_of, window, anchor = state.rate_key
        frames = self.shop_frames(shop)
        out: dict[str, pd.DataFrame] = {}
        if "daily" in parts or "rates" in parts:
            daily = self._daily(shop, as_of, window, anchor)
            # the trailing rate on the as-of day is the shop's rate as of that day (shop_rates gives the same row)
            out["rates"] = daily[daily["as_of"] == as_of].reset_index(drop=True)
            if "daily" in parts:
                out["daily"] = daily
        for by in ("cause", "product"):
            if f"by_{by}" in parts:
                out[f"by_{by}"] = self._contributions(shop, as_of, window, anchor, by)
        if "chats" in parts:
            out["chats"] = self._chats(shop, as_of, window)
        if "products" in parts:
            ratings = self._product_ratings(shop, as_of)
            if state.product_id is not None:
                ratings = ratings[ratings["product_id"] == state.product_id].reset_index(drop=True)
            out["products"] = ratings
        if "reviews" in parts:
            reviews = frames["reviews"]
            keep = (reviews["day"] >= state.first_day) & (reviews["day"] <= as_of)
            for column in ("cause", "product_id", "language"):
                value = getattr(state, column)
                if value is not None:
                    keep &= reviews[column] == value
            matching = reviews[keep]
            negatives = matching[matching["rating"] <= 2]
            table = negatives if state.negative_only else matching
            out.update(
                reviews=matching.reset_index(drop=True),
                negatives=negatives.reset_index(drop=True),
                table=table.sort_values(["created_at", "review_id"], ascending=False).reset_index(drop=True),
            )
        return out

    # -- labelling

    def relabel(self, review_id: str, shop_id: str, cause: str, note: str = "") -> pd.Series:
        """Save a corrected cause to the labels file and re-classify that review with it; returns its new row."""
        frames = self.shop_frames(shop_id)
        reviews = frames["reviews"]
        hit = reviews.index[reviews["review_id"] == str(review_id)]
        if hit.empty:
            raise ParameterError(f"shop {shop_id!r} has no review {review_id!r}")
        save_label(review_id, cause, shop_id=shop_id, note=note, path=self.labels_path)
        raw = self.data.reviews
        one = raw[(raw["shop_id"] == shop_id) & (raw["review_id"] == str(review_id))].reset_index(drop=True)
        fresh = classify_reviews(one, frames["orders"], frames["chats"], overrides=self.overrides(), as_of=self.as_of)
        for column in ["language", *CLASSIFICATION_COLUMNS]:
            reviews.loc[hit, column] = fresh[column].iloc[0]
        self.clear_caches(classification_only=True)
        self._choices.pop(shop_id, None)
        self._inputs.pop(shop_id, None)
        return reviews.loc[hit[0]]


# ---------------------------------------------------------------------------------------------- HTML pieces


def headline_html(row: pd.DataFrame, state: ViewState) -> str:
    """The headline figures: SNRR with its interval and status, orders, negatives, product and service NRR."""
    head = (
        f"<b>{esc(state.shop_id)}</b>, {state.window_days} days to {state.as_of:%Y-%m-%d} ({esc(state.anchor)} anchor)"
    )
    if row.empty:
        return f'<div class="srh-headline"><p>{head}: no data.</p></div>'
    r = row.iloc[0]
    snrr = f"SNRR <b class='srh-snrr'>{pct(r['snrr'])}</b> (95% {pct(r['snrr_low'])} to {pct(r['snrr_high'])})"
    counts = (
        f"{int(r['seller_negative_reviews'])} seller-related negatives / {int(r['delivered_orders'])} delivered orders"
    )
    others = f"product NRR {pct(r['product_nrr'])}, service NRR {pct(r['service_nrr'])}"
    small = " <i>small sample</i>" if bool(r["small_sample"]) else ""
    status = esc(STATUS_LABELS.get(r["status"], r["status"]))
    return (
        f'<div class="srh-headline"><p>{head}</p><p>{snrr}: <b>{status}</b>{small}</p>'
        f"<p>{esc(counts)}; {esc(others)}</p></div>"
    )


STATUS_RISK = {"above_target": 0, "above_strict": 1, "ok": 2, "no_orders": 3}
SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values, top: float | None = None) -> str:
    """A text sparkline (one character a day; a space where there is no rate).

    Examples
    --------
    >>> sparkline([0.0, 0.01, 0.02, float("nan")])
    '▁▅█ '
    """
    import numpy as np

    v = np.asarray(values, dtype=float)
    high = top if top is not None else (np.nanmax(v) if np.isfinite(v).any() else 0.0)
    if not high or high <= 0:
        return "".join(" " if np.isnan(x) else SPARK[0] for x in v)
    idx = np.clip(np.round(v / high * (len(SPARK) - 1)), 0, len(SPARK) - 1)
    return "".join(" " if np.isnan(x) else SPARK[int(i)] for x, i in zip(v, idx, strict=True))


def risk_table_html(table: pd.DataFrame, limit: int = 50) -> str:
    """The portfolio table: rank, shop, status in plain words, SNRR and interval, open alerts, 90-day sparkline."""
    rows = "".join(
        f"<tr><td>{int(r.risk_rank)}</td><td>{esc(r.shop_id)}</td><td>{esc(r.status_label)}</td>"
        f"<td>{pct(r.snrr)}</td><td>{pct(r.snrr_low)} to {pct(r.snrr_high)}</td><td>{int(r.open_alerts)}</td>"
        f"<td style='font-family:monospace'>{esc(r.sparkline)}</td></tr>"
        for r in table.head(limit).itertuples(index=False)
    )
    head = "".join(f"<th>{h}</th>" for h in ("#", "shop", "status", "SNRR", "95% interval", "open alerts", "90 days"))
    more = f"<p>Showing {min(limit, len(table))} of {len(table)} shops.</p>" if len(table) > limit else ""
    return f"<table class='srh-risk'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{more}"


def alerts_table_html(episodes: pd.DataFrame) -> str:
    """The overview's alerts table: open first, then newest, with the cause in plain words."""
    if episodes.empty:
        return "<p class='srh-alerts-empty'>No alerts in the last 90 days.</p>"
    rows = "".join(
        f"<tr><td>{'open' if r.open else 'closed'}</td><td>{r.start} to {r.end}</td>"
        f"<td>{esc(label(r.cause)) if isinstance(r.cause, str) else ''}</td>"
        f"<td style='white-space:normal;width:60%'>{esc(r.detail)}</td></tr>"
        for r in episodes.sort_values(["open", "start"], ascending=False).itertuples(index=False)
    )
    head = "".join(f"<th>{h}</th>" for h in ("state", "days", "cause", "what happened"))
    return f"<table class='srh-alerts'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def review_table_html(table: pd.DataFrame, redact_pii: bool = True, limit: int = TABLE_ROWS) -> str:
    """The drill-down table: review text escaped (never interpreted as HTML) with the evidence spans marked."""
    if table.empty:
        return '<p class="srh-table-empty">No reviews match this selection.</p>'
    shown = table.head(limit)
    rows = []
    for r in shown.itertuples(index=False):
        text = highlighted(r.review_text, r.evidence, redact_pii)
        reason = "" if pd.isna(r.responsibility_reason) else r.responsibility_reason
        rows.append(
            f"<tr><td>{esc(r.review_id)}</td><td>{esc(r.day)}</td><td>{int(r.rating)}★</td>"
            f"<td>{esc(r.product_id)}</td><td>{esc(r.language)}</td><td>{esc(label(r.cause))}</td>"
            f"<td>{esc(r.responsibility)}<br><small>{esc(reason)}</small></td>"
            f"<td style='white-space:pre-wrap;width:55%;min-width:24rem'>{text}</td></tr>"
        )
    more = f"<p>Showing {len(shown)} of {len(table)} reviews.</p>" if len(table) > limit else ""
    head = "".join(
        f"<th>{h}</th>" for h in ("review", "day", "stars", "product", "lang", "cause", "responsibility", "text")
    )
    style = "<style>.srh-table mark{background:#fde68a}.srh-table td{vertical-align:top;padding:2px 6px}</style>"
    return f"{style}<table class='srh-table'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


# ---------------------------------------------------------------------------------------------- apps


def show(out: widgets.Output, obj: Any) -> None:
    """Replace what ``out`` shows by ``obj``: the effect of ``clear_output(wait=True)`` + ``display(obj)`` in one
    step, which also works without a kernel. Altair charts go through Altair's active (default) renderer."""
    if hasattr(obj, "_repr_mimebundle_"):
        bundle = obj._repr_mimebundle_()
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
    elif hasattr(obj, "_repr_html_"):
        data, metadata = {"text/html": obj._repr_html_(), "text/plain": repr(obj)}, {}
    else:
        data, metadata = {"text/plain": str(obj)}, {}
    out.outputs = ({"output_type": "display_data", "data": data, "metadata": metadata or {}},)


class _App:
    """Controls, a state built from them, and views re-drawn when their inputs change."""

    filters: tuple[str, ...] = ()
    parts: tuple[str, ...] = PARTS
    title = ""

    def __init__(self, explorer: Explorer | None = None, shop_id: str | None = None, as_of: date | None = None):
        self.explorer = explorer if explorer is not None else Explorer()
        ex = self.explorer
        ranked = ex.shops_by_risk()
        self._picker_options = [(f"{s} · {_status_of(ex, s)}", s) for s in ranked]
        self.shop = widgets.Dropdown(options=self._picker_options, value=shop_id or ranked[0], description="shop")
        self.search = widgets.Text(placeholder="search shops", description="find")
        self.search.observe(self._on_search, names="value")
        self.as_of = widgets.DatePicker(value=as_of or ex.as_of, description="as of")
        self.window = widgets.ToggleButtons(options=list(WINDOWS), value=30, description="window (days)")
        self.anchor = widgets.ToggleButtons(options=list(ANCHORS), value="review", description="anchor")
        self.cause = widgets.Dropdown(description="cause")
        self.product = widgets.Dropdown(description="product")
        self.language = widgets.Dropdown(description="language")
        self.negative_only = widgets.Checkbox(value=True, description="1-2 stars only")
        self.message = widgets.HTML()
        self.outputs: dict[str, widgets.Output] = {}
        self.charts: dict[str, alt.TopLevelMixin] = {}
        self._drawn: dict[str, object] = {}
        self._holding = False
        self.data: dict[str, pd.DataFrame] = {}
        self._set_choices()
        self.shop.observe(self._on_shop, names="value")
        for control in self.controls()[1:]:
            control.observe(self._on_change, names="value")
        self.widget = widgets.VBox([widgets.HTML(f"<h3>{esc(self.title)}</h3>"), self._control_box(), *self.body()])
        self.refresh()

    # the controls this app shows (the shop picker first)
    def controls(self) -> list[widgets.Widget]:
        picked = {"cause": self.cause, "product": self.product, "language": self.language}
        extra = [picked[f] for f in self.filters if f in picked]
        if "negative_only" in self.filters:
            extra.append(self.negative_only)
        return [self.shop, self.as_of, self.window, self.anchor, *extra]

    def _control_box(self) -> widgets.Widget:
        controls = self.controls()
        first = widgets.HBox([self.search, *controls[:2]])
        return widgets.VBox([first, widgets.HBox(controls[2:4]), widgets.HBox(controls[4:])])

    def _on_search(self, change: dict) -> None:
        """Narrow the shop picker (sorted by risk) to the shops whose id contains the text."""
        text = str(change["new"]).strip().lower()
        options = [o for o in self._picker_options if text in o[1].lower()] or self._picker_options
        current = self.shop.value
        self.shop.options = options
        if current in {v for _, v in options}:
            self.shop.value = current

    def body(self) -> list[widgets.Widget]:
        raise NotImplementedError

    def _output(self, name: str) -> widgets.Output:
        self.outputs[name] = out = widgets.Output()
        out.add_class(f"srh-{name}")
        return out

    def _set_choices(self) -> None:
        choices = self.explorer.choices(self.shop.value)
        for control, key in ((self.cause, "cause"), (self.product, "product_id"), (self.language, "language")):
            control.options = [ALL, *choices[key]]
            control.value = ALL

    def _on_shop(self, change: dict) -> None:
        self._holding = True
        try:
            self._set_choices()
        finally:
            self._holding = False
        self.refresh()

    def _on_change(self, change: dict) -> None:
        if not self._holding:
            self.refresh()

    @property
    def state(self) -> ViewState:
        def pick(control: widgets.Dropdown) -> str | None:
            return None if control.value in (None, ALL) else control.value

        return ViewState(
            shop_id=self.shop.value,
            as_of=self.as_of.value or self.explorer.as_of,
            window_days=int(self.window.value),
            anchor=self.anchor.value,
            cause=pick(self.cause),
            product_id=pick(self.product),
            language=pick(self.language),
            negative_only=bool(self.negative_only.value),
        )

    def refresh(self) -> None:
        """Recompute the data behind the views and re-draw those whose inputs changed."""
        state = self.state
        try:
            self.data = self.explorer.view_data(state, self.parts)
        except ParameterError as err:
            self.message.value = f"<p style='color:#b42318'>{esc(err)}</p>"
            return
        self.message.value = ""
        self.render(state)

    def _chart(self, name: str, key: object, build) -> None:
        """Draw ``build()`` into the output ``name`` unless it already shows the chart for ``key``."""
        if self._drawn.get(name) == key:
            return
        self.charts[name] = chart = build()
        show(self.outputs[name], chart)
        self._drawn[name] = key

    def render(self, state: ViewState) -> None:
        raise NotImplementedError

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def _filters_key(state: ViewState) -> tuple:
    return (*state.rate_key, state.cause, state.product_id, state.language)


class OverviewApp(_App):
    """Shop overview: headline figures, the SNRR trend, contributions by cause, chat responsiveness."""

    title = "Shop overview"
    parts = ("rates", "daily", "by_cause", "chats")

    def body(self) -> list[widgets.Widget]:
        self.headline = widgets.HTML()
        self.headline.add_class("srh-headline-box")
        self.alerts = widgets.HTML()
        self.alerts.add_class("srh-alerts-box")
        return [
            self.message,
            self.headline,
            self.alerts,
            self._output("trend"),
            self._output("by_cause"),
            self._output("chats"),
        ]

    def render(self, state: ViewState) -> None:
        d, ex = self.data, self.explorer
        self.headline.value = headline_html(d["rates"], state)
        episodes = ex.alerts(state.as_of)
        self.alerts.value = "<h4>Alerts</h4>" + alerts_table_html(episodes[episodes["shop_id"] == state.shop_id])
        key = state.rate_key
        self._chart("trend", key, lambda: charts.snrr_trend(d["daily"], ex.target, ex.strict))
        self._chart("by_cause", key, lambda: charts.contributions_chart(d["by_cause"], "cause"))
        self._chart("chats", key, lambda: charts.chat_trend(d["chats"]))


class CausesApp(_App):
    """Negative-review causes: Pareto, product x cause heatmap and the drill-down table with evidence marked."""

    title = "Negative-review causes"
    filters = ("cause", "product", "language")
    parts = ("reviews",)

    def body(self) -> list[widgets.Widget]:
        self.table = widgets.HTML()
        self.table.add_class("srh-table-box")
        return [self.message, self._output("pareto"), self._output("heatmap"), self.table]

    def render(self, state: ViewState) -> None:
        d, key = self.data, _filters_key(state)
        products = self.explorer.shop_frames(state.shop_id)["products"]
        self._chart("pareto", key, lambda: charts.cause_pareto(d["negatives"]))
        self._chart("heatmap", key, lambda: charts.product_cause_heatmap(d["negatives"], products))
        self.table.value = review_table_html(d["table"], self.explorer.redact_pii)


class ProductsApp(_App):
    """Product ratings: products to fix first, contributions by product, the star distribution."""

    title = "Product ratings"
    filters = ("product",)
    parts = ("products", "by_product", "reviews")

    def body(self) -> list[widgets.Widget]:
        return [self.message, self._output("ratings"), self._output("by_product"), self._output("stars")]

    def render(self, state: ViewState) -> None:
        d = self.data
        self._chart(
            "ratings",
            (state.shop_id, state.as_of, state.product_id),
            lambda: charts.fix_first_chart(d["products"], names=charts.product_names(self.explorer.data.products)),
        )
        by_product = d["by_product"]
        if state.product_id is not None:
            by_product = by_product[by_product["product_id"] == state.product_id]
        self._chart("by_product", _filters_key(state), lambda: charts.contributions_chart(by_product, "product_id"))
        self._chart("stars", _filters_key(state), lambda: charts.star_distribution(d["reviews"]))


class LabellingApp(_App):
    """Correct a review's cause: pick a review of the selection, choose the cause, save to the labels file."""

    title = "Review labelling"
    filters = ("cause", "product", "language", "negative_only")
    parts = ("reviews",)

    def body(self) -> list[widgets.Widget]:
        self.review = widgets.Dropdown(description="review", layout=widgets.Layout(width="36rem"))
        self.new_cause = widgets.Dropdown(options=list(LABELS), description="cause")
        self.note = widgets.Text(description="note", placeholder="why (optional)")
        self.save = widgets.Button(description="Save label", button_style="primary", icon="check")
        self.preview = widgets.HTML()
        self.status = widgets.HTML()
        self.table = widgets.HTML()
        self.review.observe(self._on_review, names="value")
        self.save.on_click(self._on_save)
        form = widgets.VBox(
            [self.review, self.preview, widgets.HBox([self.new_cause, self.note, self.save]), self.status]
        )
        return [self.message, form, self.table]

    def render(self, state: ViewState) -> None:
        table = self.data["table"]
        shown = table.head(TABLE_ROWS)
        options = [
            (f"{r.review_id} · {int(r.rating)}★ · {r.cause}", r.review_id)
            for r in shown[["review_id", "rating", "cause"]].itertuples(index=False)
        ]
        current = self.review.value
        self.review.options = options
        ids = [v for _, v in options]
        self.review.value = current if current in ids else (ids[0] if ids else None)
        self._on_review({})
        self.table.value = review_table_html(table, self.explorer.redact_pii)

    def _selected(self) -> pd.Series | None:
        table = self.data.get("table")
        if self.review.value is None or table is None:
            return None
        hit = table[table["review_id"] == self.review.value]
        return None if hit.empty else hit.iloc[0]

    def _on_review(self, change: dict) -> None:
        row = self._selected()
        if row is None:
            self.preview.value = "<p>No review selected.</p>"
            return
        self.preview.value = (
            f"<p><b>{esc(row['cause'])}</b> ({esc(row['responsibility'])}): "
            f"{highlighted(row['review_text'], row['evidence'], self.explorer.redact_pii)}</p>"
        )
        if row["cause"] in LABELS:
            self.new_cause.value = row["cause"]

    def _on_save(self, button: widgets.Button | None = None) -> None:
        row = self._selected()
        if row is None:
            self.status.value = "<p>Pick a review first.</p>"
            return
        new = self.explorer.relabel(row["review_id"], self.shop.value, self.new_cause.value, self.note.value)
        self.status.value = (
            f"<p>Saved: {esc(row['review_id'])} is now <b>{esc(new['cause'])}</b> "
            f"(written to {esc(self.explorer.labels_path)}).</p>"
        )
        self.note.value = ""
        self._drawn.clear()
        self.refresh()


def _status_of(ex: Explorer, shop_id: str) -> str:
    table = ex.risk_table()
    return str(table.loc[table["shop_id"] == shop_id, "status_label"].iloc[0])


class PortfolioApp:
    """Every shop ranked by risk (status, interval low end, open alerts, 90-day sparkline); pick one to open its
    overview below the list."""

    def __init__(self, explorer: Explorer | None = None, limit: int = 50):
        self.explorer = explorer if explorer is not None else Explorer()
        self.limit = limit
        self.table = self.explorer.risk_table()
        self.search = widgets.Text(placeholder="search shops", description="find")
        self.pick = widgets.Dropdown(options=[ALL], value=ALL, description="open")
        self.list = widgets.HTML()
        self.detail = widgets.Output()
        self.app: OverviewApp | None = None
        self.search.observe(lambda change: self._refresh(), names="value")
        self.pick.observe(self._open, names="value")
        self._refresh()
        self.widget = widgets.VBox(
            [widgets.HTML("<h3>Portfolio</h3>"), widgets.HBox([self.search, self.pick]), self.list, self.detail]
        )

    def selection(self) -> pd.DataFrame:
        text = self.search.value.strip().lower()
        table = self.table
        return table[table["shop_id"].str.lower().str.contains(text, regex=False)] if text else table

    def _refresh(self) -> None:
        shown = self.selection()
        self.list.value = risk_table_html(shown, self.limit)
        self.pick.options = [ALL, *(shown["shop_id"].head(self.limit))]

    def _open(self, change: dict) -> None:
        if change["new"] in (None, ALL):
            return
        self.app = OverviewApp(self.explorer, shop_id=change["new"])
        self.detail.clear_output()
        with self.detail:
            from IPython.display import display

            display(self.app.widget)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def explore(app: str = "overview", explorer: Explorer | None = None, **kwargs: Any) -> _App:
    """Build one of the apps: ``overview``, ``causes``, ``products`` or ``labelling``."""
    kinds = {"overview": OverviewApp, "causes": CausesApp, "products": ProductsApp, "labelling": LabellingApp}
    if app not in kinds:
        raise ParameterError(f"unknown app {app!r}; use one of: {', '.join(kinds)}")
    return kinds[app](explorer, **kwargs)
