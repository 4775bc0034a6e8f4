"""The files the documented command examples name (docs/cli.md), laid out in a folder.

Used by the contract tests and by the smoke test of an installed wheel (.ci/smoke_installed.py),
which runs the same examples outside the source tree.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
#: The password the examples of ``panmun users`` read on standard input.
PASSWORD = "correct horse battery staple\n"
#: Commands whose examples act on the account ``kim``, which must exist first.
NEEDS_ACCOUNT = {"users remove", "users role", "users token"}
#: The plan the example of ``panmun roadmap check`` reads (admissible on its start date).
FIRST_STEPS = """name: first-steps
title: Test moratorium, a summit and military talks (from 2019-01)
start: 2019-01
schedule:
  - {step: nuclear-test-moratorium, at: 2019-01}
  - {step: us-dprk-summit, at: 2019-01}
  - {step: general-level-military-talks, at: 2019-01}
  - {step: restore-communication-channels, at: 2019-02}
"""


def lay_out(folder: Path) -> None:
    """Copy the example files into ``folder`` under the names the examples use."""
    ingest = FIXTURES / "ingest"
    with zipfile.ZipFile(folder / "20160728.export.CSV.zip", "w") as z:
        z.write(ingest / "gdelt1_sample.tsv", "20160728.export.CSV")
    with zipfile.ZipFile(folder / "20170701000000.export.CSV.zip", "w") as z:
        z.write(ingest / "gdelt2_from_gdelt1_sample.tsv", "20170701000000.export.CSV")
    for source, name in (("icews_from_kb_2018.tsv", "events.2016.tab"),
                         ("polecat_from_plover_gsr.tsv", "ngecEvents.20230101.txt"),
                         ("acled_post2023.csv", "acled-korea.csv"), ("team_events.csv", "events.csv")):
        shutil.copy(ingest / source, folder / name)
    shutil.copy(FIXTURES / "cns_user_sample.csv", folder / "north_korea_missile_test_database.csv")
    shutil.copytree(FIXTURES / "overlays" / "worked", folder / "my-overlay")
    for name in ("actors.csv", "plan.yaml"):
        shutil.copy(FIXTURES / "cli" / name, folder / name)
    # `panmun roadmap check`: a plan that keeps every rule as of its start (2019-01)
    (folder / "first-steps.yaml").write_text(FIRST_STEPS, encoding="utf-8")
    # `panmun update`: GDELT 2.0 exports with their index files, as carried in on removable media
    shutil.copytree(FIXTURES / "update" / "gdeltv2", folder / "downloads")
    # `panmun kb update`: a release of the knowledge base (the data package `panmun kb package` writes)
    shutil.copytree(_release(), folder / "release")


@functools.cache
def _release() -> Path:
    """The built-in knowledge base as a release, written once per process (removed when it ends)."""
    from panmun.kb.package import write_datapackage

    folder = Path(tempfile.mkdtemp(prefix="panmun-example-release-"))
    atexit.register(shutil.rmtree, folder, True)
    return write_datapackage(folder / "release").parent
