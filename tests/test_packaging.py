"""The declared environment and the docs agree with the code."""

from __future__ import annotations

import re
import tomllib

import yaml

from toolkit.model import markdown_tables

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
    for dep in env["dependencies"]:
        if isinstance(dep, str):
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
