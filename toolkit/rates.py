"""Negative review rates (SNRR, product and service NRR, SPS), their ledgers, series, contributions and chats.

Every function is written once with narwhals: give it pandas frames (as in a notebook) and it returns pandas; give it
Polars frames or DuckDB relations (``duckdb.sql(...)``, e.g. over the Parquet files of a whole marketplace) and it
returns the same kind, computed by that engine. pandas frames are computed by Polars through Arrow and returned as
pandas: the daily series of 1,000 shops x 365 days from 10M order lines takes 1.5 s instead of 6.0 s (1.13x a
hand-written DuckDB query; ``bench/results/rates.txt``), and the result is the one the pandas route gives (same
values, dtypes and ``datetime.date`` days). That route is taken when Polars is importable (and not switched off
with :func:`pandas_on_polars`) and the columns read have dtypes that round-trip exactly (see :func:`_arrow_exact`:
NumPy numbers and timestamps, default ``str`` strings); frames with nullable, ``pyarrow`` or ``object`` columns,
and :func:`attribute_negatives` (whose row order is that of the input), run on pandas as before. Definitions
follow ``../shared/POLICY.md``:

- A **negative** review has 1 or 2 stars (the latest rating, or the initial one with ``rating="initial"``).
- A **delivered order** counts once per shop (order lines are deduplicated on ``(shop_id, order_id)``); its day is
  ``delivered_at`` in the shop's time zone. A review's day is its ``created_at`` in that zone.
- The window is the ``window_days`` calendar days ending with ``as_of`` (inclusive).
- **Seller-related** negatives are all negatives except logistics-related ones (``responsibility == "logistics"``).
  A negative with no known cause is *unattributed*: it counts as seller-related, and the ledger says so.
- **Product-related**: the cause's area is product. **Service-related**: area fulfilment or service, not logistics.
- Anchor ``review`` (default): a negative counts by its review day, orders by their delivery day. Anchor ``order``: the
  numerator is the delivered orders in the window that received a negative review (on or before ``as_of``).

Engine notes (measured while building this module): DuckDB keeps the time zone in the connection, so local days are
computed with ``timezone(tz, ts)::DATE`` which does not depend on the session zone; narwhals cannot build a date range,
so the small calendar is built in Python and shipped to the backend (on DuckDB through the input relation's own
connection); a daily series is per-day counts on that complete shop x day calendar summed over each run of
``window_days`` rows (``rolling_sum`` counts rows, so the calendar must have every day of every shop).

Examples
--------
>>> import pandas as pd
>>> from datetime import date
>>> from toolkit.rates import RateConfig, shop_rates
>>> ts = lambda s: pd.Timestamp(s, tz="UTC")
>>> orders = pd.DataFrame({"order_id": ["o1", "o2", "o3", "o4"], "shop_id": "s1", "product_id": "p1",
...                        "order_status": "delivered", "delivered_at": [ts("2024-05-01 10:00")] * 4})
>>> reviews = pd.DataFrame({"review_id": ["r1"], "order_id": ["o1"], "shop_id": ["s1"], "product_id": ["p1"],
...                         "rating": [1], "created_at": [ts("2024-05-03 09:00")]})
>>> out = shop_rates(orders, reviews, RateConfig(as_of=date(2024, 5, 30)))
>>> out[["delivered_orders", "seller_negative_reviews", "snrr", "status"]].to_dict("records")
[{'delivered_orders': 4, 'seller_negative_reviews': 1, 'snrr': 0.25, 'status': 'above_target'}]
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from datetime import UTC, date, timedelta
from typing import Any, Literal

import narwhals as nw

from toolkit.errors import ParameterError
from toolkit.schema import NEGATIVE_MAX_STARS
from toolkit.settings import EPOCH, Settings, day_number
from toolkit.taxonomy import Area, Cause

Z95 = 1.959963984540054

PRODUCT_CAUSES = tuple(c.value for c in Cause if c.area is Area.PRODUCT)
SERVICE_CAUSES = tuple(c.value for c in Cause if c.area in (Area.FULFILMENT, Area.SERVICE))

#: flag name -> count column in the rate frames
FLAGS = {
    "negative": "negative_reviews",
    "seller": "seller_negative_reviews",
    "product": "product_negative_reviews",
    "service": "service_negative_reviews",
    "logistics": "logistics_negative_reviews",
    "unattributed": "unattributed_negative_reviews",
}
#: rate column -> numerator count column
RATES = {
    "snrr": "seller_negative_reviews",
    "product_nrr": "product_negative_reviews",
    "service_nrr": "service_negative_reviews",
}
RATE_COLUMNS = [
    "shop_id",
    "as_of",
    "window_days",
    "anchor",
    "rating",
    "delivered_orders",
    *FLAGS.values(),
    *(f"{r}{s}" for r in RATES for s in ("", "_low", "_high")),
    "status",
    "product_nrr_status",
    "service_nrr_status",
    "small_sample",
]

Frame = Any  # a pandas/Polars DataFrame, a Polars LazyFrame or a DuckDB relation


RateConfig = Settings
"""The rate functions' settings: :class:`toolkit.settings.Settings` (one object for every step)."""


# ----------------------------------------------------------------------------------------------- engine plumbing


def _lazy(frame: Frame) -> nw.LazyFrame:
    native = nw.from_native(frame)
    return native.lazy() if isinstance(native, nw.DataFrame) else native


#: the columns the rate functions read from their inputs; only these are sent from pandas to Polars
READ_COLUMNS = (
    *("order_id", "shop_id", "product_id", "order_status", "delivered_at"),
    *("review_id", "rating", "initial_rating", "created_at", "cause", "responsibility"),
    *("conversation_id", "buyer_message_at", "seller_response_at"),
)


def _polars_importable() -> bool:
    try:
        import polars  # noqa: F401
    except ImportError:  # pragma: no cover - polars is a dependency; the pure pandas route stays as the fallback
        return False
    return True


_POLARS_IMPORTABLE = _polars_importable()
_PANDAS_ON_POLARS: ContextVar[bool] = ContextVar("pandas_on_polars", default=_POLARS_IMPORTABLE)


@contextmanager
def pandas_on_polars(enabled: bool) -> Iterator[None]:
    """Within the block, compute eager pandas inputs on Polars (``True``, the default when Polars is installed)
    or on pandas itself (``False``: the pure pandas route). The results are the same; only the speed differs.

    Examples
    --------
    >>> with pandas_on_polars(False):
    ...     _PANDAS_ON_POLARS.get()
    False
    """
    token = _PANDAS_ON_POLARS.set(bool(enabled) and _POLARS_IMPORTABLE)
    try:
        yield
    finally:
        _PANDAS_ON_POLARS.reset(token)


def spark_session() -> Any:
    """The active Spark session, else a local one (``local[2]``, UTC, few shuffle partitions, no web UI).

    Under ``spark-submit`` the session the job was submitted with is used (its master, memory and executors); the
    session time zone must be UTC (calendar days are taken in the market time zone by the rate functions).
    """
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    return (
        SparkSession.builder.master("local[2]")
        .appName("shop-health")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )


