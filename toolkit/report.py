"""The per-shop health report: the sections the template notebook shows, each an HTML block built here.

The template ``notebooks/shop_health_report.ipynb`` only calls these functions; :mod:`toolkit.render` runs it for
many shops and turns the result into one self-contained HTML file per shop. Everything taken from the data is
escaped (:func:`toolkit.offline_html.esc`); personal data in review text is redacted unless ``redact_pii`` is off.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit import charts, rates
from toolkit.load import ShopData
from toolkit.offline_html import chart_html, esc
from toolkit.pipeline import Analysis, analyse
from toolkit.privacy import redact
from toolkit.safe_csv import neutralise
from toolkit.settings import Settings
from toolkit.source import DataSource
from toolkit.taxonomy import STATUS_LABELS, Cause, label

TREND_DAYS = 90


@dataclass
class ShopReport:
    """The computed content of one shop's report."""

    shop_id: str
    params: Settings
    data: ShopData
    classified: pd.DataFrame  # classify_reviews() for the shop's reviews, corrections applied
    now: pd.DataFrame  # shop_rates as of as_of (one row)
    before: pd.DataFrame  # shop_rates one window earlier
    daily: pd.DataFrame
    sps: pd.DataFrame
    by_cause: pd.DataFrame
    by_product: pd.DataFrame
    room: pd.DataFrame
    chats: pd.DataFrame
    load_summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    derived: list[str] = field(default_factory=list)  # facts the exports lack and how they were supplied
    episodes: pd.DataFrame = field(default_factory=pd.DataFrame)  # toolkit.alerts.episodes
    fix_list: pd.DataFrame = field(default_factory=pd.DataFrame)  # toolkit.products.fix_first
    projection: pd.DataFrame = field(default_factory=pd.DataFrame)  # toolkit.projections.scenarios
    change: pd.DataFrame | None = None  # toolkit.compare.before_after, when a change date is given
    redact_pii: bool = True
    source: str = ""  # where the data came from, in plain words
    warnings: list[str] = field(default_factory=list)

    @property
    def row(self) -> pd.Series:
        return self.now.iloc[0]


def build(
    shop_id: str,
    settings: Settings,
    *,
    analysis: Analysis | None = None,
    source: DataSource | None = None,
    cache: str | Path | None = None,
    redact_pii: bool = True,
    changed_on: str | date | None = None,
    changed_product: str | None = None,
    changed_cause: str | None = None,
) -> ShopReport:
    """Compute everything the report shows for one shop.

    The data and its classification come from ``analysis``, else from the ``cache`` file the batch wrote (this
    shop's own slice, :mod:`toolkit.render`), else from :func:`toolkit.pipeline.analyse` on ``source`` (default:
    the bundled samples). With ``changed_on`` and a ``changed_product`` or ``changed_cause`` the report gets a
    "Did the fix work?" section.
    """
    from toolkit import compare, products

    if analysis is None:
        analysis = load_cache(cache) if cache else analyse(source, settings)
    full = analysis
    one = analysis.shop(str(shop_id))
    shop, classified, shop_id = one.data, one.classified, str(shop_id)
    o, r, a = one.tables("polars")
    po, pr, pa = one.tables()  # the decision modules (products, compare) work on pandas
    figures = one.figures
    if one.settings != settings or figures.get("now", pd.DataFrame()).empty:  # not made by a batch for this shop
        figures = _figures(one, settings, [shop_id])
    pd_ = rates.to_pandas
    return ShopReport(
        shop_id=shop_id,
        params=settings,
        data=shop,
        classified=classified,
        **{name: figures[name] for name in FLEET_FIGURES},
        by_cause=pd_(rates.contributions(o, r, settings, a, by="cause")),
        by_product=pd_(rates.contributions(o, r, settings, a, by="product")),
        room=pd_(rates.headroom(o, r, settings, a, shops=[shop_id])),
        chats=rates.chat_responsiveness(shop.chats, settings) if not shop.chats.empty else pd.DataFrame(),
        load_summary=full.data.report.to_frame(),
        derived=list(full.data.report.derived),
        redact_pii=redact_pii,
        source=full.source.describe(),
        warnings=list(full.warnings),
        fix_list=products.fix_first(
            products.with_variants(pr, po), settings, shop.products if not shop.products.empty else None
        ),
        change=(
            compare.before_after(
                po,
                pr,
                settings,
                changed_on,
                shop_id=shop_id,
                attribution=pa,
                product_id=changed_product,
                cause=changed_cause,
            )
            if changed_on
            else None
        ),
    )


