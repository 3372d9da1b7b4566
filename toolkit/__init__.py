"""Shop Review Health: review-health analysis for marketplace shops.

The public API::

    from toolkit import DataSource, Settings, analyse
    analysis = analyse(DataSource(preset="olist", data_dir="../shared/realdata/olist/random-sample"))
    print(analysis.data.report)          # every row accounted for
    analysis.classified                  # cause and responsibility of every review, corrections applied
"""

from toolkit import _quiet  # noqa: F401  (first: it silences a notice raised while pandera is imported)
from toolkit.errors import DataFileError, MappingError, ParameterError, ShopHealthError
from toolkit.load import LoadReport, ShopData, load_shop_data
from toolkit.pipeline import Analysis, analyse
from toolkit.rates import (
    RateConfig,
    contributions,
    daily_rates,
    headroom,
    ledger,
    shop_rates,
    sps_negative_rate,
)
from toolkit.schema import TABLES, OrderStatus
from toolkit.settings import Settings
from toolkit.source import DataSource
from toolkit.taxonomy import Area, Cause, Responsibility

__all__ = [
    "analyse",
    "Analysis",
    "DataSource",
    "Settings",
    "load_shop_data",
    "RateConfig",
    "shop_rates",
    "daily_rates",
    "ledger",
    "contributions",
    "headroom",
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
