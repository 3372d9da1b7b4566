"""The shop-health command: exit codes and one-line errors, no tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from toolkit.cli import main

from .conftest import REPO

CORPUS = REPO / "tests" / "malformed"


def test_validate_prints_report_and_writes_csv(tmp_path, capsys):
    out = tmp_path / "load.csv"
    code = main(
        [
            "validate",
            "--orders",
            str(CORPUS / "orders.csv"),
            "--reviews",
            str(CORPUS / "rating_0.csv"),
            "--report",
            str(out),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert "rows read 5 = accepted 4 + set aside 1" in printed
    assert "rating: not a whole number of stars 1-5" in printed
    assert pd.read_csv(out)["set_aside"].max() == 1


def test_user_mistakes_exit_2_with_one_line(capsys):
    code = main(["validate", "--orders", str(CORPUS / "orders.csv"), "--reviews", str(CORPUS / "missing_column.csv")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith("error: ") and "'rating'" in err[0]


def test_unusable_data_exits_2(capsys):
    code = main(
        [
            "validate",
            "--orders",
            str(CORPUS / "header_only.csv").replace("header_only", "header_only"),
            "--reviews",
            str(CORPUS / "reviews_ok.csv"),
        ]
    )
    assert code == 2


def test_no_traceback_from_the_console_script():
    proc = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "validate", "--tz", "Nowhere/Land"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "unknown time zone" in proc.stderr