#: the parts of a report that are one vectorised pass over any number of shops (:func:`fleet_figures`)
FLEET_FIGURES = ("now", "before", "daily", "sps", "episodes", "projection")


def fleet_figures(analysis: Analysis, shops: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """The rates now and one window earlier, the daily trend, the SPS, the alert episodes and the projections of
    every shop of ``shops`` (default: all), each computed once for all of them: what :func:`build` shows of a
    shop, for a batch to compute once and give each report its own rows (``Analysis.figures``)."""
    return _figures(analysis, analysis.settings, analysis.check_shops(shops))


def _figures(analysis: Analysis, settings: Settings, shops: list[str]) -> dict[str, pd.DataFrame]:
    from toolkit import alerts, projections

    # the rates are computed on Polars (same values as pandas, a third of the time on small frames)
    o, r, a = analysis.tables("polars")
    as_of, pd_ = settings.as_of, rates.to_pandas
    since = as_of - timedelta(days=TREND_DAYS - 1)
    before = settings.replace(as_of=as_of - timedelta(days=settings.window_days))
    figures = {
        "now": pd_(rates.shop_rates(o, r, settings, a, shops=shops)),
        "before": pd_(rates.shop_rates(o, r, before, a, shops=shops)),
        "daily": pd_(rates.daily_rates(o, r, settings, since, a, shops=shops)),
        "sps": pd_(rates.sps_negative_rate(o, r, as_of, settings.tz, shops=shops)),
    }
    del o, r, a  # a fleet's copies go before the decision modules (alerts, projections) make theirs from pandas
    po, pr, pa = analysis.tables()
    figures["episodes"] = alerts.episodes(po, pr, settings, pa, since=since, shops=shops)
    figures["projection"] = projections.scenarios(po, pr, settings, pa, shops=shops)
    return figures


def save_cache(analysis: Analysis, path: str | Path) -> None:
    """Keep the analysis of a batch for its notebooks (a private scratch file: it holds unredacted text)."""
    pd.to_pickle(analysis, path)


def load_cache(path: str | Path) -> Analysis:
    """The analysis the batch saved once for all its notebooks."""
    return pd.read_pickle(path)


# ---------------------------------------------------------------- formatting helpers


class Html(str):
    """An HTML block that Jupyter displays as HTML (and nbconvert exports as such)."""

    def _repr_html_(self) -> str:
        return str(self)


def pct(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None or pd.isna(value) else f"{value * 100:.{digits}f}%"


def table(frame: pd.DataFrame, columns: dict[str, str], numeric: tuple[str, ...] = ()) -> str:
    """An escaped HTML table of ``columns`` (name -> heading)."""
    if frame.empty:
        return '<p class="muted">None.</p>'
    head = "".join(f'<th class="{"num" if c in numeric else ""}">{esc(t)}</th>' for c, t in columns.items())
    rows = []
    for record in frame[list(columns)].itertuples(index=False):
        cells = (
            f'<td class="{"num" if c in numeric else ""}">{esc("" if pd.isna(v) else v)}</td>'
            for c, v in zip(columns, record, strict=True)
        )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def highlighted(text: str, evidence: str, redact_pii: bool) -> str:
    """Review text escaped, with the evidence spans marked (and personal data redacted)."""
    if not isinstance(text, str) or not text:
        return '<span class="muted">(rating only, no text)</span>'
    spans = sorted({s for s in str(evidence or "").split(";") if s and s in text}, key=len, reverse=True)
    pieces = [(text, False)]
    for span in spans:
        out = []
        for piece, marked in pieces:
            if marked or span not in piece:
                out.append((piece, marked))
                continue
            parts = piece.split(span)
            for i, part in enumerate(parts):
                if part:
                    out.append((part, False))
                if i < len(parts) - 1:
                    out.append((span, True))
        pieces = out
    clean = (redact(p) if redact_pii else p for p, _ in pieces)
    return "".join(f"<mark>{esc(c)}</mark>" if m else esc(c) for c, (_, m) in zip(clean, pieces, strict=True))


def _download(frame: pd.DataFrame, name: str, label: str) -> str:
    data = base64.b64encode(neutralise(frame).to_csv(index=False).encode("utf-8")).decode("ascii")
    return f'<a download="{esc(name)}" href="data:text/csv;base64,{data}">{esc(label)}</a>'


# ---------------------------------------------------------------- sections


def product_title(rep: ShopReport, product_id: object, html: bool = True) -> str:
    """A product's listing title with its id as a second line (the id alone when the data has no title)."""
    pid = "" if product_id is None or pd.isna(product_id) else str(product_id)
    titles = rep.data.products
    title = None
    if not titles.empty and "title" in titles:
        hit = titles.loc[titles["product_id"].astype(str) == pid, "title"].dropna()
        title = str(hit.iloc[0]) if not hit.empty else None
    if not html:
        return f"{title} ({pid})" if title else pid
    return f"{esc(title)}<br><span class='muted'>{esc(pid)}</span>" if title else esc(pid)


def product_names(rep: ShopReport) -> dict[str, str]:
    """Chart labels for the shop's products: "title (id)" where the data has titles."""
    return charts.product_names(rep.data.products)


def above_since(rep: ShopReport) -> date | None:
    """The first day of the current run of days above the target (None when the shop is not above it now)."""
    daily = rep.daily.sort_values("as_of")
    if daily.empty or not daily["snrr"].iloc[-1] > rep.params.target:
        return None
    under = daily[~(daily["snrr"] > rep.params.target)]
    if under.empty:
        return daily["as_of"].iloc[0]
    return under["as_of"].iloc[-1] + timedelta(days=1)


def first_action(rep: ShopReport) -> str:
    """The first thing to do, in plain words, from the top contributing cause and product."""
    causes = rep.by_cause
    if causes.empty:
        return "Keep answering buyers' questions quickly; nothing pulls the rate up."
    top = str(causes.iloc[0]["cause"])
    products = rep.by_product
    product = product_title(rep, products.iloc[0]["product_id"], html=False) if not products.empty else None
    if top in {c.value for c in Cause} and Cause(top).actions:
        action = Cause(top).actions[0]
        return f"{action}{f' (start with {product})' if product and Cause(top).area.value == 'product' else ''}."
    n = int(causes.iloc[0]["seller_negative_reviews"])
    return f"Read the {n} seller-related negative review(s) marked {label(top).lower()} and answer the buyers."


def no_known_cause(rep: ShopReport) -> float:
    """Seller-related negatives in the window whose cause is not known: none, "no reason given", or a label outside
    the taxonomy -- the same count the contributions by cause show (one number on the whole page)."""
    known = {c.value for c in Cause} - {Cause.UNSPECIFIED.value}
    by = rep.by_cause
    return float(by.loc[~by["cause"].isin(known), "seller_negative_reviews"].sum()) if not by.empty else 0.0


def headline(rep: ShopReport) -> Html:
    row, p = rep.row, rep.params
    before = rep.before.iloc[0]["snrr"] if not rep.before.empty else None
    change = (
        ""
        if before is None or pd.isna(before) or pd.isna(row["snrr"])
        else (f" ({(row['snrr'] - before) * 100:+.2f} points against the previous {p.window_days} days: {pct(before)})")
    )
    small = (
        f'<p class="warning">Small sample: only {int(row["delivered_orders"])} delivered orders in the window; '
        "one negative review moves the rate a lot. Read the interval, not the point.</p>"
        if row["small_sample"]
        else ""
    )
    status = str(row["status"])
    why = []
    since = above_since(rep)
    if since is not None:
        run = "at least " if since == rep.daily["as_of"].min() else ""
        why.append(f"Above the {pct(p.target, 1)} target since {run}{since.isoformat()}.")
    if not rep.by_cause.empty:
        c = rep.by_cause.iloc[0]
        why.append(f"Top cause: <strong>{esc(label(c['cause']))}</strong>, {c['contribution_pp']:.2f} points.")
    if not rep.by_product.empty:
        pr = rep.by_product.iloc[0]
        title = product_title(rep, pr["product_id"], html=False)
        why.append(f"Top product: <strong>{esc(title)}</strong>, {pr['contribution_pp']:.2f} points.")
    why.append(f"First action: {esc(first_action(rep))}")
    return Html(
        f"<h1>Review health: {esc(rep.shop_id)}</h1>"
        f'<p class="muted">As of {p.as_of.isoformat()} ({esc(p.tz)}), {p.window_days}-day window, '
        f"target {pct(p.target, 1)}, strict line {pct(p.strict, 1)}.</p>"
        f'<p><span class="status status-{esc(status)}">{esc(STATUS_LABELS.get(status, status))}</span> '
        f'Seller-related negative review rate <strong class="snrr">{pct(row["snrr"])}</strong> '
        f"(95% interval {pct(row['snrr_low'])} to {pct(row['snrr_high'])}): "
        f"{int(row['seller_negative_reviews'])} seller-related negatives / {int(row['delivered_orders'])} "
        f"delivered orders{change}.</p>"
        f'<p class="why">{" ".join(why)}</p>{small}'
    )


def rates_table(rep: ShopReport) -> Html:
    row = rep.row
    frame = pd.DataFrame(
        [
            (
                "Seller-related (SNRR)",
                row["seller_negative_reviews"],
                row["snrr"],
                row["snrr_low"],
                row["snrr_high"],
            ),
            (
                "Product-related",
                row["product_negative_reviews"],
                row["product_nrr"],
                row["product_nrr_low"],
                row["product_nrr_high"],
            ),
            (
                "Service-related",
                row["service_negative_reviews"],
                row["service_nrr"],
                row["service_nrr_low"],
                row["service_nrr_high"],
            ),
        ],
        columns=["rate", "negatives", "value", "low", "high"],
    )
    p = rep.params
    frame["status"] = [
        STATUS_LABELS.get(str(row[c]), str(row[c])) for c in ("status", "product_nrr_status", "service_nrr_status")
    ]
    frame["bar"] = [pct(p.target, 1), pct(p.product_target, 1), pct(p.service_target, 1)]
    for column in ("value", "low", "high"):
        frame[column] = frame[column].map(pct)
    sps = rep.sps.iloc[0] if not rep.sps.empty else None
    notes = (
        f"<p>All negatives in the window: {int(row['negative_reviews'])}, of which logistics-caused (not counted): "
        f"{int(row['logistics_negative_reviews'])}; with no known cause (counted as seller-related): "
        f"{no_known_cause(rep):g}.</p>"
    )
    if sps is not None:
        value = (
            pct(sps["sps_negative_rate"])
            if sps["eligible"]
            else f"not scored ({int(sps['delivered_orders_90d'])} delivered orders in 90 days, 30 needed)"
        )
        notes += f"<p>SPS negative review rate (60 days, initial rating): {value}.</p>"
    return Html(
        "<h2>Rates</h2>"
        + table(
            frame,
            {
                "rate": "rate",
                "negatives": "negatives",
                "value": "rate value",
                "low": "95% low",
                "high": "95% high",
                "bar": "bar",
                "status": "status",
            },
            ("negatives", "value", "low", "high", "bar"),
        )
        + notes
    )


def trend(rep: ShopReport) -> Html:
    chart = charts.snrr_trend(rep.daily, rep.params.target, rep.params.strict)
    return Html(f"<h2>Trend</h2>{chart_html(chart)}")


def contributors(rep: ShopReport) -> Html:
    cause = charts.contributions_chart(rep.by_cause, "cause")
    product = charts.contributions_chart(rep.by_product, "product_id", names=product_names(rep))
    return Html(
        "<h2>Key contributors</h2><p>Percentage points of the SNRR; they add up to the SNRR.</p>"
        + chart_html(cause)
        + chart_html(product)
    )


def headroom_section(rep: ShopReport) -> Html:
    if rep.room.empty:
        return Html("<h2>Headroom</h2><p class='muted'>No delivered orders in the window.</p>")
    r = rep.room.iloc[0]
    lines = []
    for name in ("target", "strict"):
        value = getattr(rep.params, name)
        if r[f"{name}_excess"] > 0:
            when = r[f"back_under_{name}_on"]
            when = f"on {pd.Timestamp(when).date()}" if pd.notna(when) else "not within the projection horizon"
            lines.append(
                f"<li>Above the {name} ({pct(value, 1)}): {int(r[f'{name}_excess'])} fewer seller-related negatives "
                f"would have kept it under. With no new negatives it falls back under {when}.</li>"
            )
        else:
            lines.append(
                f"<li>Under the {name} ({pct(value, 1)}): room for {int(r[f'{name}_headroom'])} more seller-related "
                "negatives at the current volume.</li>"
            )
    scen = rep.projection
    if not scen.empty:
        lines.append("</ul><h3>When will it be back under the target?</h3><ul>")
        names = {
            "no_new_negatives": "With no new negatives (best case)",
            "current_inflow": "At the current inflow",
            "top_contributor_fixed": "With the top contributor fixed",
        }
        for r2 in scen.itertuples(index=False):
            when = f"on {r2.back_under_on}" if r2.back_under_on else "not within the next two windows"
            top = f" ({esc(label(r2.top_contributor))})" if r2.scenario == "top_contributor_fixed" else ""
            lines.append(
                f"<li>{names[r2.scenario]}{top}: {when}. <span class='muted'>Assumes {esc(r2.assumption)}.</span></li>"
            )
        lines.append(
            "<li class='muted'>Back-tested on real Olist shops (bench/results/projections.txt): see the README for "
            "how often each date held within 3 days.</li>"
        )
    return Html("<h2>Headroom and projection</h2><ul>" + "".join(lines) + "</ul>")


def products_to_fix(rep: ShopReport, top: int = 10) -> Html:
    fix = rep.fix_list
    level = fix["variant"].notna() if "variant" in fix else pd.Series(False, index=fix.index)
    frame = fix[~level].head(top)
    if frame.empty:
        return Html("<h2>Products to fix first</h2><p class='muted'>No reviewed products.</p>")
    variants = fix[level]
    rows = []

    def cells(r: Any) -> str:
        return (
            f"<td class='num'>{int(r.reviews)}</td><td class='num'>{int(r.negative_reviews)}</td>"
            f"<td class='num'>{pct(r.negative_share, 1)}</td><td class='num'>{pct(r.shrunk_negative_rate, 1)} "
            f"<span class='muted'>({pct(r.low, 1)} to {pct(r.high, 1)})</span></td>"
            f"<td class='num'>{r.expected_excess:.1f}</td></tr>"
        )

    for r in frame.itertuples(index=False):
        rows.append(f"<tr><td class='num'>{int(r.rank)}</td><td>{product_title(rep, r.product_id)}</td>{cells(r)}")
        mine = variants[(variants["product_id"] == r.product_id) & (variants["shop_id"] == r.shop_id)]
        for v in mine.itertuples(index=False):
            rows.append(f"<tr class='variant'><td></td><td>&#8627; variant {esc(v.variant)}</td>{cells(v)}")
    head = "".join(
        f"<th class='num'>{h}</th>" if i != 1 else f"<th>{h}</th>"
        for i, h in enumerate(
            ["rank", "product", "reviews", "1-2 star", "share", "estimated rate (95%)", "negatives a fix removes"]
        )
    )
    note = (
        " A product reviewed in two or more variants (size, colour) shows them below it, each estimated towards "
        "its product's rate, so you can see which variant draws the negatives."
        if not variants.empty
        else ""
    )
    return Html(
        "<h2>Products to fix first</h2><p>Ranked by the negatives a fix would remove: the product's estimated "
        "negative rate (shrunk towards its category or shop by a beta-binomial prior fitted by maximum marginal "
        "likelihood) above the typical rate, times its reviews. Products with fewer than 3 reviews come after the "
        f"others. Period: all reviews up to the as-of day.{note}</p>"
        + chart_html(charts.fix_first_chart(fix[~level], names=product_names(rep)))
        + f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def alerts_section(rep: ShopReport) -> Html:
    ep = rep.episodes
    intro = (
        f"<h2>Alerts</h2><p>The last {TREND_DAYS} days, one row per episode: the rate over its control limit, a "
        "CUSUM shift, 3+ negatives of one cause within 7 days, days above the target.</p>"
    )
    if ep.empty:
        return Html(intro + "<p class='muted'>No alerts.</p>")
    rows = "".join(
        f"<tr><td>{'open' if r.open else 'closed'}</td><td>{r.start} to {r.end}</td>"
        f"<td>{esc(label(r.cause)) if isinstance(r.cause, str) else ''}</td>"
        f"<td class='review'>{esc(r.detail)}</td></tr>"
        for r in ep.sort_values("start", ascending=False).itertuples(index=False)
    )
    return Html(
        intro + "<table><thead><tr><th>state</th><th>days</th><th>cause</th><th>what happened</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def fix_check(rep: ShopReport) -> Html:
    """Did the fix work? Before/after a change date (only when the report was given one)."""
    if rep.change is None or rep.change.empty:
        return Html("")
    c = rep.change.iloc[0]
    what = (
        product_title(rep, c["what"].removeprefix("product "))
        if c["what"].startswith("product ")
        else esc(label(c["what"].removeprefix("cause ")))
    )

    def side(name: str) -> str:
        return (
            f"<li>{name.capitalize()} ({c[f'{name}_first']} to {c[f'{name}_last']}): {int(c[f'{name}_negatives'])} "
            f"of {int(c[f'{name}_orders'])} delivered orders got a seller-related negative, {pct(c[f'{name}_rate'])} "
            f"(95% {pct(c[f'{name}_low'])} to {pct(c[f'{name}_high'])})</li>"
        )

    p_value = "n/a" if pd.isna(c["p_value"]) else f"{c['p_value']:.3f}"
    return Html(
        f"<h2>Did the fix work?</h2><p>{what}, changed on {c['changed_on']}.</p><ul>{side('before')}{side('after')}"
        f"</ul><p><strong>{esc(c['verdict'])}</strong> ({esc(c['test'])}, p = {p_value}). "
        f"<span class='muted'>{esc(c['detail'])}</span></p>"
    )


def _negatives(rep: ShopReport) -> pd.DataFrame:
    reviews = rep.data.reviews[rep.data.reviews["rating"] <= 2]
    merged = reviews.merge(
        rep.classified.drop(columns=["language"], errors="ignore"), on=["shop_id", "review_id"], how="left"
    )
    day = merged["created_at"].dt.tz_convert(rep.params.tz).dt.date
    first = rep.params.as_of - timedelta(days=rep.params.window_days - 1)
    return merged[(day >= first) & (day <= rep.params.as_of)]


def negatives_by_cause(rep: ShopReport, per_cause: int = 8) -> Html:
    negatives = _negatives(rep)
    if negatives.empty:
        return Html("<h2>Negative reviews by cause</h2><p class='muted'>No negative reviews in the window.</p>")
    parts = ["<h2>Negative reviews by cause</h2>", chart_html(charts.cause_pareto(negatives))]
    for cause, group in negatives.groupby("cause", sort=False):
        parts.append(
            f"<h3>{esc(label(cause))} ({len(group)})</h3><table><thead><tr><th>stars</th><th>review</th>"
            "<th>responsibility</th><th>product</th></tr></thead><tbody>"
        )
        for r in group.head(per_cause).itertuples(index=False):
            parts.append(
                f"<tr><td class='num'>{int(r.rating)}</td><td class='review'>"
                f"{highlighted(r.review_text, r.evidence, rep.redact_pii)}</td>"
                f"<td>{esc(label(r.responsibility))}<br>"
                f"<span class='muted'>{esc(r.responsibility_reason)}</span></td>"
                f"<td>{product_title(rep, r.product_id)}</td></tr>"
            )
        more = f"<p class='muted'>... and {len(group) - per_cause} more.</p>" if len(group) > per_cause else ""
        parts.append("</tbody></table>" + more)
    return Html("".join(parts))


def _flagged(rep: ShopReport, flag: str) -> pd.DataFrame:
    merged = rep.data.reviews.merge(
        rep.classified.drop(columns=["language"], errors="ignore"), on=["shop_id", "review_id"], how="inner"
    )
    return merged[merged["flags"].fillna("").str.split(";").map(lambda f: flag in f)]


def _review_list(frame: pd.DataFrame, rep: ShopReport, text_column: str = "review_text") -> str:
    if frame.empty:
        return "<p class='muted'>None.</p>"
    evidence = frame["evidence"] if text_column == "review_text" else pd.Series("", index=frame.index)
    products = frame["product_id"] if "product_id" in frame else pd.Series(None, index=frame.index)
    items = "".join(
        f"<li><strong>{int(rating)}★</strong> {esc(review_id)}"
        f"{'' if pd.isna(pid) else ' · ' + esc(product_title(rep, pid, html=False))}: <span class='review'>"
        f"{highlighted(text, spans, rep.redact_pii)}</span></li>"
        for rating, review_id, pid, text, spans in zip(
            frame["rating"], frame["review_id"], products, frame[text_column], evidence, strict=True
        )
    )
    return f"<ul>{items}</ul>"


def safety(rep: ShopReport) -> Html:
    return Html(
        "<h2>Safety escalations</h2><p>Reviews that mention injury, burns, rashes, smoke or shocks: "
        "check the product now.</p>" + _review_list(_flagged(rep, "safety"), rep)
    )


def seller_replies(rep: ShopReport) -> Html:
    bad = pd.concat([_flagged(rep, "reply_abusive"), _flagged(rep, "reply_coercive")]).drop_duplicates("review_id")
    return Html(
        "<h2>Seller-reply problems</h2><p>Replies that are abusive or pressure the buyer to change the "
        "review count as inappropriate review handling.</p>" + _review_list(bad, rep, "seller_reply")
    )


def appeals(rep: ShopReport) -> Html:
    negatives = _negatives(rep)
    orders = rep.data.orders.drop_duplicates("order_id")[
        ["order_id", "shipped_at", "ship_by", "delivered_at", "promised_delivery_at"]
    ]
    logistics = negatives[negatives["responsibility"] == "logistics"]
    candidates = _flagged(rep, "report_candidate")
    rows = pd.concat([logistics.assign(ground="logistics-caused"), candidates.assign(ground="looks invalid")])
    rows = rows.drop_duplicates("review_id").merge(orders, on="order_id", how="left")
    export = rows[
        [
            "review_id",
            "order_id",
            "product_id",
            "rating",
            "cause",
            "ground",
            "responsibility_reason",
            "shipped_at",
            "ship_by",
            "delivered_at",
            "promised_delivery_at",
        ]
    ]
    link = _download(export, f"appeals-{rep.params.as_of}.csv", "Download as CSV") if not export.empty else ""
    shown = export.assign(
        cause=export["cause"].map(label),
        product=export["product_id"].map(lambda pid: product_title(rep, pid, html=False)),
    )
    for column in ("shipped_at", "ship_by", "delivered_at", "promised_delivery_at"):
        shown[column] = shown[column].dt.tz_convert(rep.params.tz).dt.strftime("%Y-%m-%d %H:%M")
    return Html(
        "<h2>Report candidates and appeal evidence</h2><p>Negatives the order facts show were caused by the carrier, "
        "and reviews that look invalid (report them within 30 days).</p>"
        + table(
            shown,
            {
                "review_id": "review",
                "order_id": "order",
                "product": "product",
                "ground": "ground",
                "cause": "cause",
                "responsibility_reason": "facts",
                "shipped_at": "shipped",
                "ship_by": "ship by",
                "delivered_at": "delivered",
            },
        )
        + link
    )


def actions(rep: ShopReport, top: int = 3) -> Html:
    ranked = rep.by_cause[rep.by_cause["cause"].isin([c.value for c in Cause])].head(top)
    if ranked.empty:
        if rep.by_cause.empty:
            return Html("<h2>Recommended actions</h2><p class='muted'>No seller-related negatives to act on.</p>")
        n = int(rep.by_cause["seller_negative_reviews"].sum())
        return Html(
            f"<h2>Recommended actions</h2><p>{n} seller-related negative review(s) have no cause in the taxonomy: "
            "read them above, answer the buyers, and correct their cause in the labelling notebook.</p>"
        )
    items = []
    for cause in ranked["cause"]:
        c = Cause(cause)
        steps = (
            "".join(f"<li>{esc(a)}</li>" for a in c.actions) or "<li>Read these reviews and reply to the buyers.</li>"
        )
        items.append(f"<h3>{esc(c.label)}</h3><p>{esc(c.description)}</p><ul>{steps}</ul>")
    return Html("<h2>Recommended actions</h2>" + "".join(items))


def data_quality(rep: ShopReport) -> Html:
    frame = rep.load_summary.copy()
    if frame.empty:
        return Html("<h2>Data quality</h2><p class='muted'>No load report.</p>")
    frame["file"] = frame["file"].map(lambda f: Path(str(f)).name)
    return Html(
        "<h2>Data quality</h2><p>Rows read from each file and the reasons rows were set aside "
        "(all shops in the files).</p>"
        + table(
            frame,
            {
                "file": "file",
                "rows_read": "rows read",
                "accepted": "accepted",
                "set_aside": "set aside",
                "reason": "reason",
                "count": "rows",
                "example_rows": "e.g. rows",
            },
            ("rows_read", "accepted", "set_aside", "count"),
        )
    )


def appendix(rep: ShopReport) -> Html:
    values = [("shop", rep.shop_id), ("data", rep.source), *rep.params.describe()]
    values.append(("personal data in review text", "redacted" if rep.redact_pii else "shown (--keep-pii)"))
    params = pd.DataFrame(values, columns=["parameter", "value"])
    warnings = "".join(f'<p class="warning">{esc(w)}</p>' for w in rep.warnings)
    derived = (
        "<h3>Not in the exports: supplied as follows</h3><ul>"
        + "".join(f"<li>{esc(d)}</li>" for d in rep.derived)
        + "</ul>"
        if rep.derived
        else "<p>Every fact used came from the files; nothing was derived.</p>"
    )
    return Html(
        "<h2>Appendix: definitions and parameters</h2>" + warnings + "<ul>"
        "<li><strong>Negative review</strong>: 1 or 2 stars (latest rating).</li>"
        "<li><strong>SNRR</strong>: seller-related negative reviews (product quality or seller service; "
        "logistics-caused negatives excluded) / delivered orders, over the window's calendar days in the market "
        "time zone, ending with the as-of day.</li>"
        "<li><strong>Anchor</strong> review: a negative counts on its review day, an order on its delivery day; "
        "order: delivered orders in the window that received a negative review.</li>"
        "<li><strong>Interval</strong>: Wilson 95% score interval.</li>"
        "<li>A negative whose cause is unknown counts as seller-related.</li>"
        "<li>Corrections from the labels file change the cause (and so whether a negative counts).</li></ul>"
        + table(params, {"parameter": "parameter", "value": "value"})
        + derived
    )


SECTIONS = (
    headline,
    alerts_section,
    fix_check,
    rates_table,
    trend,
    contributors,
    headroom_section,
    products_to_fix,
    negatives_by_cause,
    safety,
    seller_replies,
    appeals,
    actions,
    data_quality,
    appendix,
)
