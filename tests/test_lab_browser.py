"""Real browser: JupyterLab serving a copy of notebooks/, driven by Debian's Chromium through Playwright.

Opens the overview notebook, runs all cells from the Run menu, changes the shop dropdown and checks that the
headline figures and the SNRR chart changed. Skips locally where Chromium or Playwright is missing and fails in CI
(see tests/browser.py). The server gets a free port on 127.0.0.1, no token, a temporary root, settings and
workspace folders, and is always terminated; the browser may only talk to it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser import ARGS, chromium
from tests.conftest import REPO

START_TIMEOUT = 60  # seconds for the server to answer
RUN_TIMEOUT = 180_000  # ms for the notebook's cells (loading and classifying the samples) and the widgets


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"jupyter lab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"jupyter lab did not answer on {url} within {START_TIMEOUT} s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on a free port over a temporary copy of notebooks/; yields its base URL."""
    root = tmp_path / "notebooks"
    shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    port = free_port()
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    log = tmp_path / "lab.log"
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--IdentityProvider.token=",  # ServerApp.token, deprecated since jupyter_server 2
        "--ServerApp.password=",
        "--ServerApp.ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        command.append("--allow-root")
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/api/status", proc, log)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def artefact_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ARTEFACTS", tmp_path / "artefacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sync_api_timeout() -> type[Exception]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    return PlaywrightTimeout


def drive_overview(page, lab: str, shots: Path) -> None:
    page.goto(f"{lab}/lab/tree/shop_overview.ipynb")
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    # the kernel is started and connected (the status bar says so), then Run > Run All Cells
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=RUN_TIMEOUT)
    started = (
        "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].some(p => /\\[[*0-9]/.test(p.innerText))"
    )
    for attempt in range(3):  # a click that lands while the notebook is still settling can be lost: retry, bounded
        page.locator(".lm-MenuBar-item", has_text="Run").first.click()
        page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
        try:
            page.wait_for_function(started, timeout=15_000)
            break
        except sync_api_timeout():
            if attempt == 2:
                raise

    headline = page.locator(".srh-headline").first
    headline.wait_for(timeout=RUN_TIMEOUT)
    trend = page.locator(".srh-trend").first
    drawn = ".srh-trend .vega-embed canvas, .srh-trend .vega-embed svg"
    page.wait_for_selector(drawn, timeout=RUN_TIMEOUT)  # the chart is drawn, not only sent
    before_text, before_chart = headline.inner_text(), trend.inner_html()
    assert "shop-quality" in before_text and "SNRR" in before_text

    picker = page.locator(".widget-dropdown", has_text="shop").locator("select").first
    label = next(t for t in picker.locator("option").all_inner_texts() if t.startswith("shop-logistics"))
    picker.select_option(label=label)  # options read "shop · status", sorted by risk
    page.wait_for_function(
        "() => (document.querySelector('.srh-headline') || {innerText: ''}).innerText.includes('shop-logistics')",
        timeout=60_000,
    )
    after_text = headline.inner_text()
    assert after_text != before_text and "shop-logistics" in after_text
    # the chart output is replaced by its own widget message, just after the headline's
    changed = "(old) => document.querySelector('.srh-trend').innerHTML !== old"
    page.wait_for_function(changed, arg=before_chart, timeout=60_000)
    page.wait_for_selector(drawn, timeout=60_000)
    assert trend.inner_html() != before_chart
    trend.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "lab_overview.png"), full_page=True)


def test_overview_notebook_in_jupyterlab(lab, tmp_path):
    sync_api, executable = chromium()
    shots = artefact_dir(tmp_path)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            # the browser may only talk to the server under test
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(lab) else route.abort())
            page.set_default_timeout(60_000)
            try:
                drive_overview(page, lab, shots)
            except Exception:
                page.screenshot(path=str(shots / "lab_overview_failure.png"), full_page=True)
                raise
        finally:
            browser.close()
