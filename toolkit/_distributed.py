"""Spark as the engine of the per-shop work (issue 13 item 3): shops partitioned across executors.

Classifying a review needs only its own shop's reviews, order lines and chats, and a report only its own shop's
slice of the analysis, so both split by shop without a shuffle:

- :func:`classify_on_spark`: the reviews (with their shops' reviewed order lines and chats) go out in groups of
  whole shops, balanced by review count; each Spark task classifies its group with the one model the driver
  chose (broadcast, so a model retrained on the driver is the model every executor uses) and sends the rows back.
  The result equals :func:`toolkit.causes.classify_reviews` on the whole table, row for row.
- :func:`render_on_spark`: each shop's slice of the analysis goes out with its task, in batches of a few shops per
  executor core; each Python worker keeps one warm report kernel across its tasks (the same papermill template and
  engine as the local pool), renders its shops into a private folder and sends the files back. The driver stages
  them and writes the index, as in a local run. Nothing needs a shared file system: inputs travel with the tasks
  and outputs come back to the driver.

The session is :func:`toolkit.rates.spark_session`: under ``spark-submit`` the submitted one, else ``local[2]``.
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit._columns import is_in
from toolkit.rates._engines import spark_session

#: tasks per executor core in a job: small enough tasks that the cores finish together
TASKS_PER_CORE = 4
#: shops a render task takes at most; a job renders cores x TASKS_PER_CORE x SHOPS_PER_TASK shops, and the driver
#: holds one job's slices and pages at a time (each executor core runs its tasks one after another on its kernel)
SHOPS_PER_TASK = 8


def shop_groups(sizes: pd.Series, groups: int) -> list[list[str]]:
    """Shops (index of ``sizes``, rows per shop) in at most ``groups`` groups of about equal rows: the largest shop
    first into the lightest group. Deterministic; every shop in exactly one group.

    Examples
    --------
    >>> shop_groups(pd.Series({"a": 5, "b": 3, "c": 2, "d": 1}), 2)
    [['a', 'd'], ['b', 'c']]
    """
    order = sizes.sort_values(ascending=False, kind="stable")
    loads = [0] * max(1, min(groups, len(order)))
    members: list[list[str]] = [[] for _ in loads]
    for shop, rows in order.items():
        lightest = loads.index(min(loads))
        members[lightest].append(shop)
        loads[lightest] += int(rows)
    return [m for m in members if m]


def _rows_of(frame: pd.DataFrame | None, shops: set[str]) -> pd.DataFrame | None:
    if frame is None or "shop_id" not in frame.columns:
        return frame
    return frame[is_in(frame["shop_id"].astype(str), shops)]


def classify_on_spark(
    reviews: pd.DataFrame,
    orders: pd.DataFrame | None = None,
    chats: pd.DataFrame | None = None,
    overrides: pd.DataFrame | None = None,
    as_of: Any = None,
    model: Any = None,
) -> pd.DataFrame:
    """:func:`toolkit.causes.classify_reviews` with the shops partitioned across Spark executors; same result.

    ``as_of`` defaults to the latest review of the whole table (as in one process), not of each group.
    """
    from toolkit.causes import classify_reviews, load_model

    if reviews.empty:
        return classify_reviews(reviews, orders, chats, overrides, as_of, model)
    sc = spark_session().sparkContext
    if as_of is None and "created_at" in reviews.columns:
        as_of = pd.to_datetime(reviews["created_at"], utc=True, errors="coerce").max()
    positions = reviews.set_axis(pd.RangeIndex(len(reviews)))
    shop = positions["shop_id"].astype(str)
    reviewed = set(positions["order_id"].dropna().astype(str)) if "order_id" in positions.columns else set()
    if orders is not None and "order_id" in orders.columns:
        orders = orders[is_in(orders["order_id"].astype(str), reviewed)]  # the lines a review can refer to
    payloads = []
    for group in shop_groups(shop.value_counts(), sc.defaultParallelism * TASKS_PER_CORE):
        members = set(group)
        payloads.append(
            pickle.dumps(
                (positions[is_in(shop, members)], _rows_of(orders, members), _rows_of(chats, members)),
                protocol=pickle.HIGHEST_PROTOCOL,
            )
        )
    shared = sc.broadcast((model if model is not None else load_model(), overrides, as_of))

    def classify_group(items: Iterable[bytes]) -> Iterator[bytes]:
        the_model, the_overrides, day = shared.value
        for item in items:
            part, part_orders, part_chats = pickle.loads(item)
            out = classify_reviews(part, part_orders, part_chats, the_overrides, day, the_model)
            yield pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)

    parts = sc.parallelize(payloads, len(payloads)).mapPartitions(classify_group).collect()
    shared.unpersist()
    result = pd.concat([pickle.loads(p) for p in parts]).sort_index()
    return result.set_axis(reviews.index)


# ----------------------------------------------------------------------------------------------- reports


def _render_shops(items: Iterable[tuple[str, bytes]], parameters: dict, template: str, options: dict) -> Iterator:
    """On an executor: render each ``(shop_id, slice)`` on this worker's warm kernel; ``(shop_id, files, page,
    error)``, ``page`` the name of the shop's HTML file among ``files``."""
    from toolkit.render import _render_task

    for shop_id, data in items:
        task = Path(tempfile.mkdtemp(prefix="shop-health-spark-"))  # private (0700), removed below
        try:
            cache = task / "slice.pkl"
            cache.write_bytes(data)
            args = (shop_id, task, {**parameters, "cache": str(cache)}, Path(template), options)
            _, page, error = _render_task(args)
            files = {} if error else {p.name: p.read_bytes() for p in task.iterdir() if p.name != cache.name}
            yield shop_id, files, None if error else Path(page).name, error
        finally:
            shutil.rmtree(task, ignore_errors=True)


def render_on_spark(
    slices: Iterable[tuple[str, Any]], parameters: dict, template: Path, options: dict
) -> Iterator[tuple[str, dict[str, bytes], str | None, str | None]]:
    """Render each ``(shop_id, analysis slice)`` on Spark executors; ``(shop_id, {file name: bytes}, page, error)``
    for each shop (``page``: its HTML file's name), a batch at a time (the driver holds one batch's slices and
    pages)."""
    sc = spark_session().sparkContext
    tasks = max(1, sc.defaultParallelism * TASKS_PER_CORE)
    options = {**options, "log": Path(os.devnull)}  # the driver's scratch is not on the executors
    batch: list[tuple[str, bytes]] = []

    def run(batch: list[tuple[str, bytes]]) -> list:
        rdd = sc.parallelize(batch, min(tasks, len(batch)))
        return rdd.mapPartitions(lambda it: _render_shops(it, parameters, str(template), options)).collect()

    for shop_id, one in slices:
        batch.append((shop_id, pickle.dumps(one, protocol=pickle.HIGHEST_PROTOCOL)))
        if len(batch) >= tasks * SHOPS_PER_TASK:
            yield from run(batch)
            batch = []
    if batch:
        yield from run(batch)
