"""Marketplace exports in their real formats (tests/fixtures/exports, built from ../shared/EXPORTS.md's header
lists by make_fixtures.py) load through their presets with every row accounted for, and give the same frames and
rates as the same orders and reviews written in canonical form."""

from __future__ import annotations

import gzip
import io
import zipfile
from datetime import date

import pandas as pd
import pytest

from toolkit import DataFileError, MappingError, load_shop_data
from toolkit.cli import main
from toolkit.mapping import load_mapping
from toolkit.rates import RateConfig, shop_rates
from toolkit.validate import parse_timestamps

from .conftest import REPO

EXPORTS = REPO / "tests" / "fixtures" / "exports"
SHOP = "demo-shop"

# case -> (folder, preset, market time zone, orders file, reviews file)
CASES = {
    "tiktok-us-csv": ("tiktok-us", "tiktok-seller-center", "America/Los_Angeles", "orders.csv", "reviews.csv"),
    "tiktok-us-xlsx": ("tiktok-us", "tiktok-seller-center", "America/Los_Angeles", "orders.xlsx", "reviews.csv"),
    "tiktok-id-csv": ("tiktok-id", "tiktok-seller-center", "Asia/Jakarta", "orders.csv", "reviews.csv"),
    "tiktok-th-xlsx": ("tiktok-th", "tiktok-seller-center", "Asia/Bangkok", "orders.xlsx", "reviews.csv"),
    "tiktok-vn-csv": ("tiktok-vn", "tiktok-seller-center", "Asia/Ho_Chi_Minh", "orders.csv", "reviews.csv"),
    "tiktok-my-csv": ("tiktok-my", "tiktok-seller-center", "Asia/Kuala_Lumpur", "orders.csv", "reviews.csv"),
    "shopee-id-xlsx-json": ("shopee-id", "shopee", "Asia/Jakarta", "orders.xlsx", "ratings.json"),
    "shopee-my-csvgz": ("shopee-my", "shopee", "Asia/Kuala_Lumpur", "orders.csv.gz", "ratings.csv"),
    "lazada-id-xlsx": ("lazada-id", "lazada", "Asia/Jakarta", "orders.xlsx", "reviews.csv"),
    "lazada-id-zip": ("lazada-id", "lazada", "Asia/Jakarta", "orders.zip", "reviews.csv"),
    "amazon-us": ("amazon-us", "amazon", "UTC", "All Orders.txt", "Feedback.txt"),
}


def _load(case: str, **options):
    folder, preset, tz, orders, reviews = CASES[case]
    base = EXPORTS / folder
    return load_shop_data(base / orders, base / reviews, preset=preset, tz=tz, **options)


def _canonical(case: str, tmp_path):
    """The canonical twin, read by the same rule for reviews dated before delivery as the preset."""
    folder, preset, tz, _, _ = CASES[case]
    rule = tmp_path / "canonical.toml"
    rule.write_text(f'reviews_before_delivery = "{load_mapping(preset).reviews_before_delivery}"\n')
    base = EXPORTS / folder / "canonical"
    return load_shop_data(base / "orders.csv", base / "reviews.csv", tz=tz, mapping=rule)


def _sorted(frame: pd.DataFrame, key: list[str], columns: list[str]) -> pd.DataFrame:
    return frame[columns].sort_values(key).reset_index(drop=True)


@pytest.mark.parametrize("case", sorted(CASES))
def test_export_loads_with_exit_0_and_every_row_accounted_for(case, capsys):
    folder, preset, tz, orders, reviews = CASES[case]
    base = EXPORTS / folder
    argv = ["validate", "--preset", preset, "--orders", str(base / orders), "--reviews", str(base / reviews)]
    assert main([*argv, "--tz", tz, "--shop-id", SHOP]) == 0
    assert "usable:" in capsys.readouterr().out
    data = _load(case, shop_id=SHOP)
    for report in data.report.files:
        assert report.rows_read == report.accepted > 0 and report.set_aside == 0, (report.file, report.reasons)
    assert any(d.startswith("orders.shop_id") and "'demo-shop' (given)" in d for d in data.report.derived)


@pytest.mark.parametrize("case", sorted(CASES))
def test_export_equals_its_canonical_twin(case, tmp_path):
    data, twin = _load(case, shop_id=SHOP), _canonical(case, tmp_path)
    columns = [c for c in pd.read_csv(EXPORTS / CASES[case][0] / "canonical" / "orders.csv").columns]
    key = ["order_id", "product_id"]
    pd.testing.assert_frame_equal(_sorted(data.orders, key, columns), _sorted(twin.orders, key, columns))
    columns = [c for c in pd.read_csv(EXPORTS / CASES[case][0] / "canonical" / "reviews.csv").columns]
    pd.testing.assert_frame_equal(
        _sorted(data.reviews, ["review_id"], columns), _sorted(twin.reviews, ["review_id"], columns)
    )
    config = RateConfig(as_of=date(2026, 9, 30), window_days=30, tz=CASES[case][2])
    rates, twin_rates = shop_rates(data.orders, data.reviews, config), shop_rates(twin.orders, twin.reviews, config)
    pd.testing.assert_frame_equal(rates, twin_rates)
    assert rates["delivered_orders"].iloc[0] == 3  # the returned, cancelled and in-transit orders do not count


