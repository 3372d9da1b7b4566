"""Alerts, the fix-first list and the before/after comparison, on hand-made frames, the samples, Olist and the CLI."""

from __future__ import annotations

import base64
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest

from toolkit.alerts import AlertSettings, episodes
from toolkit.cli import main
from toolkit.compare import before_after
from toolkit.errors import ParameterError
from toolkit.pipeline import analyse
from toolkit.products import FixFirstSettings, fit_beta_binomial, fix_first, one_review_first_share
from toolkit.settings import Settings
from toolkit.source import DataSource
from toolkit.taxonomy import Cause

AS_OF = date(2026, 10, 31)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


@pytest.fixture(scope="module")
def samples():
    return analyse(DataSource(use_default_labels=False), Settings(as_of=AS_OF))


def _episodes(analysis, **kwargs) -> pd.DataFrame:
    o, r, a = analysis.tables()
    return episodes(o, r, analysis.settings, a, **kwargs)


# ------------------------------------------------------------------ alerts


def test_spike_late_rise_is_one_episode_and_healthy_has_none(samples):
    out = _episodes(samples)
    spike = out[out["shop_id"] == "shop-spike"]
    assert len(spike) == 1
    row = spike.iloc[0]
    assert row["start"] >= date(2026, 10, 20) and row["end"] == AS_OF and row["open"]
    # every kind saw the rise, and the episode says so
    for kind in ("threshold", "burst", "control_limit", "cusum"):
        assert f"{kind}:" in row["detail"]
    assert out[out["shop_id"] == "shop-healthy"].empty
    assert _episodes(samples, by_kind=True).query("shop_id == 'shop-healthy'").empty


def test_episodes_never_repeat_a_day_and_bursts_skip_non_causes(samples):
    out = _episodes(samples, by_kind=True)
    for _, g in out.groupby(["shop_id", "kind", out["cause"].fillna("")]):
        g = g.sort_values("start")
        assert (pd.to_datetime(g["start"]).iloc[1:].values > pd.to_datetime(g["end"]).iloc[:-1].values).all()
    bursts = out[out["kind"] == "burst"]
    assert not bursts.empty and not bursts["cause"].isin(["other", "unspecified"]).any()
    assert bursts["cause"].notna().all()


def test_burst_needs_three_of_one_real_cause_within_seven_days():
    orders = pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(400)],
            "shop_id": "s",
            "product_id": "p",
            "order_status": "delivered",
            "delivered_at": ts("2024-05-01"),
        }
    )
    days = ["2024-05-02", "2024-05-05", "2024-05-08", "2024-05-20", "2024-05-21", "2024-05-22"]
    reviews = pd.DataFrame(
        {
            "review_id": [f"r{i}" for i in range(6)],
            "order_id": [f"o{i}" for i in range(6)],
            "shop_id": "s",
            "product_id": "p",
            "rating": 1,
            "created_at": [ts(d) for d in days],
        }
    )
    causes = ["poor_quality"] * 3 + ["unspecified"] * 3
    att = pd.DataFrame({"review_id": reviews["review_id"], "shop_id": "s", "cause": causes, "responsibility": "seller"})
    cfg = Settings(as_of=date(2024, 5, 31), target=0.5, strict=0.5)  # no threshold episodes
    out = episodes(orders, reviews, cfg, att, since=date(2024, 5, 1), by_kind=True)
    bursts = out[out["kind"] == "burst"]
    assert bursts[["start", "end", "cause"]].values.tolist() == [[date(2024, 5, 8), date(2024, 5, 8), "poor_quality"]]


def test_cusum_parameters_are_checked():
    with pytest.raises(ParameterError):
        AlertSettings(cusum_shift=1.0)


# ------------------------------------------------------------------ fix-first list


def test_beta_binomial_fit_recovers_the_prior():
    rng = np.random.default_rng(1)
    p = rng.beta(2, 18, size=400)  # mu 0.1, s 20
    n = rng.integers(5, 60, size=400)
    k = rng.binomial(n, p)
    mu, s, ok = fit_beta_binomial(k, n)
    assert ok and abs(mu - 0.1) < 0.015 and 10 < s < 40


