"""toolkit.explorer: the data behind the views, the widget callbacks (driven from Python, no kernel), labelling."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pandas as pd
import pytest

from toolkit import rates
from toolkit.errors import ParameterError
from toolkit.explorer import (
    ALL,
    CausesApp,
    Explorer,
    LabellingApp,
    OverviewApp,
    ProductsApp,
    ViewState,
    explore,
    review_table_html,
)
from toolkit.labels import save_label
from toolkit.load import SAMPLES_DIR
from toolkit.taxonomy import label

AS_OF = date(2026, 10, 31)


@pytest.fixture(scope="module")
def explorer(tmp_path_factory) -> Explorer:
    """The bundled samples, classified once; labels go to a temporary file."""
    return Explorer(labels_path=tmp_path_factory.mktemp("labels") / "labels.csv")


def spec_values(chart) -> list[dict]:
    """Every data row inlined in a chart's spec."""
    return [row for rows in chart.to_dict()["datasets"].values() for row in rows]


def shown_html(output) -> str:
    """What an ipywidgets.Output shows (its one display_data bundle), as text."""
    (bundle,) = output.outputs
    return bundle["data"].get("text/html", "") or bundle["data"].get("text/plain", "")


# ------------------------------------------------------------------------------------------ data behind views


def test_explorer_defaults_to_the_samples_last_day(explorer):
    assert explorer.as_of == AS_OF
    assert "shop-quality" in explorer.shops and len(explorer.shops) == 7


def test_rates_row_is_shop_rates_for_both_anchors(explorer):
    for anchor in ("review", "order"):
        state = ViewState("shop-quality", AS_OF, 60, anchor)
        row = explorer.view_data(state, ("rates",))["rates"]
        f = explorer.shop_frames("shop-quality")
        attribution = f["reviews"][["shop_id", "review_id", "cause", "responsibility"]]
        expected = rates.shop_rates(f["orders"], f["reviews"], explorer.config(state), attribution, ["shop-quality"])
        for column in ("delivered_orders", "seller_negative_reviews", "snrr"):
            assert row[column].iloc[0] == pytest.approx(expected[column].iloc[0])


@pytest.mark.parametrize("anchor", ["review", "order"])
def test_frames_are_the_rates_functions_on_pandas(explorer, anchor):
    """The explorer may run the rates on Polars (faster); the frames must be those of the pandas run."""
    shop = "shop-logistics"
    state = ViewState(shop, AS_OF, 30, anchor)
    f, config = explorer.shop_frames(shop), explorer.config(state)
    attribution = f["reviews"][["shop_id", "review_id", "cause", "responsibility"]]
    got = explorer.view_data(state, ("daily", "by_cause", "by_product"))
    since = AS_OF - timedelta(days=89)
    expected = {
        "daily": rates.daily_rates(f["orders"], f["reviews"], config, since, attribution, shops=[shop]),
        "by_cause": rates.contributions(f["orders"], f["reviews"], config, attribution, by="cause"),
        "by_product": rates.contributions(f["orders"], f["reviews"], config, attribution, by="product"),
    }
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(got[name].reset_index(drop=True), frame.reset_index(drop=True), check_dtype=False)


def test_window_changes_rates_and_review_frames(explorer):
    d30 = explorer.view_data(ViewState("shop-quality", AS_OF, 30))
    d90 = explorer.view_data(ViewState("shop-quality", AS_OF, 90))
    assert d90["rates"]["delivered_orders"].iloc[0] > d30["rates"]["delivered_orders"].iloc[0]
    assert len(d90["reviews"]) > len(d30["reviews"])
    assert d30["reviews"]["day"].min() >= AS_OF - timedelta(days=29)
    assert (d30["negatives"]["rating"] <= 2).all() and len(d30["table"]) == len(d30["negatives"])
    assert d30["daily"]["window_days"].eq(30).all() and len(d30["daily"]) == 90


def test_filters_narrow_the_review_frames_only(explorer):
    base = ViewState("shop-quality", AS_OF, 90)
    everything = explorer.view_data(base)
    cause = everything["negatives"]["cause"].value_counts().index[0]
    product = everything["negatives"]["product_id"].value_counts().index[0]
    language = everything["reviews"]["language"].value_counts().index[0]
    for field, value, column in (
        ("cause", cause, "cause"),
        ("product_id", product, "product_id"),
        ("language", language, "language"),
    ):
        narrowed = explorer.view_data(ViewState(**{**base.__dict__, field: value}))
        assert 0 < len(narrowed["reviews"]) < len(everything["reviews"])
        assert narrowed["reviews"][column].eq(value).all() and narrowed["table"][column].eq(value).all()
        pd.testing.assert_frame_equal(narrowed["rates"], everything["rates"])  # rates ignore the filters
    one = explorer.view_data(ViewState(**{**base.__dict__, "product_id": product}))
    assert one["products"]["product_id"].unique().tolist() == [product]  # the product and its variants


