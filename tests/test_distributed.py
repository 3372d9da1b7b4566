"""Spark as the engine of the per-shop work: classifying and rendering with the shops partitioned across executors
give what one machine gives (on a local Spark session, ``local[2]``)."""

from __future__ import annotations

import re
import shutil
from datetime import date

import nbformat
import pandas as pd
import pytest

from toolkit._distributed import shop_groups
from toolkit.cli import main
from toolkit.errors import ParameterError
from toolkit.parts import Parts, fleet_analysis
from toolkit.pipeline import analyse
from toolkit.render import TEMPLATE, render_reports, safe_name
from toolkit.settings import Settings
from toolkit.source import DataSource

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
]
AS_OF = date(2026, 10, 31)


@pytest.fixture(scope="module", autouse=True)
def spark():
    pytest.importorskip("pyspark")
    if not shutil.which("java"):
        pytest.skip("Spark needs a Java runtime (apt-get install default-jre-headless)")
    from toolkit.rates._engines import spark_session

    yield spark_session()


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    """The sample shops with two corrections: what a labels file says must reach the executors."""
    labels = tmp_path_factory.mktemp("labels") / "labels.csv"
    reviews = analyse(DataSource(use_default_labels=False), Settings(AS_OF)).classified
    picked = reviews[reviews["cause"].eq("poor_quality")].head(2)
    labels.write_text("review_id,cause\n" + "".join(f"{r},product_safety\n" for r in picked["review_id"]))
    return DataSource(labels=str(labels))


@pytest.fixture(scope="module")
def samples(corrected):
    return analyse(corrected, Settings(AS_OF))


def test_shop_groups_hold_every_shop_once_and_balance_the_rows():
    sizes = pd.Series({f"s{i}": (i * 7919) % 97 + 1 for i in range(50)})
    groups = shop_groups(sizes, 4)
    assert sorted(s for g in groups for s in g) == sorted(sizes.index)
    loads = [int(sizes[g].sum()) for g in groups]
    assert len(groups) == 4 and max(loads) - min(loads) <= sizes.max()
    assert shop_groups(sizes.iloc[:2], 8) == [["s1"], ["s0"]]  # never an empty group


def test_classifying_on_spark_equals_one_process(samples, corrected):
    spark = analyse(corrected, Settings(AS_OF), engine="spark")
    pd.testing.assert_frame_equal(spark.classified, samples.classified)
    assert samples.classified["responsibility"].eq("logistics").any()  # order facts reached the executors
    assert samples.classified["source"].eq("override").sum() == 2  # and the corrections


def test_classifying_real_olist_reviews_on_spark_equals_one_process(olist_dir):
    source = DataSource(data_dir=str(olist_dir / "random-sample"), preset="olist", use_default_labels=False)
    settings = Settings(date(2018, 8, 31))
    local = analyse(source, settings)
    spark = analyse(source, settings, engine="spark")
    pd.testing.assert_frame_equal(spark.classified, local.classified)
    assert local.classified["shop_id"].nunique() > 1000


def _pages(folder) -> dict[str, object]:
    """Each file's content, less what differs between any two runs: the random id papermill gives its parameters
    cell, and an executed notebook's timings (only its cells' outputs are kept)."""
    pages = {}
    for p in sorted(folder.iterdir()):
        if p.suffix == ".ipynb":
            pages[p.name] = [c.get("outputs") for c in nbformat.read(p, as_version=4).cells]
        else:
            pages[p.name] = re.sub(r"cell-id=[0-9a-f]+", "", p.read_text())
    return pages


def test_reports_rendered_on_spark_equal_those_rendered_here(tmp_path, samples):
    shops = ["shop-quality", "shop-logistics", "shop-tiny"]
    options = {"shops": shops, "progress": False, "keep_notebooks": True}
    here = render_reports(samples, out=tmp_path / "here", workers=2, **options)
    spark = render_reports(samples, out=tmp_path / "spark", engine="spark", **options)
    assert sorted(spark.rendered) == sorted(shops) and not spark.failed
    pages = _pages(spark.out_dir)
    assert pages == _pages(here.out_dir)
    assert {f"{safe_name(s)}.{ext}" for s in shops for ext in ("html", "ipynb")} < set(pages)
    assert [p.name for p in spark.out_dir.glob(".*")] in ([], [".lock"])  # no staging or half file left


def test_a_fleet_in_parts_renders_on_spark_as_it_does_here(tmp_path, samples):
    shops = ["shop-quality", "shop-logistics", "shop-tiny"]
    here = render_reports(samples, shops=shops, out=tmp_path / "here", workers=2, progress=False)
    with fleet_analysis(samples.source, samples.settings, engine="spark", part_bytes=1 << 20) as parts:
        assert isinstance(parts, Parts) and len(parts.files) > 1  # classified on Spark, part by part
        spark = render_reports(parts, shops=shops, out=tmp_path / "spark", engine="spark", progress=False)
    assert sorted(spark.rendered) == sorted(shops) and not spark.failed
    assert _pages(spark.out_dir) == _pages(here.out_dir)


def test_a_shop_failing_on_an_executor_is_reported_and_the_others_render(tmp_path, samples):
    template = tmp_path / "template.ipynb"
    nb = nbformat.read(TEMPLATE, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell('if shop_id == "shop-tiny":\n    raise RuntimeError("boom")'))
    nbformat.write(nb, template)
    shops = ["shop-tiny", "shop-healthy"]
    result = render_reports(samples, shops=shops, out=tmp_path, progress=False, template=template, engine="spark")
    assert list(result.rendered) == ["shop-healthy"] and "boom" in result.failed["shop-tiny"]
    assert "report failed" in result.index.read_text()


def test_cli_classify_and_report_on_spark(tmp_path, capsys):
    base = ["--as-of", "2026-10-31", "--no-labels"]
    for engine in ("local", "spark"):
        assert main(["classify", *base, "--engine", engine, "--out", str(tmp_path / f"{engine}.csv")]) == 0
    assert (tmp_path / "local.csv").read_bytes() == (tmp_path / "spark.csv").read_bytes()
    out = tmp_path / "reports"
    assert main(["report", "--shop", "shop-spike", "shop-hover", *base, "--engine", "spark", "--out", str(out)]) == 0
    assert "2 report(s)" in capsys.readouterr().out
    assert (out / "2026-10-31" / f"{safe_name('shop-spike')}.html").exists()


def test_an_unknown_engine_is_a_clear_error():
    with pytest.raises(ParameterError, match="did you mean 'spark'"):
        analyse(DataSource(), Settings(AS_OF), engine="sprak")


def test_spark_without_pyspark_is_one_clear_line(monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # as if PySpark were not installed
    assert main(["classify", "--as-of", "2026-10-31", "--no-labels", "--engine", "spark"]) == 2
    assert "needs PySpark (pip install 'shop-review-health[spark]')" in capsys.readouterr().err