def test_shrinkage_keeps_distinct_products_apart():
    # the case: 50% and 25% negatives must not both become one pooled number
    stars = {"half": [1] * 10 + [5] * 10, "quarter": [1] * 5 + [5] * 15, "clean": [5] * 40, "low": [1] * 2 + [5] * 38}
    rows = [(p, s) for p, ss in stars.items() for s in ss]
    reviews = pd.DataFrame(
        {
            "review_id": [str(i) for i in range(len(rows))],
            "order_id": "o",
            "shop_id": "s",
            "product_id": [p for p, _ in rows],
            "rating": [s for _, s in rows],
            "created_at": ts("2024-05-01"),
        }
    )
    out = fix_first(reviews, Settings(as_of="2024-05-30")).set_index("product_id")
    assert out.loc["half", "shrunk_negative_rate"] > out.loc["quarter", "shrunk_negative_rate"] + 0.1
    assert out.loc["half", "rank"] == 1 and out.loc["quarter", "rank"] == 2
    assert (out["low"] <= out["shrunk_negative_rate"]).all() and (out["shrunk_negative_rate"] <= out["high"]).all()


def test_thin_products_follow_supported_ones_and_period_is_a_setting():
    stars = {"one": [1], "some": [1, 5, 5, 5, 5, 5]}
    rows = [(p, s) for p, ss in stars.items() for s in ss]
    reviews = pd.DataFrame(
        {
            "review_id": [str(i) for i in range(len(rows))],
            "order_id": "o",
            "shop_id": "s",
            "product_id": [p for p, _ in rows],
            "rating": [s for _, s in rows],
            "created_at": [ts("2024-05-29")] + [ts("2024-03-01")] * 6,
        }
    )
    out = fix_first(reviews, Settings(as_of="2024-05-30"))
    assert out["product_id"].tolist() == ["some", "one"] and out["supported"].tolist() == [True, False]
    recent = fix_first(reviews, Settings(as_of="2024-05-30"), fix=FixFirstSettings(period_days=30))
    assert recent["product_id"].tolist() == ["one"]


@pytest.mark.parametrize("sample", ["random-sample", "problem-sample"])
def test_olist_one_review_product_rarely_first(olist_dir, sample):
    a = analyse(DataSource(data_dir=str(olist_dir / sample), preset="olist", use_default_labels=False))
    fix = fix_first(a.data.reviews, a.settings, a.data.products)
    first, shops = one_review_first_share(fix)
    assert shops >= 20 and first / shops <= 0.10


# ------------------------------------------------------------------ before / after


def test_compare_counts_orders_of_the_product_on_each_side():
    days = [ts("2024-05-05")] * 40 + [ts("2024-05-20")] * 40 + [ts("2024-05-20")] * 5
    orders = pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(85)],
            "shop_id": "s",
            "product_id": ["p"] * 80 + ["q"] * 5,
            "order_status": "delivered",
            "delivered_at": days,
        }
    )
    reviews = pd.DataFrame(
        {
            "review_id": ["a", "b", "c", "d"],
            "order_id": ["o1", "o2", "o50", "o81"],
            "shop_id": "s",
            "product_id": ["p", "p", "p", "q"],
            "rating": [1, 2, 1, 1],
            "created_at": ts("2024-05-25"),
        }
    )
    out = before_after(
        orders, reviews, Settings(as_of="2024-05-30"), "2024-05-15", shop_id="s", product_id="p", days=14
    ).iloc[0]
    assert (out["before_negatives"], out["before_orders"], out["after_negatives"], out["after_orders"]) == (
        2,
        40,
        1,
        40,
    )
    assert out["verdict"] == "no clear change" and 0 < out["p_value"] <= 1
    assert out["before_low"] < out["before_rate"] < out["before_high"]


# ------------------------------------------------------------------ CLI


