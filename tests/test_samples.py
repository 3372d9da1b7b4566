"""The sample-data generator: byte-identical output, canonical columns, and the shops' stories.

The story checks recompute the rates from the written CSVs with plain pandas, independently of the generator.
Run ``pytest tests/test_samples.py -s`` to see the per-shop table.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd
import pytest

from toolkit.samples import PHRASES_DIR, SAMPLE_AS_OF, SHOP_STORIES, write_samples
from toolkit.schema import CHATS, ORDERS, PRODUCTS, REVIEWS, OrderStatus
from toolkit.taxonomy import Cause

from .conftest import REPO

SAMPLES = REPO / "data" / "samples"
NAMES = ["orders", "reviews", "products", "chats", "labelled_reviews"]
LANGUAGES = {"en", "id", "es", "pt", "vi", "th", "ms"}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("samples")
    write_samples(out)
    return out


@pytest.fixture(scope="module")
def t(fresh):
    return {name: pd.read_csv(fresh / f"{name}.csv", dtype=str, keep_default_na=False) for name in NAMES}


def _window(day: str, end: date) -> pd.Series:
    return (day >= (end - timedelta(days=29)).isoformat()) & (day <= end.isoformat())


def shop_figures(t: dict[str, pd.DataFrame], end: date) -> pd.DataFrame:
    """Per shop: delivered orders (delivered_at day in the 30 days ending ``end``), 1-2 star reviews dated in those
    days, the seller-related ones (all but those labelled logistics) and both rates in percent."""
    orders, reviews, labels = t["orders"], t["reviews"], t["labelled_reviews"]
    delivered = orders[_window(orders["delivered_at"].str[:10], end)].groupby("shop_id")["order_id"].nunique()
    negative = reviews[_window(reviews["created_at"].str[:10], end) & reviews["rating"].isin(["1", "2"])]
    logistics = set(labels.loc[labels["responsibility"] == "logistics", "review_id"])
    table = pd.DataFrame(
        {
            "delivered": delivered,
            "negative": negative.groupby("shop_id").size(),
            "seller_negative": negative[~negative["review_id"].isin(logistics)].groupby("shop_id").size(),
        }
    ).fillna(0)
    table["raw_pct"] = (100 * table["negative"] / table["delivered"]).round(2)
    table["snrr_pct"] = (100 * table["seller_negative"] / table["delivered"]).round(2)
    return table


def test_same_seed_gives_byte_identical_files(tmp_path):
    first, second = write_samples(tmp_path / "a", seed=7), write_samples(tmp_path / "b", seed=7)
    assert [p.name for p in first] == [f"{n}.csv" for n in NAMES]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_committed_samples_equal_a_fresh_generation(fresh):
    for name in NAMES:
        assert (SAMPLES / f"{name}.csv").read_bytes() == (fresh / f"{name}.csv").read_bytes(), name


def test_files_are_small_and_plain(fresh):
    assert sum((fresh / f"{n}.csv").stat().st_size for n in NAMES) < 4_000_000
    for name in NAMES:
        data = (fresh / f"{name}.csv").read_bytes()
        assert b"\r\n" not in data and data.endswith(b"\n")


def test_columns_are_canonical_and_in_order(t):
    for name, table in [("orders", ORDERS), ("reviews", REVIEWS), ("products", PRODUCTS), ("chats", CHATS)]:
        assert list(t[name].columns) == table.names
    assert list(t["labelled_reviews"].columns) == [
        "review_id", "shop_id", "language", "cause", "secondary_causes", "responsibility"
    ]  # fmt: skip


def test_rows_are_sorted_and_keys_unique(t):
    orders = t["orders"]
    assert orders.equals(orders.sort_values(["order_id", "product_id"], ignore_index=True))
    assert not orders.duplicated(["order_id", "shop_id", "product_id"]).any()
    for name, key in [("reviews", "review_id"), ("chats", "conversation_id"), ("labelled_reviews", "review_id")]:
        assert t[name][key].is_monotonic_increasing and t[name][key].is_unique


def test_values_follow_the_model(t):
    orders, reviews, chats = t["orders"], t["reviews"], t["chats"]
    stamps = [orders[c] for c in ["created_at", "shipped_at", "ship_by", "delivered_at", "promised_delivery_at"]]
    stamps += [reviews[c] for c in ["created_at", "edited_at", "seller_reply_at"]]
    stamps += [chats["buyer_message_at"], chats["seller_response_at"]]
    for column in stamps:
        filled = column[column != ""]
        assert filled.str.match(TIMESTAMP).all(), column.name
        if column.name not in ("ship_by", "promised_delivery_at"):  # deadlines of recent orders lie ahead
            assert filled.max() <= "2026-10-31T23:59:59Z", column.name
    assert set(orders["order_status"]) == {s.value for s in OrderStatus}
    assert set(orders["quantity"]) <= {"1", "2", "3"}
    delivered = orders["order_status"].isin(["delivered", "returned"])
    assert (orders.loc[delivered, "delivered_at"] != "").all() and (orders.loc[~delivered, "delivered_at"] == "").all()
    assert (orders.loc[orders["order_status"] == "cancelled", "cancel_reason"] != "").all()
    assert {"out of stock", "buyer cancelled"} <= set(orders["cancel_reason"])
    first = pd.Timestamp(orders["created_at"].min()).date()
    assert (SAMPLE_AS_OF - first).days in range(115, 125)
    assert set(reviews["rating"]) == set(reviews["initial_rating"]) == {"1", "2", "3", "4", "5"}


def test_ship_by_is_two_days_and_most_ship_on_time(t):
    shipped = t["orders"][t["orders"]["shipped_at"] != ""]
    sla = pd.to_datetime(shipped["ship_by"]) - pd.to_datetime(shipped["created_at"])
    assert (sla == pd.Timedelta(days=2)).all()
    late = shipped["shipped_at"] > shipped["ship_by"]
    assert 0.01 < late.mean() < 0.1


def test_orders_lines_and_products(t):
    orders, products = t["orders"], t["products"]
    lines = orders.groupby("order_id").size()
    assert lines.max() == 3 and (lines == 1).mean() > 0.7
    per_shop = products.groupby("shop_id").size()
    assert per_shop.between(4, 15).all() and set(per_shop.index) == set(SHOP_STORIES)
    known = orders.merge(products, on=["shop_id", "product_id"], how="left", indicator=True)
    assert (known["_merge"] == "both").all()
    assert (products["title"] != "").all() and (products["category"] != "").all()


def test_every_review_belongs_to_a_delivered_order_line_and_follows_delivery(t):
    joined = t["reviews"].merge(t["orders"], on=["order_id", "shop_id", "product_id"], how="left", suffixes=("", "_o"))
    assert len(joined) == len(t["reviews"])
    assert (joined["delivered_at"] != "").all()
    assert (joined["created_at"] >= joined["delivered_at"]).all()
    assert (joined["created_at"].str[:10] >= joined["delivered_at"].str[:10]).all()


def test_review_mix(t):
    reviews, orders = t["reviews"], t["orders"]
    delivered = orders.loc[orders["delivered_at"] != "", "order_id"].nunique()
    assert 0.2 <= reviews["order_id"].nunique() / delivered <= 0.35
    rating_only = reviews["review_text"] == ""
    assert 0.25 <= rating_only.mean() <= 0.35
    assert (reviews.loc[rating_only, "language"] == "").all() and (reviews.loc[~rating_only, "language"] != "").all()
    negative = reviews["rating"].isin(["1", "2"])
    replied = reviews["seller_reply"] != ""
    assert 0.08 <= replied[negative].mean() <= 0.25
    assert (reviews.loc[replied, "seller_reply_at"] > reviews.loc[replied, "created_at"]).all()
    assert ((reviews["seller_reply_at"] != "") == replied).all()


def test_edited_reviews_are_the_only_ones_whose_rating_changed(t):
    reviews = t["reviews"]
    edited = reviews["edited_at"] != ""
    assert ((reviews["rating"] != reviews["initial_rating"]) == edited).all()
    assert 5 <= edited.sum() <= 60
    assert reviews.loc[edited, "initial_rating"].isin(["1", "2"]).all()
    assert reviews.loc[edited, "rating"].isin(["4", "5"]).all()
    assert (reviews.loc[edited, "edited_at"] > reviews.loc[edited, "created_at"]).all()


def test_labels_cover_every_review_with_text_and_every_cause_and_language(t):
    reviews, labels = t["reviews"], t["labelled_reviews"]
    with_text = reviews[reviews["review_text"] != ""]
    assert list(labels["review_id"]) == list(with_text["review_id"])
    assert (labels["language"].to_numpy() == with_text["language"].to_numpy()).all()
    counts = labels["cause"].value_counts()
    assert set(counts.index) == {c.value for c in Cause} | {"positive"}
    assert counts.min() >= 3
    assert set(reviews["language"]) - {""} == LANGUAGES
    assert set(labels["responsibility"]) == {"", "seller", "logistics", "buyer", "unknown"}
    assert (labels.loc[labels["cause"] == "other", "responsibility"] == "buyer").all()
    assert (labels.loc[labels["cause"] == "unspecified", "responsibility"] == "unknown").all()
    assert (labels.loc[labels["cause"] == "positive", "responsibility"] == "").all()
    assert (labels.groupby("shop_id")["language"].nunique() >= 2).sum() >= 4  # shops with a second language


def test_replies_include_abusive_and_coercive_ones(t):
    kinds = pd.read_csv(PHRASES_DIR / "seller_replies.csv", dtype=str, keep_default_na=False)
    used = t["reviews"].merge(kinds, left_on="seller_reply", right_on="text")
    assert {"polite", "abusive", "coercive"} <= set(used["kind"])
    harsh = used[used["kind"] != "polite"]
    assert 2 <= len(harsh) <= 40 and len(harsh) < (used["kind"] == "polite").sum()


def test_order_facts_agree_with_the_labelled_causes(t):
    orders, chats = t["orders"], t["chats"]
    labelled = t["labelled_reviews"].merge(t["reviews"], on=["review_id", "shop_id"])
    facts = labelled.merge(orders, on=["order_id", "shop_id", "product_id"], suffixes=("", "_o"))
    late = facts[facts["cause"] == "late_or_wrong_delivery"]
    carrier = late[late["responsibility"] == "logistics"]
    seller = late[late["responsibility"] == "seller"]
    assert len(carrier) > 50 and len(seller) > 10
    assert (carrier["shipped_at"] <= carrier["ship_by"]).all()
    assert (pd.to_datetime(carrier["delivered_at"]) - pd.to_datetime(carrier["promised_delivery_at"])).min() >= (
        pd.Timedelta(days=1)
    )
    assert (seller["shipped_at"] > seller["ship_by"]).all()
    out_of_stock = set(orders.loc[orders["cancel_reason"] == "out of stock", "order_id"])
    assert facts.loc[facts["cause"] == "out_of_stock", "order_id"].isin(out_of_stock).all()
    waited = pd.to_datetime(chats["seller_response_at"]) - pd.to_datetime(chats["buyer_message_at"])
    slow = set(chats.loc[waited.isna() | (waited > pd.Timedelta(hours=12)), "order_id"]) - {""}
    assert facts.loc[facts["cause"] == "late_chat_response", "order_id"].isin(slow).all()


def test_chats(t):
    chats, orders = t["chats"], t["orders"]
    about = chats[chats["order_id"] != ""]
    linked = about.merge(orders.drop_duplicates("order_id"), on="order_id", suffixes=("", "_o"))
    assert len(linked) == len(about) and (linked["shop_id"] == linked["shop_id_o"]).all()
    assert (linked["buyer_message_at"] >= linked["created_at"]).all()
    assert (chats["order_id"] == "").sum() > 100
    waited = pd.to_datetime(chats["seller_response_at"]) - pd.to_datetime(chats["buyer_message_at"])
    hours = (waited.dt.total_seconds() / 3600).groupby(chats["shop_id"]).median()
    assert hours["shop-slowchat"] > 12 and hours.drop("shop-slowchat").max() < 1
    never = (chats["seller_response_at"] == "").groupby(chats["shop_id"]).mean()
    assert never["shop-slowchat"] > 0.1


def test_the_shops_tell_their_stories(t, capsys):
    now, before = shop_figures(t, SAMPLE_AS_OF), shop_figures(t, date(2026, 10, 21))
    total = t["orders"][t["orders"]["delivered_at"] != ""].groupby("shop_id")["order_id"].nunique()
    with capsys.disabled():
        print("\n30 days ending 2026-10-31\n", now.to_string(), sep="")
        print("30 days ending 2026-10-21 (spike shop)\n", before.loc[["shop-spike"]].to_string(), sep="")
        print("delivered orders over the whole period\n", total.to_string(), sep="")
    assert len(SHOP_STORIES) >= 6 and set(now.index) == set(SHOP_STORIES)
    assert now.loc["shop-healthy", "snrr_pct"] < 0.5
    assert 0.8 <= now.loc["shop-hover", "snrr_pct"] <= 1.2
    assert now.loc["shop-quality", "snrr_pct"] > 1.5
    assert now.loc["shop-logistics", "raw_pct"] > 2 and now.loc["shop-logistics", "snrr_pct"] < 1
    assert 30 <= total["shop-tiny"] <= 50
    assert before.loc["shop-spike", "snrr_pct"] < 1 < 1.5 < now.loc["shop-spike", "snrr_pct"]


def test_the_quality_shop_breaches_because_of_one_product(t):
    reviews = t["reviews"].merge(t["labelled_reviews"], on=["review_id", "shop_id"], how="left")
    negative = reviews[(reviews["shop_id"] == "shop-quality") & reviews["rating"].isin(["1", "2"])]
    assert negative["product_id"].value_counts().index[0] == "qlt-p01"
    assert (negative["product_id"] == "qlt-p01").mean() > 0.6
    labelled = negative[(negative["product_id"] == "qlt-p01") & negative["cause"].notna()]
    assert (labelled["cause"] == "poor_quality").mean() > 0.6


def test_the_spike_is_damage_after_2026_10_22(t):
    reviews = t["reviews"].merge(t["labelled_reviews"], on=["review_id", "shop_id"])
    spike = reviews[(reviews["shop_id"] == "shop-spike") & reviews["rating"].isin(["1", "2"])]
    recent = spike[spike["created_at"] >= "2026-10-22"]
    assert (recent["cause"] == "damaged_item_or_package").mean() > 0.5


def test_the_phrase_bank_splits_delivery_complaints_in_every_language():
    """The generator tells courier delays and late shipments apart by keywords; a changed bank must keep both."""
    from toolkit.samples import _load_phrases

    bank, _ = _load_phrases(PHRASES_DIR)
    kinds = bank[bank["cause"] == "late_or_wrong_delivery"].groupby("language")["kind"].agg(set)
    assert set(kinds.index) == LANGUAGES
    assert all({"courier", "late_shipment", "wrong_item"} <= k for k in kinds)
