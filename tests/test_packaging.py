"""The declared environment and the docs agree with the code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib

import yaml

from toolkit.schema import markdown_tables

from .conftest import REPO


def _name(requirement: str) -> str:
    return re.split(r"[<>=\[ ]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    conda_names = {"duckdb": "python-duckdb", "pandera[pandas]": "pandera"}
    wanted = {}
    for requirement in project["dependencies"]:
        name, bound = re.match(r"([A-Za-z0-9_.\-\[\]]+)(.*)", requirement.replace(" ", "")).groups()
        wanted[conda_names.get(name, name)] = bound
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    have = {}
    pip_only = [d for dep in env["dependencies"] if isinstance(dep, dict) for d in dep["pip"] if d[0] != "-"]
    for dep in [d for d in env["dependencies"] if isinstance(d, str)] + pip_only:  # pip: not on conda-forge
        name, bound = re.match(r"([A-Za-z0-9_.\-]+)(.*)", dep.replace(" ", "")).groups()
        if name not in ("python", "pip"):
            have[name] = bound
    assert have == wanted


def test_readme_documents_the_data_model():
    readme = (REPO / "README.md").read_text()
    section = readme.split("<!-- model:start -->\n", 1)[1].split("<!-- model:end -->", 1)[0]
    assert section == markdown_tables()


def test_readme_quick_start_is_two_commands():
    readme = (REPO / "README.md").read_text()
    block = readme.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == ["make run", "make test"]


def test_a_plain_install_works_from_an_empty_folder(tmp_path):
    """`pip install .` (not editable): samples, template, mappings and model come from the installed package."""
    site, work = tmp_path / "site", tmp_path / "empty"
    work.mkdir()
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            site,
            REPO,
        ],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    env = {**os.environ, "PYTHONPATH": str(site)}
    cli = [sys.executable, "-m", "toolkit.cli"]
    where = subprocess.run(
        [sys.executable, "-c", "import toolkit; print(toolkit.__file__)"],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(site))  # the installed copy, not this checkout
    validate = subprocess.run([*cli, "validate"], env=env, cwd=work, capture_output=True, text=True)
    assert validate.returncode == 0 and "usable: 16,519 order lines" in validate.stdout, validate.stderr
    report = subprocess.run(
        [*cli, "report", "--shop", "shop-quality", "--as-of", "2026-10-31", "--workers", "1"],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
    )
    assert report.returncode == 0, report.stderr[-2000:]
    (html,) = (work / "reports" / "2026-10-31").glob("shop-quality-*.html")
    assert "shop-quality" in html.read_text() and (work / "reports" / "2026-10-31" / "index.html").is_file()
    assert sorted(p.name for p in work.iterdir()) == ["reports"]  # nothing else written into the working folder