def test_unknown_shop_and_parts_are_user_errors(explorer):
    with pytest.raises(ParameterError, match="unknown shop"):
        explorer.view_data(ViewState("no-such-shop", AS_OF))
    with pytest.raises(ParameterError, match="unknown view parts"):
        explorer.view_data(ViewState("shop-quality", AS_OF), parts=("nope",))
    with pytest.raises(ParameterError, match="unknown app"):
        explore("nope", explorer)


# ------------------------------------------------------------------------------------------ widget callbacks


def test_overview_shop_window_and_anchor_change_headline_and_charts(explorer):
    app = OverviewApp(explorer, shop_id="shop-quality")
    headline, trend, trend_html = app.headline.value, spec_values(app.charts["trend"]), shown_html(app.outputs["trend"])
    assert "shop-quality" in headline and "SNRR" in headline

    app.shop.value = "shop-logistics"
    assert app.data["rates"]["shop_id"].tolist() == ["shop-logistics"]
    assert "shop-logistics" in app.headline.value and app.headline.value != headline
    assert spec_values(app.charts["trend"]) != trend and shown_html(app.outputs["trend"]) != trend_html

    before = app.data["rates"]["delivered_orders"].iloc[0]
    app.window.value = 60
    assert app.data["rates"]["window_days"].iloc[0] == 60
    assert app.data["rates"]["delivered_orders"].iloc[0] > before
    assert "60 days" in app.headline.value
    titles = [layer["encoding"].get("y", {}).get("title") for layer in app.charts["trend"].to_dict()["layer"]]
    assert "SNRR (60-day trailing)" in titles

    app.anchor.value = "order"
    assert app.data["rates"]["anchor"].iloc[0] == "order" and "order anchor" in app.headline.value

    app.as_of.value = AS_OF - timedelta(days=10)
    assert app.data["daily"]["as_of"].max() == AS_OF - timedelta(days=10)


def test_unchanged_charts_are_not_redrawn(explorer):
    app = OverviewApp(explorer, shop_id="shop-quality")
    drawn = app.outputs["trend"].outputs
    app.refresh()
    assert app.outputs["trend"].outputs is drawn


def test_causes_filters_change_pareto_heatmap_and_table(explorer):
    app = CausesApp(explorer, shop_id="shop-quality")
    app.window.value = 90
    causes = {row["cause"] for row in spec_values(app.charts["pareto"])}
    assert len(causes) > 1
    top = app.data["negatives"]["cause"].value_counts().index[0]

    app.cause.value = top
    # the charts show the cause in plain words
    assert {row["cause"] for row in spec_values(app.charts["pareto"])} == {label(top)}
    assert {row["cause"] for row in spec_values(app.charts["heatmap"])} == {label(top)}
    assert set(app.data["table"]["cause"]) == {top}
    assert app.table.value.count("<tr>") == min(len(app.data["table"]), 50) + 1

    product = app.data["negatives"]["product_id"].iloc[0]
    app.product.value = product
    assert set(app.data["table"]["product_id"]) == {product}

    app.shop.value = "shop-healthy"  # a new shop resets the filters to its own choices
    assert app.cause.value == ALL and app.product.value == ALL
    assert app.product.options[1:] == tuple(explorer.choices("shop-healthy")["product_id"])


def test_empty_selection_draws_the_empty_state(explorer):
    app = CausesApp(explorer, shop_id="shop-tiny")
    app.window.value = 30
    app.as_of.value = AS_OF - timedelta(days=400)  # before the samples begin: nothing can match
    assert app.data["negatives"].empty
    assert app.charts["pareto"].to_dict()["mark"]["type"] == "text"
    assert "No negative reviews" in str(spec_values(app.charts["pareto"]))
    assert "No reviews match" in app.table.value


def test_products_filter_narrows_ratings_and_stars(explorer):
    app = ProductsApp(explorer, shop_id="shop-quality")
    all_products = app.data["products"]["product_id"].unique().tolist()
    assert len(all_products) > 1
    stars_before = spec_values(app.charts["stars"])
    app.product.value = all_products[0]
    assert app.data["products"]["product_id"].unique().tolist() == [all_products[0]]
    assert {row["product_id"] for row in spec_values(app.charts["ratings"])} == {all_products[0]}
    assert spec_values(app.charts["stars"]) != stars_before


