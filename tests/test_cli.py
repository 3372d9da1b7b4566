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


def test_unusable_data_exits_2(tmp_path, capsys):
    orders = tmp_path / "orders.csv"
    orders.write_text((CORPUS / "orders.csv").read_text().splitlines()[0] + "\n")  # header, no rows
    code = main(["validate", "--orders", str(orders), "--reviews", str(CORPUS / "header_only.csv")])
    assert code == 2
    err = capsys.readouterr().err
    assert "the data is not usable: " in err and "orders.csv: no orders row could be used (it has no data rows)" in err


def test_no_traceback_from_the_console_script():
    proc = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "validate", "--tz", "Nowhere/Land"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "unknown time zone" in proc.stderr


def test_rates_csv_has_the_documented_columns(tmp_path):
    out = tmp_path / "rates.csv"
    assert main(["rates", "--as-of", "2026-10-31", "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    required = [
        "shop_id",
        "as_of",
        "window_days",
        "delivered_orders",
        "negative_reviews",
        "seller_negative_reviews",
        "logistics_negative_reviews",
        "snrr",
        "snrr_low",
        "snrr_high",
        "status",
    ]
    assert set(required) <= set(frame.columns)
    assert len(frame) == 7 and frame["snrr"].between(0, 1).all()
    logistics = frame.set_index("shop_id").loc["shop-logistics"]
    # most of this shop's negatives are the carrier's: excluded from the SNRR
    assert logistics["logistics_negative_reviews"] > logistics["seller_negative_reviews"]
    assert logistics["snrr"] == logistics["seller_negative_reviews"] / logistics["delivered_orders"]


def test_daily_rates_need_since(capsys):
    assert main(["rates", "--as-of", "2026-10-31", "--daily"]) == 2
    assert "--since" in capsys.readouterr().err


def test_duckdb_engine_matches_pandas_without_classification(tmp_path):
    samples = REPO / "data" / "samples"
    out = tmp_path / "duck.csv"
    args = [
        "rates",
        "--as-of",
        "2026-10-31",
        "--orders",
        str(samples / "orders.csv"),
        "--reviews",
        str(samples / "reviews.csv"),
    ]
    assert main([*args, "--engine", "duckdb", "--out", str(out)]) == 0
    duck = pd.read_csv(out).set_index("shop_id").sort_index()
    assert (duck["seller_negative_reviews"] == duck["negative_reviews"]).all()  # nothing classified
    assert duck.loc["shop-quality", "delivered_orders"] == 406


def test_classify_writes_one_row_per_review(tmp_path):
    out = tmp_path / "causes.csv"
    assert main(["classify", "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns[:10]) == [
        "review_id",
        "shop_id",
        "language",
        "cause",
        "area",
        "responsibility",
        "confidence",
        "secondary_causes",
        "evidence",
        "flags",
    ]
    assert len(frame) == len(pd.read_csv(REPO / "data" / "samples" / "reviews.csv"))


def test_evaluate_classifier_prints_scores(capsys):
    assert main(["evaluate-classifier", "--labels", str(REPO / "data/samples/labelled_reviews.csv")]) == 0
    printed = capsys.readouterr().out
    assert "macro-F1" in printed and "precision" in printed and "confusion" in printed


def test_report_needs_shops_or_all(capsys):
    assert main(["report", "--as-of", "2026-10-31"]) == 2
    assert "--all" in capsys.readouterr().err


def test_classify_works_with_a_reviews_file_alone(capsys):
    assert main(["classify", "--reviews", str(CORPUS / "reviews_ok.csv")]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert len(rows) == 5
    broke = next(r for r in rows if r.startswith("r2,"))
    assert ",poor_quality,product,seller," in broke  # a product cause needs no order facts
