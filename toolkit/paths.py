"""Where things are: what ships inside the package, and where a user's own files go in the working folder.

Everything the toolkit opens at run time (the sample shops, the report template, the column mappings, the cause
model, the phrase tables) is package data, found next to the installed package, so a plain ``pip install`` works
from any folder. A user's own files never go into the installed package; they go to the working folder (the
current directory), in these documented places:

==========================  ==============================================================
``labels/labels.csv``       your corrections of review causes (read by every command)
``models/``                 a cause model retrained with your corrections (``shop-health train``)
``reports/``                rendered reports (``shop-health report``)
==========================  ==============================================================
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
BUNDLED = PACKAGE / "bundled"
SAMPLES_DIR = BUNDLED / "samples"
"""The sample shops (in the repository they are ``data/samples/``; the package carries the same files)."""
REPORT_TEMPLATE = BUNDLED / "report_template.ipynb"
"""The parameterised report notebook (in the repository ``notebooks/shop_health_report.ipynb``)."""
MAPPINGS_DIR = PACKAGE / "mappings"

LABELS_FILE = Path("labels") / "labels.csv"
"""Default labels file, relative to the working folder."""
MODELS_DIR = Path("models")
"""Where a retrained cause model is written and looked for first, relative to the working folder."""
REPORTS_DIR = Path("reports")
"""Default output folder of rendered reports, relative to the working folder."""


def default_labels() -> Path | None:
    """``labels/labels.csv`` in the working folder when it exists, else None."""
    return LABELS_FILE if LABELS_FILE.is_file() else None


def is_inside(path: str | Path, folder: Path) -> bool:
    """Whether ``path`` lies in ``folder`` (both resolved; links followed)."""
    return Path(path).resolve().is_relative_to(folder.resolve())


def atomic_write(path: Path, content: str) -> None:
    """Write ``content`` to ``path`` so that readers see the old file or the whole new one, never a part."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(content)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; a report is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ = [
    "atomic_write",
    "SAMPLES_DIR",
    "REPORT_TEMPLATE",
    "MAPPINGS_DIR",
    "LABELS_FILE",
    "MODELS_DIR",
    "REPORTS_DIR",
    "default_labels",
    "is_inside",
]
