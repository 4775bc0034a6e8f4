"""The briefing's sections, reused while what they read is unchanged.

A section is computed once per date and *generation* of the store tables it reads
(:mod:`panmun.store.generation`), and kept in a folder beside the store
(``<store file>.cache/briefing/``, one pickle file per section and date). The next
briefing for the same date reuses it when

* the same code and data files are installed (a digest of the size and modification time
  of every file of the panmun package: editing or upgrading panmun recomputes everything),
* it is computed on the same day (nothing a section shows then depends on the clock), and
* every store table the section read has the same generation: a knowledge-base load, a
  status update or an ingest recomputes only the sections that read the tables it changed.

Which tables a section reads is recorded, not declared: while a section is computed its
store is given a connection that notes every store table named in the SQL it runs
(:class:`_Recorder`). A section that reads nothing from the store (the three-vector
scenarios) is reused until the date or the code changes.

Pickle files execute code when loaded: the cache is as trusted as the store beside it (whoever
can write there can change the store too). A file that cannot be read is recomputed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from panmun.report.section import Section
from panmun.store.db import Store
from panmun.store.generation import generation, store_tables

Builder = Callable[[Store, dt.date], Section]
#: Dates kept per section (the oldest cached dates of a section are removed beyond it).
KEEP_DATES = 8


@dataclass(frozen=True)
class SectionTiming:
    """One section of a briefing: its id, the wall seconds it took, and whether it was reused."""

    section: str
    seconds: float
    reused: bool


def cache_folder(store: Store) -> Path | None:
    """The folder of a store's briefing cache (None for a store in memory)."""
    if not store.path or store.path == ":memory:":
        return None
    path = Path(store.path)
    return path.with_name(path.name + ".cache") / "briefing"


def code_digest(root: Path | None = None) -> str:
    """A digest of the path, size and modification time of every file under ``root``
    (default: the installed panmun package, code and data; ``__pycache__`` left out)."""
    root = root or Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            stat = os.stat(os.path.join(folder, name))
            rel = os.path.relpath(os.path.join(folder, name), root)
            digest.update(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class _Recorder:
    """A DuckDB connection that notes every store table named in the SQL run through it."""

    def __init__(self, con, tables: Sequence[str]):
        self._con = con
        self._pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in tables) + r")\b", re.IGNORECASE)
        self.read: set[str] = set()

    def _note(self, sql: object) -> None:
        if isinstance(sql, str):
            self.read.update(m.lower() for m in self._pattern.findall(sql))

    def execute(self, sql, *args, **kwargs):
        self._note(sql)
        return self._con.execute(sql, *args, **kwargs)

    def executemany(self, sql, *args, **kwargs):
        self._note(sql)
        return self._con.executemany(sql, *args, **kwargs)

    def sql(self, sql, *args, **kwargs):
        self._note(sql)
        return self._con.sql(sql, *args, **kwargs)

    def query(self, sql, *args, **kwargs):
        self._note(sql)
        return self._con.query(sql, *args, **kwargs)

    def table(self, name, *args, **kwargs):
        self._note(name)
        return self._con.table(name, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def _file(folder: Path, builder: Builder, at: dt.date) -> Path:
    return folder / f"{builder.__module__}.{builder.__qualname__}@{at.isoformat()}.pickle"


def _load(path: Path) -> tuple[dict, Section] | None:
    """The (key, section) stored at ``path``, or None if there is none or it cannot be read."""
    try:
        with path.open("rb") as fh:
            key, section = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return (key, section) if isinstance(key, dict) and isinstance(section, Section) else None


def _save(path: Path, key: dict, section: Section) -> None:
    """Write atomically (a temporary file renamed over the old one); keep the newest dates."""
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with part.open("wb") as fh:
            pickle.dump((key, section), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(part, path)
        stem = path.name.split("@")[0]
        older = sorted(path.parent.glob(f"{stem}@*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in older[KEEP_DATES:]:
            old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        # a read-only folder, or data pickle cannot write: the briefing is made all the same
        part.unlink(missing_ok=True)


def build_section(store: Store, at: dt.date, builder: Builder, *, code: str, today: dt.date,
                  tables: Sequence[str], folder: Path | None) -> tuple[Section, bool]:
    """The section ``builder`` makes at ``at``: from the cache when still valid, else computed
    (and cached). Returns the section and whether it was reused."""
    path = _file(folder, builder, at) if folder is not None else None
    if path is not None:
        stored = _load(path)
        if stored is not None:
            key, section = stored
            if (key.get("code") == code and key.get("today") == today
                    and key.get("generation") == generation(store, key.get("tables", ()), at)):
                return section, True
    recorder = _Recorder(store.con, tables)
    # _Recorder stands in for the DuckDB connection (it forwards what Store calls); store/db.py
    # declares the connection's class, so this needs an ignore until it names a protocol
    section = builder(Store(recorder, store.path), at)  # type: ignore[arg-type]
    if path is not None:
        read = tuple(sorted(recorder.read))
        key = {"code": code, "today": today, "tables": read, "generation": generation(store, read, at)}
        _save(path, key, section)
    return section, False


def build_sections(store: Store, at: dt.date, builders: Sequence[Builder], *, cache: bool = True,
                   timings: list[SectionTiming] | None = None) -> list[Section]:
    """Every section of a briefing at ``at``, in order; ``cache=False`` computes them all
    (and caches nothing). The time each took is appended to ``timings`` when given."""
    folder = cache_folder(store) if cache else None
    code = code_digest() if folder is not None else ""
    tables = store_tables(store)
    today = dt.date.today()
    sections = []
    for builder in builders:
        started = time.perf_counter()
        section, reused = build_section(store, at, builder, code=code, today=today, tables=tables,
                                        folder=folder)
        sections.append(section)
        if timings is not None:
            timings.append(SectionTiming(section.id, round(time.perf_counter() - started, 3), reused))
    return sections
