"""Shop Review Health: review-health analysis for marketplace shops.

The public API::

    from toolkit import load_shop_data
    data = load_shop_data(preset="olist", data_dir="../shared/realdata/olist/random-sample")
    print(data.report)
"""

from toolkit.errors import DataFileError, MappingError, ParameterError, ShopHealthError
from toolkit.load import LoadReport, ShopData, load_shop_data
from toolkit.model import TABLES, OrderStatus

__all__ = [
    "load_shop_data",
    "ShopData",
    "LoadReport",
    "TABLES",
    "OrderStatus",
    "ShopHealthError",
    "DataFileError",
    "MappingError",
    "ParameterError",
]
