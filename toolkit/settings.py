"""The analysis settings: one small immutable object that every rate, chart, report and command reads.

Built once, from CLI options (:meth:`Settings.from_options`), a notebook (``Settings(as_of=...)``) or the report
template's parameters (:meth:`Settings.from_parameters`), and validated once, here. Nothing else holds an as-of day,
a window, an anchor, a time zone or a threshold.

The time zone is the shop's market time zone: timestamps written without an offset are local times there (the
loader reads them with it) and calendar days are taken there (the rates count with it). The pipeline loads the
data with ``settings.tz``, so the two can never disagree.

Examples
--------
>>> from datetime import date
>>> s = Settings(as_of=date(2024, 5, 30))
>>> s.first_day, s.target, s.product_target
(datetime.date(2024, 5, 1), 0.01, 0.005)
>>> s.replace(window_days=60).first_day
datetime.date(2024, 4, 1)
>>> Settings.from_parameters({"as_of": "2024-05-30", "target": 0.005, "strict": 0.005}).target
0.005
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import date, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from toolkit.errors import ParameterError

EPOCH = date(1970, 1, 1)
ANCHORS = ("review", "order")
RATINGS = ("latest", "initial")


def check_tz(tz: str) -> str:
    """``tz`` if it is an IANA time zone name, else a :class:`ParameterError` that says what to pass."""
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise ParameterError(f"unknown time zone {tz!r}; use an IANA name such as 'Asia/Jakarta' or 'UTC'") from None
    return str(tz)


def parse_day(value: date | str | None, what: str = "as_of") -> date | None:
    """A calendar day from a ``date`` or ``YYYY-MM-DD`` text (None stays None)."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ParameterError(f"{what} must be a day written YYYY-MM-DD, got {value!r}") from None


def day_number(day: date) -> int:
    """Days since 1970-01-01: the integer day key used inside the engines.

    Examples
    --------
    >>> day_number(date(1970, 1, 31))
    30
    """
    return (day - EPOCH).days


@dataclass(frozen=True)
class Settings:
    """The parameters of every rate: as-of day, window, time zone, anchor, rating, thresholds, minimum orders.

    Parameters
    ----------
    as_of : date, optional
        The last day of the window (inclusive), in the shop's time zone. ``None`` only until the pipeline fills in
        the data's last day (:func:`toolkit.pipeline.analyse`); the rate functions need a day.
    window_days : int
        Length of the window in calendar days (30 for SNRR, 60 for SPS).
    tz : str
        The shop's market time zone (IANA name): local times are read there and calendar days taken there.
    anchor : {"review", "order"}
        What places a negative in the window: its review day, or its order's delivery day.
    rating : {"latest", "initial"}
        Which star rating decides whether a review is negative.
    target, strict : float
        SNRR thresholds (fractions): above ``target`` is ``above_target``; above ``strict`` is ``above_strict``.
    product_target, service_target : float
        Thresholds of the product- and service-related NRR (< 0.5% on TikTok's NRR page).
    min_orders : int
        Below this many delivered orders in the window a rate is flagged ``small_sample``.
    """

    as_of: date | None = None
    window_days: int = 30
    tz: str = "UTC"
    anchor: Literal["review", "order"] = "review"
    rating: Literal["latest", "initial"] = "latest"
    target: float = 0.01
    strict: float = 0.005
    product_target: float = 0.005
    service_target: float = 0.005
    min_orders: int = 100

    def __post_init__(self) -> None:
        object.__setattr__(self, "as_of", parse_day(self.as_of))
        if isinstance(self.window_days, bool) or not isinstance(self.window_days, int) or self.window_days < 1:
            raise ParameterError(f"window_days must be a whole number of days >= 1, got {self.window_days!r}")
        if self.anchor not in ANCHORS:
            raise ParameterError(f"anchor must be 'review' or 'order', got {self.anchor!r}")
        if self.rating not in RATINGS:
            raise ParameterError(f"rating must be 'latest' or 'initial', got {self.rating!r}")
        for name in ("target", "strict", "product_target", "service_target"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ParameterError(f"{name} must be a fraction between 0 and 1 (0.01 = 1%), got {value!r}")
        if self.strict > self.target:
            raise ParameterError(f"need strict <= target, got strict={self.strict}, target={self.target}")
        if isinstance(self.min_orders, bool) or not isinstance(self.min_orders, int) or self.min_orders < 0:
            raise ParameterError(f"min_orders must be a whole number >= 0, got {self.min_orders!r}")
        check_tz(self.tz)

    # -- building

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed (validated again)."""
        return replace(self, **changes)

    @classmethod
    def from_parameters(cls, params: dict[str, Any]) -> Settings:
        """Settings from a mapping of parameter names (the report template's parameters, a CLI namespace's vars);
        names that are not settings are ignored, missing ones take their defaults."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in params.items() if k in names and v is not None})

    def to_parameters(self) -> dict[str, Any]:
        """JSON-friendly values (papermill writes them into the template as literals)."""
        out = asdict(self)
        out["as_of"] = self.as_of.isoformat() if self.as_of else None
        return out

    # -- the window

    def _day(self) -> date:
        if self.as_of is None:
            raise ParameterError("no as-of day: pass as_of (YYYY-MM-DD)")
        return self.as_of

    @property
    def first_day(self) -> date:
        """The first day of the window."""
        return self._day() - timedelta(days=self.window_days - 1)

    @property
    def last(self) -> int:
        """``as_of`` as a day number (days since 1970-01-01)."""
        return day_number(self._day())

    @property
    def first(self) -> int:
        """The first day of the window as a day number."""
        return self.last - self.window_days + 1

    def describe(self) -> list[tuple[str, str]]:
        """The settings in plain words, for a report's appendix."""
        return [
            ("as-of day", str(self.as_of)),
            ("window", f"{self.window_days} calendar days ending with the as-of day"),
            ("market time zone", self.tz),
            ("anchor", "review day" if self.anchor == "review" else "the order's delivery day"),
            ("rating", "latest rating" if self.rating == "latest" else "initial rating"),
            ("SNRR target", f"{self.target * 100:g}%"),
            ("SNRR strict line", f"{self.strict * 100:g}%"),
            ("product-related NRR target", f"{self.product_target * 100:g}%"),
            ("service-related NRR target", f"{self.service_target * 100:g}%"),
            ("minimum delivered orders for a reliable rate", str(self.min_orders)),
        ]


__all__ = ["Settings", "check_tz", "parse_day", "day_number"]
