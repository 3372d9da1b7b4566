"""A fleet in parts (toolkit.parts): split by shop, loaded, classified and rendered part by part, it gives what the
whole load gives: the same load report, classification, rates, pages and index; exports it cannot split exactly
are read whole, and it says why."""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from toolkit.cli import main
from toolkit.parts import Parts, fleet_analysis
from toolkit.paths import SAMPLES_DIR
from toolkit.pipeline import Analysis, analyse
from toolkit.render import render_reports
from toolkit.report import fleet_figures
from toolkit.settings import Settings
from toolkit.source import DataSource

PART = 1 << 20  # bytes of exports per part: the fleets below split into several parts
TABLES = ("orders", "reviews", "products", "chats")


def _fleet(folder: Path, copies: int) -> Path:
    """The samples ``copies`` times under new shop ids, with rows the loader sets aside or must read carefully."""
    folder.mkdir()
    for table in TABLES:
        frame = pd.read_csv(SAMPLES_DIR / f"{table}.csv", dtype=str, keep_default_na=False)
        frames = [frame] + [frame.assign(shop_id=frame["shop_id"] + f"~r{k}") for k in range(1, copies)]
        frame = pd.concat(frames, ignore_index=True)
        if table == "orders":
            odd = frame.iloc[[0, 0, 5, 9]].copy()  # an exact duplicate, then three odd rows
            odd.iloc[1, odd.columns.get_loc("created_at")] = "not a date"
            odd.iloc[2, odd.columns.get_loc("shop_id")] = f"  {odd.iloc[2]['shop_id']} "  # the same shop, spaced
            odd.iloc[3, odd.columns.get_loc("variant")] = 'a "quoted"\nline break'
            odd.iloc[[1, 3], odd.columns.get_loc("order_id")] = ["O-bad-date", "O-newline"]
            frame = pd.concat([frame.iloc[:100], odd, frame.iloc[100:]], ignore_index=True)
        if table == "reviews":
            odd = frame.iloc[[3, 4]].copy()
            odd["review_id"] = ["R-unknown-order", "R-rating-9"]
            odd.iloc[0, odd.columns.get_loc("order_id")] = "O-nowhere"
            odd.iloc[1, odd.columns.get_loc("rating")] = "9"
            frame = pd.concat([frame, odd], ignore_index=True)
        frame.to_csv(folder / f"{table}.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def fleet(tmp_path_factory) -> Path:
    return _fleet(tmp_path_factory.mktemp("parts") / "fleet", 3)


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def test_a_fleet_in_parts_counts_what_the_whole_load_counts(fleet):
    source, settings = DataSource(data_dir=str(fleet), use_default_labels=False), Settings()
    whole = analyse(source, settings)
    with fleet_analysis(source, settings, part_bytes=PART) as parts:
        assert isinstance(parts, Parts) and len(parts.files) >= 3
        assert parts.shops == whole.shops and parts.settings == whole.settings
        assert parts.report.to_frame().equals(whole.data.report.to_frame())  # every row of every file, as a whole
        assert parts.report.derived == whole.data.report.derived and parts.warnings == whole.warnings
        pieces = list(parts.analyses())
        assert all(p.data.report is parts.report for p in pieces)
        shops = [p.shops for p in pieces]
        assert sorted(s for names in shops for s in names) == whole.shops  # a shop is in one part only
        classified = pd.concat([p.classified for p in pieces])
        keys = ["shop_id", "review_id"]
        assert _sorted(classified, keys).equals(_sorted(whole.classified, keys))
        aside = pd.concat([p.data.set_aside for p in pieces]).astype(str)
        keys = list(aside.columns)
        assert _sorted(aside, keys).equals(_sorted(whole.data.set_aside.astype(str), keys))
        now = pd.concat([fleet_figures(p)["now"] for p in pieces])
    assert _sorted(now, ["shop_id"]).equals(_sorted(fleet_figures(whole)["now"], ["shop_id"]))
    aside = whole.data.set_aside.set_index("value")["reason"]
    assert aside.filter(like="not a date").str.startswith("created_at").all()  # the odd rows were set aside
    assert {"O-nowhere", "9"} <= set(aside.index)


def test_the_date_order_is_decided_once_on_every_row(tmp_path, fleet):
    """Only one shop's dates show the order (day first); every part reads its dates that way, as the whole does."""
    mapping = (Path(__file__).parents[1] / "toolkit" / "mappings" / "canonical.toml").read_text()
    mapping = mapping.replace("dayfirst = true", "dayfirst = false") + "\n[regions.US]\ndayfirst = false\n"
    mapping_file = tmp_path / "mapping.toml"
    mapping_file.write_text(mapping.replace('name = "canonical"', 'name = "regional"'))
    folder = tmp_path / "fleet"
    folder.mkdir()
    for table in TABLES:
        frame = pd.read_csv(fleet / f"{table}.csv", dtype=str, keep_default_na=False)
        if table in ("orders", "reviews"):
            mine = frame["shop_id"] == "shop-hover~r2"
            when = pd.to_datetime(frame.loc[mine, "created_at"], utc=True)
            frame.loc[mine, "created_at"] = when.dt.strftime("%d/%m/%Y %H:%M:%S")
        frame.to_csv(folder / f"{table}.csv", index=False)
    source = DataSource(data_dir=str(folder), mapping=str(mapping_file), use_default_labels=False)
    whole = analyse(source, Settings())
    assert any("day first (e.g." in line for line in whole.data.report.derived)
    with fleet_analysis(source, Settings(), part_bytes=PART) as parts:
        assert isinstance(parts, Parts)
        assert parts.report.derived == whole.data.report.derived
        assert parts.report.to_frame().equals(whole.data.report.to_frame())


def test_the_reports_of_a_fleet_in_parts_are_those_of_the_whole(tmp_path):
    fleet = _fleet(tmp_path / "fleet", 2)
    source, settings = DataSource(data_dir=str(fleet), use_default_labels=False), Settings(as_of=date(2026, 10, 31))
    whole = render_reports(analyse(source, settings), out=tmp_path / "whole", progress=False)
    with fleet_analysis(source, settings, part_bytes=PART) as parts:
        assert isinstance(parts, Parts)
        split = render_reports(parts, out=tmp_path / "parts", progress=False)
    assert not whole.failed and not split.failed and whole.rendered.keys() == split.rendered.keys()
    assert split.index.read_text() == whole.index.read_text()
    cell_id = re.compile(r'id="cell-id=[0-9a-f]+"')  # papermill's random id of the parameters cell
    for shop, page in whole.rendered.items():
        assert cell_id.sub("", split.rendered[shop].read_text()) == cell_id.sub("", page.read_text()), shop


def test_the_cli_renders_a_large_fleet_in_parts_and_leaves_no_scratch(tmp_path, monkeypatch, fleet, capsys):
    monkeypatch.setattr("toolkit.parts.PART_BYTES", PART)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    loaded = []
    real = Parts.analyses
    monkeypatch.setattr(Parts, "analyses", lambda self: (loaded.append(p) or p for p in real(self)))
    argv = ["report", "--all", "--data", str(fleet), "--as-of", "2026-10-31", "--out", str(tmp_path / "out")]
    assert main([*argv, "--no-labels", "--workers", "2"]) == 0
    assert len(loaded) >= 3  # rendered part by part
    pages = list((tmp_path / "out" / "2026-10-31").glob("*.html"))
    assert len(pages) == 21 + 1  # every shop, and the index
    assert not list(tmp_path.glob("shop-health-*"))  # the parts and the run's scratch are gone
    err = capsys.readouterr().err
    assert "rows set aside" in err and f"21 shops done in {len(loaded)} parts" in err


@pytest.mark.parametrize(
    ("spoil", "why"),
    [
        (lambda data: data.replace(b"\n", b"\r\n"), "CR line endings"),
        (lambda data: b"Order export 2026-10\n" + data, "lines above its header"),
        (lambda data: data.replace(b"\nO000050,", b"\nO000050,extra,", 1), "does not split"),
        (lambda data: data + data.splitlines()[-1] + b",extra\n", "does not split"),  # in the last block
        (lambda data: data + data.splitlines()[-1] + b"caf\xe9\n", "not plain UTF-8"),  # cp1252
        (lambda data: data.replace(b",variant\n", b",variant\xe9\n", 1), "not plain UTF-8"),  # in the header
    ],
)
def test_exports_it_cannot_split_exactly_are_read_whole_and_it_says_why(tmp_path, fleet, spoil, why):
    folder = tmp_path / "fleet"
    folder.mkdir()
    for table in TABLES:
        data = (fleet / f"{table}.csv").read_bytes()
        (folder / f"{table}.csv").write_bytes(spoil(data) if table == "orders" else data)
    source = DataSource(data_dir=str(folder), use_default_labels=False)
    with fleet_analysis(source, Settings(), part_bytes=PART) as analysis:
        assert isinstance(analysis, Analysis)
        assert any("read whole" in w and why in w for w in analysis.warnings), analysis.warnings
        assert analysis.data.report.files[0].rows_read > 30_000  # every row still accounted for


def test_a_small_fleet_is_one_analysis(fleet):
    with fleet_analysis(DataSource(data_dir=str(fleet), use_default_labels=False)) as analysis:
        assert isinstance(analysis, Analysis) and not any("read whole" in w for w in analysis.warnings)


def test_the_olist_tables_are_read_whole_and_it_says_why(olist_dir):
    source = DataSource(data_dir=str(olist_dir / "random-sample"), preset="olist", use_default_labels=False)
    with fleet_analysis(source, Settings(), part_bytes=PART) as analysis:
        assert isinstance(analysis, Analysis) and len(analysis.shops) > 1000
        assert any("read whole" in w and "joined across files" in w for w in analysis.warnings)


def _rule_mapping(folder: Path) -> str:
    text = (Path(__file__).parents[1] / "toolkit" / "mappings" / "canonical.toml").read_text()
    text = text.replace('name = "canonical"', 'name = "custom"')
    text = text.replace("[orders]\n", '[orders]\ncolumns.shop_id = ["shop_id", "seller"]\n')
    text = text.replace("[reviews]\n", '[reviews]\ncolumns.shop_id = ["shop_id", "seller"]\n')
    rules = "".join(
        f'[[orders.status_rules]]\nstatus = "returned"\ncolumn = "{c}"\nis = ["x"]\n' for c in ("rule_a", "rule_b")
    )
    (folder / "mapping.toml").write_text(
        text.replace("[orders.values.order_status]", rules + "[orders.values.order_status]")
    )
    return str(folder / "mapping.toml")


def _second_shop_column(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Every 7th row names its shop only in a second column (as Amazon's, Lazada's and TikTok's mappings allow)."""
    if table in ("orders", "reviews"):
        frame["seller"] = frame["shop_id"]
        frame.loc[frame.index % 7 == 0, "shop_id"] = "  "
    return frame


def _rules_in_some_shops(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Two status rules, each met by one shop's rows only: each part says its own, the report says both in order."""
    if table == "orders":
        frame["rule_a"] = frame["rule_b"] = ""
        frame.loc[(frame["shop_id"] == "shop-healthy~r2").to_numpy().nonzero()[0][:5], "rule_a"] = "x"
        frame.loc[(frame["shop_id"] == "shop-hover").to_numpy().nonzero()[0][:5], "rule_b"] = "x"
    return frame


@pytest.mark.parametrize(
    ("change", "write"),
    [
        (_second_shop_column, {}),
        (_rules_in_some_shops, {}),
        (lambda table, frame: frame, {"sep": ";"}),  # the reader's note of the delimiter is kept
        (lambda table, frame: frame, {"encoding": "utf-8-sig"}),  # Excel's "CSV UTF-8", with a byte-order mark
    ],
)
def test_exports_read_in_parts_give_the_whole_load_report(tmp_path, fleet, change, write):
    folder = tmp_path / "fleet"
    folder.mkdir()
    for table in TABLES:
        frame = change(table, pd.read_csv(fleet / f"{table}.csv", dtype=str, keep_default_na=False))
        frame.to_csv(folder / f"{table}.csv", index=False, **write)
    source = DataSource(data_dir=str(folder), mapping=_rule_mapping(tmp_path), use_default_labels=False)
    whole = analyse(source, Settings())
    with fleet_analysis(source, Settings(), part_bytes=PART) as parts:
        assert isinstance(parts, Parts), parts.warnings
        assert parts.shops == whole.shops
        assert parts.report.to_frame().equals(whole.data.report.to_frame())
        assert parts.report.derived == whole.data.report.derived
        pieces = list(parts.analyses())
        aside = pd.concat([p.data.set_aside for p in pieces]).astype(str)
    assert sum(len(p.shops) for p in pieces) == len(whole.shops)  # a shop is in one part, however its rows name it
    keys = list(aside.columns)
    assert _sorted(aside, keys).equals(_sorted(whole.data.set_aside.astype(str), keys))


def test_one_shops_exports_are_not_split_and_need_no_warning():
    """A marketplace's own export is one shop's (it names none): however large, there is nothing to split."""
    folder = Path(__file__).parent / "fixtures" / "exports" / "tiktok-id"
    source = DataSource(
        orders=str(folder / "orders.csv"), reviews=str(folder / "reviews.csv"), preset="tiktok-seller-center"
    )
    with fleet_analysis(source, Settings(tz="Asia/Jakarta"), part_bytes=1) as analysis:
        assert isinstance(analysis, Analysis) and len(analysis.shops) == 1
        assert not any("read whole" in w for w in analysis.warnings)
