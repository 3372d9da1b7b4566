"""The Olist adapter: assemble canonical tables from Olist's joined public tables.

Olist publishes orders, order items, reviews and products as separate tables. A seller (``seller_id``)
is a shop; an order belongs to the shop(s) of its items. So:

- each (order, seller, product) of the items becomes one order line, its quantity the number of items and
  its ship-by the earliest ``shipping_limit_date``; an order without items has no shop and is set aside;
- a review is of the whole order, so an order with items of several sellers gives each of those shops
  the review (one review row per shop, the product being that shop's first item in the order);
- status ``unavailable`` is a cancellation for lack of stock (``cancel_reason`` says so);
- ``review_answer_timestamp`` is when the buyer answered Olist's survey, not a seller reply: not used;
- Olist sends its review survey around the estimated delivery date, so reviews dated before delivery are
  real ("not received yet") and are kept (``reviews_before_delivery = "keep"`` in the preset).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit._columns import is_in
from toolkit.errors import DataFileError
from toolkit.readers import ROW_COLUMN, RawTable, read_table

ITEMS_FILE = "olist_order_items_dataset.csv"
TRANSLATION_FILE = "product_category_name_translation.csv"
FILE_COLUMN = "_file"


def _read(path: Path) -> RawTable:
    raw = read_table(path)
    raw.frame[FILE_COLUMN] = str(path)
    return raw


def _aside(table: str, rows: pd.DataFrame, reason: str) -> pd.DataFrame:
    return pd.DataFrame(
        {"table": table, "file": rows[FILE_COLUMN], "row": rows[ROW_COLUMN], "reason": reason, "value": ""}
    )


def assemble(paths: dict[str, Path]) -> tuple[dict[str, pd.DataFrame], list[tuple[str, RawTable]], list[pd.DataFrame]]:
    """Raw frames for orders, reviews and products (Olist headers), the files read, and rows set aside."""
    folder = paths["orders"].parent
    items_path = folder / ITEMS_FILE
    if not items_path.exists():
        raise DataFileError(items_path, "file not found", expected="Olist's order items next to its orders file")
    orders, items, reviews = _read(paths["orders"]), _read(items_path), _read(paths["reviews"])
    reads = [("orders", orders), ("items", items), ("reviews", reviews)]
    aside = []

    it = items.frame
    for col in ("order_id", "seller_id", "product_id"):
        if col not in it.columns:
            raise DataFileError(items_path, "required column is missing", column=col)
    unknown = ~is_in(it["order_id"], orders.frame["order_id"])
    aside.append(_aside("items", it[unknown], "order_id: no such order in the orders file"))
    it = it[~unknown]
    it = it.assign(_line=pd.to_numeric(it.get("order_item_id"), errors="coerce")).sort_values(["order_id", "_line"])
    lines = (
        it.groupby(["order_id", "seller_id", "product_id"], sort=False)
        .agg(
            quantity=("product_id", "size"), shipping_limit_date=("shipping_limit_date", "min"), _line=("_line", "min")
        )
        .reset_index()
    )
    lines["quantity"] = lines["quantity"].astype(str)

    of = orders.frame
    no_items = ~is_in(of["order_id"], lines["order_id"])
    aside.append(_aside("orders", of[no_items], "order has no items, so no shop is known"))
    joined = of[~no_items].merge(lines.drop(columns="_line"), on="order_id", how="inner")
    status = joined["order_status"].astype(str).str.strip().str.casefold()
    joined["cancel_reason"] = pd.Series(pd.NA, index=joined.index, dtype="str").mask(
        status == "unavailable", "out of stock (Olist status 'unavailable')"
    )

    first_product = lines.sort_values("_line").drop_duplicates(["order_id", "seller_id"])[
        ["order_id", "seller_id", "product_id"]
    ]
    rv = reviews.frame.merge(first_product, on="order_id", how="left")
    no_shop = rv["seller_id"].isna()
    known_order = is_in(rv["order_id"], of["order_id"])
    aside.append(_aside("reviews", rv[no_shop & known_order], "its order has no items, so no shop is known"))
    raws = {"orders": joined, "reviews": rv[~no_shop | ~known_order]}

    if "products" in paths:
        products = _read(paths["products"])
        reads.append(("products", products))
        pf = products.frame
        shops = lines[["product_id", "seller_id"]].drop_duplicates()
        sold = is_in(pf["product_id"], shops["product_id"])
        aside.append(_aside("products", pf[~sold], "product is in no order item, so no shop is known"))
        pf = pf[sold].merge(shops, on="product_id")
        translation = folder / TRANSLATION_FILE
        if translation.exists() and "product_category_name" in pf.columns:
            names = read_table(translation).frame.drop(columns=ROW_COLUMN).drop_duplicates("product_category_name")
            pf = pf.merge(names, on="product_category_name", how="left")
            english = pf.pop("product_category_name_english")
            pf["product_category_name"] = english.fillna(pf["product_category_name"])
        pf["title"] = pd.Series(pd.NA, index=pf.index, dtype="str")
        raws["products"] = pf
    return raws, reads, aside
