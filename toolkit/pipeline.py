"""The one orchestrator: load, apply the corrections, classify and attribute, in this order, in one place.

Every command, the report template, the batch renderer and the explorer call :func:`analyse` and read what it
returns (an :class:`Analysis`), so they all count the same thing: a correction in the labels file changes the
classification, the classification decides which negatives are seller-related, and every rate, chart and report
reads that one attribution, on whichever engine computes the rates.

Examples
--------
>>> from toolkit.pipeline import analyse
>>> from toolkit.settings import Settings
>>> from toolkit.source import DataSource
>>> a = analyse(DataSource(use_default_labels=False), Settings(as_of="2026-10-31"))
>>> len(a.shops), a.settings.as_of.isoformat(), list(a.attribution.columns)
(7, '2026-10-31', ['review_id', 'shop_id', 'cause', 'responsibility'])
>>> a.check_shops(["shop-qualty"])
Traceback (most recent call last):
...
toolkit.errors.ParameterError: unknown shop 'shop-qualty'; did you mean 'shop-quality'? (7 in the data)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from toolkit.errors import unknown
from toolkit.load import LoadReport, ShopData
from toolkit.settings import Settings
from toolkit.source import DataSource

ATTRIBUTION_COLUMNS = ["review_id", "shop_id", "cause", "responsibility"]
ENGINES = ("pandas", "polars", "duckdb", "spark")
#: where the per-shop work (classifying, rendering) runs: this machine's processes, or Spark executors
BATCH_ENGINES = ("local", "spark")


def check_batch_engine(engine: str) -> str:
    if engine not in BATCH_ENGINES:
        raise unknown("engine", engine, list(BATCH_ENGINES))
    return engine


def check_shops(known: list[str], shops: list[str] | None) -> list[str]:
    """``shops`` (default: all ``known``), each checked against ``known``, with "did you mean" when one is not."""
    if not shops:
        return known
    wanted = list(dict.fromkeys(str(s) for s in shops))
    names = set(known)
    for shop in wanted:
        if shop not in names:
            raise unknown("shop", shop, known)
    return wanted


@dataclass
class Analysis:
    """The loaded data, its classification (corrections applied) and the settings it was made with.

    ``settings.as_of`` is always a day here (the data's last day when none was given); ``warnings`` says what a
    reader should know (an as-of day outside the data's range, ...).
    """

    source: DataSource
    settings: Settings
    data: ShopData
    classified: pd.DataFrame  # toolkit.causes.classify_reviews() of data.reviews, with the labels file applied
    warnings: list[str] = field(default_factory=list)
    #: figures computed for many shops in one pass (:func:`toolkit.report.fleet_figures`), each table with a
    #: ``shop_id`` column; :meth:`shop` and :meth:`by_shop` give a slice its shop's rows
    figures: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def shops(self) -> list[str]:
        """Every shop with an order or a review, sorted."""
        return sorted(set(self.data.orders["shop_id"]) | set(self.data.reviews["shop_id"]))

    def check_shops(self, shops: list[str] | None) -> list[str]:
        """``shops`` (default: every shop) after checking each is in the data; "did you mean" when one is not."""
        return check_shops(self.shops, shops)

    @property
    def attribution(self) -> pd.DataFrame:
        """``review_id, shop_id, cause, responsibility`` of every review: what the rates read."""
        return self.classified[ATTRIBUTION_COLUMNS]

    @property
    def data_range(self) -> tuple[date | None, date | None]:
        """The first and last day with an order or a review, in the market time zone."""
        return data_range(self.data, self.settings.tz)

    def shop(self, shop_id: str) -> Analysis:
        """The same analysis narrowed to one shop (the load report stays that of the whole load)."""
        (shop_id,) = self.check_shops([shop_id])
        pick = {n: getattr(self.data, n) for n in ("orders", "reviews", "products", "chats")}
        pick = {n: f[f["shop_id"] == shop_id].reset_index(drop=True) for n, f in pick.items()}
        data = ShopData(**pick, set_aside=self.data.set_aside, report=self.data.report, tz=self.data.tz)
        classified = self.classified[self.classified["shop_id"] == shop_id].reset_index(drop=True)
        figures = {n: f[f["shop_id"] == shop_id].reset_index(drop=True) for n, f in self.figures.items()}
        return Analysis(self.source, self.settings, data, classified, list(self.warnings), figures)

    def by_shop(self, shops: list[str] | None = None) -> Iterator[tuple[str, Analysis]]:
        """``(shop_id, self.shop(shop_id))`` for each of ``shops`` (default: all), splitting each table once (not
        once per shop); the slices carry no set-aside rows (the load report stays whole)."""
        shops = self.check_shops(shops)
        tables = {n: getattr(self.data, n) for n in ("orders", "reviews", "products", "chats")}
        tables["classified"] = self.classified
        split = [_rows_by_shop(tables), _rows_by_shop(self.figures)]
        no_rows = self.data.set_aside.iloc[0:0]
        for shop_id in shops:
            part, figures = ({n: take(shop_id) for n, take in frames.items()} for frames in split)
            classified = part.pop("classified")
            data = ShopData(**part, set_aside=no_rows, report=self.data.report, tz=self.data.tz)
            yield shop_id, Analysis(self.source, self.settings, data, classified, list(self.warnings), figures)

    def tables(self, engine: str = "pandas") -> tuple[Any, Any, Any]:
        """``(orders, reviews, attribution)`` as frames of ``engine`` for :mod:`toolkit.rates`: the same rows on
        every engine, so every engine gives the same counts."""
        from toolkit.rates import on_engine

        frames = (self.data.orders, self.data.reviews, self.attribution)
        return tuple(on_engine(f, engine) for f in frames)


def _rows_by_shop(frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """For each frame, a function giving one shop's rows (found once by position, not copied per shop)."""

    def taker(frame: pd.DataFrame) -> Any:
        at = frame.groupby("shop_id", sort=False).indices
        return lambda shop: frame.take(at[shop]).reset_index(drop=True) if shop in at else frame.iloc[0:0]

    return {n: taker(f) for n, f in frames.items()}


def data_range(data: ShopData, tz: str) -> tuple[date | None, date | None]:
    """The first and last day with a delivery, an order or a review, in ``tz``."""
    stamps = [data.orders.get("created_at"), data.orders.get("delivered_at"), data.reviews.get("created_at")]
    stamps = [s.dropna() for s in stamps if s is not None and s.notna().any()]
    if not stamps:
        return None, None
    lo, hi = min(s.min() for s in stamps), max(s.max() for s in stamps)
    return lo.tz_convert(tz).date(), hi.tz_convert(tz).date()


def _narrowed(data: ShopData, shops: list[str]) -> ShopData:
    keep = {n: getattr(data, n) for n in ("orders", "reviews", "products", "chats")}
    keep = {n: f[f["shop_id"].isin(shops)].reset_index(drop=True) if "shop_id" in f else f for n, f in keep.items()}
    return ShopData(**keep, set_aside=data.set_aside, report=data.report, tz=data.tz)


def analyse(
    source: DataSource | None = None,
    settings: Settings | None = None,
    *,
    need_orders: bool = True,
    model: Any = None,
    shops: list[str] | None = None,
    engine: str = "local",
) -> Analysis:
    """Load ``source``, apply its labels file, classify every review and attribute it; the one way in.

    Parameters
    ----------
    source : DataSource, optional
        Default: the bundled sample shops.
    settings : Settings, optional
        Default: ``Settings()``. The files are read in ``settings.tz``; with no ``as_of`` the data's last day is used.
    need_orders : bool
        False to work with a reviews file alone (``classify``).
    model : CauseModel, optional
        The cause model (default: the retrained one in ``models/`` when present, else the packaged one).
    shops : list of str, optional
        Only these shops (each checked against the data, with "did you mean"): the data is narrowed to them before
        the classification, so one shop's report does not classify the whole fleet. The load report stays whole.
    engine : str
        Where the reviews are classified: "local" (this process) or "spark" (shops partitioned across Spark
        executors, :func:`toolkit._distributed.classify_on_spark`; the same result).
    """
    check_batch_engine(engine)
    source = source if source is not None else DataSource()
    settings = settings if settings is not None else Settings()
    data = source.load(tz=settings.tz, need_orders=need_orders)
    data.report.check_usable()  # never rates of nothing with exit 0
    settings, warnings = settle(settings, data.report, *data_range(data, settings.tz))
    if shops:
        data = _narrowed(data, Analysis(source, settings, data, pd.DataFrame()).check_shops(shops))
    return classified(source, settings, data, source.overrides(), warnings, model=model, engine=engine)


def settle(settings: Settings, report: LoadReport, first: date | None, last: date | None) -> tuple[Settings, list]:
    """The settings with their as-of day (the data's last day when none was given), and what a reader should know:
    the rows set aside, an as-of day outside the data's range (``first`` to ``last``)."""
    warnings = report.set_aside_summary()
    if settings.as_of is None:
        settings = settings.replace(as_of=last or date.today())
    elif last is not None and settings.as_of > last:
        warnings.append(
            f"the as-of day {settings.as_of} is after the data's last day {last} (the data runs {first} to {last}): "
            "the most recent days have no data"
        )
    elif first is not None and settings.as_of < first:
        warnings.append(
            f"the as-of day {settings.as_of} is before the data's first day {first} (the data runs {first} to "
            f"{last}): there is nothing to count yet"
        )
    return settings, warnings


def classified(
    source: DataSource,
    settings: Settings,
    data: ShopData,
    overrides: pd.DataFrame | None,
    warnings: list[str],
    *,
    model: Any = None,
    engine: str = "local",
) -> Analysis:
    """The analysis of loaded ``data``: its reviews classified and attributed (``overrides`` applied) on ``engine``."""
    from toolkit.causes import classify_reviews

    classify = classify_reviews
    if check_batch_engine(engine) == "spark":
        from toolkit._distributed import classify_on_spark as classify

    orders = data.orders if not data.orders.empty else None
    result = classify(data.reviews, orders, data.chats, overrides=overrides, as_of=settings.as_of, model=model)
    return Analysis(source, settings, data, result.reset_index(drop=True), list(warnings))


__all__ = ["Analysis", "analyse", "data_range", "ENGINES", "BATCH_ENGINES"]
