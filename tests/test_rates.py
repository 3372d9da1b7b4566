"""Tests for toolkit.rates: hand-computed golden cases, properties, engines and an independent SQL formulation."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import narwhals as nw
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.alerts import alert_days
from toolkit.rates import (
    RateConfig,
    _engines,
    attribute_negatives,
    chat_responsiveness,
    contributions,
    daily_rates,
    headroom,
    ledger,
    shop_rates,
    sps_negative_rate,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
OLIST = SHARED / "realdata" / "olist" / "random-sample"
AS_OF = date(2024, 5, 30)
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def ts(text: str, tz: str = "UTC") -> pd.Timestamp:
    return pd.Timestamp(text, tz=tz).tz_convert("UTC").as_unit("us")


def make_orders(rows: list[tuple]) -> pd.DataFrame:
    """rows: (order_id, shop_id, delivered_at or None[, status[, product_id]])."""
    full = [(r + ("delivered", "p1")[len(r) - 3 :]) if len(r) < 5 else r for r in rows]
    return pd.DataFrame(
        {
            "order_id": pd.Series([r[0] for r in full], dtype="str"),
            "shop_id": pd.Series([r[1] for r in full], dtype="str"),
            "product_id": pd.Series([r[4] for r in full], dtype="str"),
            "order_status": pd.Series([r[3] for r in full], dtype="str"),
            "created_at": pd.Series([ts("2024-01-01")] * len(full), dtype="datetime64[us, UTC]"),
            "delivered_at": pd.Series([ts(r[2]) if r[2] else pd.NaT for r in full], dtype="datetime64[us, UTC]"),
        }
    )


def make_reviews(rows: list[tuple]) -> pd.DataFrame:
    """rows: (review_id, order_id, shop_id, rating, created_at[, product_id[, initial_rating]])."""
    return pd.DataFrame(
        {
            "review_id": pd.Series([r[0] for r in rows], dtype="str"),
            "order_id": pd.Series([r[1] for r in rows], dtype="str"),
            "shop_id": pd.Series([r[2] for r in rows], dtype="str"),
            "product_id": pd.Series([r[5] if len(r) > 5 else "p1" for r in rows], dtype="str"),
            "rating": pd.Series([r[3] for r in rows], dtype="Int8"),
            "initial_rating": pd.Series([r[6] if len(r) > 6 else r[3] for r in rows], dtype="Int8"),
            "created_at": pd.Series([ts(r[4]) for r in rows], dtype="datetime64[us, UTC]"),
        }
    )


def make_attribution(rows: list[tuple]) -> pd.DataFrame:
    """rows: (review_id, shop_id, cause or None, responsibility or None)."""
    return pd.DataFrame(rows, columns=["review_id", "shop_id", "cause", "responsibility"]).astype("str")


def hundred_orders(shop: str = "s1", day: str = "2024-05-15") -> list[tuple]:
    return [(f"{shop}-o{i}", shop, day) for i in range(100)]


def one(frame: pd.DataFrame, shop: str = "s1") -> dict:
    return frame.set_index("shop_id").loc[shop].to_dict()


# ----------------------------------------------------------------------------- golden cases


def test_window_edges_review_day_29_counts_30_does_not():
    orders = make_orders(hundred_orders())
    reviews = make_reviews(
        [("in", "s1-o1", "s1", 1, "2024-05-01 00:00"), ("out", "s1-o2", "s1", 1, "2024-04-30 23:59")]
    )
    row = one(shop_rates(orders, reviews, RateConfig(as_of=AS_OF)))
    assert AS_OF - timedelta(days=29) == date(2024, 5, 1)
    assert (row["delivered_orders"], row["negative_reviews"], row["seller_negative_reviews"]) == (100, 1, 1)
    assert row["snrr"] == pytest.approx(0.01)
    assert row["status"] == "above_strict"  # 1% is not above the 1% target, it is above the 0.5% strict line
    assert row["unattributed_negative_reviews"] == 1
    assert not row["small_sample"]


def test_order_window_edges_and_dedupe_of_order_lines():
    orders = make_orders(
        [
            ("a", "s1", "2024-05-01 00:00"),  # first day: counts
            ("a", "s1", "2024-05-01 00:00", "delivered", "p2"),  # second line of the same order: counts once
            ("b", "s1", "2024-04-30 23:59"),  # day before the window
            ("c", "s1", "2024-05-30 23:59"),  # as_of: counts
            ("d", "s1", "2024-05-31 00:00"),  # after as_of
            ("e", "s1", None, "shipped"),
            ("a", "s2", "2024-05-10"),  # the same order id for another shop counts for that shop
        ]
    )
    out = shop_rates(orders, make_reviews([]), RateConfig(as_of=AS_OF))
    assert out[["shop_id", "delivered_orders"]].values.tolist() == [["s1", 2], ["s2", 1]]
    assert out["snrr"].tolist() == [0.0, 0.0]
    assert out["small_sample"].tolist() == [True, True]


def test_shop_time_zone_around_midnight():
    # 2024-04-30 17:30 UTC is 2024-05-01 00:30 in Jakarta (UTC+7): in the window there, not in UTC
    orders = make_orders(hundred_orders())
    reviews = make_reviews([("r", "s1-o1", "s1", 2, "2024-04-30 17:30")])
    utc = one(shop_rates(orders, reviews, RateConfig(as_of=AS_OF)))
    jakarta = one(shop_rates(orders, reviews, RateConfig(as_of=AS_OF, tz="Asia/Jakarta")))
    assert (utc["negative_reviews"], jakarta["negative_reviews"]) == (0, 1)
    # and at the end: 2024-05-30 18:00 UTC is already 2024-05-31 in Jakarta: out of the window there
    late = make_orders([("x", "s1", "2024-05-30 18:00")])
    assert one(shop_rates(late, make_reviews([]), RateConfig(as_of=AS_OF)))["delivered_orders"] == 1
    assert one(shop_rates(late, make_reviews([]), RateConfig(as_of=AS_OF, tz="Asia/Jakarta")))["delivered_orders"] == 0


def test_dst_change_new_york():
    # DST starts 2024-03-10 in New York. Window of 1 day as of 2024-03-10 = local 00:00 EST (05:00 UTC) to
    # 24:00 EDT (2024-03-11 04:00 UTC): a 23-hour day.
    cfg = RateConfig(as_of=date(2024, 3, 10), window_days=1, tz="America/New_York")
    orders = make_orders(
        [
            ("before", "s1", "2024-03-10 04:59"),  # 23:59 on the 9th
            ("first", "s1", "2024-03-10 05:00"),  # 00:00 EST on the 10th
            ("last", "s1", "2024-03-11 03:59"),  # 23:59 EDT on the 10th
            ("after", "s1", "2024-03-11 04:00"),  # 00:00 EDT on the 11th (would still be the 10th at EST)
        ]
    )
    assert one(shop_rates(orders, make_reviews([]), cfg))["delivered_orders"] == 2


def test_attribution_logistics_product_service_and_unattributed():
    orders = make_orders(hundred_orders())
    reviews = make_reviews(
        [
            ("q", "s1-o1", "s1", 1, "2024-05-20"),
            ("w", "s1-o2", "s1", 2, "2024-05-20"),
            ("l", "s1-o3", "s1", 1, "2024-05-20"),
            ("u", "s1-o4", "s1", 1, "2024-05-20"),
            ("c", "s1-o5", "s1", 1, "2024-05-20"),
            ("pos", "s1-o6", "s1", 3, "2024-05-20"),
        ]
    )
    att = make_attribution(
        [
            ("q", "s1", "poor_quality", "seller"),
            ("w", "s1", "late_or_wrong_delivery", "seller"),
            ("l", "s1", "late_or_wrong_delivery", "logistics"),
            ("c", "s1", "late_chat_response", "seller"),
        ]
    )
    row = one(shop_rates(orders, reviews, RateConfig(as_of=AS_OF), attribution=att))
    counts = [row[c] for c in ["negative_reviews", "seller_negative_reviews", "product_negative_reviews"]]
    counts += [
        row[c] for c in ["service_negative_reviews", "logistics_negative_reviews", "unattributed_negative_reviews"]
    ]
    assert counts == [5, 4, 1, 2, 1, 1]
    assert (row["snrr"], row["product_nrr"], row["service_nrr"]) == pytest.approx((0.04, 0.01, 0.02))
    assert row["status"] == "above_target"
    flags = attribute_negatives(reviews, att).set_index("review_id")
    assert flags.loc["u", "unattributed"] and flags.loc["u", "seller"]
    assert not flags.loc["pos", "negative"]


def test_wilson_interval_hand_computed():
    # 1 in 100: p=0.01, Wilson 95%: (0.001767, 0.054486)
    orders = make_orders(hundred_orders())
    reviews = make_reviews([("r", "s1-o1", "s1", 1, "2024-05-20")])
    row = one(shop_rates(orders, reviews, RateConfig(as_of=AS_OF)))
    assert row["snrr_low"] == pytest.approx(0.0017674, abs=1e-6)
    assert row["snrr_high"] == pytest.approx(0.0544870, abs=1e-6)
    assert row["product_nrr_low"] == 0.0


def test_shops_without_reviews_and_without_orders():
    orders = make_orders([("o1", "a", "2024-05-20"), ("o2", "b", "2024-01-01")])
    out = shop_rates(orders, make_reviews([]), RateConfig(as_of=AS_OF), shops=["a", "b", "zzz"])
    assert out["shop_id"].tolist() == ["a", "b", "zzz"]
    assert out["status"].tolist() == ["ok", "no_orders", "no_orders"]
    assert out["snrr"].isna().tolist() == [False, True, True]
    assert out["snrr_low"].isna().tolist() == [False, True, True]


def test_status_thresholds_configurable():
    orders = make_orders(hundred_orders())
    reviews = make_reviews([("r", "s1-o1", "s1", 1, "2024-05-20")])
    assert one(shop_rates(orders, reviews, RateConfig(as_of=AS_OF, target=0.02, strict=0.01)))["status"] == "ok"
    assert one(shop_rates(orders, reviews, RateConfig(as_of=AS_OF, target=0.005, strict=0.0)))["status"] == (
        "above_target"
    )


def test_order_anchor_and_initial_rating():
    orders = make_orders([("a", "s1", "2024-05-10"), ("b", "s1", "2024-04-10"), ("c", "s1", "2024-05-12")])
    reviews = make_reviews(
        [
            ("ra1", "a", "s1", 1, "2024-06-15"),  # after as_of: not yet known on as_of
            ("ra2", "a", "s1", 2, "2024-05-20", "p2"),
            ("ra3", "a", "s1", 1, "2024-05-21", "p3"),  # a second negative of the same order: the order counts once
            ("rb", "b", "s1", 1, "2024-05-20"),  # review in the window, order delivered before it
            ("rc", "c", "s1", 5, "2024-05-20", "p1", 1),  # initially 1 star, edited to 5
        ]
    )
    by_review = one(shop_rates(orders, reviews, RateConfig(as_of=AS_OF)))
    by_order = one(shop_rates(orders, reviews, RateConfig(as_of=AS_OF, anchor="order")))
    initial = one(shop_rates(orders, reviews, RateConfig(as_of=AS_OF, anchor="order", rating="initial")))
    assert (by_review["delivered_orders"], by_review["negative_reviews"]) == (2, 3)
    assert (by_order["negative_reviews"], by_order["snrr"]) == (1, 0.5)
    assert (initial["negative_reviews"], initial["snrr"]) == (2, 1.0)


def test_ledger_lists_every_id_with_role_and_reason():
    orders = make_orders([("a", "s1", "2024-05-10"), ("b", "s1", "2024-04-10"), ("c", "s1", None, "cancelled")])
    reviews = make_reviews(
        [
            ("r1", "a", "s1", 1, "2024-05-20"),
            ("r2", "b", "s1", 2, "2024-05-21"),
            ("r3", "b", "s1", 5, "2024-05-21"),
            ("r4", "a", "s1", 1, "2024-04-01"),
        ]
    )
    att = make_attribution([("r2", "s1", "late_or_wrong_delivery", "logistics")])
    led = ledger(orders, reviews, RateConfig(as_of=AS_OF), "s1", attribution=att).set_index(["kind", "order_id"])
    assert led.loc[("order", "a"), "role"] == "denominator order"
    assert led.loc[("order", "b"), "role"] == "excluded"
    assert "outside the window" in led.loc[("order", "b"), "reason"]
    assert "not delivered" in led.loc[("order", "c"), "reason"]
    reviews_part = led.loc["review"].set_index("review_id")
    assert reviews_part["role"].to_dict() == {
        "r1": "numerator review",
        "r2": "excluded",
        "r3": "excluded",
        "r4": "excluded",
    }
    assert "unattributed, counted as seller-related" in reviews_part.loc["r1", "reason"]
    assert "logistics-related" in reviews_part.loc["r2", "reason"]
    assert "not negative (5 stars)" in reviews_part.loc["r3", "reason"]
    assert "outside the window" in reviews_part.loc["r4", "reason"]
    assert reviews_part.loc["r1", "date"] == date(2024, 5, 20)
    # the ledger agrees with the rates
    row = one(shop_rates(orders, reviews, RateConfig(as_of=AS_OF), attribution=att))
    assert row["seller_negative_reviews"] == reviews_part["in_snrr"].sum() == 1
    assert row["delivered_orders"] == (led["role"] == "denominator order").sum() == 1
    assert led["role"].notna().all() and led["reason"].notna().all()


def test_daily_series_hand_computed_with_gaps():
    orders = make_orders([("a", "s1", "2024-05-01"), ("b", "s1", "2024-05-03"), ("c", "s2", "2024-05-04")])
    reviews = make_reviews([("r", "a", "s1", 1, "2024-05-02")])
    cfg = RateConfig(as_of=date(2024, 5, 5), window_days=3)
    out = daily_rates(orders, reviews, cfg, since=date(2024, 5, 1))
    s1 = out[out["shop_id"] == "s1"]
    assert s1["as_of"].tolist() == [date(2024, 5, d) for d in range(1, 6)]
    assert s1["delivered_orders"].tolist() == [1, 1, 2, 1, 1]
    assert s1["seller_negative_reviews"].tolist() == [0, 1, 1, 1, 0]
    assert s1["status"].tolist() == ["ok", "above_target", "above_target", "above_target", "ok"]
    s2 = out[out["shop_id"] == "s2"]
    assert s2["status"].tolist() == ["no_orders"] * 3 + ["ok", "ok"]


@pytest.mark.parametrize("anchor", ["review", "order"])
def test_daily_series_equals_shop_rates_each_day(anchor):
    orders, reviews, att = random_shop_data(np.random.default_rng(3), n_orders=300)
    cfg = RateConfig(as_of=date(2024, 3, 20), window_days=7, anchor=anchor, tz="America/Sao_Paulo")
    daily = daily_rates(orders, reviews, cfg, since=date(2024, 3, 1), attribution=att)
    for day in [date(2024, 3, 1), date(2024, 3, 9), date(2024, 3, 20)]:
        expected = shop_rates(orders, reviews, RateConfig(**{**cfg.__dict__, "as_of": day}), attribution=att)
        got = daily[daily["as_of"] == day].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_sps_negative_rate():
    orders = make_orders(
        [("a", "s1", "2024-04-01"), ("b", "s1", "2024-05-01"), ("c", "s1", "2024-03-15"), ("d", "s1", "2024-01-01")]
    )
    reviews = make_reviews(
        [
            ("ra", "a", "s1", 5, "2024-04-05", "p1", 2),  # initial 2 stars: counts
            ("rb", "b", "s1", 1, "2024-05-05", "p1", 4),  # initial 4 stars: does not
            ("rc", "c", "s1", 1, "2024-03-20"),  # delivered 76 days before: out of the 60 days
        ]
    )
    row = one(sps_negative_rate(orders, reviews, AS_OF))
    assert (row["delivered_orders"], row["negative_orders"], row["sps_negative_rate"]) == (2, 1, 0.5)
    assert (row["delivered_orders_90d"], row["eligible"]) == (3, False)


def test_contributions_sum_to_snrr_and_group_unattributed():
    orders = make_orders(hundred_orders())
    reviews = make_reviews(
        [
            ("a", "s1-o1", "s1", 1, "2024-05-20", "pA"),
            ("b", "s1-o2", "s1", 1, "2024-05-20", "pA"),
            ("c", "s1-o3", "s1", 2, "2024-05-20", "pB"),
            ("l", "s1-o4", "s1", 2, "2024-05-20", "pB"),
        ]
    )
    att = make_attribution([("a", "s1", "poor_quality", "seller"), ("l", "s1", "late_or_wrong_delivery", "logistics")])
    cfg = RateConfig(as_of=AS_OF)
    by_product = contributions(orders, reviews, cfg, att)
    assert by_product[["product_id", "contribution_pp"]].values.tolist() == [["pA", 2.0], ["pB", 1.0]]
    by_cause = contributions(orders, reviews, cfg, att, by="cause")
    counts = dict(zip(by_cause["cause"], by_cause["seller_negative_reviews"], strict=True))
    assert counts == {"unattributed": 2, "poor_quality": 1}
    snrr = one(shop_rates(orders, reviews, cfg, att))["snrr"]
    assert by_product["contribution"].sum() == pytest.approx(snrr) == by_cause["contribution"].sum()


def test_contributions_order_anchor_split_an_order_once():
    orders = make_orders([("a", "s1", "2024-05-10"), ("b", "s1", "2024-05-10")])
    reviews = make_reviews([("r1", "a", "s1", 1, "2024-05-20", "p1"), ("r2", "a", "s1", 1, "2024-05-20", "p2")])
    cfg = RateConfig(as_of=AS_OF, anchor="order")
    out = contributions(orders, reviews, cfg)
    assert out["seller_negative_reviews"].tolist() == [0.5, 0.5]
    assert out["contribution"].sum() == pytest.approx(one(shop_rates(orders, reviews, cfg))["snrr"]) == 0.5


def test_order_anchor_an_order_with_a_logistics_and_a_seller_negative_counts_in_both():
    # found by the property test below: under the order anchor the counts are orders, so one order with a carrier
    # complaint and an unattributed complaint is a logistics-related and a seller-related negative order at once
    orders = make_orders([("a", "s1", "2024-05-10"), ("b", "s1", "2024-05-10")])
    reviews = make_reviews([("r1", "a", "s1", 1, "2024-05-20"), ("r2", "a", "s1", 1, "2024-05-21")])
    att = make_attribution([("r1", "s1", "late_or_wrong_delivery", "logistics"), ("r2", "s1", None, None)])
    att = att.replace("None", None)
    row = one(shop_rates(orders, reviews, RateConfig(as_of=AS_OF, anchor="order"), att))
    counts = [int(row[c]) for c in ("negative_reviews", "logistics_negative_reviews", "seller_negative_reviews")]
    assert counts == [1, 1, 1] and row["snrr"] == 0.5
    by_review = one(shop_rates(orders, reviews, RateConfig(as_of=AS_OF), att))
    assert [int(by_review[c]) for c in ("negative_reviews", "logistics_negative_reviews")] == [2, 1]
    assert by_review["seller_negative_reviews"] == 1


def test_headroom_and_projection_hand_computed():
    # 300 orders on 2024-05-10 (10 a day on average over 30 days); 4 seller negatives on 2024-05-12 and 2024-05-20
    orders = make_orders([(f"o{i}", "s1", "2024-05-10") for i in range(300)])
    reviews = make_reviews([(f"r{i}", f"o{i}", "s1", 1, "2024-05-12" if i < 2 else "2024-05-20") for i in range(4)])
    row = one(headroom(orders, reviews, RateConfig(as_of=AS_OF)))
    # target 1% of 300 = 3 allowed: 4 is 1 too many; strict 0.5% = 1 allowed: 3 too many
    assert (row["target_headroom"], row["target_excess"], row["strict_headroom"], row["strict_excess"]) == (0, 1, 0, 3)
    # future day as_of+k: the orders (day 2024-05-10, index 9) leave at k=10 -> den = 10k; the two 05-12 negatives
    # leave at k=12 -> num 2 at den 120: 1.67% > 1%; the 05-20 ones leave at k=20: num 0 -> back under both on 06-19.
    # Before that, k in 1..9: num 4, den 300 + 10k: 4/390 = 1.03% at k=9 -> still above target.
    assert row["back_under_target_on"] == date(2024, 6, 19)
    assert row["back_under_strict_on"] == date(2024, 6, 19)
    reviews3 = reviews[reviews["review_id"] != "r3"]
    row3 = one(headroom(orders, reviews3, RateConfig(as_of=AS_OF)))
    # 3 negatives over 300: 1% is not above the target
    assert (row3["target_headroom"], row3["back_under_target_on"]) == (0, None) or pd.isna(row3["back_under_target_on"])
    # strict: k=1..9: 3 / (300 + 10k) <= 0.5% needs den >= 600: never before k=10 (den 100) -> at k=12 the two old
    # ones leave: 1/120 = 0.83% > 0.5%; at k=20 the last leaves: 0 -> 2024-06-19
    assert row3["back_under_strict_on"] == date(2024, 6, 19)


def test_alerts_rate_rise_and_cause_cluster():
    orders = make_orders([(f"o{i}", "s1", f"2024-05-{1 + i % 28:02d}") for i in range(280)])
    reviews = make_reviews([(f"r{i}", f"o{i}", "s1", 1, "2024-05-25") for i in range(5)])
    att = make_attribution(
        [(f"r{i}", "s1", "poor_quality" if i < 3 else "not_as_described", "seller") for i in range(5)]
    )
    out = alert_days(orders, reviews, RateConfig(as_of=date(2024, 5, 28), window_days=7), date(2024, 5, 20), att)
    rise = out[out["alert"] == "rate_rise"]
    assert rise["day"].min() == date(2024, 5, 25)
    clusters = out[out["alert"] == "cause_cluster"]
    assert set(clusters["cause"]) == {"poor_quality"}
    assert clusters["day"].tolist() == [date(2024, 5, d) for d in range(25, 29)]


def test_chat_responsiveness_per_day():
    chats = pd.DataFrame(
        {
            "conversation_id": ["c1", "c2", "c3", "c4"],
            "shop_id": "s1",
            "buyer_message_at": [
                ts("2024-05-29 10:00"),
                ts("2024-05-29 11:00"),
                ts("2024-05-30 10:00"),
                ts("2024-04-01"),
            ],
            "seller_response_at": [ts("2024-05-29 22:00"), ts("2024-05-30 00:00"), pd.NaT, ts("2024-04-01 01:00")],
        }
    )
    out = chat_responsiveness(chats, RateConfig(as_of=AS_OF))
    assert out["date"].tolist() == [date(2024, 5, 29), date(2024, 5, 30)]
    assert out["answered_in_time"].tolist() == [1, 0]  # exactly 12 hours counts as within
    assert out["median_response_hours"].tolist()[0] == 12.5
    assert out["answered_in_time_share"].tolist() == [0.5, 0.0]


# ----------------------------------------------------------------------------- properties


def random_shop_data(rng: np.random.Generator, n_orders: int = 200, shops: int = 3):
    start = pd.Timestamp("2024-02-01", tz="UTC")
    order_ids = [f"o{i}" for i in range(n_orders)]
    shop_of = rng.integers(0, shops, n_orders)
    delivered = start + pd.to_timedelta(rng.integers(0, 50 * 24 * 60, n_orders), unit="min")
    status = np.where(rng.random(n_orders) < 0.9, "delivered", "shipped")
    orders = make_orders(
        [
            (o, f"s{s}", str(d) if st_ == "delivered" else None, st_)
            for o, s, d, st_ in zip(order_ids, shop_of, delivered, status, strict=True)
        ]
    )
    lines = orders.sample(frac=0.3, random_state=1).assign(product_id="p2")  # second lines of some orders
    orders = pd.concat([orders, lines], ignore_index=True)
    reviewed = rng.random(n_orders) < 0.6
    idx = np.flatnonzero(reviewed)
    created = delivered[idx] + pd.to_timedelta(rng.integers(-2 * 24 * 60, 10 * 24 * 60, len(idx)), unit="min")
    reviews = make_reviews(
        [
            (f"r{i}", order_ids[i], f"s{shop_of[i]}", int(rng.integers(1, 6)), str(c), f"p{int(rng.integers(1, 4))}")
            for i, c in zip(idx, created, strict=True)
        ]
    )
    causes = np.array(
        ["poor_quality", "late_or_wrong_delivery", "late_chat_response", "not_as_described", None], dtype=object
    )
    resp = np.array(["seller", "logistics", "buyer", None], dtype=object)
    att = pd.DataFrame(
        {
            "review_id": reviews["review_id"],
            "shop_id": reviews["shop_id"],
            "cause": causes[rng.integers(0, len(causes), len(reviews))],
            "responsibility": resp[rng.integers(0, len(resp), len(reviews))],
        }
    ).astype({"cause": "str", "responsibility": "str"})
    return orders, reviews, att.sample(frac=0.8, random_state=2)


PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
START = pd.Timestamp("2024-02-01", tz="UTC")
CAUSES = [None, "poor_quality", "late_or_wrong_delivery", "late_chat_response", "not_as_described", "other"]


@st.composite
def shop_data(draw):
    """Orders and reviews drawn as rows (they shrink to the smallest failing data set): each order a shop, a
    status, a delivery minute and 1-2 lines; each review an order, stars, a day relative to delivery, a cause and
    a responsibility (or none)."""
    order_rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["s0", "s1", "s2"]),
                st.sampled_from(["delivered", "delivered", "shipped", "returned"]),
                st.integers(0, 50 * 24 * 60),
                st.integers(1, 2),
            ),
            min_size=1,
            max_size=60,
        )
    )
    orders = []
    for k, (shop, status, minute, lines) in enumerate(order_rows):
        delivered = str(START + pd.Timedelta(minutes=minute)) if status == "delivered" else None
        orders += [(f"o{k}", shop, delivered, status, f"p{line}") for line in range(lines)]
    review_rows = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(order_rows) - 1),
                st.integers(1, 5),
                st.integers(-2 * 24 * 60, 12 * 24 * 60),
                st.sampled_from(CAUSES),
                st.sampled_from([None, "seller", "logistics", "buyer"]),
            ),
            max_size=60,
        )
    )
    reviews, attribution = [], []
    for k, (order, stars, minute, cause, who) in enumerate(review_rows):
        shop, _, at, _ = order_rows[order]
        reviews.append((f"r{k}", f"o{order}", shop, stars, str(START + pd.Timedelta(minutes=at + minute))))
        attribution.append((f"r{k}", shop, cause, who))
    frame = make_attribution(attribution) if attribution else make_attribution([("none", "s0", None, None)])
    return make_orders(orders), make_reviews(reviews), frame.replace("None", None)


FLAGS_SELLER_ALL_LOGISTICS = ("seller_negative_reviews", "negative_reviews", "logistics_negative_reviews")


@PROPERTY
@given(data=shop_data(), anchor=st.sampled_from(["review", "order"]), day=st.integers(0, 60))
def test_property_rates_in_unit_interval_and_contributions_sum(data, anchor, day):
    orders, reviews, att = data
    cfg = RateConfig(as_of=date(2024, 2, 1) + timedelta(days=day), anchor=anchor)
    out = shop_rates(orders, reviews, cfg, attribution=att)
    for rate in ["snrr", "product_nrr", "service_nrr"]:
        values = out[[f"{rate}_low", f"{rate}_high"]].dropna()
        assert ((values >= 0) & (values <= 1)).all().all()
        if anchor == "order":  # under the order anchor a rate is a share of delivered orders: in [0, 1]
            assert out[rate].dropna().between(0, 1).all()
        point = out.loc[values.index, rate].clip(upper=1.0)
        assert (values[f"{rate}_low"] <= point + 1e-12).all() and (point <= values[f"{rate}_high"] + 1e-12).all()
    seller, negative, logistics = (out[c] for c in FLAGS_SELLER_ALL_LOGISTICS)
    if anchor == "review":  # every negative review is either logistics- or seller-related
        assert (seller == negative - logistics).all()
    else:  # orders: one order with a logistics and a seller-related negative counts in both
        assert ((negative - logistics <= seller) & (seller <= negative)).all()
    contrib = contributions(orders, reviews, cfg, att).groupby("shop_id")["contribution"].sum()
    snrr = out.set_index("shop_id")["snrr"]
    for shop, total in contrib.items():
        if pd.isna(snrr[shop]):  # negatives but no delivered orders: no rate, nothing to contribute to
            assert total == 0
        else:
            assert total == pytest.approx(snrr[shop], abs=1e-12)
    assert ((snrr.fillna(0) == 0) | snrr.index.isin(contrib.index)).all()


@PROPERTY
@given(data=shop_data(), stars=st.integers(3, 5), anchor=st.sampled_from(["review", "order"]))
def test_property_positive_review_changes_no_snrr_and_delivery_never_raises(data, stars, anchor):
    orders, reviews, att = data
    cfg = RateConfig(as_of=date(2024, 3, 10), anchor=anchor)
    base = shop_rates(orders, reviews, cfg, attribution=att)
    shop = orders["shop_id"].iloc[0]
    extra = make_reviews([("new", orders["order_id"].iloc[0], shop, stars, "2024-03-05")])
    more_reviews = shop_rates(orders, pd.concat([reviews, extra], ignore_index=True), cfg, attribution=att)
    pd.testing.assert_series_equal(base["snrr"], more_reviews["snrr"])
    extra_order = make_orders([("brand-new", shop, "2024-03-09")])
    more_orders = shop_rates(pd.concat([orders, extra_order], ignore_index=True), reviews, cfg, attribution=att)
    # a delivery never raises a rate; where there was none (negatives but no delivered order) it may create one
    defined = base["snrr"].notna().to_numpy()
    assert (more_orders["snrr"][defined] <= base["snrr"][defined] + 1e-15).all()


# ----------------------------------------------------------------------------- engines

RATE_FUNCTIONS = {
    "shop_rates": lambda o, r, a, cfg: shop_rates(o, r, cfg, attribution=a),
    "daily_rates": lambda o, r, a, cfg: daily_rates(o, r, cfg, since=cfg.as_of - timedelta(days=10), attribution=a),
    "contributions": lambda o, r, a, cfg: contributions(o, r, cfg, a, by="cause"),
    "headroom": lambda o, r, a, cfg: headroom(o, r, cfg, attribution=a),
    "sps": lambda o, r, a, cfg: sps_negative_rate(o, r, cfg.as_of, tz=cfg.tz),
}


def to_pandas(native) -> pd.DataFrame:
    if isinstance(native, pl.DataFrame):
        frame = native.to_pandas()
    elif isinstance(native, duckdb.DuckDBPyRelation):
        frame = native.arrow().read_all().to_pandas() if hasattr(native.arrow(), "read_all") else native.df()
    else:
        frame = native
    out = frame.reset_index(drop=True)
    for c in out.columns:
        if out[c].dtype == object or str(out[c].dtype).startswith(("date32", "timestamp")):
            out[c] = out[c].map(
                lambda v: v if v is None or not hasattr(v, "date") else v.date() if hasattr(v, "hour") else v
            )
    return out


def assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for c in a.columns:
        x, y = a[c], b[c]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(x):
            np.testing.assert_allclose(
                x.astype(float), y.astype(float), rtol=1e-12, atol=1e-12, equal_nan=True, err_msg=c
            )
        else:
            xs = [None if pd.isna(v) else (v.date() if isinstance(v, pd.Timestamp) else v) for v in x]
            ys = [None if pd.isna(v) else (v.date() if isinstance(v, pd.Timestamp) else v) for v in y]
            assert [str(v) for v in xs] == [str(v) for v in ys], c


@pytest.fixture(scope="module")
def engine_data():
    orders, reviews, att = random_shop_data(np.random.default_rng(11), n_orders=400, shops=4)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'America/Los_Angeles'")  # a non-UTC session must not shift days
    rel = {
        name: con.from_arrow(pl.from_pandas(f).to_arrow()) for name, f in [("o", orders), ("r", reviews), ("a", att)]
    }
    return orders, reviews, att, rel


@pytest.mark.parametrize("name", list(RATE_FUNCTIONS))
@pytest.mark.parametrize("anchor,tz", [("review", "Asia/Jakarta"), ("order", "America/Sao_Paulo")])
def test_engines_pandas_polars_duckdb_identical(engine_data, name, anchor, tz):
    orders, reviews, att, rel = engine_data
    cfg = RateConfig(as_of=date(2024, 3, 12), anchor=anchor, tz=tz)
    fn = RATE_FUNCTIONS[name]
    expected = fn(orders, reviews, att, cfg)
    assert isinstance(expected, pd.DataFrame)
    got_pl = fn(pl.from_pandas(orders), pl.from_pandas(reviews), pl.from_pandas(att), cfg)
    assert isinstance(got_pl, pl.DataFrame)
    got_lazy = fn(pl.from_pandas(orders).lazy(), pl.from_pandas(reviews).lazy(), pl.from_pandas(att).lazy(), cfg)
    assert isinstance(got_lazy, pl.LazyFrame)
    got_duck = fn(rel["o"], rel["r"], rel["a"], cfg)
    assert isinstance(got_duck, duckdb.DuckDBPyRelation)
    expected = to_pandas(expected)
    for got in (got_pl, got_lazy.collect(), got_duck):
        assert_same(to_pandas(got), expected)


# ----------------------------------------------------------------------------- independent SQL formulation

SQL_SHOP_RATES = """
WITH delivered AS (
    SELECT shop_id, order_id, min(CAST(timezone($tz, delivered_at) AS DATE)) AS day
    FROM o WHERE order_status = 'delivered' AND delivered_at IS NOT NULL GROUP BY ALL
),
den AS (SELECT shop_id, count(*) AS delivered_orders FROM delivered WHERE day BETWEEN $first AND $last GROUP BY ALL),
neg AS (
    SELECT r.shop_id, (a.responsibility IS NOT NULL AND a.responsibility = 'logistics') AS logistics
    FROM r LEFT JOIN a ON a.shop_id = r.shop_id AND a.review_id = r.review_id
    WHERE r.rating <= 2 AND CAST(timezone($tz, r.created_at) AS DATE) BETWEEN $first AND $last
),
num AS (
    SELECT shop_id, count(*) AS negative_reviews, count(*) FILTER (WHERE NOT logistics) AS seller_negative_reviews
    FROM neg GROUP BY ALL
),
shops AS (SELECT shop_id FROM o UNION SELECT shop_id FROM r)
SELECT shops.shop_id, coalesce(delivered_orders, 0) AS delivered_orders,
       coalesce(negative_reviews, 0) AS negative_reviews,
       coalesce(seller_negative_reviews, 0) AS seller_negative_reviews,
       coalesce(seller_negative_reviews, 0) / nullif(delivered_orders, 0) AS snrr
