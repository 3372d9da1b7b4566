"""Chat responsiveness: per shop and day, buyer chats, the share answered in time and the median reply time."""

from __future__ import annotations

from datetime import timedelta

import narwhals as nw

from toolkit.rates._engines import Frame, _lazy_all, _same_kind, _small_frame, _with_day
from toolkit.rates.negatives import _ints
from toolkit.rates.snrr import RateConfig
from toolkit.settings import EPOCH


def chat_responsiveness(chats: Frame, config: RateConfig, within_hours: float = 12.0) -> Frame:
    """Per shop and day of the window (buyer message day in ``tz``): chats, share answered in time, median reply.

    Returns
    -------
    frame
        ``shop_id, day (number), date, buyer_chats, answered, answered_in_time, answered_in_time_share,
        median_response_hours`` (over answered chats). Days without chats are not listed.

    Examples
    --------
    >>> from datetime import date
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