def test_review_text_is_escaped_and_evidence_marked():
    table = pd.DataFrame(
        {
            "review_id": ["r<1>"],
            "day": [AS_OF],
            "rating": [1],
            "product_id": ["p&1"],
            "language": ["en"],
            "cause": ["poor_quality"],
            "responsibility": ["seller"],
            "responsibility_reason": ["<b>x</b>"],
            "review_text": ['<img src=x onerror="alert(1)"> the screen broke <script>alert(2)</script>'],
            "evidence": ["screen broke"],
        }
    )
    html = review_table_html(table, redact_pii=False)
    assert "<img" not in html and "<script>" not in html and "<b>x</b>" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html and "&lt;script&gt;" in html
    assert "<mark>screen broke</mark>" in html and "r&lt;1&gt;" in html and "p&amp;1" in html


# ------------------------------------------------------------------------------------------ labelling


def _digest(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_labelling_writes_the_labels_file_and_reclassifies(tmp_path, explorer):
    ex = Explorer(explorer.analysis, labels_path=tmp_path / "labels" / "labels.csv")
    samples = _digest(SAMPLES_DIR)
    app = LabellingApp(ex, shop_id="shop-quality")
    review_id = app.review.value
    old = app.data["table"].set_index("review_id").loc[review_id, "cause"]
    new = "product_safety" if old != "product_safety" else "poor_quality"

    app.new_cause.value, app.note.value = new, "=checked by hand"
    app.save.click()
    labels = pd.read_csv(ex.labels_path, dtype=str, keep_default_na=False)
    assert labels.values.tolist() == [[review_id, new, "shop-quality", "'=checked by hand"]]
    row = app.data["table"].set_index("review_id").loc[review_id]
    assert (row["cause"], row["source"]) == (new, "override")
    assert "Saved" in app.status.value and new in app.status.value

    app.review.value = review_id
    app.new_cause.value = "not_as_described"
    app.save.click()  # the same review again: its row is updated, not repeated
    labels = pd.read_csv(ex.labels_path, dtype=str, keep_default_na=False)
    assert labels[["review_id", "cause"]].values.tolist() == [[review_id, "not_as_described"]]
    assert _digest(SAMPLES_DIR) == samples

    # a new explorer over the same labels file starts with the correction applied
    again = Explorer(labels_path=ex.labels_path)
    reviews = again.shop_frames("shop-quality")["reviews"].set_index("review_id")
    assert reviews.loc[review_id, "cause"] == "not_as_described"
    # and the corrected cause reaches the rates (by-cause contributions)
    state = ViewState("shop-quality", AS_OF, 90)
    # the app lists the window's 1-2 star reviews, so the corrected one is a seller-related negative in the window
    assert reviews.loc[review_id, "rating"] <= 2 and reviews.loc[review_id, "day"] >= state.first_day
    assert "not_as_described" in set(again.view_data(state, ("by_cause",))["by_cause"]["cause"])


def test_save_label_refuses_raw_data_and_unknown_causes(tmp_path):
    with pytest.raises(ParameterError, match="raw data"):
        save_label("r1", "poor_quality", path=SAMPLES_DIR / "labels.csv")
    with pytest.raises(ParameterError, match="unknown cause"):
        save_label("r1", "bad_vibes", path=tmp_path / "labels.csv")
    assert not (tmp_path / "labels.csv").exists()


def test_portfolio_ranks_by_risk_and_opens_an_overview():
    from toolkit.explorer import Explorer, OverviewApp, PortfolioApp

    ex = Explorer()
    table = ex.risk_table()
    assert table["risk_rank"].tolist() == list(range(1, len(table) + 1))
    risk = table["status"].map({"above_target": 0, "above_strict": 1, "ok": 2, "no_orders": 3})
    assert risk.is_monotonic_increasing
    assert table.set_index("shop_id").loc["shop-healthy", "open_alerts"] == 0
    assert table.set_index("shop_id").loc["shop-spike", "open_alerts"] == 1
    assert all(len(s) == 90 for s in table["sparkline"])
    app = PortfolioApp(ex)
    app.search.value = "spi"
    assert app.selection()["shop_id"].tolist() == ["shop-spike"]
    app.pick.value = "shop-spike"
    assert isinstance(app.app, OverviewApp) and app.app.shop.value == "shop-spike"
    assert "Damaged item or package" in app.app.alerts.value
    # the shop picker of every app is sorted by risk and searchable
    assert [v for _, v in app.app.shop.options] == ex.shops_by_risk()
    app.app.search.value = "heal"
    assert [v for _, v in app.app.shop.options] == ["shop-healthy"]
