"""Negative review rates: SNRR, product and service NRR, SPS, their ledger, daily series, breakdowns and chats.

Every function is written once with narwhals: give it pandas frames (as in a notebook) and it returns pandas; give it
Polars frames, DuckDB relations or PySpark DataFrames and it returns the same kind, computed by that engine. The
definitions (from ``../shared/POLICY.md``) are in :mod:`toolkit.rates.snrr`; how each engine runs them is private
(``toolkit/rates/_engines.py``).

Modules: ``negatives`` (which reviews count, and whose), ``snrr`` (the as-of rates), ``daily`` (the daily series),
``ledger`` (every row considered, with its reason), ``breakdowns`` (contributions, headroom, back under), ``sps``
(the Shop Performance Score rate), ``chats`` (chat responsiveness).

Examples
--------
>>> import pandas as pd
>>> from datetime import date
>>> from toolkit.rates import RateConfig, shop_rates
>>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "shop_id": "s", "product_id": "p",
...                        "order_status": "delivered", "delivered_at": pd.Timestamp("2024-05-20", tz="UTC")})
>>> reviews = pd.DataFrame({"review_id": ["r1"], "order_id": ["o1"], "shop_id": "s", "product_id": "p",
...                         "rating": [1], "created_at": pd.Timestamp("2024-05-21", tz="UTC")})
>>> shop_rates(orders, reviews, RateConfig(as_of=date(2024, 5, 30)))[["delivered_orders", "snrr"]].values.tolist()
[[2.0, 0.5]]
"""

from toolkit.rates._engines import on_engine, pandas_on_polars, to_pandas
from toolkit.rates.breakdowns import contributions, headroom
from toolkit.rates.chats import chat_responsiveness
from toolkit.rates.daily import daily_rates
from toolkit.rates.ledger import ledger
from toolkit.rates.negatives import attribute_negatives
from toolkit.rates.snrr import RATE_COLUMNS, Z95, RateConfig, shop_rates
from toolkit.rates.sps import sps_negative_rate

__all__ = [
    "RateConfig",
    "RATE_COLUMNS",
    "Z95",
    "shop_rates",
    "daily_rates",
    "ledger",
    "attribute_negatives",
    "contributions",
    "headroom",
    "sps_negative_rate",
    "chat_responsiveness",
    "on_engine",
    "to_pandas",
    "pandas_on_polars",
]