def on_engine(frame: Any, engine: str = "pandas") -> Any:
    """A canonical pandas frame as an input of ``engine`` (``pandas``, ``polars``, ``duckdb`` or ``spark``), with
    only the columns the rate functions read, through Arrow (the values are the same on every engine).

    Examples
    --------
    >>> import pandas as pd
    >>> type(on_engine(pd.DataFrame({"shop_id": ["s"]}), "duckdb")).__name__
    'DuckDBPyRelation'
    """
    if engine == "pandas":
        return frame
    import pyarrow as pa

    if engine not in ("polars", "duckdb", "spark"):
        raise ParameterError(f"unknown engine {engine!r}; use pandas, polars, duckdb or spark")
    table = pa.Table.from_pandas(frame[[c for c in frame.columns if c in READ_COLUMNS]], preserve_index=False)
    if engine == "polars":
        import polars as pl

        return pl.from_arrow(table)
    if engine == "spark":
        return spark_session().createDataFrame(table)  # Spark 4 takes an Arrow table as it is
    import duckdb

    return duckdb.from_arrow(table)  # the default connection, where _on_backend finds side tables


def to_pandas(result: Any) -> Any:
    """A rate function's result from any engine as a pandas frame (days as ``datetime.date``)."""
    import pandas as pd

    if isinstance(result, pd.DataFrame):
        return result
    native = nw.from_native(result)
    if isinstance(native, nw.LazyFrame):
        native = native.collect()
    return native.to_arrow().to_pandas(date_as_object=True)


def _arrow_exact(frame: Any) -> bool:
    """Whether the read columns of a pandas frame come back from Polars with the dtypes the pandas route gives.

    Those are NumPy bools, integers, floats and timestamps (naive or in a named zone) and the default ``str``
    strings (Arrow-backed, NaN for missing). Nullable (``Int8``), ``pyarrow`` and ``object`` columns make the pandas
    route return nullable, ``pyarrow`` or ``object`` results, so frames with them stay on pandas.
    """
    import numpy as np
    import pandas as pd

    for column in frame.columns.intersection(READ_COLUMNS):
        dtype = frame[column].dtype
        if isinstance(dtype, pd.DatetimeTZDtype):
            name = getattr(dtype.tz, "key", getattr(dtype.tz, "zone", None))
            if not (dtype.tz is UTC or isinstance(name, str)):
                return False  # a fixed offset or another tzinfo without an IANA name
        elif isinstance(dtype, pd.StringDtype):
            if dtype.storage != "pyarrow" or not (isinstance(dtype.na_value, float) and np.isnan(dtype.na_value)):
                return False
        elif not isinstance(dtype, np.dtype) or dtype.kind not in "biufM":
            return False
    return True


def _lazy_all(*frames: Frame | None) -> list[nw.LazyFrame | None]:
    """The inputs of one call as LazyFrames on one backend (``None`` stays ``None``).

    When Polars is importable (and :func:`pandas_on_polars` allows it) and every input is an eager pandas frame that
    passes :func:`_arrow_exact`, they all move to Polars (their :data:`READ_COLUMNS` only, through Arrow); otherwise
    each frame keeps its own backend (a pandas side table next to other engines is moved by :func:`_on_backend`).
    """
    natives = [nw.from_native(f) for f in frames if f is not None]
    pandas = all(isinstance(n, nw.DataFrame) and n.implementation is nw.Implementation.PANDAS for n in natives)
    if _PANDAS_ON_POLARS.get() and natives and pandas and all(_arrow_exact(n.to_native()) for n in natives):
        natives = [n.select(*(c for c in n.columns if c in READ_COLUMNS)).lazy(backend="polars") for n in natives]
    moved = iter(natives)
    return [None if f is None else _lazy(next(moved)) for f in frames]


def _same_kind(result: nw.LazyFrame, original: Frame, nan_dates: tuple[str, ...] = ()) -> Frame:
    """Return ``result`` as the kind of frame the caller gave (eager stays eager, lazy stays lazy).

    A pandas caller whose frames were computed on Polars gets pandas back as the pandas route gives it: calendar
    days as ``datetime.date`` objects, missing ones as None, or as NaN in the ``nan_dates`` columns (those that
    pandas fills by a left join).
    """
    given = nw.from_native(original)
    if isinstance(given, nw.DataFrame):
        if given.implementation is nw.Implementation.PANDAS and result.implementation is nw.Implementation.POLARS:
            out = result.collect().to_native().to_pandas(date_as_object=True)
            for column in nan_dates:
                out[column] = out[column].where(out[column].notna(), float("nan"))
            return out
        native = result.collect(backend=given.implementation).to_native()
        return native.reset_index(drop=True) if hasattr(native, "reset_index") else native
    return result.to_native()


def _on_backend(frame: Frame | None, like: nw.LazyFrame) -> nw.LazyFrame | None:
    """An optional side table (attribution, products) moved to the backend of ``like`` if it is not there yet."""
    if frame is None:
        return None
    lf = _lazy(frame)
    if lf.implementation is like.implementation:
        return lf
    if like.implementation is nw.Implementation.DUCKDB:
        # only the default connection is reachable from here; relations built with duckdb.sql() live there
        if lf.implementation is nw.Implementation.PANDAS:  # pandas is eager under the narwhals LazyFrame
            return lf.collect().lazy(backend="duckdb")
        return nw.from_native(frame).lazy(backend="duckdb") if isinstance(nw.from_native(frame), nw.DataFrame) else lf
    return nw.from_native(lf.collect().to_arrow(), eager_only=True).lazy(backend=like.implementation)


def _sql_literal(value: object) -> str:
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _small_frame(like: nw.LazyFrame, data: dict[str, list], sql_types: dict[str, str]) -> nw.LazyFrame:
    """A small frame built in Python (a calendar, a shop list) on the same backend and connection as ``like``."""
    impl = like.implementation
    if impl is nw.Implementation.DUCKDB:
        names = list(data)
        n = len(next(iter(data.values()))) if data else 0
        casts = ", ".join(f'CAST("{c}" AS {sql_types[c]}) AS "{c}"' for c in names)
        if n == 0:
            nulls = ", ".join(f'CAST(NULL AS {sql_types[c]}) AS "{c}"' for c in names)
            return nw.from_native(like.to_native().query("_like", f"SELECT {nulls} WHERE false"))
        rows = ", ".join("(" + ", ".join(_sql_literal(data[c][i]) for c in names) + ")" for i in range(n))
        sql = f"SELECT {casts} FROM (VALUES {rows}) AS v({', '.join(chr(34) + c + chr(34) for c in names)})"
        return nw.from_native(like.to_native().query("_like", sql))
    if impl is nw.Implementation.PYSPARK:
        session = like.to_native().sparkSession
        rows = list(zip(*data.values(), strict=True))
        schema = ", ".join(f"{c} {sql_types[c].replace('VARCHAR', 'STRING')}" for c in data)
        return nw.from_native(session.createDataFrame(rows, schema=schema))
    backend = nw.Implementation.POLARS if impl is nw.Implementation.POLARS else impl
    frame = nw.from_dict(data, backend=backend)
    casts = [nw.col(c).cast(nw.String) for c, t in sql_types.items() if t == "VARCHAR"]
    return frame.lazy().with_columns(*casts) if casts else frame.lazy()


