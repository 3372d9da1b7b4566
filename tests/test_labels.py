"""The labels file: read like any export, clear errors, corrections written beside the data, never into it."""

from __future__ import annotations

import pytest

from toolkit.errors import DataFileError
from toolkit.labels import load_overrides, save_label


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_labels_files_with_any_delimiter_load(tmp_path, sep):
    path = tmp_path / "labels.csv"
    rows = [["Review ID", "cause", "note"], ["r1", "Poor_Quality", "seen by hand"]]
    path.write_text("".join(sep.join(row) + "\n" for row in rows))
    got = load_overrides(path)[["review_id", "shop_id", "cause", "note"]]
    assert got.values.tolist() == [["r1", "", "poor_quality", "seen by hand"]]


def test_a_spreadsheet_saved_labels_file_loads(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_bytes("\ufeffreview_id;cause;shop_id\r\nr1;other;s1\r\n".encode("utf-8"))
    assert load_overrides(path)[["review_id", "cause", "shop_id"]].values.tolist() == [["r1", "other", "s1"]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\xff\xfe binary \x00\x00", "required column missing"),
        (b"review_id,cause\nr1,poor_quality\nr2,bad_vibes\n", "row 3: column 'cause': unknown cause 'bad_vibes'"),
        (b"review_id,cause\n,poor_quality\n", "row 2: column 'review_id': empty review id"),
        (b"id,label\nr1,other\n", "required column missing.*review_id"),
    ],
)
def test_bad_labels_files_are_clear_errors(tmp_path, content, message):
    path = tmp_path / "labels.csv"
    path.write_bytes(content)
    with pytest.raises(DataFileError, match=f"(?is){message}") as err:
        load_overrides(path)
    assert "labels.csv" in str(err.value)


def test_save_label_keeps_a_semicolon_file_readable(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("review_id;cause;shop_id;note\nr1;other;s;first\n")
    save_label("r2", "poor_quality", shop_id="s", path=path)
    got = load_overrides(path)
    assert got[["review_id", "cause"]].values.tolist() == [["r1", "other"], ["r2", "poor_quality"]]


def test_a_row_that_cannot_be_split_is_an_error_not_dropped(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text('review_id,cause\nr1,other\n"r2,poor_quality\n')
    with pytest.raises(DataFileError, match="labels.csv: row 3"):
        load_overrides(path)
