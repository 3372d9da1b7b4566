"""Per-shop reports: end-to-end rendering of the samples, offline and safe HTML, failures and atomic reruns."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from toolkit import load_shop_data, rates
from toolkit.causes import classify_reviews
from toolkit.cli import main
from toolkit.pipeline import analyse
from toolkit.privacy import redact
from toolkit.render import TEMPLATE, atomic_write, render_reports, safe_name
from toolkit.report import pct
from toolkit.settings import Settings
from toolkit.source import DataSource

from .browser import open_page

AS_OF = date(2026, 10, 31)
SETTINGS = Settings(AS_OF)


def _analysis(**source):
    return analyse(DataSource(use_default_labels=False, **source), SETTINGS)


@pytest.fixture(scope="module")
def samples():
    return _analysis()


FETCHING = re.compile(
    r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(https?:|//)|url\(\s*["']?(https?:|//)|@import""", re.I
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, samples):
    out = tmp_path_factory.mktemp("reports")
    return render_reports(samples, out=out, workers=2, progress=False)


def test_safe_names_never_leave_the_folder_and_never_clash():
    ids = ["../../etc/passwd", "a/b", "a-b", "A B", "", ".", "..", "con", "x" * 300, "tokó 😀", "shop\n<script>"]
    names = [safe_name(i) for i in ids]
    assert len(set(names)) == len(ids)
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9_-]+-[0-9a-f]{8}", name) and len(name) <= 69


