"""The canonical data model: every table the toolkit reads, its columns, types and rules.

This module is the one place that says what an order, a review, a product and a chat are. Loaders map
export headers onto these names, :mod:`toolkit.validate` parses and checks rows against them, and the
README's column tables are generated from :data:`TABLES` (a test keeps the two in step).

Counting rule: ``orders`` holds one row per order *line* (order, shop, product). A delivered order counts
once per shop in every rate, however many lines it has; an order with items of several shops counts once
for each of those shops.

Timestamps are tz-aware UTC. A timestamp written without an offset is read as local time in the shop's
market time zone (the ``tz`` parameter, default UTC); calendar days are taken in that zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pandas as pd
import pandera.pandas as pa


class OrderStatus(StrEnum):
    """Canonical order statuses; mapping files translate an export's own words onto these."""

    CREATED = "created"
    PROCESSING = "processing"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    RETURNED = "returned"
    CANCELLED = "cancelled"


class Kind(StrEnum):
    """How a column's raw text is parsed."""

    ID = "id"  # opaque identifier, kept as text ("00123" stays "00123")
    TEXT = "text"  # free text, may be empty
    TIMESTAMP = "timestamp"  # parsed to tz-aware UTC
    RATING = "rating"  # whole number of stars 1-5
    COUNT = "count"  # whole number >= 1
    STATUS = "status"  # one of OrderStatus


KIND_DTYPE = {
    Kind.ID: "str",
    Kind.TEXT: "str",
    Kind.TIMESTAMP: "datetime64[us, UTC]",
    Kind.RATING: "Int8",
    Kind.COUNT: "Int64",
    Kind.STATUS: "str",
}


KIND_EXPECTED = {
    Kind.RATING: "a whole number of stars 1-5",
    Kind.COUNT: "a whole number >= 1",
    Kind.STATUS: "one of " + ", ".join(s.value for s in OrderStatus),
    Kind.TIMESTAMP: "a date/time",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool  # the column must be present in the file
    meaning: str
    nullable: bool = False  # an empty value is allowed (optional columns are always nullable)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # one accepted row per key; same key with other content is a conflict
    meaning: str

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, kind: Kind, meaning: str, *, required: bool = True, nullable: bool | None = None) -> Column:
    return Column(name, kind, required, meaning, nullable=(not required) if nullable is None else nullable)


ORDERS = Table(
    "orders",
    (
        _c("order_id", Kind.ID, "Order number as the marketplace shows it."),
        _c("shop_id", Kind.ID, "The shop (seller) that sold this line."),
        _c("product_id", Kind.ID, "The product (listing) sold on this line."),
        _c("order_status", Kind.STATUS, "created, processing, shipped, delivered, returned or cancelled."),
        _c("created_at", Kind.TIMESTAMP, "When the buyer placed the order."),
        _c("shipped_at", Kind.TIMESTAMP, "When the seller handed the parcel to the carrier.", nullable=True),
        _c("ship_by", Kind.TIMESTAMP, "The seller's shipping deadline (SLA).", nullable=True),
        _c(
            "delivered_at",
            Kind.TIMESTAMP,
            "When the buyer received the order; required for delivered orders.",
            nullable=True,
        ),
        _c("promised_delivery_at", Kind.TIMESTAMP, "Delivery date promised to the buyer.", required=False),
        _c("cancel_reason", Kind.TEXT, "Why the order was cancelled (e.g. out of stock).", required=False),
        _c("quantity", Kind.COUNT, "Units on the line (default 1).", required=False),
        _c(
            "variant",
            Kind.TEXT,
            "The variant (size, colour) sold on this line, as the export names it (TikTok Variation).",
            required=False,
        ),
    ),
    key=("order_id", "shop_id", "product_id"),
    meaning="One row per order line (order, shop, product).",
)

