"""Where the data comes from: one value for the files or folder, the preset or mapping and the labels file.

A :class:`DataSource` is what every command, the report template, the batch renderer and the explorer pass around
instead of a bag of options. It is built once (from CLI options with :meth:`DataSource.from_options`, or in Python)
and read by :func:`toolkit.pipeline.analyse`. The market time zone is not here: it is an analysis setting
(:class:`toolkit.settings.Settings`), and the pipeline reads the files with it.

Examples
--------
>>> src = DataSource()                      # the bundled sample shops
>>> src.describe()
'the bundled sample shops'
>>> DataSource(data_dir="exports", preset="olist").to_parameters()["preset"]
'olist'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.errors import DataFileError
from toolkit.paths import LABELS_FILE, default_labels

TABLE_OPTIONS = ("orders", "reviews", "products", "chats")


@dataclass(frozen=True)
class DataSource:
    """The exports to read and how to read them.

    Parameters
    ----------
    orders, reviews, products, chats : path, optional
        The files (CSV/TSV, Parquet, XLSX). With none of them and no ``data_dir``: the bundled sample shops.
    data_dir : path, optional
        A folder in which the mapping's usual file names are looked up.
    preset, mapping : str or path, optional
        A built-in column mapping by name, or a mapping file.
    labels : path, optional
        Your corrections (``review_id,cause[,shop_id,note]``). Default: ``labels/labels.csv`` in the working folder
        when it exists (``use_default_labels=False`` turns that off).
    options : dict
        Further loader options (see :func:`toolkit.load.load_shop_data`), e.g. ``shop_id`` for an export that
        names no shop.
    """

    orders: str | None = None
    reviews: str | None = None
    products: str | None = None
    chats: str | None = None
    data_dir: str | None = None
    preset: str | None = None
    mapping: str | None = None
    labels: str | None = None
    use_default_labels: bool = True
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in (*TABLE_OPTIONS, "data_dir", "mapping", "labels"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, str(value))

    @classmethod
    def from_options(cls, values: dict[str, Any], extra: tuple[str, ...] = ()) -> DataSource:
        """A source from option values by name (``vars(args)`` of the CLI, or the template's parameters).

        ``data`` is accepted for ``data_dir`` and ``no_labels`` for ``use_default_labels=False``; the names in
        ``extra`` go to ``options`` when set.
        """
        names = {f.name for f in fields(cls)} - {"options", "use_default_labels"}
        given = {k: values[k] for k in names if values.get(k) is not None}
        if values.get("data") is not None and "data_dir" not in given:
            given["data_dir"] = values["data"]
        options = {k: values[k] for k in extra if values.get(k) is not None}
        return cls(**given, use_default_labels=not values.get("no_labels", False), options=options)

    def to_parameters(self) -> dict[str, Any]:
        """JSON-friendly values, for the report template."""
        return asdict(self)

    @property
    def bundled(self) -> bool:
        """Whether this is the bundled sample data (no file and no folder given)."""
        return self.data_dir is None and not any(getattr(self, t) for t in TABLE_OPTIONS)

    def describe(self) -> str:
        """Where the data comes from, in plain words."""
        if self.bundled:
            return "the bundled sample shops"
        parts = [f"folder {self.data_dir}"] if self.data_dir else []
        parts += [f"{t} {getattr(self, t)}" for t in TABLE_OPTIONS if getattr(self, t)]
        how = f"preset {self.preset}" if self.preset else (f"mapping {self.mapping}" if self.mapping else "")
        return ", ".join(parts) + (f" ({how})" if how else "")

    # -- reading

    def labels_path(self) -> Path | None:
        """The labels file in use: the one given (which must exist), or the default one when it exists."""
        if self.labels is not None:
            path = Path(self.labels)
            if not path.is_file():
                raise DataFileError(
                    path, "labels file not found", todo=f"Check the path (the default is {LABELS_FILE})"
                )
            return path
        return default_labels() if self.use_default_labels else None

    def overrides(self) -> pd.DataFrame | None:
        """The corrections of the labels file in use, or None when there is none."""
        from toolkit.labels import load_overrides

        path = self.labels_path()
        return load_overrides(path) if path is not None else None

    def load(self, tz: str = "UTC", need_orders: bool = True):
        """Read, map and validate the files (:func:`toolkit.load.load_shop_data`)."""
        from toolkit.load import load_shop_data

        return load_shop_data(
            self.orders,
            self.reviews,
            self.products,
            self.chats,
            data_dir=self.data_dir,
            preset=self.preset,
            mapping=self.mapping,
            tz=tz,
            need_orders=need_orders,
            **self.options,
        )


__all__ = ["DataSource"]
