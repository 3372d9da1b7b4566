"""Batch runs are isolated and atomic (issue 12 item 1): concurrent runs into one folder, killed runs, scratch, PII.

Each test runs the real command in its own process (with its own TMPDIR, so its scratch can be found), because
what is tested is what happens to processes and files when a batch is interrupted.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from toolkit.paths import SAMPLES_DIR
from toolkit.render import STAGING_PREFIX, safe_name

psutil = pytest.importorskip("psutil")

AS_OF = "2026-10-31"
CLI = str(Path(sys.executable).with_name("shop-health"))
SHOPS = ["shop-quality", "shop-spike", "shop-healthy"]
PII = ["budi.santoso@example.com", "812-0000-1234", "Jl. Merdeka No. 12", "123.456.789-09"]


def _data_with_pii(folder: Path) -> Path:
    """The sample shops, with personal data written into some of shop-quality's negative reviews."""
    folder.mkdir()
    for table in ("orders", "products", "chats"):
        shutil.copy(SAMPLES_DIR / f"{table}.csv", folder / f"{table}.csv")
    reviews = pd.read_csv(SAMPLES_DIR / "reviews.csv", dtype=str, keep_default_na=False)
    mine = reviews.index[(reviews["shop_id"] == "shop-quality") & reviews["rating"].isin(["1", "2"])][-20:]
    reviews.loc[mine, "review_text"] = (
        "barang rusak, hubungi budi.santoso@example.com / +62 812-0000-1234, alamat Jl. Merdeka No. 12, "
        "CPF 123.456.789-09"
    )
    reviews.to_csv(folder / "reviews.csv", index=False)
    return folder


def _env(tmp: Path) -> dict[str, str]:
    tmp.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(tmp)}


def _report(data: Path, out: Path, *extra: str) -> list[str]:
    return [CLI, "report", "--data", str(data), "--as-of", AS_OF, "--out", str(out), "--no-labels", *extra]


def _statuses_in_index(index: str) -> dict[str, str]:
    rows = re.findall(r'<a href="([^"]+)">[^<]*</a></td><td><span class=\'status status-(\w+)', index)
    return {href: status for href, status in rows}


def test_two_concurrent_runs_into_one_folder_never_mix(tmp_path):
    """Two runs with different targets write into one folder at once: the index always matches the pages."""
    data = _data_with_pii(tmp_path / "data")
    out = tmp_path / "out"
    runs = [
        subprocess.Popen(
            _report(data, out, "--shop", *SHOPS, "--target", target, "--workers", "1"),
            env=_env(tmp_path / f"tmp{i}"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, target in enumerate(["1%", "6%"])
    ]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    folder = out / AS_OF
    in_index = _statuses_in_index((folder / "index.html").read_text())
    assert sorted(in_index) == sorted(f"{safe_name(s)}.html" for s in SHOPS)
    statuses = set()
    for page, status in in_index.items():
        html = (folder / page).read_text()
        shown = re.search(r"<span class=\"status status-(\w+)\"", html).group(1)
        assert shown == status, page  # the page is the one the index describes
        target = re.search(r"target ([\d.]+%)", html).group(1)
        statuses.add(target)
    assert len(statuses) == 1  # all pages from one run (1.0% or 6.0%), never a mix
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == [".lock"]
    for i in range(2):
        assert list((tmp_path / f"tmp{i}").glob("shop-health-run-*")) == []


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_killed_batch_leaves_no_scratch_no_processes_and_no_pii(tmp_path, how):
    data = _data_with_pii(tmp_path / "data")
    out, tmp = tmp_path / "out", tmp_path / "tmp"
    proc = subprocess.Popen(
        _report(data, out, "--all", "--workers", "2"),
        env=_env(tmp),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    folder = out / AS_OF
    deadline = time.time() + 240
    while time.time() < deadline and not list(folder.glob(f"{STAGING_PREFIX}*/*.html")):
        assert proc.poll() is None, "the batch ended before it could be killed"
        time.sleep(0.1)
    assert list(folder.glob(f"{STAGING_PREFIX}*/*.html")), "no report was rendered in time"
    assert list(tmp.glob("shop-health-run-*/slices*/*.pkl"))  # the scratch is outside the output, per shop
    children = psutil.Process(proc.pid).children(recursive=True)
    assert any("toolkit._child" in " ".join(c.cmdline()) for c in children)  # the kernels
    proc.send_signal(how)
    proc.wait(timeout=60)
    _gone, alive = psutil.wait_procs(children, timeout=20)
    assert alive == [], [c.cmdline() for c in alive]
    assert list(tmp.glob("shop-health-run-*")) == []
    assert list(folder.glob(f"{STAGING_PREFIX}*")) == [] and list(folder.glob(".*.tmp")) == []
    assert not (folder / "index.html").exists()  # nothing of the killed run was published
    time.sleep(2)  # anything still running would write now
    for path in out.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert not any(p in text for p in PII), path
    # the next run works and publishes a whole, consistent set
    done = subprocess.run(_report(data, out, "--shop", "shop-quality"), env=_env(tmp), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    page = (folder / f"{safe_name('shop-quality')}.html").read_text()
    assert page.rstrip().endswith("</html>") and "[email]" in page and not any(p in page for p in PII)


def test_notebooks_only_when_asked(tmp_path):
    data = _data_with_pii(tmp_path / "data")
    out = tmp_path / "out"
    done = subprocess.run(
        _report(data, out, "--shop", "shop-quality", "--keep-notebooks"),
        env=_env(tmp_path / "tmp"),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    notebook = (out / AS_OF / f"{safe_name('shop-quality')}.ipynb").read_text()
    assert "[email]" in notebook and not any(p in notebook for p in PII)