REVIEWS = Table(
    "reviews",
    (
        _c("review_id", Kind.ID, "The review's identifier."),
        _c("order_id", Kind.ID, "The order the review belongs to."),
        _c("shop_id", Kind.ID, "The shop reviewed."),
        _c("product_id", Kind.ID, "The product reviewed."),
        _c("rating", Kind.RATING, "Latest star rating, a whole number 1-5 (1-2 is negative)."),
        _c("review_text", Kind.TEXT, "What the buyer wrote; empty for a rating-only review.", nullable=True),
        _c("created_at", Kind.TIMESTAMP, "When the review was first posted."),
        _c("review_title", Kind.TEXT, "Review title, where the marketplace has one.", required=False),
        _c("initial_rating", Kind.RATING, "The first rating before any edit (defaults to rating).", required=False),
        _c("edited_at", Kind.TIMESTAMP, "When the buyer last edited the review.", required=False),
        _c("seller_reply", Kind.TEXT, "The seller's public reply.", required=False),
        _c("seller_reply_at", Kind.TIMESTAMP, "When the seller replied.", required=False),
        _c("language", Kind.TEXT, "Language code of the review text if the export gives it.", required=False),
        _c("variant", Kind.TEXT, "The variant reviewed; else taken from the review's order line.", required=False),
    ),
    key=("shop_id", "review_id"),
    meaning="One row per review of a shop's product.",
)

PRODUCTS = Table(
    "products",
    (
        _c("product_id", Kind.ID, "The product (listing)."),
        _c("shop_id", Kind.ID, "The shop that lists it."),
        _c("title", Kind.TEXT, "Listing title.", nullable=True),
        _c("category", Kind.TEXT, "Category name.", required=False),
    ),
    key=("shop_id", "product_id"),
    meaning="Optional: one row per listing.",
)

CHATS = Table(
    "chats",
    (
        _c("conversation_id", Kind.ID, "The buyer-started conversation."),
        _c("shop_id", Kind.ID, "The shop the buyer wrote to."),
        _c("order_id", Kind.ID, "The order it is about, if any.", required=False),
        _c("buyer_message_at", Kind.TIMESTAMP, "When the buyer's first message arrived."),
        _c("seller_response_at", Kind.TIMESTAMP, "The seller's first answer; empty if never answered.", nullable=True),
    ),
    key=("shop_id", "conversation_id"),
    meaning="Optional: one row per buyer-started chat.",
)

TABLES: dict[str, Table] = {t.name: t for t in (ORDERS, REVIEWS, PRODUCTS, CHATS)}

NEGATIVE_MAX_STARS = 2
"""A review with at most this many stars is negative (POLICY: 1 or 2 stars)."""

_KIND_CHECKS = {
    Kind.RATING: [pa.Check.isin([1, 2, 3, 4, 5])],
    Kind.COUNT: [pa.Check.ge(1)],
    Kind.STATUS: [pa.Check.isin([s.value for s in OrderStatus])],
}


def pandera_schema(table: Table) -> pa.DataFrameSchema:
    """The pandera contract of a clean canonical table (row checks; the key is checked by the loader).

    Examples
    --------
    >>> from toolkit.schema import ORDERS, pandera_schema
    >>> pandera_schema(ORDERS).columns["order_status"].nullable
    False
    """
    columns = {
        c.name: pa.Column(
            KIND_DTYPE[c.kind], checks=_KIND_CHECKS.get(c.kind, []), nullable=c.nullable, required=c.required
        )
        for c in table.columns
    }
    delivered_has_date = pa.Check(
        lambda df: ~((df["order_status"] == OrderStatus.DELIVERED) & df["delivered_at"].isna()),
        name="delivered_at: missing for a delivered order",
    )
    checks = [delivered_has_date] if table is ORDERS else []
    return pa.DataFrameSchema(columns, checks=checks, strict=False)


def empty_frame(table: Table) -> pd.DataFrame:
    """A typed frame with no rows, for an optional table that was not given."""
    return pd.DataFrame({c.name: pd.Series(dtype=KIND_DTYPE[c.kind]) for c in table.columns})


def markdown_tables() -> str:
    """The README's column tables, generated from :data:`TABLES`."""
    out = []
    for table in TABLES.values():
        out.append(f"### `{table.name}`\n\n{table.meaning} Key: `{', '.join(table.key)}`.\n")
        out.append("| column | type | required | meaning |\n|---|---|---|---|")
        for c in table.columns:
            need = (
                "yes" if c.required and not c.nullable else ("column yes, value may be empty" if c.required else "no")
            )
            out.append(f"| `{c.name}` | {c.kind.value} | {need} | {c.meaning} |")
        out.append("")
    return "\n".join(out)