FROM shops LEFT JOIN den USING (shop_id) LEFT JOIN num USING (shop_id)
ORDER BY shops.shop_id
"""


def sql_shop_rates(orders: pd.DataFrame, reviews: pd.DataFrame, att: pd.DataFrame, cfg: RateConfig) -> pd.DataFrame:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for name, frame in [("o", orders), ("r", reviews), ("a", att)]:
        con.register(name, pl.from_pandas(frame).to_arrow())
    params = {"tz": cfg.tz, "first": cfg.first_day, "last": cfg.as_of}
    return con.execute(SQL_SHOP_RATES, params).df()


def check_against_sql(orders, reviews, att, cfg) -> int:
    got = shop_rates(orders, reviews, cfg, attribution=att)
    want = sql_shop_rates(orders, reviews, att, cfg)
    cols = ["shop_id", "delivered_orders", "negative_reviews", "seller_negative_reviews"]
    assert got[cols].values.tolist() == want[cols].values.tolist()
    np.testing.assert_allclose(got["snrr"].astype(float), want["snrr"].astype(float), rtol=1e-12, equal_nan=True)
    return int(got["delivered_orders"].sum())


@pytest.mark.parametrize("tz", ["UTC", "Asia/Jakarta", "America/New_York"])
def test_plain_sql_cross_check_synthetic(tz):
    orders, reviews, att = random_shop_data(np.random.default_rng(5), n_orders=600, shops=5)
    for as_of in [date(2024, 2, 20), date(2024, 3, 10), date(2024, 3, 25)]:
        check_against_sql(orders, reviews, att, RateConfig(as_of=as_of, tz=tz))


@pytest.fixture(scope="module")
def olist():
    if not OLIST.is_dir():
        pytest.skip(f"Olist sample not found at {OLIST} (needs ../shared/realdata next to the repo)")
    from toolkit import load_shop_data

    return load_shop_data(preset="olist", data_dir=str(OLIST))


def test_plain_sql_cross_check_olist(olist):
    empty = pd.DataFrame({c: pd.Series(dtype="str") for c in ["review_id", "shop_id", "cause", "responsibility"]})
    counted = 0
    for as_of in [date(2017, 6, 30), date(2018, 3, 31), date(2018, 8, 31)]:
        counted += check_against_sql(
            olist.orders, olist.reviews, empty, RateConfig(as_of=as_of, tz="America/Sao_Paulo")
        )
    assert counted > 100


def test_olist_engines_and_daily_consistency(olist):
    cfg = RateConfig(as_of=date(2018, 5, 31), tz="America/Sao_Paulo")
    expected = shop_rates(olist.orders, olist.reviews, cfg)
    con = duckdb.connect()
    rel_o = con.from_arrow(pl.from_pandas(olist.orders).to_arrow())
    rel_r = con.from_arrow(pl.from_pandas(olist.reviews).to_arrow())
    assert_same(to_pandas(shop_rates(rel_o, rel_r, cfg)), to_pandas(expected))
    assert_same(to_pandas(shop_rates(pl.from_pandas(olist.orders), pl.from_pandas(olist.reviews), cfg)), expected)
    daily = daily_rates(olist.orders, olist.reviews, cfg, since=cfg.as_of)
    assert_same(daily.reset_index(drop=True), expected)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # one local core, one shuffle partition (the default 200 makes small jobs slow), no web UI; Spark's default heap,
    # since the JVM outlives this session and the CLI's Spark tests in the same worker run in it; the session time
    # zone must be UTC (toolkit.rates refuses any other: date casts would shift days)
    session = (
        SparkSession.builder.master("local[1]")
        .appName("toolkit-rates-tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_pyspark_matches_pandas(spark):
    orders, reviews, att = random_shop_data(np.random.default_rng(7), n_orders=200)
    cfg = RateConfig(as_of=date(2024, 3, 10), tz="Asia/Jakarta")
    s_orders, s_reviews, s_att = (spark.createDataFrame(f) for f in (orders, reviews, att))
    expected = shop_rates(orders, reviews, cfg, attribution=att)
    got = shop_rates(s_orders, s_reviews, cfg, attribution=s_att)
    assert_same(to_pandas(got.toPandas()), to_pandas(expected))


def test_more_negatives_than_deliveries_under_the_review_anchor():
    # Two negatives in the window on orders delivered before it, one delivery in it: the formula says 200%.
    orders = make_orders(
        [
            ("o1", "s", "2024-04-01 10:00", "delivered"),
            ("o2", "s", "2024-04-02 10:00", "delivered"),
            ("o3", "s", "2024-05-20 10:00", "delivered"),
        ]
    )
    reviews = make_reviews(
        [("r1", "o1", "s", 1, "2024-05-10 10:00", "p1"), ("r2", "o2", "s", 2, "2024-05-11 10:00", "p1")]
    )
    out = shop_rates(orders, reviews, RateConfig(as_of=date(2024, 5, 30))).iloc[0]
    assert (out["delivered_orders"], out["seller_negative_reviews"], out["snrr"]) == (1, 2, 2.0)
    assert out["snrr_high"] == 1.0 and 0 < out["snrr_low"] < 1 and out["small_sample"]


# ----------------------------------------------------------------------------- pandas computed on Polars


def default_dtypes(orders: pd.DataFrame, reviews: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The frames as pandas reads them from Parquet or CSV: NumPy ratings instead of the nullable Int8 above."""
    return orders, reviews.astype({"rating": "int8", "initial_rating": "int8"})