def test_returns_and_refunds_are_returned_not_delivered():
    orders = _load("tiktok-us-csv", shop_id=SHOP).orders.set_index("order_id")
    assert orders.loc["577106943312564304", "order_status"] == "returned"  # Completed + Return/Refund
    assert orders.loc["577106943312564306", "order_status"] == "shipped"  # In transit


def test_us_dates_are_month_first_12_hour_and_the_order_is_stated():
    data = _load("tiktok-us-csv", shop_id=SHOP)
    created = data.orders.set_index("order_id")["created_at"]
    assert str(created.loc["577106943312564303"]) == "2026-09-05 14:15:00+00:00"  # 09/05/2026 7:15:00 AM in LA
    assert any(d.startswith("dates: month first") for d in data.report.derived)
    stated = _load("tiktok-us-csv", shop_id=SHOP, region="US").report.derived
    assert "dates: month first (--region US)" in stated
    with pytest.raises(Exception, match="unknown region 'XX'"):
        _load("tiktok-us-csv", region="XX")


def test_a_missing_shop_is_named_after_the_folder_and_said_so(tmp_path):
    folder = tmp_path / "toko-maju"
    folder.mkdir()
    for name in ("orders.csv", "reviews.csv"):
        (folder / name).write_bytes((EXPORTS / "tiktok-id" / name).read_bytes())
    data = load_shop_data(preset="tiktok-seller-center", data_dir=folder, tz="Asia/Jakarta")
    assert set(data.orders["shop_id"]) == {"toko-maju"}
    assert any("called 'toko-maju' after the folder" in d and "--shop-id" in d for d in data.report.derived)


def test_handling_and_delivery_days_are_options():
    default = _load("amazon-us", shop_id=SHOP).orders.set_index(["order_id", "product_id"])
    longer = _load("amazon-us", shop_id=SHOP, handling_days=4, delivery_days=10).orders
    longer = longer.set_index(["order_id", "product_id"])
    assert ((longer["ship_by"] - default["ship_by"]).dropna() == pd.Timedelta(days=2)).all()
    assert ((longer["delivered_at"] - default["delivered_at"]).dropna() == pd.Timedelta(days=5)).all()
    with pytest.raises(Exception, match="--delivery-days must be"):
        _load("amazon-us", delivery_days=-1)


def test_lazada_units_become_quantity_not_duplicates():
    data = _load("lazada-id-xlsx", shop_id=SHOP)
    line = data.orders.set_index(["order_id", "product_id"]).loc[("577106943312564302", "1729002")]
    assert line["quantity"] == 2 and data.set_aside.empty
    assert any("identical row(s) counted into the quantity" in d for d in data.report.derived)


def test_tiktok_xlsx_description_row_is_skipped_and_reported():
    data = _load("tiktok-us-xlsx", shop_id=SHOP)
    notes = next(f for f in data.report.files if f.table == "orders").notes
    assert any("row 2 is a description of the columns" in n for n in notes), notes
    assert data.orders["order_id"].str.isdigit().all()


def test_missing_column_hint_names_the_preset():
    base = EXPORTS / "tiktok-us"
    with pytest.raises(DataFileError, match="'tiktok-seller-center' mapping"):
        load_shop_data(base / "reviews.csv", base / "reviews.csv", preset="tiktok-seller-center", shop_id=SHOP)


