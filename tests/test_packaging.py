"""The distributions: every file of the package is in the wheel (which is built from the sdist).

A user on a closed network installs panmun from a wheel, not from a clone, so a data file
left out of the wheel breaks the tool there and nowhere else. The test builds the sdist and,
from it, the wheel (``python -m build``, with the setuptools already installed, so no
network), from a copy of the source tree, and compares the wheel's files with the files of
``src/panmun``: every data file (knowledge base, code tables, the CNS database and the
SOURCE.txt notes beside them, templates, static files, scenarios, packages, constraints) and
every module must be there.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "src" / "panmun"
COPIED = ("src", "pyproject.toml", "README.md", "LICENSE", "LICENSE-DATA.md", "MANIFEST.in")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")


def package_files() -> set[str]:
    """Every file of the source package, as its path in the wheel (``panmun/...``)."""
    return {"panmun/" + p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    tree = tmp_path_factory.mktemp("tree")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=IGNORED)
        else:
            shutil.copy(source, tree / name)
    out = tree / "dist"
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(tree)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "deprecat" not in (done.stdout + done.stderr).lower(), "the build warns of a deprecation"
    return out


@pytest.mark.slow
def test_the_wheel_holds_every_file_of_the_package(dist):
    (wheel,) = dist.glob("panmun-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(package_files() - names)
    assert not missing, f"files of src/panmun missing from the wheel: {missing[:20]}"
    data = [n for n in package_files() if not n.endswith(".py")]
    assert any(n.startswith("panmun/ingest/data/") for n in data)   # the shipped CNS database
    assert {"panmun/py.typed", "panmun/ingest/data/SOURCE.txt"} <= names


def test_the_wheel_carries_the_licences_and_no_stray_files(dist):
    (wheel,) = dist.glob("panmun-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    licences = {n.split("/licenses/", 1)[1] for n in names if "/licenses/" in n}
    assert {"LICENSE", "LICENSE-DATA.md", "src/panmun/ingest/data/SOURCE.txt"} <= licences
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".duckdb"))]
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("/METADATA"))).decode()
    assert "License-Expression: Apache-2.0 AND CC-BY-SA-4.0" in metadata
    assert "Typing :: Typed" in metadata


def test_the_sdist_holds_the_package(dist):
    (sdist,) = dist.glob("panmun-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {"src/" + n for n in package_files()} <= names
    assert {"pyproject.toml", "LICENSE", "LICENSE-DATA.md", "MANIFEST.in"} <= names