def test_cli_alerts_products_compare(tmp_path):
    out = tmp_path / "alerts.csv"
    assert main(["alerts", "--as-of", "2026-10-31", "--shop", "shop-spike", "shop-healthy", "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns[:8]) == ["shop_id", "kind", "start", "end", "peak_day", "peak_value", "cause", "detail"]
    assert frame["shop_id"].tolist() == ["shop-spike"]
    prods = tmp_path / "products.csv"
    assert main(["products", "--as-of", "2026-10-31", "--shop", "shop-quality", "--out", str(prods)]) == 0
    p = pd.read_csv(prods)
    assert p.iloc[0]["product_id"] == "qlt-p01" and p.iloc[0]["title"].startswith("Auriculares")
    cmp = tmp_path / "compare.csv"
    args = ["compare", "--as-of", "2026-10-31", "--shop", "shop-quality", "--changed-on", "2026-10-01"]
    assert main([*args, "--product", "qlt-p01", "--out", str(cmp)]) == 0
    assert pd.read_csv(cmp).iloc[0]["what"] == "product qlt-p01"


@pytest.mark.parametrize("command", ["alerts", "products"])
def test_cli_mistyped_shop_is_exit_2(command, capsys):
    assert main([command, "--as-of", "2026-10-31", "--shop", "shop-qualty"]) == 2
    assert "did you mean 'shop-quality'" in capsys.readouterr().err


def test_cli_compare_mistyped_shop_and_unknown_cause(capsys):
    base = ["compare", "--as-of", "2026-10-31", "--changed-on", "2026-10-01"]
    assert main([*base, "--shop", "shop-qualty", "--cause", "poor_quality"]) == 2
    assert main([*base, "--shop", "shop-quality", "--cause", "bad_vibes"]) == 2
    assert "unknown cause 'bad_vibes'" in capsys.readouterr().err


# ------------------------------------------------------------------ projections


def test_projection_scenarios_and_fix_to_reach(samples):
    from toolkit.projections import fix_to_reach, scenarios

    o, r, a = samples.tables()
    out = scenarios(o, r, samples.settings, a)
    quality = out[out["shop_id"] == "shop-quality"].set_index("scenario")
    assert set(quality.index) == {"no_new_negatives", "current_inflow", "top_contributor_fixed"}
    best, fixed = quality.loc["no_new_negatives", "days"], quality.loc["top_contributor_fixed", "days"]
    inflow = quality.loc["current_inflow", "days"]
    # no new negatives is never later than the current inflow; removing the top cause (most of the window) is sooner
    assert pd.isna(inflow) or best <= inflow
    assert fixed < best
    assert "shop-healthy" not in set(out["shop_id"])
    plan = fix_to_reach(o, r, samples.settings, "2026-12-15", shop_id="shop-quality", attribution=a)
    assert len(plan) >= 1 and plan.iloc[-1]["back_under_on"] <= date(2026, 12, 15)
    assert plan["negatives"].is_monotonic_decreasing


# ------------------------------------------------------------------ report


def test_report_says_why_and_what_first(samples):
    from toolkit import report

    rep = report.build(
        "shop-quality", samples.settings, analysis=samples, changed_on="2026-10-01", changed_product="qlt-p01"
    )
    head = str(report.headline(rep))
    assert "Above the target" in head and "since at least 2026-08-03" in head
    assert "Top cause: <strong>Poor product quality</strong>" in head
    assert "Auriculares Inalámbricos Bluetooth 5.3 Pro (qlt-p01)</strong>, 2.46 points" in head
    assert "First action: Check quality with the supplier" in head
    assert "<h2>Alerts</h2>" in str(report.alerts_section(rep))
    fix = str(report.fix_check(rep))
    assert "Did the fix work?" in fix and "Fisher exact" in fix
    products = str(report.products_to_fix(rep))
    assert "Auriculares Inalámbricos Bluetooth 5.3 Pro<br><span class='muted'>qlt-p01</span>" in products
    tiny = report.build("shop-tiny", samples.settings, analysis=samples)
    tiny.sps = tiny.sps.assign(eligible=False, delivered_orders_90d=12)  # as a shop with 12 orders in 90 days
    sps = str(report.rates_table(tiny)).split("SPS negative review rate")[1]
    assert "not scored (12 delivered orders in 90 days, 30 needed)" in sps and "%" not in sps.split("</p>")[0]
    assert "No seller-related negatives to act on" not in str(report.actions(tiny))


def test_cli_report_change_options_are_checked(capsys):
    assert main(["report", "--as-of", "2026-10-31", "--shop", "shop-quality", "--changed-on", "2026-10-01"]) == 2
    assert "--changed-product" in capsys.readouterr().err


def test_no_known_cause_count_matches_the_contributions(samples):
    from toolkit import report

    rep = report.build("shop-quality", samples.settings, analysis=samples)
    by = rep.by_cause.set_index("cause")["seller_negative_reviews"]
    expected = sum(
        v for c, v in by.items() if c in ("unattributed", "unspecified") or c not in {x.value for x in Cause}
    )
    assert report.no_known_cause(rep) == expected
    assert f"with no known cause (counted as seller-related): {expected:g}." in str(report.rates_table(rep))


# ------------------------------------------------------------------ variants, titles, plain words, derived facts


def _variant_reviews() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A shirt reviewed in two sizes (XL draws the negatives), a mug with no variants, a cap in one colour."""
    spec = {
        "shirt": {"S": [5] * 10 + [1], "XL": [1] * 6 + [5] * 4},
        "mug": {None: [5] * 9 + [1]},
        "cap": {"red": [5] * 6},
        "pen": {None: [5] * 30},
        "bag": {None: [5] * 15 + [1] * 2},
    }
    rows = [
        (product, variant, stars)
        for product, by_variant in spec.items()
        for variant, all_stars in by_variant.items()
        for stars in all_stars
    ]
    orders = pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(len(rows))],
            "shop_id": "s",
            "product_id": [p for p, _, _ in rows],
            "variant": [v for _, v, _ in rows],
        }
    )
    reviews = pd.DataFrame(
        {
            "review_id": [f"r{i}" for i in range(len(rows))],
            "order_id": orders["order_id"],
            "shop_id": "s",
            "product_id": orders["product_id"],
            "rating": [s for _, _, s in rows],
            "created_at": ts("2024-05-01"),
        }
    )
    return orders, reviews


def test_variants_are_a_level_below_their_product():
    from toolkit.products import with_variants

    orders, reviews = _variant_reviews()
    plain = fix_first(reviews, Settings(as_of="2024-05-30"))
    assert plain["variant"].isna().all()  # no variant data: one row per product, as before
    out = fix_first(with_variants(reviews, orders), Settings(as_of="2024-05-30"))
    products = out[out["variant"].isna()]
    assert products["product_id"].tolist() == plain["product_id"].tolist()  # the product ranking is unchanged
    shirt = out[out["product_id"] == "shirt"]
    assert shirt["variant"].tolist() == [None, "XL", "S"]  # the product, then its variants by excess
    assert shirt["rank"].nunique() == 1 and shirt.iloc[0]["rank"] == 1
    xl, s = shirt.iloc[1], shirt.iloc[2]
    assert (xl["reviews"], xl["negative_reviews"], s["reviews"], s["negative_reviews"]) == (10, 6, 11, 1)
    assert xl["expected_excess"] > s["expected_excess"]
    # shrunk towards the product's estimate, not past the raw shares
    product_rate = shirt.iloc[0]["shrunk_negative_rate"]
    assert s["negative_share"] < s["shrunk_negative_rate"] < product_rate < xl["shrunk_negative_rate"] < 0.6
    assert "cap" not in set(out.loc[out["variant"].notna(), "product_id"])  # one variant is not a level
    assert one_review_first_share(out) == one_review_first_share(plain)
    # a review's own variant wins over its order line's
    own = reviews.assign(variant=np.where(reviews["product_id"] == "shirt", "M", None))
    assert set(with_variants(own, orders).query("product_id == 'shirt'")["variant"]) == {"M"}


def test_report_shows_variants_titles_plain_areas_and_derived_facts(samples, tmp_path):
    from toolkit import charts, report
    from toolkit.products import with_variants

    rep = report.build("shop-quality", samples.settings, analysis=samples)
    by_product = charts.contributions_chart(rep.by_product, "product_id", names=report.product_names(rep))
    labels = {row["product"] for rows in by_product.to_dict()["datasets"].values() for row in rows}
    assert "Auriculares Inalámbricos Bluetooth 5.3 Pro (qlt-p01)" in labels  # titles, with the id beside them
    specs = re.findall(r'data-spec="([^"]+)"', str(report.contributors(rep)))
    assert any("Auriculares Inalámbricos Bluetooth 5.3 Pro (qlt-p01)" in base64.b64decode(s).decode() for s in specs)
    cause_chart = charts.contributions_chart(rep.by_cause, "cause")
    areas = {row["area"] for rows in cause_chart.to_dict()["datasets"].values() for row in rows}
    assert areas and areas <= {"Product", "Fulfilment", "Customer service", "Other"}
    assert cause_chart.to_dict()["encoding"]["color"]["scale"]["domain"][2] == "Customer service"
    assert "nothing was derived" in str(report.appendix(rep))
    by_cause = str(report.negatives_by_cause(rep))
    assert "The seller&#x27;s (counts in the SNRR)" in by_cause and ">seller<" not in by_cause
    appeals = str(report.appeals(rep))
    assert "late_or_wrong_delivery" not in appeals.split("data:text/csv")[0]  # plain words on the page

    orders, reviews = _variant_reviews()
    rep.fix_list = fix_first(with_variants(reviews, orders), Settings(as_of="2024-05-30"))
    section = str(report.products_to_fix(rep))
    assert section.count("<tr class='variant'>") == 2 and "variant XL" in section

    tiktok = analyse(
        DataSource(data_dir="tests/fixtures/exports/tiktok-us", preset="tiktok-seller-center"),
        Settings(as_of=AS_OF, tz="America/Los_Angeles"),
    )
    shop = tiktok.shops[0]
    appendix = str(report.appendix(report.build(shop, tiktok.settings, analysis=tiktok)))
    assert "Not in the exports: supplied as follows" in appendix
    for fact in tiktok.data.report.derived:
        assert report.esc(fact) in appendix