def test_validate_exits_2_when_a_reviews_file_yields_no_row(tmp_path, capsys):
    reviews = tmp_path / "reviews.csv"
    text = (EXPORTS / "tiktok-id" / "reviews.csv").read_text()
    lines = text.splitlines()
    reviews.write_text(
        "\n".join(
            [lines[0]]
            + [
                line.replace(",5,", ",9,").replace(",1,", ",0,").replace(",2,", ",7,").replace(",4,", ",6,")
                for line in lines[1:]
            ]
        )
        + "\n"
    )
    code = main(
        [
            "validate",
            "--preset",
            "tiktok-seller-center",
            "--orders",
            str(EXPORTS / "tiktok-id" / "orders.csv"),
            "--reviews",
            str(reviews),
            "--shop-id",
            SHOP,
            "--tz",
            "Asia/Jakarta",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "no reviews row could be used" in err and "the commonest reason: rating: not a whole number" in err


# --- reading ---------------------------------------------------------------------------------------------------


def _orders_csv() -> bytes:
    return (REPO / "tests" / "malformed" / "orders.csv").read_bytes()


REVIEWS_OK = REPO / "tests" / "malformed" / "reviews_ok.csv"


def test_zip_with_several_files_is_one_clear_error(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("a.csv", "b.csv", "c.csv"):
            archive.writestr(name, _orders_csv())
    with pytest.raises(DataFileError, match=r"export.zip: is a ZIP archive with 3 files \(a.csv, b.csv, c.csv\)"):
        load_shop_data(path, REVIEWS_OK)


def test_gzip_and_zip_of_one_file_are_read(tmp_path):
    gz, zp = tmp_path / "orders.csv.gz", tmp_path / "orders.zip"
    gz.write_bytes(gzip.compress(_orders_csv()))
    with zipfile.ZipFile(zp, "w") as archive:
        archive.writestr("orders.csv", _orders_csv())
    for path in (gz, zp):
        assert len(load_shop_data(path, REVIEWS_OK).orders) == 4


def test_title_row_above_the_header_and_the_data_sheet_of_several(tmp_path):
    frame = pd.read_csv(io.BytesIO(_orders_csv()), dtype=str)
    path = tmp_path / "orders.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame([["read me"]]).to_excel(writer, sheet_name="About", index=False, header=False)
        pd.DataFrame([["Orders report, October 2026"]]).to_excel(writer, sheet_name="Data", index=False, header=False)
        frame.to_excel(writer, sheet_name="Data", index=False, startrow=2)
    data = load_shop_data(path, REVIEWS_OK)
    report = next(f for f in data.report.files if f.table == "orders")
    assert (report.rows_read, report.accepted) == (4, 4)
    assert any("read sheet 'Data' of 2" in n for n in report.notes)
    assert any("header found on row 3" in n and "Orders report" in n for n in report.notes)
    csv_path = tmp_path / "titled.csv"
    csv_path.write_bytes(b"Orders report\n\n" + _orders_csv())
    report = next(f for f in load_shop_data(csv_path, REVIEWS_OK).report.files if f.table == "orders")
    assert report.accepted == 4 and any("header found on line 3" in n for n in report.notes)


def test_excel_serial_and_unix_dates(tmp_path):
    ts, bad = parse_timestamps(pd.Series(["46301.5", "1790000000", "1790000000123"]), tz="Asia/Jakarta")
    assert [str(t) for t in ts] == [
        "2026-10-06 05:00:00+00:00",  # Excel day 46301 at noon, Jakarta wall time
        "2026-09-21 14:13:20+00:00",  # Unix seconds are UTC
        "2026-09-21 14:13:20.123000+00:00",  # Unix milliseconds
    ]
    assert not bad.any()
    reviews = pd.read_csv(REVIEWS_OK, dtype=str)
    reviews["created_at"] = [46301.5, 46302.25, 46303.0, 46304.75]  # numbers in the sheet, as Excel stores dates
    path = tmp_path / "reviews.xlsx"
    reviews.to_excel(path, index=False)
    data = load_shop_data(REPO / "tests/malformed/orders.csv", path)
    assert [str(t) for t in data.reviews.sort_values("review_id")["created_at"]] == [
        "2026-10-06 12:00:00+00:00",
        "2026-10-07 06:00:00+00:00",
        "2026-10-08 00:00:00+00:00",
        "2026-10-09 18:00:00+00:00",
    ]


def test_mapping_values_are_checked_by_type(tmp_path):
    bad = tmp_path / "m.toml"
    bad.write_text('dayfirst = "false"\n')
    with pytest.raises(MappingError, match="'dayfirst' must be true or false"):
        load_shop_data(REPO / "tests/malformed/orders.csv", REVIEWS_OK, mapping=bad)
    bad.write_text("[orders]\nunits = 1\n")
    with pytest.raises(MappingError, match="'orders.units' must be true or false"):
        load_shop_data(REPO / "tests/malformed/orders.csv", REVIEWS_OK, mapping=bad)
    with pytest.raises(MappingError, match="is a folder"):
        load_shop_data(REPO / "tests/malformed/orders.csv", REVIEWS_OK, mapping=tmp_path)


def test_headers_equal_after_normalisation_are_fatal(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text(REVIEWS_OK.read_text().replace("review_text", "Rating ", 1))
    with pytest.raises(DataFileError, match="names a column twice \\('rating' and 'Rating'\\)"):
        load_shop_data(REPO / "tests/malformed/orders.csv", path)


def test_one_bad_byte_spoils_only_its_line(tmp_path):
    lines = REVIEWS_OK.read_bytes().split(b"\n")
    path = tmp_path / "reviews.csv"
    first, second = lines[1].split(b","), lines[2].split(b",")
    first[5], second[5] = "café".encode(), b"caf\xe9"  # UTF-8 on one line, a cp1252 byte on the next
    lines[1], lines[2] = b",".join(first), b",".join(second)
    path.write_bytes(b"\n".join(lines))
    data = load_shop_data(REPO / "tests/malformed/orders.csv", path)
    notes = next(f for f in data.report.files if f.table == "reviews").notes
    assert any("1 line(s) not UTF-8 (line 3); read as cp1252" in n for n in notes), notes
    assert data.reviews["review_text"].tolist()[:2] == ["café", "café"]
