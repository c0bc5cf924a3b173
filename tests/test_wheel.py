"""The wheel a user installs: it carries the check SQL, and the sandbox's web stack is only an extra."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from warehouse.checks import CHECKS_DIR

ROOT = Path(__file__).resolve().parents[1]
SANDBOX_WEB_STACK = ("ariadne", "starlette", "uvicorn")


def _uv() -> list[str]:
    """uv as the Makefile finds it: on PATH, else as a module of the machine's python3."""
    found = shutil.which("uv")
    return [found] if found else ["python3", "-m", "uv"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    environment = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    built = subprocess.run(
        [*_uv(), "build", "--wheel", "--out-dir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=240,
    )
    assert built.returncode == 0, built.stderr
    [path] = out.glob("centra_elt-*.whl")
    return zipfile.ZipFile(path)


def test_the_wheel_carries_every_check_sql_file(wheel: zipfile.ZipFile) -> None:
    shipped = {name for name in wheel.namelist() if name.startswith("warehouse/check_queries/")}
    in_the_package = {f"warehouse/check_queries/{entry.name}" for entry in CHECKS_DIR.iterdir()}

    assert {name for name in in_the_package if name.endswith(".sql")}, "no check SQL in the package"
    assert {name for name in in_the_package if name.endswith(".sql")} <= shipped
    assert not any(
        name.startswith("queries/") for name in wheel.namelist()
    )  # analyst SQL is not package data


def test_the_sandbox_web_stack_is_an_extra_not_a_requirement(wheel: zipfile.ZipFile) -> None:
    [metadata_name] = [name for name in wheel.namelist() if name.endswith(".dist-info/METADATA")]
    metadata = Parser().parsestr(wheel.read(metadata_name).decode("utf-8"))
    requirements = metadata.get_all("Requires-Dist") or []

    unconditional = {
        requirement.split(";")[0].strip() for requirement in requirements if ";" not in requirement
    }
    named = {_name(requirement) for requirement in unconditional}
    assert {"prefect", "dlt"} <= named  # the runtime stack is there
    assert not named & set(SANDBOX_WEB_STACK)
    for package in SANDBOX_WEB_STACK:
        assert any(_name(r) == package and "extra == 'sandbox'" in r for r in requirements), package
    assert "sandbox" in (metadata.get_all("Provides-Extra") or [])


def test_the_development_environment_has_the_sandbox_web_stack() -> None:
    """`uv sync --frozen` (make install, .ci/run) installs the locked dev group, which pulls in the extra."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    [project] = [package for package in lock["package"] if package["name"] == "centra-elt"]
    assert {"name": "centra-elt", "extra": ["sandbox"]} in project["dev-dependencies"]["dev"]
    for package in SANDBOX_WEB_STACK:
        assert importlib.util.find_spec(package) is not None, package


def _name(requirement: str) -> str:
    for stop in "[<>=!~; ":
        requirement = requirement.split(stop)[0]
    return requirement.strip().lower()
