"""The notebooks: committed without outputs, and each runs top to bottom headless (nbclient) on data/samples/."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
EXPLORER_NOTEBOOKS = {"shop_overview", "negative_review_causes", "product_ratings", "review_labelling"}
STRIP = (
    "clear them: .venv/bin/jupyter nbconvert --clear-output --inplace --ClearMetadataPreprocessor.enabled=True "
    "--ClearMetadataPreprocessor.preserve_nb_metadata_mask=kernelspec"
)
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def test_the_explorer_notebooks_exist():
    assert {p.stem for p in NOTEBOOKS} >= EXPLORER_NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), f"{path.name} has outputs: {STRIP} {path}"
    assert "widgets" not in nb.metadata, f"{path.name} carries saved widget state: {STRIP} {path}"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), "start with an introduction"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem in EXPLORER_NOTEBOOKS], ids=lambda p: p.stem)
def test_explorer_notebook_runs_headless(path: Path, tmp_path: Path):
    # run a copy, so that nothing (checkpoints, saved state) lands in the repository
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    nb = nbformat.read(copy, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # the app is the last cell's result: a widget view
    assert WIDGET_MIME in nb.cells[-1].outputs[-1].get("data", {})
    # the widget state holds the charts the app drew (Altair's default renderer: HTML with the Vega-Lite spec)
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    shown = [o for m in state.values() for o in m.get("state", {}).get("outputs", [])]
    assert not shown or any("vega" in str(o.get("data", {})) for o in shown)


def test_report_template_runs_headless(tmp_path: Path):
    """The report template (rendered by `shop-health report`) runs with its default parameters too."""
    path = REPO / "notebooks" / "shop_health_report.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
