"""Shop Review Health: review-health analysis for marketplace shops.

The public API::

    from toolkit import load_shop_data
    data = load_shop_data(preset="olist", data_dir="../shared/realdata/olist/random-sample")
    print(data.report)
"""

from toolkit import _quiet  # noqa: F401  (first: it silences a notice raised while pandera is imported)
from toolkit.errors import DataFileError, MappingError, ParameterError, ShopHealthError
from toolkit.load import LoadReport, ShopData, load_shop_data
from toolkit.model import TABLES, OrderStatus
from toolkit.rates import (
    RateConfig,
    contributions,
    daily_rates,
    headroom,
    ledger,
    product_ratings,
    shop_rates,
    sps_negative_rate,
)
from toolkit.taxonomy import Area, Cause, Responsibility

__all__ = [
    "load_shop_data",
    "RateConfig",
    "shop_rates",
    "daily_rates",
    "ledger",
    "contributions",
    "headroom",
    "product_ratings",
    "sps_negative_rate",
    "Cause",
    "Area",
    "Responsibility",
    "ShopData",
    "LoadReport",
    "TABLES",
    "OrderStatus",
    "ShopHealthError",
    "DataFileError",
    "MappingError",
    "ParameterError",
]
