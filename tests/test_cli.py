"""The shop-health command: exit codes and one-line errors, no tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

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


def test_rates_says_how_many_rows_it_set_aside(tmp_path, capsys):
    out = tmp_path / "rates.csv"
    args = ["--orders", str(CORPUS / "orders.csv"), "--as-of", "2026-10-31", "--out", str(out)]
    code = main(["rates", *args, "--reviews", str(CORPUS / "rating_0.csv")])
    err = capsys.readouterr().err
    assert code == 0 and out.exists()
    assert "rating_0.csv: 1 of 5 rows set aside, not counted (1 rating: not a whole number of stars 1-5" in err


def test_rates_of_unusable_data_exit_2_not_an_empty_table(tmp_path, capsys):
    orders = tmp_path / "orders.csv"
    orders.write_text((CORPUS / "orders.csv").read_text().splitlines()[0] + "\n")  # header, no rows
    out = tmp_path / "rates.csv"
    code = main(
        [
            "rates",
            "--orders",
            str(orders),
            "--reviews",
            str(CORPUS / "rating_0.csv"),
            "--as-of",
            "2026-10-31",
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and not out.exists()
    assert len(err) == 1 and err[0].startswith("error: the data is not usable: ") and "orders.csv" in err[0]


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


def _rates_by_engine(tmp_path, args: list[str], engine: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``rates`` run with ``args`` on pandas and on ``engine``: the two CSV outputs."""
    frames = []
    for name in ("pandas", engine):
        out = tmp_path / f"{name}.csv"
        assert main([*args, "--engine", name, "--out", str(out)]) == 0
        frames.append(pd.read_csv(out))
    return frames[0], frames[1]


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
@pytest.mark.parametrize("daily", [False, True])
def test_every_engine_equals_pandas_column_by_column(tmp_path, engine, daily):
    """Classification included: the engines read the pipeline's attribution (shop-logistics' carrier delays)."""
    args = ["rates", "--as-of", "2026-10-31", "--no-labels"] + (["--daily", "--since", "2026-09-01"] if daily else [])
    expected, got = _rates_by_engine(tmp_path, args, engine)
    pd.testing.assert_frame_equal(expected, got)
    shop = got[got["as_of"] == "2026-10-31"].set_index("shop_id")
    assert (
        shop.loc["shop-logistics", "logistics_negative_reviews"] > shop.loc["shop-logistics", "seller_negative_reviews"]
    )


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_every_engine_equals_pandas_on_real_olist_data(tmp_path, olist_dir, engine):
    args = ["rates", "--as-of", "2018-06-30", "--preset", "olist", "--data", str(olist_dir / "random-sample")]
    expected, got = _rates_by_engine(tmp_path, [*args, "--no-labels", "--window-days", "90"], engine)
    pd.testing.assert_frame_equal(expected, got)
    assert got["negative_reviews"].sum() > 0 and got["logistics_negative_reviews"].sum() > 0


def _count(path, shop, column):
    return int(pd.read_csv(path).set_index("shop_id").loc[shop, column])


def test_a_correction_moves_the_counts_of_rates_and_report(tmp_path, capsys):
    """A negative the classifier put on the carrier, corrected to a seller cause, counts in the SNRR."""
    base = ["--as-of", "2026-10-31", "--shop", "shop-logistics"]
    before = tmp_path / "before.csv"
    assert main(["rates", *base, "--no-labels", "--out", str(before)]) == 0
    causes = tmp_path / "causes.csv"
    assert main(["classify", "--no-labels", "--out", str(causes)]) == 0
    classified = pd.read_csv(causes, dtype=str)
    reviews = pd.read_csv(REPO / "data" / "samples" / "reviews.csv", dtype=str)
    merged = classified.merge(reviews[["review_id", "rating", "created_at"]], on="review_id")
    carrier = merged[
        (merged["shop_id"] == "shop-logistics")
        & (merged["responsibility"] == "logistics")
        & merged["rating"].isin(["1", "2"])
        & (merged["created_at"] >= "2026-10-02")
    ]
    labels = tmp_path / "labels.csv"
    pd.DataFrame(
        {"review_id": carrier["review_id"].head(3), "cause": "poor_quality", "shop_id": "shop-logistics"}
    ).to_csv(labels, index=False)
    after = tmp_path / "after.csv"
    assert main(["rates", *base, "--labels", str(labels), "--out", str(after)]) == 0
    for engine_out in ("duckdb", "polars"):
        path = tmp_path / f"{engine_out}.csv"
        assert main(["rates", *base, "--labels", str(labels), "--engine", engine_out, "--out", str(path)]) == 0
        pd.testing.assert_frame_equal(pd.read_csv(path), pd.read_csv(after))
    column = "seller_negative_reviews"
    assert _count(after, "shop-logistics", column) == _count(before, "shop-logistics", column) + 3
    assert _count(after, "shop-logistics", "product_negative_reviews") >= 3


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
    assert main(["evaluate-classifier", "--labelled", str(REPO / "data/samples/labelled_reviews.csv")]) == 0
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


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_rates_out_parquet_holds_the_csv_rows(tmp_path, engine):
    """--out x.parquet writes Parquet (DuckDB writes its own result, CSV or Parquet, without pandas)."""
    base = ["rates", "--as-of", "2026-10-31", "--daily", "--since", "2026-10-02", "--no-labels", "--engine", engine]
    assert main([*base, "--out", str(tmp_path / "r.parquet")]) == 0
    assert main([*base, "--out", str(tmp_path / "r.csv")]) == 0
    parquet, csv = pd.read_parquet(tmp_path / "r.parquet"), pd.read_csv(tmp_path / "r.csv")
    assert (tmp_path / "r.parquet").read_bytes()[:4] == b"PAR1" and len(parquet) == len(csv) == 7 * 30
    key = ["shop_id", "delivered_orders", "seller_negative_reviews"]
    assert parquet[key].sort_values(key).values.tolist() == csv[key].sort_values(key).values.tolist()
    assert abs(parquet["snrr"].fillna(-1).sum() - csv["snrr"].fillna(-1).sum()) < 1e-9


def _spark_and_pandas(tmp_path, args: list[str]) -> dict[str, pd.DataFrame]:
    import shutil

    pytest.importorskip("pyspark")
    if not shutil.which("java"):
        pytest.skip("Spark needs a Java runtime (apt-get install default-jre-headless)")
    frames = {}
    for name in ("pandas", "spark"):
        out = tmp_path / f"{name}.csv"
        assert main([*args, "--engine", name, "--out", str(out)]) == 0
        frames[name] = pd.read_csv(out).sort_values("shop_id").reset_index(drop=True)
    return frames


def test_spark_engine_equals_pandas(tmp_path):
    """--engine spark on a local Spark session (local[2]): the same rates as pandas, classification included."""
    frames = _spark_and_pandas(tmp_path, ["rates", "--as-of", "2026-10-31", "--no-labels"])
    pd.testing.assert_frame_equal(frames["pandas"], frames["spark"])
    assert frames["spark"]["logistics_negative_reviews"].sum() > 0  # the pipeline's attribution reached Spark


def test_spark_engine_equals_pandas_on_real_olist_data(tmp_path, olist_dir):
    args = ["rates", "--as-of", "2018-06-30", "--preset", "olist", "--data", str(olist_dir / "random-sample")]
    frames = _spark_and_pandas(tmp_path, [*args, "--no-labels", "--window-days", "90"])
    pd.testing.assert_frame_equal(frames["pandas"], frames["spark"])
    assert len(frames["spark"]) > 1000 and frames["spark"]["negative_reviews"].sum() > 0
