"""Real-browser helper: Debian's Chromium driven by Playwright, with the network off.

Where Chromium or Playwright is missing the browser tests skip locally, but fail in CI (``CI`` is set there):
`.ci/run` installs Chromium, so a missing browser in CI is a broken setup, not a reason to pass.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"browser test cannot run in CI: {reason}")
    pytest.skip(f"browser test skipped: {reason}")


def chromium():
    """(playwright module, executable path), or skip/fail."""
    try:
        from playwright import sync_api
    except ImportError:
        _unavailable("playwright is not installed")
    if not Path(CHROMIUM).exists():
        _unavailable("Debian's chromium is not installed (apt-get install chromium)")
    return sync_api, CHROMIUM


@contextmanager
def open_page(path: Path, offline: bool = True):
    """Open a local file; the page gets ``.errors`` (console errors, page errors) and ``.requests`` (non-file URLs)."""
    sync_api, executable = chromium()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)
        try:
            context = browser.new_context(offline=offline)
            page = context.new_page()
            page.errors, page.requests = [], []
            page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: page.errors.append(str(e)))
            page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else page.requests.append(r.url))
            page.goto(Path(path).resolve().as_uri())
            page.wait_for_load_state("load")
            if page.locator("div.srh-chart").count():
                page.wait_for_selector("div.srh-chart svg", timeout=15000)
            yield page
        finally:
            browser.close()