def _with_day(lf: nw.LazyFrame, column: str, tz: str, out: str = "day") -> nw.LazyFrame:
    """Add ``out``: the calendar day (day number) of timestamp ``column`` in time zone ``tz``.

    Naive timestamps are read as UTC. DuckDB and Spark cannot convert time zones through narwhals (the zone lives in
    the session), so they get their own zone-independent expression.
    """
    impl = lf.implementation
    if impl is nw.Implementation.DUCKDB:
        rel = lf.to_native()
        dtype = str(dict(zip(rel.columns, rel.dtypes, strict=True))[column]).upper()
        ts = f'"{column}"' if "TIME ZONE" in dtype else f"timezone('UTC', \"{column}\")"
        zone = tz.replace("'", "''")
        expr = f"CAST(CAST(timezone('{zone}', {ts}) AS DATE) - DATE '1970-01-01' AS BIGINT)"
        return nw.from_native(rel.project(f'*, {expr} AS "{out}"'))
    if impl is nw.Implementation.PYSPARK:
        from pyspark.sql import functions as F  # noqa: N812

        sdf = lf.to_native()
        if sdf.sparkSession.conf.get("spark.sql.session.timeZone") != "UTC":
            raise ParameterError("set spark.sql.session.timeZone to UTC: date casts otherwise shift days")
        local = F.to_date(F.from_utc_timestamp(F.col(column), tz))
        return nw.from_native(sdf.withColumn(out, F.datediff(local, F.lit("1970-01-01").cast("date"))))
    ts = nw.col(column)
    if lf.collect_schema()[column].time_zone is None:
        ts = ts.dt.replace_time_zone("UTC")
    if tz != "UTC":
        ts = ts.dt.convert_time_zone(tz)
    local_ms = ts.dt.replace_time_zone(None).dt.timestamp("ms")
    return lf.with_columns((local_ms // 86_400_000).cast(nw.Int64).alias(out))


def _calendar(like: nw.LazyFrame, first: int, last: int, shops: nw.LazyFrame) -> nw.LazyFrame:
    """The complete shop x day calendar from day number ``first`` to ``last`` (with the date of each day)."""
    days = list(range(first, last + 1))
    dates = [EPOCH + timedelta(days=d) for d in days]
    frame = _small_frame(like, {"day": days, "date": dates}, {"day": "BIGINT", "date": "DATE"})
    return shops.join(frame, how="cross")


def _shop_universe(orders: nw.LazyFrame, reviews: nw.LazyFrame, shops: list[str] | None) -> nw.LazyFrame:
    """The shops to report: those given, or every shop with an order or a review."""
    if shops is not None:
        return _small_frame(orders, {"shop_id": list(dict.fromkeys(shops))}, {"shop_id": "VARCHAR"})

    def distinct(lf: nw.LazyFrame) -> nw.LazyFrame:
        # a counting group_by, not unique(): a hash aggregate on DuckDB (not a row_number() window), native on pandas
        return lf.group_by("shop_id").agg(nw.len()).select("shop_id")

    ids = [distinct(lf.select(nw.col("shop_id").cast(nw.String))) for lf in (orders, reviews)]
    return distinct(nw.concat(ids, how="vertical"))


# ----------------------------------------------------------------------------------------------- classification


def delivered_orders(orders: nw.LazyFrame, tz: str) -> nw.LazyFrame:
    """One row per delivered order and shop: ``shop_id, order_id, day`` (day number of delivery in ``tz``)."""
    lf = orders.select("shop_id", "order_id", "order_status", "delivered_at")  # fewer columns to filter on pandas
    lf = lf.filter((nw.col("order_status") == "delivered") & ~nw.col("delivered_at").is_null())
    lf = _with_day(lf.drop("order_status"), "delivered_at", tz)
    return lf.group_by("shop_id", "order_id").agg(nw.col("day").min())


def _stars(reviews: nw.LazyFrame, rating: str) -> nw.Expr:
    if rating == "initial" and "initial_rating" in reviews.collect_schema().names():
        return nw.coalesce(nw.col("initial_rating"), nw.col("rating"))
    return nw.col("rating")


def attribute_negatives(reviews: Frame, attribution: Frame | None = None, rating: str = "latest") -> Frame:
    """Classify every review: negative, and if so seller-, product-, service-, logistics-related or unattributed.

    Parameters
    ----------
    reviews : frame
        Canonical reviews (``review_id, order_id, shop_id, product_id, rating, created_at``; ``initial_rating``
        optional).
    attribution : frame, optional
        ``review_id, shop_id, cause, responsibility``: a :class:`~toolkit.taxonomy.Cause` value (or null) and
        ``seller/logistics/buyer/unknown`` (or null). Without it every negative is unattributed.
    rating : {"latest", "initial"}
        Which rating decides negativity.

    Returns
    -------
    frame
        The reviews' ids, ``stars``, ``cause``, ``responsibility`` and boolean columns ``negative, seller, product,
        service, logistics, unattributed``.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"review_id": ["a", "b", "c"], "order_id": ["o1", "o2", "o3"], "shop_id": "s",
    ...                   "product_id": "p", "rating": [1, 2, 5], "created_at": pd.Timestamp("2024-01-01", tz="UTC")})
    >>> att = pd.DataFrame({"review_id": ["a"], "shop_id": ["s"], "cause": ["late_or_wrong_delivery"],
    ...                     "responsibility": ["logistics"]})
    >>> attribute_negatives(r, att)[["review_id", "seller", "logistics", "unattributed"]].to_dict("list")
    ... # doctest: +NORMALIZE_WHITESPACE
    {'review_id': ['a', 'b', 'c'], 'seller': [False, True, False], 'logistics': [True, False, False],
     'unattributed': [False, True, False]}
    """
    lf = _lazy(reviews)  # pandas stays on pandas here: rows come back in input order, which Polars does not keep
    return _same_kind(_classify(lf, _on_backend(attribution, lf), rating), reviews)


def _classify(reviews: nw.LazyFrame, attribution: nw.LazyFrame | None, rating: str) -> nw.LazyFrame:
    lf = reviews.select(
        nw.col("shop_id", "review_id", "order_id", "product_id", "created_at"),
        _stars(reviews, rating).cast(nw.Int64).alias("stars"),
    )
    if attribution is None:
        lf = lf.with_columns(cause=nw.lit(None, nw.String), responsibility=nw.lit(None, nw.String))
    else:
        att = attribution.select(
            nw.col("shop_id", "review_id"),
            nw.col("cause").cast(nw.String),
            nw.col("responsibility").cast(nw.String),
        ).unique(subset=["shop_id", "review_id"], keep="any")
        lf = lf.join(att, on=["shop_id", "review_id"], how="left")
    negative = nw.col("stars") <= NEGATIVE_MAX_STARS
    logistics = negative & (nw.col("responsibility") == "logistics").fill_null(False)
    return lf.with_columns(
        negative=negative,
        logistics=logistics,
        seller=negative & ~logistics,
        product=negative & nw.col("cause").is_in(PRODUCT_CAUSES).fill_null(False),
        service=negative & ~logistics & nw.col("cause").is_in(SERVICE_CAUSES).fill_null(False),
        unattributed=negative & ~logistics & nw.col("cause").is_null(),
    )


def _prepared(orders: Frame, reviews: Frame, config: RateConfig, attribution: Frame | None):
    o, r, a = _lazy_all(orders, reviews, attribution)
    classified = _with_day(_classify(r, _on_backend(a, r), config.rating), "created_at", config.tz)
    return o, r, delivered_orders(o, config.tz), classified


# ----------------------------------------------------------------------------------------------- rates


def _wilson(x: nw.Expr, n: nw.Expr, z: float = Z95) -> tuple[nw.Expr, nw.Expr, nw.Expr]:
    """Rate, Wilson low and high for ``x`` successes in ``n`` trials; null where ``n`` is 0.

    Under the review anchor a tiny shop can have more negatives in the window than deliveries (reviews of orders
    delivered earlier): the rate is then above 1 as the formula says, and the interval is that of ``x = n``.
    """
    nf = nw.when(n > 0).then(n.cast(nw.Float64))
    p = x.cast(nw.Float64) / nf
    capped = nw.min_horizontal(x, n).cast(nw.Float64) / nf
    denom = 1 + z**2 / nf
    centre = (capped + z**2 / (2 * nf)) / denom
    half = z * (capped * (1 - capped) / nf + z**2 / (4 * nf**2)).sqrt() / denom
    # the exact bounds at 0 and n, which floating point would miss by ~1e-18
    low = nw.when(x == 0).then(nw.lit(0.0)).otherwise((centre - half).clip(0.0, 1.0))
    high = nw.when(x >= n).then(nw.lit(1.0)).otherwise((centre + half).clip(0.0, 1.0))
    return p, nw.when(n > 0).then(low), nw.when(n > 0).then(high)


def _with_rates(lf: nw.LazyFrame, config: RateConfig) -> nw.LazyFrame:
    n = nw.col("delivered_orders")
    exprs = []
    for rate, count in RATES.items():
        p, low, high = _wilson(nw.col(count), n)
        exprs += [p.alias(rate), low.alias(f"{rate}_low"), high.alias(f"{rate}_high")]
    lf = lf.with_columns(*exprs)
    status = (
        nw.when(n == 0)
        .then(nw.lit("no_orders"))
        .when(nw.col("snrr") > config.target)
        .then(nw.lit("above_target"))
        .when(nw.col("snrr") > config.strict)
        .then(nw.lit("above_strict"))
        .otherwise(nw.lit("ok"))
    )

    def sub_status(rate: str, threshold: float) -> nw.Expr:
        above = nw.when(nw.col(rate) > threshold).then(nw.lit("above_target")).otherwise(nw.lit("ok"))
        return nw.when(n == 0).then(nw.lit("no_orders")).otherwise(above)

    return lf.with_columns(
        status=status,
        product_nrr_status=sub_status("product_nrr", config.product_target),
        service_nrr_status=sub_status("service_nrr", config.service_target),
        small_sample=n < config.min_orders,
        window_days=nw.lit(config.window_days, nw.Int64),
        anchor=nw.lit(config.anchor),
        rating=nw.lit(config.rating),
    )


def _ints(columns) -> list[nw.Expr]:
    return [nw.col(c).cast(nw.Int64) for c in columns]


def _window_counts(
    delivered: nw.LazyFrame, classified: nw.LazyFrame, config: RateConfig, universe: nw.LazyFrame
) -> nw.LazyFrame:
    """Per shop of ``universe``: delivered orders in the window and the negative counts of the numerators.

    Aggregations are kept simple (a bare sum or length) so that pandas runs them as native group-bys.
    """
    in_window = delivered.filter(nw.col("day").is_between(config.first, config.last))
    den = in_window.group_by("shop_id").agg(nw.len().alias("delivered_orders"))
    negatives = classified.filter(nw.col("negative")).with_columns(*_ints(FLAGS))
    if config.anchor == "review":
        num = negatives.filter(nw.col("day").is_between(config.first, config.last))
    else:
        num = (
            negatives.filter(nw.col("day") <= config.last)
            .group_by("shop_id", "order_id")
            .agg(*(nw.col(f).max() for f in FLAGS))
            .join(in_window.select("shop_id", "order_id"), on=["shop_id", "order_id"], how="inner")
        )
    num = num.group_by("shop_id").agg(*(nw.col(f).sum().alias(c) for f, c in FLAGS.items()))
    counts = ["delivered_orders", *FLAGS.values()]
    lf = universe.join(den, on="shop_id", how="left").join(num, on="shop_id", how="left")
    return lf.with_columns(*(nw.col(c).fill_null(0).cast(nw.Int64) for c in counts))


def shop_rates(
    orders: Frame,
    reviews: Frame,
    config: RateConfig,
    attribution: Frame | None = None,
    shops: list[str] | None = None,
) -> Frame:
    """Negative review rates of each shop as of a day: counts, SNRR, product and service NRR, Wilson 95% intervals.

    Parameters
    ----------
    orders, reviews : frame
        Canonical orders (one row per order line) and reviews: pandas or Polars frames, or DuckDB relations.
    config : RateConfig
        As-of day, window, time zone, anchor, rating and thresholds.
    attribution : frame, optional
        Causes of negatives (see :func:`attribute_negatives`); without it all negatives are unattributed.
    shops : list of str, optional
        The shops to report (also those without any row); default every shop with an order or a review.

    Returns
    -------
    frame
        One row per shop with :data:`RATE_COLUMNS`: ``delivered_orders``, the negative counts, ``snrr``,
        ``product_nrr``, ``service_nrr`` (fractions) each with ``_low``/``_high``, ``status`` (``ok``,
        ``above_strict``, ``above_target`` or ``no_orders``) and ``small_sample``. Under ``anchor="order"`` the
        counts are of delivered orders that received such a negative. Sorted by ``shop_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": ["o1", "o1", "o2"], "shop_id": ["s1", "s1", "s2"], "product_id": "p",
    ...                        "order_status": "delivered", "delivered_at": pd.Timestamp("2024-05-20", tz="UTC")})
    >>> reviews = pd.DataFrame(columns=["review_id", "order_id", "shop_id", "product_id", "rating", "created_at"])
    >>> reviews = reviews.astype({"rating": "int64", "created_at": "datetime64[us, UTC]"})
    >>> out = shop_rates(orders, reviews, RateConfig(as_of=date(2024, 5, 30)), shops=["s1", "s3"])
    >>> out[["shop_id", "delivered_orders", "snrr", "status"]].to_dict("list")
    {'shop_id': ['s1', 's3'], 'delivered_orders': [1, 0], 'snrr': [0.0, nan], 'status': ['ok', 'no_orders']}
    """
    o, r, delivered, classified = _prepared(orders, reviews, config, attribution)
    universe = _shop_universe(o, r, shops)
    lf = _window_counts(delivered, classified, config, universe)
    lf = _with_rates(lf.with_columns(as_of=nw.lit(config.as_of)), config)
    return _same_kind(lf.select(RATE_COLUMNS).sort("shop_id"), orders)


# ----------------------------------------------------------------------------------------------- ledger


def ledger(orders: Frame, reviews: Frame, config: RateConfig, shop_id: str, attribution: Frame | None = None) -> Frame:
    """Every order and review of one shop considered for its rates as of ``config.as_of``, with role and reason.

    Returns
    -------
    frame
        ``shop_id, as_of, kind ("order"/"review"), order_id, review_id, product_id, date (of delivery or review in
        the shop's time zone), stars, cause,
        responsibility, role ("denominator order", "numerator review", "excluded"), in_snrr, in_product_nrr,
        in_service_nrr, reason``. Numerator reviews are the seller-related negatives counted in SNRR; a logistics
        negative in the window is "excluded" with its reason (it is still in ``negative_reviews``).

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="UTC")
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "shop_id": "s", "product_id": "p",
    ...                        "order_status": ["delivered", "shipped"], "delivered_at": [ts("2024-05-20"), pd.NaT]})
    >>> reviews = pd.DataFrame({"review_id": ["r1", "r2"], "order_id": ["o1", "o1"], "shop_id": "s", "product_id": "p",
    ...                         "rating": [1, 5], "created_at": [ts("2024-05-21"), ts("2024-04-01")]})
    >>> led = ledger(orders, reviews, RateConfig(as_of=date(2024, 5, 30)), "s")
    >>> led[["kind", "order_id", "role"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['order', 'o1', 'denominator order'], ['order', 'o2', 'excluded'],
     ['review', 'o1', 'numerator review'], ['review', 'o1', 'excluded']]
    >>> led["reason"].iloc[2]
    'review day in the window; unattributed, counted as seller-related'
    """
    o, r, att = _lazy_all(orders, reviews, attribution)
    o, r = o.filter(nw.col("shop_id") == shop_id), r.filter(nw.col("shop_id") == shop_id)
    att = _on_backend(att, r)
    _, _, delivered, classified = _prepared(o, r, config, att)
    in_window = nw.col("day").is_between(config.first, config.last)
    order_rows = _ledger_orders(o, delivered, in_window)
    review_rows = _ledger_reviews(classified, delivered, config, in_window)
    rows = nw.concat([order_rows, review_rows.select(order_rows.collect_schema().names())], how="vertical")
    span = rows.select(nw.col("day").min().alias("lo"), nw.col("day").max().alias("hi")).collect().rows()[0]
    lo, hi = (int(v) for v in span) if span[0] is not None and span[0] == span[0] else (config.last, config.last)
    days = list(range(lo, hi + 1))
    dates = _small_frame(
        o, {"day": days, "date": [EPOCH + timedelta(days=d) for d in days]}, {"day": "BIGINT", "date": "DATE"}
    )
    rows = rows.join(dates.with_columns(nw.col("day").cast(nw.Float64)), on="day", how="left")
    columns = ["shop_id", "as_of", "kind", "order_id", "review_id", "product_id", "date", "stars", "cause"]
    columns += ["responsibility", "role", "in_snrr", "in_product_nrr", "in_service_nrr", "reason"]
    rows = rows.with_columns(as_of=nw.lit(config.as_of)).select(columns)
    return _same_kind(rows.sort("kind", "order_id", "review_id", nulls_last=False), orders, nan_dates=("date",))


def _ledger_orders(orders: nw.LazyFrame, delivered: nw.LazyFrame, in_window: nw.Expr) -> nw.LazyFrame:
    statuses = orders.group_by("shop_id", "order_id").agg(nw.col("order_status").max(), nw.col("product_id").min())
    lf = statuses.join(delivered, on=["shop_id", "order_id"], how="left")
    is_den = ~nw.col("day").is_null() & in_window.fill_null(False)
    reason = (
        nw.when(nw.col("day").is_null())
        .then(nw.concat_str(nw.lit("not delivered (status "), nw.col("order_status"), nw.lit("): not counted")))
        .when(is_den)
        .then(nw.lit("delivered in the window: counted in the denominator"))
        .otherwise(nw.lit("delivered outside the window: not counted"))
    )
    return lf.select(
        nw.col("shop_id"),
        nw.lit("order").alias("kind"),
        nw.col("order_id"),
        nw.lit(None, nw.String).alias("review_id"),
        nw.col("product_id"),
        nw.col("day").cast(nw.Float64),
        nw.lit(None, nw.Float64).alias("stars"),
        nw.lit(None, nw.String).alias("cause"),
        nw.lit(None, nw.String).alias("responsibility"),
        nw.when(is_den).then(nw.lit("denominator order")).otherwise(nw.lit("excluded")).alias("role"),
        nw.lit(False).alias("in_snrr"),
        nw.lit(False).alias("in_product_nrr"),
        nw.lit(False).alias("in_service_nrr"),
        reason.alias("reason"),
    )


def _ledger_reviews(
    classified: nw.LazyFrame, delivered: nw.LazyFrame, config: RateConfig, in_window: nw.Expr
) -> nw.LazyFrame:
    if config.anchor == "review":
        placed = in_window
        where = nw.lit("review day in the window")
        outside = nw.lit("review day outside the window: not counted")
        lf = classified
    else:
        window_orders = delivered.filter(in_window).select("shop_id", "order_id", nw.lit(True).alias("_in"))
        lf = classified.join(window_orders, on=["shop_id", "order_id"], how="left")
        placed = nw.col("_in").fill_null(False) & (nw.col("day") <= config.last)
        where = nw.lit("its order was delivered in the window (the order counts once)")
        outside = nw.lit("its order was not delivered in the window, or the review came after as_of: not counted")
    counted = nw.col("negative") & placed
    seller_why = (
        nw.when(nw.col("unattributed"))
        .then(nw.lit("unattributed, counted as seller-related"))
        .otherwise(nw.concat_str(nw.lit("seller-related, cause "), nw.col("cause")))
    )
    reason = (
        nw.when(~nw.col("negative"))
        .then(nw.concat_str(nw.lit("not negative ("), nw.col("stars").cast(nw.String), nw.lit(" stars)")))
        .when(~placed)
        .then(outside)
        .when(nw.col("logistics"))
        .then(nw.concat_str(where, nw.lit("; logistics-related: in negative_reviews, not in SNRR")))
        .otherwise(nw.concat_str(where, nw.lit("; "), seller_why))
    )
    return lf.select(
        nw.col("shop_id"),
        nw.lit("review").alias("kind"),
        nw.col("order_id"),
        nw.col("review_id"),
        nw.col("product_id"),
        nw.col("day").cast(nw.Float64),
        nw.col("stars").cast(nw.Float64),
        nw.col("cause"),
        nw.col("responsibility"),
        nw.when(counted & nw.col("seller"))
        .then(nw.lit("numerator review"))
        .otherwise(nw.lit("excluded"))
        .alias("role"),
        (counted & nw.col("seller")).alias("in_snrr"),
        (counted & nw.col("product")).alias("in_product_nrr"),
        (counted & nw.col("service")).alias("in_service_nrr"),
        reason.alias("reason"),
    )


# ----------------------------------------------------------------------------------------------- daily series


def _negatives_per_day(classified: nw.LazyFrame, first: int, last: int) -> nw.LazyFrame:
    """Per shop and review day from ``first`` to ``last``: the negative counts (review anchor)."""
    negatives = classified.filter(nw.col("negative") & nw.col("day").is_between(first, last))
    per_day = negatives.with_columns(*_ints(FLAGS)).group_by("shop_id", "day")
    return per_day.agg(*(nw.col(f).sum().alias(c) for f, c in FLAGS.items()))


def _order_anchor_changes(
    delivered: nw.LazyFrame, classified: nw.LazyFrame, config: RateConfig, first: int, last: int
) -> nw.LazyFrame:
    """Per shop and day from ``first`` to ``last``: the change of each order-anchored count (+1 in, -1 out).

    An order counts from the later of its delivery day and its first such negative review until it leaves the
    window, ``window_days`` after delivery; that is not a count of one day, so the window value is the running total
    of these changes. Changes before ``first`` are put on ``first``.
    """
    w = config.window_days
    dated = classified.filter(nw.col("negative") & (nw.col("day") <= last))
    dated = dated.with_columns(*(nw.when(nw.col(f)).then(nw.col("day")).alias(f) for f in FLAGS))
    first_negative = dated.group_by("shop_id", "order_id").agg(*(nw.col(f).min() for f in FLAGS))
    # orders that left the window before ``first`` add nothing
    orders = delivered.filter(nw.col("day") > first - w).join(first_negative, on=["shop_id", "order_id"], how="inner")
    changes = []
    for f, c in FLAGS.items():
        enter = nw.max_horizontal(nw.col("day"), nw.col(f))
        counted = orders.filter(~nw.col(f).is_null() & (enter < nw.col("day") + w))
        for when, change in ((enter, 1), (nw.col("day") + w, -1)):
            values = (nw.lit(change if k == c else 0).cast(nw.Int64).alias(k) for k in FLAGS.values())
            on = nw.max_horizontal(when, nw.lit(first)).cast(nw.Int64).alias("day")
            changes.append(counted.select("shop_id", on, *values))
    per_day = nw.concat(changes, how="vertical").filter(nw.col("day") <= last).group_by("shop_id", "day")
    return per_day.agg(*(nw.col(c).sum() for c in FLAGS.values()))


def daily_rates(
    orders: Frame,
    reviews: Frame,
    config: RateConfig,
    since: date,
    attribution: Frame | None = None,
    shops: list[str] | None = None,
) -> Frame:
    """The trailing-window rates of every shop for every day from ``since`` to ``config.as_of``.

    One vectorised pass, no loop over days: deliveries and negatives are counted per shop and day, joined to the
    complete shop x day calendar (days without any row included, from ``window_days - 1`` days before ``since``) and
    summed over each run of ``window_days`` consecutive days of a shop. Order-anchored numerators are running totals
    of entry and exit changes instead (see :func:`_order_anchor_changes`).

    Returns
    -------
    frame
        One row per shop and day with :data:`RATE_COLUMNS` (``as_of`` is the day). Sorted by shop and day.

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="UTC")
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "shop_id": "s", "product_id": "p",
    ...                        "order_status": "delivered", "delivered_at": [ts("2024-05-01"), ts("2024-05-02")]})
    >>> reviews = pd.DataFrame({"review_id": ["r1"], "order_id": ["o1"], "shop_id": "s", "product_id": "p",
    ...                         "rating": [2], "created_at": [ts("2024-05-02")]})
    >>> cfg = RateConfig(as_of=date(2024, 5, 4), window_days=2)
    >>> daily_rates(orders, reviews, cfg, since=date(2024, 5, 1))[["delivered_orders", "snrr"]].values.tolist()
    [[1.0, 0.0], [2.0, 0.5], [1.0, 1.0], [0.0, nan]]
    """
    return _same_kind(_daily_series(orders, reviews, config, since, attribution, shops), orders)


def _daily_series(
    orders: Frame, reviews: Frame, config: RateConfig, since: date, attribution: Frame | None, shops: list[str] | None
) -> nw.LazyFrame:
    """:func:`daily_rates` as a LazyFrame on the backend the inputs are computed on."""
    if since > config.as_of:
        raise ParameterError(f"since ({since}) is after as_of ({config.as_of})")
    o, r, delivered, classified = _prepared(orders, reviews, config, attribution)
    start, end = day_number(since), config.last
    calendar_start = start - config.window_days + 1  # early enough to give every reported day a full window
    deliveries = delivered.filter(nw.col("day").is_between(calendar_start, end)).group_by("shop_id", "day")
    deliveries = deliveries.agg(nw.len().alias("delivered_orders"))
    if config.anchor == "review":
        numerators, summed = _negatives_per_day(classified, calendar_start, end), ["delivered_orders", *FLAGS.values()]
    else:
        numerators, summed = (
            _order_anchor_changes(delivered, classified, config, calendar_start, end),
            ["delivered_orders"],
        )
    cols = ["delivered_orders", *FLAGS.values()]
    same_as_negative, zero = [], []
    if attribution is None and config.anchor == "review":
        # Without causes every negative is unattributed and seller-related, and none is product, service or
        # logistics: two windowed sums instead of seven (the bulk of the work on a large marketplace).
        same_as_negative = [FLAGS["seller"], FLAGS["unattributed"]]
        zero = [FLAGS["product"], FLAGS["service"], FLAGS["logistics"]]
        numerators = numerators.select("shop_id", "day", FLAGS["negative"])
    windowed = [c for c in cols if c not in same_as_negative + zero]
    lf = (
        _calendar(o, calendar_start, end, _shop_universe(o, r, shops))
        .join(deliveries, on=["shop_id", "day"], how="left")
        .join(numerators, on=["shop_id", "day"], how="left")
        .with_columns(*(nw.col(c).fill_null(0).cast(nw.Int64) for c in windowed))
    )
    # rolling_sum counts rows, not days: right because the calendar has every day of every shop; the partial windows
    # (min_samples=1) are those of the days before ``since``, dropped below
    window = {
        c: nw.col(c).rolling_sum(config.window_days, min_samples=1) if c in summed else nw.col(c).cum_sum()
        for c in windowed
    }
    lf = lf.with_columns(*(v.over("shop_id", order_by="day").cast(nw.Int64).alias(c) for c, v in window.items()))
    if same_as_negative:
        lf = lf.with_columns(
            *(nw.col(FLAGS["negative"]).alias(c) for c in same_as_negative),
            *(nw.lit(0, nw.Int64).alias(c) for c in zero),
        )
    lf = _with_rates(lf.filter(nw.col("day") >= start).rename({"date": "as_of"}), config)
    return lf.select(RATE_COLUMNS).sort("shop_id", "as_of")


# ----------------------------------------------------------------------------------------------- SPS


def sps_negative_rate(
    orders: Frame, reviews: Frame, as_of: date, tz: str = "UTC", shops: list[str] | None = None
) -> Frame:
    """The Shop Performance Score negative review rate: 60 days, order-anchored, initial rating, all negatives.

    Returns
    -------
    frame
        ``shop_id, as_of, window_days (60), delivered_orders, negative_orders, sps_negative_rate, sps_low, sps_high,
        delivered_orders_90d, eligible`` (eligible: at least 30 delivered orders in 90 days).

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="UTC")
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "shop_id": "s", "product_id": "p",
    ...                        "order_status": "delivered", "delivered_at": [ts("2024-04-10"), ts("2024-05-20")]})
    >>> reviews = pd.DataFrame({"review_id": ["r1"], "order_id": ["o1"], "shop_id": "s", "product_id": "p",
    ...                         "rating": [5], "initial_rating": [1], "created_at": [ts("2024-04-12")]})
    >>> sps_negative_rate(orders, reviews, date(2024, 5, 30))[["negative_orders", "sps_negative_rate"]].to_dict("list")
    {'negative_orders': [1], 'sps_negative_rate': [0.5]}
    """
    config = RateConfig(as_of=as_of, window_days=60, tz=tz, anchor="order", rating="initial")
    o, r, delivered, classified = _prepared(orders, reviews, config, None)
    universe = _shop_universe(o, r, shops)
    lf = _window_counts(delivered, classified, config, universe).select(
        "shop_id", "delivered_orders", "negative_reviews"
    )
    wide = _window_counts(delivered, classified, replace(config, window_days=90), universe)
    wide = wide.select("shop_id", nw.col("delivered_orders").alias("delivered_orders_90d"))
    lf = lf.join(wide, on="shop_id", how="left")
    p, low, high = _wilson(nw.col("negative_reviews"), nw.col("delivered_orders"))
    lf = lf.select(
        "shop_id",
        nw.lit(as_of).alias("as_of"),
        nw.lit(60, nw.Int64).alias("window_days"),
        "delivered_orders",
        nw.col("negative_reviews").alias("negative_orders"),
        p.alias("sps_negative_rate"),
        low.alias("sps_low"),
        high.alias("sps_high"),
        "delivered_orders_90d",
        (nw.col("delivered_orders_90d") >= 30).alias("eligible"),
    )
    return _same_kind(lf.sort("shop_id"), orders)


# ----------------------------------------------------------------------------------------------- contributions


def _seller_numerator(delivered: nw.LazyFrame, classified: nw.LazyFrame, config: RateConfig) -> nw.LazyFrame:
    """The seller-related negative reviews in the SNRR numerator, each with a ``weight`` summing to its count.

    Under the order anchor an order with several such reviews counts once, so each of its reviews weighs 1/k.
    """
    seller = classified.filter(nw.col("seller"))
    if config.anchor == "review":
        return seller.filter(nw.col("day").is_between(config.first, config.last)).with_columns(weight=nw.lit(1.0))
    in_window = delivered.filter(nw.col("day").is_between(config.first, config.last)).select("shop_id", "order_id")
    lf = seller.filter(nw.col("day") <= config.last).join(in_window, on=["shop_id", "order_id"], how="inner")
    per_order = nw.len().over("shop_id", "order_id").cast(nw.Float64)
    return lf.with_columns(weight=1.0 / per_order)


def contributions(
    orders: Frame,
    reviews: Frame,
    config: RateConfig,
    attribution: Frame | None = None,
    by: Literal["product", "cause"] = "product",
) -> Frame:
    """How much of each shop's SNRR each product (or cause) contributes; per shop they sum to the SNRR.

    Returns
    -------
    frame
        ``shop_id, as_of, product_id`` (or ``cause``; ``"unattributed"`` for negatives without one),
        ``seller_negative_reviews`` (weighted under the order anchor), ``delivered_orders``, ``contribution``
        (fraction of delivered orders: the share of the SNRR), ``contribution_pp`` (percentage points) and
        ``share`` (of the shop's seller-related negatives). Largest contribution first within each shop.

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="UTC")
    >>> orders = pd.DataFrame({"order_id": [f"o{i}" for i in range(4)], "shop_id": "s", "product_id": "p",
    ...                        "order_status": "delivered", "delivered_at": ts("2024-05-20")})
    >>> reviews = pd.DataFrame({"review_id": ["r1", "r2", "r3"], "order_id": ["o1", "o2", "o3"], "shop_id": "s",
    ...                         "product_id": ["a", "a", "b"], "rating": [1, 2, 1], "created_at": ts("2024-05-21")})
    >>> contributions(orders, reviews, RateConfig(as_of=date(2024, 5, 30)))[["product_id", "contribution_pp"]]
      product_id  contribution_pp
    0          a             50.0
    1          b             25.0
    """
    key = {"product": "product_id", "cause": "cause"}.get(by)
    if key is None:
        raise ParameterError(f"by must be 'product' or 'cause', got {by!r}")
    _, _, delivered, classified = _prepared(orders, reviews, config, attribution)
    numerator = _seller_numerator(delivered, classified, config)
    if key == "cause":
        numerator = numerator.with_columns(cause=nw.col("cause").fill_null("unattributed"))
    parts = numerator.group_by("shop_id", key).agg(nw.col("weight").sum().alias("seller_negative_reviews"))
    den = delivered.filter(nw.col("day").is_between(config.first, config.last))
    den = den.group_by("shop_id").agg(nw.len().alias("delivered_orders"))
    lf = parts.join(den, on="shop_id", how="left").with_columns(nw.col("delivered_orders").fill_null(0).cast(nw.Int64))
    count = nw.col("seller_negative_reviews")
    contribution = count / nw.when(nw.col("delivered_orders") > 0).then(nw.col("delivered_orders").cast(nw.Float64))
    lf = lf.select(
        "shop_id",
        nw.lit(config.as_of).alias("as_of"),
        key,
        count,
        "delivered_orders",
        contribution.alias("contribution"),
        (contribution * 100).alias("contribution_pp"),
        (count / count.sum().over("shop_id")).alias("share"),
    )
    return _same_kind(lf.sort(["shop_id", "contribution", key], descending=[False, True, False]), orders)


# ----------------------------------------------------------------------------------------------- headroom


def headroom(
    orders: Frame,
    reviews: Frame,
    config: RateConfig,
    attribution: Frame | None = None,
    shops: list[str] | None = None,
) -> Frame:
    """Room under each threshold, the excess above it, and the first day the SNRR falls back if nothing changes.

    For each threshold (``target``, ``strict``): ``*_headroom`` is how many more seller-related negatives the shop
    can take at its current delivered volume without going above it; ``*_excess`` how many it would have needed to
    avoid to be at or under it now; ``back_under_*_on`` the first future day the SNRR is at or under it if no new
    negatives come, assuming the window's negatives leave as their days pass and deliveries continue at the window's
    daily mean (null when the shop is already at or under, or has no deliveries).

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="UTC")
    >>> orders = pd.DataFrame({"order_id": [f"o{i}" for i in range(300)], "shop_id": "s", "product_id": "p",
    ...                        "order_status": "delivered", "delivered_at": ts("2024-05-10")})
    >>> reviews = pd.DataFrame({"review_id": ["r1", "r2"], "order_id": ["o1", "o2"], "shop_id": "s",
    ...                         "product_id": "p", "rating": 1, "created_at": ts("2024-05-12")})
    >>> h = headroom(orders, reviews, RateConfig(as_of=date(2024, 5, 30)))
    >>> h[["target_headroom", "strict_excess", "back_under_strict_on"]].values.tolist()
    [[1, 1, datetime.date(2024, 6, 11)]]
    """
    o, r, delivered, classified = _prepared(orders, reviews, config, attribution)
    universe = _shop_universe(o, r, shops)
    lf = _window_counts(delivered, classified, config, universe)
    n, x = nw.col("delivered_orders"), nw.col("seller_negative_reviews")
    exprs = []
    for name, threshold in (("target", config.target), ("strict", config.strict)):
        allowed = (n.cast(nw.Float64) * threshold + 1e-9).floor().cast(nw.Int64)
        exprs += [
            (allowed - x).clip(lower_bound=0).alias(f"{name}_headroom"),
            (x - allowed).clip(lower_bound=0).alias(f"{name}_excess"),
        ]
    lf = lf.with_columns(*exprs, mean_daily_orders=n.cast(nw.Float64) / config.window_days)
    lf = lf.join(_back_under(delivered, classified, config, universe), on="shop_id", how="left")
    p, _, _ = _wilson(x, n)
    lf = lf.with_columns(nw.lit(config.as_of).alias("as_of"), p.alias("snrr"))
    columns = ["shop_id", "as_of", "delivered_orders", "seller_negative_reviews", "snrr", "mean_daily_orders"]
    columns += ["target_headroom", "target_excess", "strict_headroom", "strict_excess"]
    return _same_kind(lf.select(*columns, "back_under_target_on", "back_under_strict_on").sort("shop_id"), orders)


def _back_under(
    delivered: nw.LazyFrame, classified: nw.LazyFrame, config: RateConfig, universe: nw.LazyFrame
) -> nw.LazyFrame:
    """Per shop, the first future day the projected SNRR is at or under each threshold (while it is above now).

    On future day ``as_of + k`` the items dated up to ``first + k - 1`` have left the window; ``k`` days of new
    deliveries at the window's daily mean have come in and no new negatives.
    """
    w = config.window_days
    window = nw.col("day").is_between(config.first, config.last)
    numerator = _seller_numerator(delivered, classified, config)
    if config.anchor == "order":  # an order's negatives leave with the order, on its delivery day
        days = delivered.select("shop_id", "order_id", nw.col("day").alias("_delivery"))
        numerator = numerator.join(days, on=["shop_id", "order_id"], how="left").with_columns(day=nw.col("_delivery"))
    leaving = nw.concat(
        [
            numerator.select("shop_id", "day", nw.col("weight").alias("x"), nw.lit(0.0).alias("n")),
            delivered.filter(window).select("shop_id", "day", nw.lit(0.0).alias("x"), nw.lit(1.0).alias("n")),
        ],
        how="vertical",
    )
    per_day = leaving.group_by("shop_id", "day").agg(nw.col("x").sum(), nw.col("n").sum())
    days = list(range(config.first, config.last + 1))
    future = [EPOCH + timedelta(days=d + w) for d in days]
    cal = universe.join(
        _small_frame(delivered, {"day": days, "date": future}, {"day": "BIGINT", "date": "DATE"}), how="cross"
    )
    lf = cal.join(per_day, on=["shop_id", "day"], how="left").with_columns(nw.col("x", "n").fill_null(0.0))
    gone = [nw.col(c).cum_sum().over("shop_id", order_by="day").alias(f"{c}_gone") for c in ("x", "n")]
    total = [nw.col(c).sum().over("shop_id").alias(f"{c}_total") for c in ("x", "n")]
    lf = lf.with_columns(*gone, *total)
    k = nw.col("day") - config.first + 1
    x_k = nw.col("x_total") - nw.col("x_gone")
    n_k = nw.col("n_total") - nw.col("n_gone") + k * nw.col("n_total") / w
    now_above = {
        name: nw.col("x_total") > threshold * nw.col("n_total")
        for name, threshold in (("target", config.target), ("strict", config.strict))
    }
    lf = lf.filter(nw.col("n_total") > 0)
    names = [f"back_under_{name}_on" for name in ("target", "strict")]
    lf = lf.with_columns(
        *(
            nw.when(now_above[name] & (x_k <= threshold * n_k)).then(nw.col("date")).alias(column)
            for (name, threshold), column in zip(
                (("target", config.target), ("strict", config.strict)), names, strict=True
            )
        )
    )
    return lf.group_by("shop_id").agg(*(nw.col(c).min() for c in names))


# ----------------------------------------------------------------------------------------------- chats


def chat_responsiveness(chats: Frame, config: RateConfig, within_hours: float = 12.0) -> Frame:
    """Per shop and day of the window (buyer message day in ``tz``): chats, share answered in time, median reply.

    Returns
    -------
    frame
        ``shop_id, day (number), date, buyer_chats, answered, answered_in_time, answered_in_time_share,
        median_response_hours`` (over answered chats). Days without chats are not listed.

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="UTC")
    >>> chats = pd.DataFrame({"conversation_id": ["c1", "c2", "c3"], "shop_id": "s",
    ...                       "buyer_message_at": [ts("2024-05-30 01:00")] * 3,
    ...                       "seller_response_at": [ts("2024-05-30 03:00"), ts("2024-05-31 02:00"), pd.NaT]})
    >>> out = chat_responsiveness(chats, RateConfig(as_of=date(2024, 5, 30)))
    >>> out[["buyer_chats", "answered_in_time", "median_response_hours"]].to_dict("records")
    [{'buyer_chats': 3, 'answered_in_time': 1, 'median_response_hours': 13.5}]
    """
    lf = _with_day(_lazy_all(chats)[0], "buyer_message_at", config.tz)
    lf = lf.filter(nw.col("day").is_between(config.first, config.last))
    hours = (nw.col("seller_response_at") - nw.col("buyer_message_at")).dt.total_seconds() / 3600
    lf = lf.with_columns(median_response_hours=hours).with_columns(
        answered=(~nw.col("median_response_hours").is_null()).cast(nw.Int64),
        answered_in_time=(nw.col("median_response_hours") <= within_hours).fill_null(False).cast(nw.Int64),
    )
    per = lf.group_by("shop_id", "day").agg(
        nw.len().alias("buyer_chats"),
        nw.col("answered", "answered_in_time").sum(),
        nw.col("median_response_hours").median(),
    )
    per = per.with_columns(*_ints(["buyer_chats", "answered", "answered_in_time"])).with_columns(
        answered_in_time_share=nw.col("answered_in_time") / nw.col("buyer_chats").cast(nw.Float64)
    )
    days = list(range(config.first, config.last + 1))
    dates = _small_frame(
        per, {"day": days, "date": [EPOCH + timedelta(days=d) for d in days]}, {"day": "BIGINT", "date": "DATE"}
    )
    per = per.join(dates, on="day", how="left")
    columns = ["shop_id", "day", "date", "buyer_chats", "answered", "answered_in_time", "answered_in_time_share"]
    return _same_kind(per.select(*columns, "median_response_hours").sort("shop_id", "day"), chats)