def assert_identical(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    for c in [c for c in want.columns if want[c].dtype == "object"]:
        assert [type(v) for v in got[c]] == [type(v) for v in want[c]], c


ROUTED_FUNCTIONS = {
    **RATE_FUNCTIONS,
    "shops": lambda o, r, a, cfg: shop_rates(o, r, cfg, shops=["s1", "nobody"]),
    "ledger": lambda o, r, a, cfg: ledger(o, r, cfg, "s1", a),
    "alerts": lambda o, r, a, cfg: alert_days(o, r, cfg, cfg.as_of - timedelta(days=10), a, sigmas=0.5, cluster_size=2),
    "contributions_product": lambda o, r, a, cfg: contributions(o, r, cfg, a),
}


@pytest.mark.parametrize("name", list(ROUTED_FUNCTIONS))
@pytest.mark.parametrize("anchor,tz", [("review", "Asia/Jakarta"), ("order", "America/Sao_Paulo")])
def test_pandas_computed_on_polars_is_identical_to_the_pandas_route(engine_data, name, anchor, tz):
    import toolkit.rates as rates

    orders, reviews, att, _ = engine_data
    orders, reviews = default_dtypes(orders, reviews)
    assert [lf.implementation.name for lf in _engines._lazy_all(orders, reviews, att)] == ["POLARS"] * 3
    cfg = RateConfig(as_of=date(2024, 3, 12), anchor=anchor, tz=tz)
    got = ROUTED_FUNCTIONS[name](orders, reviews, att, cfg)
    with rates.pandas_on_polars(False):  # as if Polars were not importable
        assert [lf.implementation.name for lf in _engines._lazy_all(orders, reviews, att)] == ["PANDAS"] * 3
        assert_identical(got, ROUTED_FUNCTIONS[name](orders, reviews, att, cfg))


def test_chats_computed_on_polars_are_identical_to_the_pandas_route():
    import toolkit.rates as rates

    chats = pd.DataFrame(
        {
            "conversation_id": ["c1", "c2", "c3"],
            "shop_id": ["s", "s", "t"],
            "buyer_message_at": [ts("2024-05-29 10:00"), ts("2024-05-30 01:00"), ts("2024-05-30 02:00")],
            "seller_response_at": [ts("2024-05-29 22:00"), pd.NaT, ts("2024-05-30 03:00")],
        }
    )
    got = chat_responsiveness(chats, RateConfig(as_of=AS_OF))
    with rates.pandas_on_polars(False):
        assert_identical(got, chat_responsiveness(chats, RateConfig(as_of=AS_OF)))


def test_pandas_fallback_golden_daily_series():
    import toolkit.rates as rates

    orders, reviews = default_dtypes(
        make_orders([("a", "s1", "2024-05-01"), ("b", "s1", "2024-05-03")]),
        make_reviews([("r", "a", "s1", 1, "2024-05-02")]),
    )
    with rates.pandas_on_polars(False):
        assert _engines._lazy_all(orders, reviews)[0].implementation is nw.Implementation.PANDAS
        out = daily_rates(orders, reviews, RateConfig(as_of=date(2024, 5, 5), window_days=3), since=date(2024, 5, 1))
    assert _engines._lazy_all(orders, reviews)[0].implementation is nw.Implementation.POLARS
    assert out["as_of"].tolist() == [date(2024, 5, d) for d in range(1, 6)]
    assert out["delivered_orders"].tolist() == [1, 1, 2, 1, 1]
    assert out["seller_negative_reviews"].tolist() == [0, 1, 1, 1, 0]


def test_frames_whose_dtypes_pandas_keeps_differently_stay_on_pandas():

    orders, reviews = default_dtypes(*random_shop_data(np.random.default_rng(1), n_orders=20)[:2])
    route = lambda o, r: [lf.implementation.name for lf in _engines._lazy_all(o, r)]  # noqa: E731
    assert route(orders, reviews) == ["POLARS", "POLARS"]
    nullable = reviews.astype({"rating": "Int8"})
    objects = orders.astype({"shop_id": object})
    fixed_offset = reviews.assign(created_at=reviews["created_at"].dt.tz_convert("+07:00"))
    for o, r in [(orders, nullable), (objects, reviews), (orders, fixed_offset), (orders.convert_dtypes(), reviews)]:
        assert route(o, r) == ["PANDAS", "PANDAS"]
    # columns the functions do not read do not matter (and are not converted)
    assert route(orders.assign(note=[object()] * len(orders)), reviews) == ["POLARS", "POLARS"]


def test_pandas_attribution_next_to_duckdb_or_polars_frames(engine_data):
    orders, reviews, att, _ = engine_data
    orders, reviews = default_dtypes(orders, reviews)
    cfg = RateConfig(as_of=date(2024, 3, 12), tz="Asia/Jakarta")
    expected = to_pandas(shop_rates(orders, reviews, cfg, attribution=att))
    arrow = [pl.from_pandas(f).to_arrow() for f in (orders, reviews)]
    got_duck = shop_rates(*(duckdb.from_arrow(t) for t in arrow), cfg, attribution=att)  # the default connection
    got_pl = shop_rates(*(pl.from_arrow(t) for t in arrow), cfg, attribution=att)
    for got in (got_duck, got_pl):
        assert_same(to_pandas(got), expected)


def test_a_first_delivery_gives_a_shop_with_only_negatives_a_rate():
    # found by the property above: negatives but no delivered order is no rate (not 0); a delivery then creates one
    orders = make_orders([("o7", "s0", None, "shipped")])
    reviews = make_reviews([("r2", "o7", "s0", 1, "2024-02-10 16:46")])
    cfg = RateConfig(as_of=date(2024, 3, 10))
    assert shop_rates(orders, reviews, cfg)["snrr"].isna().all()
    more = pd.concat([orders, make_orders([("new", "s0", "2024-03-09")])], ignore_index=True)
    assert shop_rates(more, reviews, cfg)["snrr"].tolist() == [1.0]
