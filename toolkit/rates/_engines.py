"""Engine plumbing of the rate functions (private): how a frame of each engine is read, computed and returned.

The metric modules say what is counted, once, with narwhals; this module holds what differs between engines:
LazyFrames on one backend per call, the route of pandas inputs through Polars, conversion through Arrow
(:func:`on_engine`, :func:`to_pandas`), the Spark session, local days per engine (:func:`_with_day`), and small frames
(calendars, shop lists) built on the input's backend, as SQL literals on DuckDB.

pandas frames are computed by Polars through Arrow and returned as pandas: the daily series of 1,000 shops x 365 days
from 10M order lines takes 1.5 s instead of 6.0 s (1.13x a hand-written DuckDB query; ``bench/results/rates.txt``),
and the result is the one the pandas route gives (same values, dtypes and ``datetime.date`` days). That route is
taken when Polars is importable (and not switched off with :func:`pandas_on_polars`) and the columns read have dtypes
that round-trip exactly (see :func:`_arrow_exact`: NumPy numbers and timestamps, default ``str`` strings); frames with
nullable, ``pyarrow`` or ``object`` columns, and :func:`toolkit.rates.attribute_negatives` (whose row order is that
of the input), run on pandas as before.

Engine notes (measured while building this module): DuckDB keeps the time zone in the connection, so local days are
computed with ``timezone(tz, ts)::DATE`` which does not depend on the session zone; narwhals cannot build a date range,
so the small calendar is built in Python and shipped to the backend (on DuckDB through the input relation's own
connection); a daily series is per-day counts on that complete shop x day calendar summed over each run of
``window_days`` rows (``rolling_sum`` counts rows, so the calendar must have every day of every shop).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, timedelta
from typing import Any

import narwhals as nw

from toolkit.errors import ParameterError
from toolkit.settings import EPOCH

Frame = Any  # a pandas/Polars DataFrame, a Polars LazyFrame or a DuckDB relation


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
    """The active Spark session, else a local one (``local[2]``, UTC, few shuffle partitions, no web UI, Spark's
    default 1 GB driver heap, no whole-stage code generation).

    Under ``spark-submit`` the session the job was submitted with is used (its master, memory and executors); the
    session time zone must be UTC (calendar days are taken in the market time zone by the rate functions). Whole-
    stage code generation is off in the local session: the rate plans' generated Java exceeds the JVM's 64 KB method
    limit, so Spark compiled it only to fall back to the interpreter, and building that source once ran a test's
    driver out of heap; without it the daily series of 1M order lines takes the same time (22.1 s vs 22.8 s).
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ParameterError(
            "--engine spark needs PySpark (pip install 'shop-review-health[spark]') and a Java runtime"
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    import os
    import shutil
    import sys

    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise ParameterError("--engine spark needs a Java runtime (java on PATH or JAVA_HOME), e.g. OpenJDK 17")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the local workers run this Python, not PATH's python3
    return (
        SparkSession.builder.master("local[2]")
        .appName("shop-health")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.codegen.wholeStage", "false")
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
