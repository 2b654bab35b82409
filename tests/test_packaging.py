"""The built wheel carries the stylesheets, the built-in drills, the rulebook and the policy."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> set[str]:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is needed to build the wheel")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([uv, "build", "--wheel", "--out-dir", str(out), str(REPO)], check=True, capture_output=True)
    wheel = next(out.glob("dutydrill-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_wheel_has_every_stylesheet(wheel_names):
    for path in (REPO / "tui" / "styles").glob("*.tcss"):
        assert f"tui/styles/{path.name}" in wheel_names


def test_wheel_has_the_builtin_drills_and_schema(wheel_names):
    for path in (REPO / "scenarios").rglob("*.yaml"):
        assert str(path.relative_to(REPO)) in wheel_names
    assert "scenarios/scenario.schema.json" in wheel_names


def test_wheel_has_the_rulebook_and_policies(wheel_names):
    for path in (REPO / "knowledge" / "rulebook").rglob("*"):
        if path.is_file():
            assert str(path.relative_to(REPO)) in wheel_names
