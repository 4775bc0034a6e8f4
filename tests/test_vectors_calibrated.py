"""The built-in record's calibration shipped with the package is the one its record gives."""

from __future__ import annotations

import panmun
from panmun.vectors.calibrated import expected_files
from panmun.vectors.posterior import SHIPPED, cached_file


def test_the_shipped_files_are_those_of_the_builtin_record(db_path):
    store = panmun.open_store(db_path)
    try:
        wanted = set(expected_files(store))
    finally:
        store.close()
    shipped = {p.name for p in SHIPPED.glob("*.npz")}
    assert wanted <= shipped, ("the built-in record changed: run `python -m panmun.vectors.calibrated` to "
                               f"recompute its shipped calibration (missing: {sorted(wanted - shipped)})")
    assert shipped <= wanted, f"stale shipped files: {sorted(shipped - wanted)}"


def test_a_shipped_file_is_found_after_the_users_cache_and_never_when_the_cache_is_off(monkeypatch, tmp_path):
    name = next(SHIPPED.glob("*.npz")).name
    monkeypatch.setenv("PANMUN_VECTORS_CACHE", str(tmp_path))
    assert cached_file(name) == SHIPPED / name
    (tmp_path / name).write_bytes(b"")
    assert cached_file(name) == tmp_path / name
    monkeypatch.setenv("PANMUN_VECTORS_CACHE", "off")
    assert cached_file(name) is None