def test_atomic_write_never_leaves_half_a_file(tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    atomic_write(target, "old")

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_every_sample_shop_renders_offline_and_small(rendered):
    shops = sorted(set(load_shop_data().orders["shop_id"]))
    assert sorted(rendered.rendered) == shops and not rendered.failed
    index = rendered.index.read_text()
    for shop, path in rendered.rendered.items():
        html = path.read_text()
        assert path.name == f"{safe_name(shop)}.html" and f'href="{path.name}"' in index
        assert not path.with_suffix(".ipynb").exists()  # not kept by default (issue 12: nothing beside the report)
        assert not FETCHING.search(html), FETCHING.search(html)
        assert path.stat().st_size < 3_000_000
        assert html.count('class="srh-chart"') >= 4
        assert "<script>" in html and "<script src=" not in html  # the Vega runtime inlined by default
        for section in (
            "Alerts",
            "Rates",
            "Trend",
            "Key contributors",
            "Products to fix first",
            "Data quality",
            "Appendix",
        ):
            assert f"<h2>{section}" in html


def test_figures_in_the_html_equal_the_rates_module(rendered):
    data = load_shop_data()
    classified = classify_reviews(data.reviews, data.orders, data.chats, as_of=AS_OF)
    expected = rates.shop_rates(data.orders, data.reviews, rates.RateConfig(as_of=AS_OF), classified)
    for row in expected.itertuples(index=False):
        html = rendered.rendered[row.shop_id].read_text()
        shown = re.search(r'<strong class="snrr">([^<]+)</strong>', html).group(1)
        assert shown == pct(row.snrr), row.shop_id
        counts = f"{int(row.seller_negative_reviews)} seller-related negatives / {int(row.delivered_orders)} delivered"
        assert counts in html


def test_index_ranks_shops_by_risk(rendered):
    index = rendered.index.read_text()
    statuses = re.findall(r"status status-(\w+)", index)
    order = {"above_target": 0, "above_strict": 1, "ok": 2, "no_orders": 3}
    assert statuses == sorted(statuses, key=order.get)
    assert sorted(p.name for p in rendered.out_dir.iterdir() if p.name.startswith(".")) == [".lock"]


def test_report_in_a_real_browser_offline(rendered):
    path = rendered.rendered["shop-quality"]
    with open_page(path) as page:
        assert page.locator("div.srh-chart svg").count() >= 4
        mark = page.locator("div.srh-chart").first.locator("path.mark-symbol, g.mark-symbol path").first
        mark.scroll_into_view_if_needed()
        box = mark.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_selector("#vg-tooltip-element.visible", timeout=5000)
        assert "SNRR" in page.locator("#vg-tooltip-element").inner_text()
        page.screenshot(path=str(Path(os.environ.get("ARTEFACTS", path.parent)) / "report.png"), full_page=True)
        assert page.errors == [] and page.requests == []


PAYLOADS = [
    "<script>document.title='pwned';fetch('http://127.0.0.1:9/x')</script>",
    "<img src=x onerror=\"document.title='pwned'\">",
    "javascript:document.title='pwned'",
    "datum.x || (document.title = 'pwned')",
    "{{constructor.constructor('document.title=1')()}}",
]


def _hostile_data(folder: Path) -> None:
    """A tiny shop whose every text field is an attack; its id has quotes and a newline too."""
    shop = "evil\"'\n<b>shop</b>\u202egnp.exe"
    rows = []
    for i, payload in enumerate(PAYLOADS):
        rows.append((f"o{i}", f"r{i}", f"p{i}<svg onload=alert(1)>", payload))
    orders = pd.DataFrame(
        {
            "order_id": [r[0] for r in rows],
            "shop_id": shop,
            "product_id": [r[2] for r in rows],
            "order_status": "delivered",
            "created_at": "2026-10-01T10:00:00Z",
            "shipped_at": "2026-10-02T10:00:00Z",
            "ship_by": "2026-10-03T10:00:00Z",
            "delivered_at": "2026-10-10T10:00:00Z",
        }
    )
    reviews = pd.DataFrame(
        {
            "review_id": [r[1] for r in rows],
            "order_id": [r[0] for r in rows],
            "shop_id": shop,
            "product_id": [r[2] for r in rows],
            "rating": 1,
            "review_text": [
                f"barang rusak {r[3]} call me +62 812-0000-1234 budi@example.com, Jl. Kenanga No. 7, "
                "NIK 3174051507900003 \u2067hidden\u2069"
                for r in rows
            ],
            "created_at": "2026-10-12T10:00:00Z",
            "seller_reply": [r[3] for r in rows],
        }
    )
    orders.to_csv(folder / "orders.csv", index=False)
    reviews.to_csv(folder / "reviews.csv", index=False)


def test_hostile_text_never_executes_and_pii_is_redacted(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    _hostile_data(data_dir)
    result = render_reports(_analysis(data_dir=data_dir), out=tmp_path / "out", workers=1, progress=False)
    assert not result.failed, result.failed
    (path,) = result.rendered.values()
    html = path.read_text()
    assert "<script>document.title" not in html and "<img src=x" not in html and "<svg onload" not in html
    assert "budi@example.com" not in html and "812-0000-1234" not in html and "[email]" in html
    assert "Kenanga" not in html and "3174051507900003" not in html and "[address]" in html and "[id]" in html
    for shown in (html, result.index.read_text()):
        assert not any(c in shown for c in "\u202e\u2067\u2069") and "[U+202E]" in shown
    for page_path in (path, result.index):
        with open_page(page_path) as page:
            assert page.title().startswith("Review health")
            assert page.requests == [] and page.errors == []
            if page_path == path:
                assert page.locator("div.srh-chart svg").count() >= 1
                assert "evil" in page.locator("h1").inner_text()
                assert "[U+202E]gnp.exe" in page.locator("h1").inner_text()  # shown as written, not reversed
            else:
                assert "[U+202E]gnp.exe" in page.locator("table a").first.inner_text()


def test_pii_can_be_kept(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    _hostile_data(data_dir)
    result = render_reports(
        _analysis(data_dir=data_dir), out=tmp_path / "out", workers=1, progress=False, redact_pii=False
    )
    assert "budi@example.com" in next(iter(result.rendered.values())).read_text()
    assert redact("x@y.io +1 (555) 010-9999 @someone") == "[email] [number] [handle]"


def test_one_failing_shop_does_not_stop_the_others(tmp_path, samples):
    template = tmp_path / "template.ipynb"
    nb = nbformat.read(TEMPLATE, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell('if shop_id == "shop-tiny":\n    raise RuntimeError("boom")'))
    nbformat.write(nb, template)
    result = render_reports(
        samples, shops=["shop-tiny", "shop-healthy"], out=tmp_path, workers=2, progress=False, template=template
    )
    assert list(result.rendered) == ["shop-healthy"]
    assert "boom" in result.failed["shop-tiny"]
    assert "report failed" in result.index.read_text()
    assert not (result.out_dir / f"{safe_name('shop-tiny')}.html").exists()


def test_cli_exit_status_is_1_when_a_shop_fails(tmp_path, monkeypatch, capsys):
    import toolkit.render

    def flaky(shop_id, *args, **kwargs):
        raise RuntimeError("kernel died")

    monkeypatch.setattr(toolkit.render, "render_one", flaky)
    monkeypatch.setattr(toolkit.render, "ProcessPoolExecutor", _InlineExecutor)
    code = main(["report", "--shop", "shop-tiny", "--as-of", "2026-10-31", "--out", str(tmp_path)])
    assert code == 1 and "FAILED shop-tiny: RuntimeError: kernel died" in capsys.readouterr().err
    assert not (tmp_path / "2026-10-31" / f"{safe_name('shop-tiny')}.html").exists()
    assert "report failed" in (tmp_path / "2026-10-31" / "index.html").read_text()


class _InlineExecutor:
    """Runs submitted tasks in this process (so a monkeypatch applies)."""

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def submit(self, fn, *args):
        from concurrent.futures import Future

        future = Future()
        future.set_result(fn(*args))
        return future


def test_in_report_selection_works_without_widgets(rendered):
    """Clicking an area in the cause chart's legend picks out its causes: Altair selections, no ipywidgets."""
    with open_page(rendered.rendered["shop-spike"]) as page:
        charts = page.locator("div.srh-chart")
        pareto = next(
            charts.nth(i) for i in range(charts.count()) if "Causes of negative" in charts.nth(i).inner_text()
        )
        pareto.scroll_into_view_if_needed()

        def opacities():
            return pareto.locator("g.mark-rect path").evaluate_all("els => els.map(e => e.getAttribute('opacity'))")

        assert set(opacities()) <= {None, "1"}
        pareto.locator("g.role-legend-symbol path").first.click()
        page.wait_for_timeout(300)
        after = opacities()
        assert "0.25" in after and "1" in after
        assert page.errors == [] and page.requests == []


def test_shared_assets_one_runtime_file_beside_the_reports(tmp_path, samples):
    """--shared-assets: each report loads the one Vega file next to it (named by its hash), offline, charts drawn."""
    from toolkit.offline_html import vega_file_name

    result = render_reports(
        samples, shops=["shop-quality", "shop-tiny"], out=tmp_path, workers=1, progress=False, shared_assets=True
    )
    runtime = result.out_dir / vega_file_name()
    assert runtime.stat().st_size > 500_000
    for path in result.rendered.values():
        html = path.read_text()
        assert f'<script src="{runtime.name}"></script>' in html and path.stat().st_size < 200_000
    with open_page(result.rendered["shop-quality"]) as page:
        assert page.locator("div.srh-chart svg").count() >= 4
        assert page.errors == [] and page.requests == []


def test_a_correction_moves_the_report(tmp_path, samples):
    """The report reads the pipeline's attribution: a carrier-blamed negative corrected to a product cause counts."""
    from toolkit import report

    base = report.build("shop-logistics", SETTINGS, analysis=samples)
    classified = samples.classified.merge(samples.data.reviews[["shop_id", "review_id", "rating", "created_at"]])
    carrier = classified[
        (classified["shop_id"] == "shop-logistics")
        & (classified["responsibility"] == "logistics")
        & (classified["rating"] <= 2)
        & (classified["created_at"] >= pd.Timestamp("2026-10-02", tz="UTC"))
    ]
    labels = tmp_path / "labels.csv"
    pd.DataFrame({"review_id": carrier["review_id"].head(2), "cause": "poor_quality"}).to_csv(labels, index=False)
    fixed = report.build("shop-logistics", SETTINGS, analysis=_analysis(labels=str(labels)))
    before, after = base.row["seller_negative_reviews"], fixed.row["seller_negative_reviews"]
    assert after == before + 2
    assert pct(fixed.row["snrr"]) in report.headline(fixed) and pct(fixed.row["snrr"]) != pct(base.row["snrr"])


def test_the_batch_figures_of_each_shop_equal_those_of_the_shop_alone(samples):
    """A batch computes the rates, trend, alerts and projections of every shop in one pass and gives each report its
    shop's rows: each shop's slice must show what that shop's report computes on its own data."""
    from toolkit.report import FLEET_FIGURES, build, fleet_figures

    batch = replace(samples, figures=fleet_figures(samples))
    assert set(batch.figures) == set(FLEET_FIGURES)
    shown = {"episodes": 0, "projection": 0}
    for shop_id, one in batch.by_shop():
        alone = build(shop_id, SETTINGS, analysis=replace(one, figures={}))
        sliced = build(shop_id, SETTINGS, analysis=one)
        for name in FLEET_FIGURES:
            mine, theirs = getattr(alone, name), getattr(sliced, name)
            if mine.empty and theirs.empty:
                assert list(mine.columns) == list(theirs.columns), (shop_id, name)
                continue
            pd.testing.assert_frame_equal(theirs, mine, obj=f"{shop_id} {name}")
            shown[name] = shown.get(name, 0) + 1
    assert shown["episodes"] and shown["projection"]  # the samples exercise both, not only empty tables
    # a slice made for other settings is not used: the report computes its own figures
    other = SETTINGS.replace(window_days=14)
    _, one = next(batch.by_shop(["shop-quality"]))
    o, r, a = one.tables()
    expected = rates.shop_rates(o, r, other, a, shops=["shop-quality"])["delivered_orders"].iloc[0]
    assert expected != one.figures["now"]["delivered_orders"].iloc[0]
    assert build("shop-quality", other, analysis=one).now["delivered_orders"].iloc[0] == expected


def test_every_chart_of_every_sample_report_is_valid_vega_lite(samples, monkeypatch):
    """Reports skip Altair's schema validation (toolkit.offline_html.chart_html); this is where it happens."""
    from toolkit import report

    seen, real = [], report.chart_html
    monkeypatch.setattr(report, "chart_html", lambda chart: seen.append(chart) or real(chart))
    for shop_id in samples.shops:
        rep = report.build(shop_id, SETTINGS, analysis=samples)
        for section in report.SECTIONS:
            section(rep)
    assert len(seen) >= 5 * len(samples.shops)
    for chart in seen:
        chart.to_dict(validate=True)  # raises on a spec the Vega-Lite schema rejects
