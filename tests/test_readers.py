"""Hostile input to the readers: every file gives exit 0 (rows accounted for) or exit 2 with one line, never a
traceback. One test per crash class seen, then a small deterministic fuzz loop."""

from __future__ import annotations

import gzip
import random

import pytest

from toolkit import load_shop_data
from toolkit.cli import main

from .conftest import REPO

CORPUS = REPO / "tests" / "malformed"
ORDERS = CORPUS / "orders.csv"
REVIEWS = CORPUS / "reviews_ok.csv"
EXPORTS = REPO / "tests" / "fixtures" / "exports"


def _validate(capsys, orders, reviews, *extra) -> tuple[int, str]:
    code = main(["validate", "--orders", str(orders), "--reviews", str(reviews), *extra])
    captured = capsys.readouterr()
    return code, captured.err


def _one_line_or_accounted(code: int, err: str, orders, reviews, *options) -> None:
    assert code in (0, 2)
    if err.startswith("error: ") and "the data is not usable" not in err:
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
        return
    data = load_shop_data(orders, reviews, **dict(options))
    for report in data.report.files:
        assert report.rows_read == report.accepted + report.set_aside


CRASH_CASES = {
    "random_bytes.csv": (random.Random(7).randbytes(4000), 2, "is not text"),
    "cr_only.csv": (REVIEWS.read_bytes().replace(b"\n", b"\r"), 0, ""),
    "long_first_field.csv": (REVIEWS.read_bytes().replace(b"Great", b"x" * 3_000_000), 0, ""),
    "semicolon_quoted_newline.csv": (
        b"review_id;order_id;shop_id;product_id;rating;review_text;created_at\n"
        b'r1;o1;s1;p1;5;"two\nlines";2026-10-06T10:00:00Z\n',
        0,
        "",
    ),
    "gzip_named_csv.csv": (gzip.compress(REVIEWS.read_bytes()), 0, ""),
    "truncated_gzip.csv.gz": (gzip.compress(REVIEWS.read_bytes())[:30], 2, "gzip file that cannot be decompressed"),
}


@pytest.mark.parametrize("name", sorted(CRASH_CASES))
def test_crash_classes_are_one_line_or_accounted_rows(tmp_path, capsys, name):
    data, expected_code, words = CRASH_CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    code, err = _validate(capsys, ORDERS, path)
    assert code == expected_code, err
    assert words in err
    _one_line_or_accounted(code, err, ORDERS, path)


def test_long_first_field_is_set_aside_not_a_crash(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_bytes(CRASH_CASES["long_first_field.csv"][0])
    data = load_shop_data(ORDERS, path)
    assert data.set_aside["reason"].tolist() == ["review_text: longer than 100,000 characters"]


def test_quantity_beyond_64_bit_is_set_aside(tmp_path):
    lines = ORDERS.read_text().splitlines()
    path = tmp_path / "orders.csv"
    path.write_text(
        "\n".join(
            [lines[0] + ",quantity"] + [line + ",2" for line in lines[1:-1]] + [lines[-1] + ",99999999999999999999999"]
        )
        + "\n"
    )
    data = load_shop_data(path, REVIEWS)
    assert data.set_aside[data.set_aside["table"] == "orders"]["reason"].tolist() == [
        "quantity: not a whole number >= 1"
    ]


def test_mapping_header_that_is_a_number_is_one_line(tmp_path, capsys):
    mapping = tmp_path / "m.toml"
    mapping.write_text("[reviews.columns]\nrating = 5\n")
    code, err = _validate(capsys, ORDERS, REVIEWS, "--mapping", str(mapping))
    assert code == 2 and "'reviews.columns.rating' must be a text or a list of texts, not int 5" in err


def _mutations(data: bytes, rng: random.Random) -> list[bytes]:
    out = [data[: rng.randrange(1, len(data))] for _ in range(3)]  # truncations
    for _ in range(4):  # byte flips, insertions of delimiters, quotes, NULs, line breaks
        b = bytearray(data)
        for _ in range(rng.randrange(1, 12)):
            i = rng.randrange(len(b))
            b[i] = rng.choice([0, 9, 10, 13, 34, 44, 59, 0xE9, 0xFF, rng.randrange(256)])
        out.append(bytes(b))
    out.append(rng.randbytes(rng.randrange(1, 3000)))
    return out


FUZZ_SOURCES = [
    ("reviews", REVIEWS, {}),
    ("orders", EXPORTS / "tiktok-us" / "orders.csv", {"preset": "tiktok-seller-center", "shop_id": "s"}),
    ("orders", EXPORTS / "amazon-us" / "All Orders.txt", {"preset": "amazon", "shop_id": "s"}),
    ("orders", EXPORTS / "lazada-id" / "orders.zip", {"preset": "lazada", "shop_id": "s"}),
    ("orders", EXPORTS / "shopee-id" / "orders.xlsx", {"preset": "shopee", "shop_id": "s"}),
]


@pytest.mark.parametrize("index", range(len(FUZZ_SOURCES)))
def test_fuzzed_files_exit_0_or_2_never_a_traceback(tmp_path, capsys, index):
    table, source, options = FUZZ_SOURCES[index]
    rng = random.Random(20261202 + index)
    partner = {
        0: ORDERS,
        1: EXPORTS / "tiktok-us" / "reviews.csv",
        2: EXPORTS / "amazon-us" / "Feedback.txt",
        3: EXPORTS / "lazada-id" / "reviews.csv",
        4: EXPORTS / "shopee-id" / "ratings.json",
    }[index]
    flags = [f"--{k.replace('_', '-')}={v}" for k, v in options.items()]
    for n, data in enumerate(_mutations(source.read_bytes(), rng)):
        path = tmp_path / f"{n}{''.join(source.suffixes)}"
        path.write_bytes(data)
        orders, reviews = (path, partner) if table == "orders" else (partner, path)
        code, err = _validate(capsys, orders, reviews, *flags)
        _one_line_or_accounted(code, err, orders, reviews, *options.items())
