"""Who answers for a negative review (seller, logistics, buyer, unknown), from its text and order facts, with why."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from toolkit._columns import is_in
from toolkit.taxonomy import POSITIVE, Area, Cause, Responsibility

UNSCORED = "unscored"
"""The review's language is not one the classifier handles: no cause is guessed."""


DAMAGE_WITHOUT_PACKING_WORDS = Responsibility.SELLER
"""Damage with no words about packing or the carrier: the seller's (POLICY: the seller must pack so the product
survives transit, and the taxonomy puts damaged items in the seller's fulfilment area). Words blaming the
carrier ("courier threw it") make it logistics."""


_STOCK = re.compile(r"stock|estoque|stok|inventory|inventario|sold.?out|esgotad|agotad|het hang|hết hàng|หมด", re.I)


def _order_facts(reviews: pd.DataFrame, orders: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["shipped_at", "ship_by", "delivered_at", "promised_delivery_at", "cancel_reason", "order_status"]
    empty = pd.DataFrame({c: pd.Series([None] * len(reviews), dtype=object) for c in cols})
    if orders is None or orders.empty or "order_id" not in reviews.columns:
        for c in cols[:4]:
            empty[c] = pd.Series(pd.NaT, index=empty.index, dtype="datetime64[us, UTC]")
        return empty
    # only the reviewed orders' lines and the facts' columns (a fleet's order table is large)
    o = orders[["shop_id", "order_id", *(c for c in cols if c in orders.columns)]]
    o = o[is_in(o["order_id"].astype(str), reviews["order_id"].astype(str))].copy()
    for c in cols:
        if c not in o.columns:
            o[c] = pd.NaT if c in cols[:4] else None
    for c in cols[:4]:
        o[c] = pd.to_datetime(o[c], utc=True, errors="coerce")
    o["shop_id"] = o["shop_id"].astype(str)
    o["order_id"] = o["order_id"].astype(str)
    facts = o.groupby(["shop_id", "order_id"], sort=False).agg(
        shipped_at=("shipped_at", "max"),
        ship_by=("ship_by", "min"),
        delivered_at=("delivered_at", "max"),
        promised_delivery_at=("promised_delivery_at", "min"),
        cancel_reason=("cancel_reason", "first"),
        order_status=("order_status", "first"),
    )
    keys = pd.MultiIndex.from_arrays([reviews["shop_id"].astype(str), reviews["order_id"].astype(str)])
    return facts.reindex(keys).reset_index(drop=True)


def _fmt(ts: pd.Series) -> pd.Series:
    return ts.dt.strftime("%Y-%m-%d %H:%M").fillna("?")


def assign_responsibility(
    predictions: pd.DataFrame,
    reviews: pd.DataFrame,
    orders: pd.DataFrame | None = None,
    chats: pd.DataFrame | None = None,
    kinds: list[set[str]] | None = None,
) -> pd.DataFrame:
    """Who answers for each complaint: seller, logistics, buyer or unknown, with a plain-language reason.

    The rules, first match wins:

    1. Not a complaint / language not scored -> unknown.
    2. The order was cancelled for lack of stock (``cancel_reason`` mentions stock) -> cause ``out_of_stock``,
       seller (unless the text names a product cause).
    3. Product causes (safety, compliance, quality, not as described), out of stock, chat and review handling
       -> seller.
    4. Damaged: words about poor packing -> seller; words blaming the carrier -> logistics; neither -> seller
       (:data:`DAMAGE_WITHOUT_PACKING_WORDS`).
    5. Wrong item / missing items / partial order -> seller (the seller packs the parcel), even when the text also
       says it was late; a parcel the text says was lost in transit -> logistics; a complaint about the courier
       (and no delay) -> logistics.
    6. Late or never arrived: ``shipped_at <= ship_by`` -> logistics (excluded from the SNRR);
       ``shipped_at > ship_by`` or not shipped by a passed deadline -> seller (late shipment); no facts -> unknown.
    7. ``other``: the buyer's own mistake -> buyer; taste, price -> unknown.
    8. ``unspecified`` (rating only, "bad") -> unknown, whatever the order facts: a rating alone does not say why.

    Returns
    -------
    DataFrame
        ``cause`` (possibly out_of_stock from the order), ``responsibility``, ``reason``, ``cause_from_order``.

    Examples
    --------
    >>> ts = pd.Timestamp
    >>> pred = pd.DataFrame({"cause": ["late_or_wrong_delivery"] * 2})
    >>> rev = pd.DataFrame({"review_id": ["a", "b"], "shop_id": "s", "order_id": ["o1", "o2"]})
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "shop_id": "s",
    ...     "shipped_at": [ts("2024-01-02", tz="UTC"), ts("2024-01-05", tz="UTC")],
    ...     "ship_by": [ts("2024-01-03", tz="UTC")] * 2})
    >>> assign_responsibility(pred, rev, orders)["responsibility"].tolist()
    ['logistics', 'seller']
    """
    n = len(predictions)
    kinds = kinds if kinds is not None else [set() for _ in range(n)]
    cause = predictions["cause"].reset_index(drop=True).astype(str).copy()
    facts = _order_facts(reviews, orders)
    has = lambda k: pd.Series([k in s for s in kinds], dtype=bool)  # noqa: E731
    cancel = facts["cancel_reason"].fillna("").astype(str)
    corrected = (
        predictions["source"].reset_index(drop=True).eq("override")
        if "source" in predictions.columns
        else pd.Series(False, index=cause.index)
    )
    stock_cancel = (
        cancel.str.contains(_STOCK)
        & ~corrected
        & cause.isin(
            [Cause.UNSPECIFIED.value, Cause.LATE_OR_WRONG_DELIVERY.value, Cause.OUT_OF_STOCK.value, Cause.OTHER.value]
        )
    )
    cause_from_order = stock_cancel & (cause != Cause.OUT_OF_STOCK.value)
    cause = cause.where(~stock_cancel, Cause.OUT_OF_STOCK.value)

    shipped, ship_by = facts["shipped_at"], facts["ship_by"]
    both = shipped.notna() & ship_by.notna()
    on_time = both & (shipped <= ship_by)
    late_ship = both & (shipped > ship_by)
    reference = pd.Timestamp.now(tz="UTC")
    if "created_at" in reviews.columns:
        reference = pd.to_datetime(reviews["created_at"], utc=True, errors="coerce").reset_index(drop=True)
    never_shipped = shipped.isna() & ship_by.notna() & (ship_by < reference)
    delay_h = ((shipped - ship_by).dt.total_seconds() / 3600).round(1).astype(str)
    delivered_late_days = (facts["delivered_at"] - facts["promised_delivery_at"]).dt.days

    product = cause.isin([c.value for c in Cause if c.area is Area.PRODUCT])
    service = cause.isin([c.value for c in Cause if c.area is Area.SERVICE])
    damaged = cause == Cause.DAMAGED_ITEM_OR_PACKAGE.value
    delivery = cause == Cause.LATE_OR_WRONG_DELIVERY.value
    # a wrong or missing item is the seller's even when the buyer also says it was late (a partial order counted
    # as logistics would drop it from the SNRR: the dangerous direction)
    wrong = delivery & (has("wrong") | has("missing"))
    lost = delivery & has("lost") & ~wrong
    courier = delivery & has("courier") & ~has("late") & ~wrong
    unspecified_late = (cause == Cause.UNSPECIFIED.value) & on_time & (delivered_late_days > 0)
    ship_txt = "shipped " + _fmt(shipped) + ", deadline " + _fmt(ship_by)
    S, L, B, U = (r.value for r in Responsibility)
    rules = [
        (cause == UNSCORED, U, pd.Series("language not scored", index=cause.index)),
        (cause == POSITIVE, U, pd.Series("not a complaint", index=cause.index)),
        (stock_cancel, S, "order cancelled for lack of stock (cancel_reason: " + cancel + ")"),
        (
            cause == Cause.OUT_OF_STOCK.value,
            S,
            pd.Series("out of stock: the seller could not fulfil the order", index=cause.index),
        ),
        (product, S, pd.Series("product cause: the seller answers for what it lists", index=cause.index)),
        (service, S, pd.Series("customer-service cause: the seller's own handling", index=cause.index)),
        (damaged & has("packing"), S, pd.Series("damaged, and the text describes poor packing", index=cause.index)),
        (
            damaged & has("carrier"),
            L,
            pd.Series("damaged, and the text blames the carrier's handling", index=cause.index),
        ),
        (
            damaged,
            DAMAGE_WITHOUT_PACKING_WORDS.value,
            pd.Series(
                "damaged in transit with no words about packing or the carrier: the seller answers for packing "
                "that protects the product (POLICY)",
                index=cause.index,
            ),
        ),
        (wrong, S, pd.Series("wrong or missing item: the seller packed the parcel", index=cause.index)),
        (lost, L, pd.Series("the text says the parcel was lost in transit: the carrier's (POLICY)", index=cause.index)),
        (courier, L, pd.Series("complaint about the courier or delivery handling", index=cause.index)),
        (delivery & late_ship, S, "late shipment: " + ship_txt + " (" + delay_h + " h late)"),
        (delivery & on_time, L, "shipped on time (" + ship_txt + "); the delay happened in transit"),
        (delivery & never_shipped, S, "not shipped and the deadline " + _fmt(ship_by) + " has passed"),
        (
            delivery,
            U,
            pd.Series(
                "delivery complaint but no shipped_at/ship_by facts to tell a late shipment from a transit delay",
                index=cause.index,
            ),
        ),
        (
            (cause == Cause.OTHER.value) & has("buyer"),
            B,
            pd.Series("the buyer says it was their own mistake", index=cause.index),
        ),
        (
            cause == Cause.OTHER.value,
            U,
            pd.Series("a reason outside the taxonomy (taste, price, fit on the buyer)", index=cause.index),
        ),
        (
            unspecified_late,
            U,
            "no reason in the text; the order was delivered "
            + delivered_late_days.astype("Int64").astype(str)
            + " day(s) after the promised date although shipped "
            "on time, but a rating alone does not say why",
        ),
    ]
    responsibility = pd.Series(U, index=cause.index)
    reason = pd.Series("no reason can be read from the review", index=cause.index)
    decided = pd.Series(False, index=cause.index)
    for cond, who, why in rules:
        take = cond.fillna(False).astype(bool) & ~decided
        responsibility = responsibility.where(~take, who)
        reason = reason.where(~take, why)
        decided |= take
    if chats is not None and not chats.empty and "order_id" in chats.columns and "order_id" in reviews.columns:
        reason = _chat_evidence(cause, reason, reviews, chats)
    return pd.DataFrame(
        {"cause": cause, "responsibility": responsibility, "reason": reason, "cause_from_order": cause_from_order}
    )


def _chat_evidence(cause: pd.Series, reason: pd.Series, reviews: pd.DataFrame, chats: pd.DataFrame) -> pd.Series:
    c = chats.copy()
    c["wait_h"] = (
        pd.to_datetime(c["seller_response_at"], utc=True) - pd.to_datetime(c["buyer_message_at"], utc=True)
    ).dt.total_seconds() / 3600
    worst = c.assign(order_id=c["order_id"].astype(str), shop_id=c["shop_id"].astype(str))
    unanswered = worst.groupby(["shop_id", "order_id"])["wait_h"].apply(lambda s: s.isna().any())
    longest = worst.groupby(["shop_id", "order_id"])["wait_h"].max()
    keys = pd.MultiIndex.from_arrays([reviews["shop_id"].astype(str), reviews["order_id"].astype(str)])
    un = unanswered.reindex(keys).to_numpy()
    lg = longest.reindex(keys).to_numpy()
    note = [
        "; chat data: a buyer message was never answered"
        if u is True
        else (f"; chat data: slowest answer {h:.0f} h" if isinstance(h, float) and not np.isnan(h) else "")
        for u, h in zip(un, lg, strict=True)
    ]
    late_chat = cause == Cause.LATE_CHAT_RESPONSE.value
    return reason.where(~late_chat, reason + pd.Series(note, index=reason.index))
