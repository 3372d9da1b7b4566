import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
OLIST = SHARED / "realdata" / "olist"

# Spark runs Python UDFs and tasks with PYSPARK_PYTHON (default: the first python3 on PATH, not this environment)
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)


@pytest.fixture
def olist_dir():
    """The real Olist data in ../shared/realdata/olist; tests that need it skip where it is absent."""
    if not OLIST.is_dir():
        pytest.skip(f"real Olist data not found at {OLIST} (../shared/ is not beside this checkout)")
    return OLIST
