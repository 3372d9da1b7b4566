"""Loading and validation: the malformed-input corpus, the presets, and the row accounting."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit import DataFileError, MappingError, ParameterError, load_shop_data
from toolkit.load import LoadReport
from toolkit.schema import KIND_DTYPE, TABLES
from toolkit.validate import parse_timestamps

from .conftest import REPO

CORPUS = REPO / "tests" / "malformed"
ORDERS = CORPUS / "orders.csv"
RATING = "rating: not a whole number of stars 1-5"
SPLIT = "row cannot be split into the header's columns"

# file -> (rows read, accepted, {reason: rows}, a note that must be present or None)
REVIEW_CASES = {
    "reviews_ok.csv": (4, 4, {}, None),
    "truncated.csv": (5, 4, {SPLIT: 1}, None),
    "semicolon.csv": (4, 4, {}, "delimiter ';' detected"),
    "tab.tsv": (4, 4, {}, "delimiter '\\t' detected"),
    "bom.csv": (4, 4, {}, None),
    "latin1.csv": (1, 1, {}, "read as cp1252"),
    "crlf.csv": (4, 4, {}, None),
    "utf16.txt": (4, 4, {}, "UTF-16"),
    "rating_5_stars.csv": (5, 4, {RATING: 1}, None),
    "rating_0.csv": (5, 4, {RATING: 1}, None),
    "rating_6.csv": (5, 4, {RATING: 1}, None),
    "rating_4_5.csv": (5, 4, {RATING: 1}, None),
    "rating_empty.csv": (5, 4, {"rating: missing": 1}, None),
    "rating_5_0.csv": (5, 5, {}, None),
    "dates_formats.csv": (6, 6, {}, None),
    "dates_garbage.csv": (5, 1, {"created_at: not a date/time": 4}, None),
    "duplicate_exact.csv": (5, 4, {"exact duplicate of an earlier row (collapsed)": 1}, None),
    "duplicate_conflict.csv": (5, 3, {"same shop_id/review_id as another row with different content": 2}, None),
    "unknown_order.csv": (5, 4, {"order_id: no such order in the orders file": 1}, None),
    "missing_id.csv": (5, 4, {"review_id: missing": 1}, None),
    "extra_fields.csv": (5, 4, {SPLIT: 1}, None),
    "before_delivery.csv": (5, 4, {"created_at: before its order was delivered": 1}, None),
    "wrong_shop.csv": (5, 4, {"shop_id: not a shop of this order": 1}, None),
    "scientific_id.csv": (5, 4, {"order_id: looks like a number a spreadsheet rounded (export ids as text)": 1}, None),
    "whitespace_ids.csv": (5, 5, {}, None),
    "formula.csv": (5, 5, {}, None),
    "emoji.csv": (5, 5, {}, None),
    "rtl.csv": (5, 5, {}, None),
    "nul_bytes.csv": (5, 5, {}, "removed 2 NUL byte(s)"),
    "html_payload.csv": (5, 5, {}, None),
    "header_only.csv": (0, 0, {}, "header but no data rows"),
    "xlsx_named_csv.csv": (4, 4, {}, "an Excel workbook although named .csv: read as a workbook"),
}

# file -> words the one-line error must contain (file name, column where there is one, what to do)
FATAL_CASES = {
    "empty.csv": ["empty.csv", "file is empty"],
    "blank_lines_only.csv": ["blank_lines_only.csv", "file is empty"],
    "missing_column.csv": ["missing_column.csv", "'rating'", "required column is missing", "--mapping"],
    "duplicate_header.csv": ["duplicate_header.csv", "'review_id'", "twice"],
    "does_not_exist.csv": ["does_not_exist.csv", "not found"],
}


def _file_report(data, name):
    return next(f for f in data.report.files if f.file.endswith(name))


@pytest.mark.parametrize("name", sorted(REVIEW_CASES))
def test_malformed_reviews_corpus(name):
    rows_read, accepted, reasons, note = REVIEW_CASES[name]
    data = load_shop_data(ORDERS, CORPUS / name)
    report = _file_report(data, name)
    assert (report.rows_read, report.accepted) == (rows_read, accepted)
    assert report.rows_read == report.accepted + report.set_aside
    assert dict(zip(report.reasons["reason"], report.reasons["count"], strict=True)) == reasons
    assert len(data.reviews) == accepted
    if note:
        assert any(note in n for n in report.notes), report.notes
    # a reviews file that yields no accepted row makes the data unusable, and the problem names the file
    assert data.report.usable == (accepted > 0)
    if not accepted:
        assert any(name in p and "no reviews row could be used" in p for p in data.report.problems)


@pytest.mark.parametrize("name", sorted(FATAL_CASES))
def test_fatal_inputs_name_the_file_and_what_to_do(name):
    with pytest.raises(DataFileError) as err:
        load_shop_data(ORDERS, CORPUS / name)
    for words in FATAL_CASES[name]:
        assert words in str(err.value)


def test_values_survive_exactly():
    def last_text(name):
        return load_shop_data(ORDERS, CORPUS / name).reviews.set_index("review_id").loc["r5", "review_text"]

    assert last_text("formula.csv") == '=HYPERLINK("http://evil.example","click")'
    assert last_text("emoji.csv") == "😡😡 rusak 💔"
    assert last_text("rtl.csv") == "المنتج سيء جدا \u200fשלום"
    assert last_text("nul_bytes.csv") == "bad text"
    assert load_shop_data(ORDERS, CORPUS / "latin1.csv").reviews["review_text"].iloc[0] == "Ótimo, chegou rápido"
    padded = load_shop_data(ORDERS, CORPUS / "whitespace_ids.csv").reviews.set_index("review_id").loc["r5"]
    assert (padded["order_id"], padded["rating"]) == ("o1", 4)


def test_dates_in_several_formats():
    reviews = load_shop_data(ORDERS, CORPUS / "dates_formats.csv").reviews.set_index("review_id")["created_at"]
    assert [str(t) for t in reviews] == [
        "2026-10-06 10:00:00+00:00",
        "2026-10-06 03:00:00+00:00",  # +07:00 offset converted to UTC
        "2026-10-15 14:00:00+00:00",  # day first
        "2026-10-07 00:00:00+00:00",
        "2026-10-08 21:30:00+00:00",
        "2026-10-09 10:00:00.123456+00:00",
    ]


def test_naive_times_are_local_market_time():
    ts, bad = parse_timestamps(pd.Series(["2026-03-08 02:30", "01/11/2026 01:30", "07/11/2026"]), tz="America/New_York")
    # 02:30 does not exist on the DST day: moved forward; 01:30 on 1 Nov occurs twice: read as standard time.
    assert [str(t) for t in ts] == [
        "2026-03-08 07:00:00+00:00",
        "2026-11-01 06:30:00+00:00",
        "2026-11-07 05:00:00+00:00",
    ]
    assert not bad.any()


def test_month_first_is_inferred_when_a_day_exceeds_12():
    ts, bad = parse_timestamps(pd.Series(["10/25/2026", "10/03/2026"]), dayfirst=True)
    assert [str(t.date()) for t in ts] == ["2026-10-25", "2026-10-03"]


def test_huge_field_is_set_aside(tmp_path):
    path = tmp_path / "reviews.csv"
    text = (CORPUS / "reviews_ok.csv").read_text()
    path.write_text(text + "r5,o1,s1,p1,1," + "x" * 10_000_000 + ",2026-10-06T10:00:00Z\n")
    report = _file_report(load_shop_data(ORDERS, path), "reviews.csv")
    assert (report.rows_read, report.accepted) == (5, 4)
    assert report.reasons["reason"].tolist() == ["review_text: longer than 100,000 characters"]


def test_orders_rules():
    data = load_shop_data(CORPUS / "orders_bad_status.csv", CORPUS / "reviews_ok.csv")
    orders = _file_report(data, "orders_bad_status.csv")
    assert dict(zip(orders.reasons["reason"], orders.reasons["count"], strict=True)) == {
        "order_status: not one of created, processing, shipped, delivered, returned, cancelled": 1,
        "delivered_at: missing for a delivered order": 1,
    }
    assert sorted(data.orders["order_status"]) == ["delivered", "delivered"]  # "Completed" maps to delivered
    reviews = _file_report(data, "reviews_ok.csv")
    assert reviews.reasons["reason"].tolist() == ["its order was set aside"]
    assert reviews.reasons["count"].tolist() == [3]


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_parquet_and_xlsx(tmp_path, fmt):
    reviews = pd.read_csv(CORPUS / "reviews_ok.csv", dtype=str)
    path = tmp_path / f"reviews.{fmt}"
    if fmt == "parquet":
        reviews.to_parquet(path)
    else:
        reviews.to_excel(path, index=False)
    data = load_shop_data(ORDERS, path)
    assert len(data.reviews) == 4
    assert data.reviews["rating"].tolist() == [5, 1, 2, 4]


def test_clean_frames_have_canonical_types():
    data = load_shop_data(ORDERS, CORPUS / "reviews_ok.csv")
    for name in ("orders", "reviews", "products", "chats"):
        frame = getattr(data, name)
        assert list(frame.columns) == TABLES[name].names
        for column in TABLES[name].columns:
            assert str(frame[column.name].dtype) == str(pd.Series(dtype=KIND_DTYPE[column.kind]).dtype), column.name


def test_load_report_csv(tmp_path):
    data = load_shop_data(ORDERS, CORPUS / "rating_6.csv")
    data.report.to_csv(tmp_path / "report.csv")
    frame = pd.read_csv(tmp_path / "report.csv", dtype={"example_rows": str})
    row = frame[frame["reason"] == "rating: not a whole number of stars 1-5"].iloc[0]
    assert (row["rows_read"], row["accepted"], row["set_aside"], row["count"], str(row["example_rows"])) == (
        5,
        4,
        1,
        1,
        "6",
    )
    assert isinstance(data.report, LoadReport)


def test_unknown_preset_tz_and_mapping(tmp_path):
    with pytest.raises(MappingError, match="unknown preset 'nope'"):
        load_shop_data(preset="nope")
    with pytest.raises(ParameterError, match="unknown time zone"):
        load_shop_data(ORDERS, CORPUS / "reviews_ok.csv", tz="Mars/Olympus")
    bad = tmp_path / "m.toml"
    bad.write_text("[reviews.columns]\nstars = 'Rating'\n")
    with pytest.raises(MappingError, match="'stars', which is not a column of reviews"):
        load_shop_data(ORDERS, CORPUS / "reviews_ok.csv", mapping=bad)


def test_custom_mapping_file(tmp_path):
    (tmp_path / "reviews.csv").write_text(
        (CORPUS / "reviews_ok.csv").read_text().replace("rating", "Stars Given", 1).replace("review_id", "ID", 1)
    )
    mapping = tmp_path / "mine.toml"
    mapping.write_text('[reviews.columns]\nrating = "stars given"\nreview_id = ["Review ID", "id"]\n')
    data = load_shop_data(ORDERS, tmp_path / "reviews.csv", mapping=mapping)
    assert data.reviews["rating"].tolist() == [5, 1, 2, 4]


def test_seller_center_preset_reads_local_day_first_times():
    data = load_shop_data(
        preset="tiktok-seller-center", data_dir=REPO / "tests/fixtures/seller_center", tz="Asia/Jakarta"
    )
    assert data.report.usable and data.set_aside.empty
    orders = data.orders.set_index("order_id")
    first = orders.loc["576820193441234567"]
    assert first["order_status"] == "delivered"  # "Completed"
    assert str(first["delivered_at"]) == "2026-10-05 06:02:44+00:00"  # 05/10/2026 13:02:44 in Jakarta (UTC+7)
    assert first["quantity"] == 2
    assert orders.loc["576820193441234569", "cancel_reason"] == "Out of stock"
    reviews = data.reviews.set_index("review_id")
    assert reviews.loc["rv-2", "rating"] == 1 and reviews.loc["rv-1", "seller_reply"] == "Terima kasih kak!"


@pytest.mark.parametrize("sample", ["random-sample", "problem-sample"])
def test_olist_preset_accounts_for_every_row(olist_dir, sample):
    folder = olist_dir / sample
    data = load_shop_data(preset="olist", data_dir=folder)
    assert data.report.usable
    for report in data.report.files:
        raw_rows = len(pd.read_csv(report.file, dtype=str))
        assert report.rows_read == raw_rows == report.accepted + report.set_aside, report.file
        # every set-aside row has at least one reason (a row may break several rules)
        assert report.reasons["count"].sum() >= report.set_aside and report.reasons.empty == (report.set_aside == 0)
    orders = _file_report(data, "olist_orders_dataset.csv")
    reviews = _file_report(data, "olist_order_reviews_dataset.csv")
    if sample == "random-sample":
        assert (orders.rows_read, reviews.rows_read) == (4000, 3986)
        # the 23 orders without items (no seller, so no shop), one order delivered before Olist says it was
        # shipped, and their reviews are the only ones set aside
        assert (orders.set_aside, reviews.set_aside) == (24, 24)
        assert orders.reasons.set_index("reason")["count"]["delivered_at: before the order was shipped"] == 1
        assert data.orders["order_status"].value_counts()["delivered"] > 3800
    assert set(data.orders["order_status"]) <= {
        "created",
        "processing",
        "shipped",
        "delivered",
        "returned",
        "cancelled",
    }
    # every accepted review belongs to an accepted order line of the same shop
    pairs = data.orders[["order_id", "shop_id"]].drop_duplicates()
    assert len(data.reviews.merge(pairs, on=["order_id", "shop_id"])) == len(data.reviews)


def test_olist_multi_seller_orders_review_each_shop(olist_dir):
    data = load_shop_data(preset="olist", data_dir=olist_dir / "random-sample")
    shops_per_order = data.orders.groupby("order_id")["shop_id"].nunique()
    multi = shops_per_order[shops_per_order > 1].index
    reviewed = data.reviews[data.reviews["order_id"].isin(multi)]
    assert len(reviewed) > 0
    assert (reviewed.groupby("review_id")["shop_id"].nunique() > 1).all()


def test_implausible_times_are_set_aside(tmp_path):
    path = tmp_path / "orders.csv"
    lines = ORDERS.read_text().splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
    rows[0]["created_at"] = "1970-01-01T00:00:00Z"
    rows[1]["delivered_at"] = "2099-01-01T00:00:00Z"
    rows[2]["delivered_at"] = "2020-01-01T00:00:00Z"  # before it was created
    path.write_text("\n".join([lines[0]] + [",".join(r[h] for h in header) for r in rows]) + "\n")
    data = load_shop_data(path, CORPUS / "reviews_ok.csv")
    reasons = set(_file_report(data, "orders.csv").reasons["reason"])
    assert {
        "created_at: implausible, before 2000-01-01",
        "delivered_at: implausible, more than 366 days after today",
        "delivered_at: before the order was created",
    } <= reasons
