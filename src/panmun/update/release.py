"""``panmun kb update``: load a newer release of the built-in knowledge base, in one transaction.

A release is the data package ``panmun kb package`` writes (:mod:`panmun.kb.package`), from a
folder or an http(s) address. Before anything is written it is checked completely:

1. its digest: the sha256 of ``datapackage.json`` must be the one published with it
   (``--sha256``, else ``datapackage.json.sha256`` beside it);
2. every table file against the size and sha256 the descriptor lists (``release.tables``);
3. every row against this panmun's Table Schemas (types, vocabularies, ranges, keys, foreign
   keys: :mod:`.tableschema`);
4. the records rebuilt from the tables (agreements with their provisions, implementation
   changes, events, actors, positions) against the knowledge base's own schemas and
   cross-checks (:func:`panmun.kb.checks.check`), together with the installed rules,
   measures, issues, codings, capabilities, steps and publisher registry that the analyses
   will read beside them;
5. the store: analysts' status changes and overlays must still find the provisions they name,
   and an overlay's ids must not clash with the release's.

Then the built-in origin ``kb`` is replaced by the release's records, with an audit row and a
row in ``kb_releases``, in one transaction (:func:`panmun.store.load` does the replacing):
overlays and analysts' changes stay. The ``loads`` row keeps the digest of the installed
built-in files, so opening the store does not reload them over the release; installing a
newer panmun, whose built-in files differ, loads those again (run ``panmun kb update`` again
if the release is newer still).
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pydantic

from panmun.errors import InputError, NotFoundError, Problem, StoreError
from panmun.store.db import Store
from panmun.update.download import FetchError, NotPublished, Unreachable, download, file_digest
from panmun.update.errors import OfflineError, PackageError
from panmun.update.tableschema import Row, check_foreign_keys, check_table, read_rows

#: The tables a release must hold because the store loads them.
LOADED = ("agreements", "provisions", "implementation", "events", "actors", "positions")
DESCRIPTOR = "datapackage.json"
HEX64 = re.compile(r"^[0-9a-f]{64}$")
#: Problems listed at most (the count of the rest is given).
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class Release:
    """A release whose digests have been checked."""

    folder: Path
    source: str                 # the file or address it came from, as given
    digest: str                 # sha256 of datapackage.json
    version: str
    record_through: dt.date | None
    kb_digest: str
    tables: dict[str, str] = field(default_factory=dict)   # table name -> its file name


@dataclass
class KbUpdateResult:
    """What ``panmun kb update`` did."""

    source: str
    loaded: bool
    version: str
    record_through: dt.date | None
    digest: str
    previous_record_through: dt.date | None
    counts: dict[str, int] = field(default_factory=dict)
    kept_overlay_rows: int = 0
    kept_analyst_changes: int = 0
    note: str | None = None

    def as_dict(self) -> dict:
        return {"source": self.source, "loaded": self.loaded, "version": self.version,
                "record_through": self.record_through, "digest": self.digest,
                "previous_record_through": self.previous_record_through, **self.counts,
                "kept_overlay_rows": self.kept_overlay_rows,
                "kept_analyst_changes": self.kept_analyst_changes, "note": self.note}


def kb_update(store: Store, source: str, *, sha256: str | None = None, allow_older: bool = False,
              who: str | None = None, timeout: float = 60.0, work_dir: Path | None = None) -> KbUpdateResult:
    """Check the release at ``source`` (a folder, its ``datapackage.json``, or an http(s) address of it)
    and load it (see the module's description)."""
    from panmun.update.lock import update_lock

    if sha256 is not None and not HEX64.match(sha256.strip().lower()):
        raise InputError(f"--sha256 {sha256!r} is not a sha256 digest (64 hexadecimal digits)")
    temporary = None
    try:
        if urlsplit(source).scheme in ("http", "https"):
            temporary = Path(tempfile.mkdtemp(prefix="panmun-kb-release-", dir=work_dir))
            release = fetch_release(source, temporary, sha256, timeout)
        else:
            release = open_release(source, sha256)
        with update_lock(store.path):
            return load_release(store, release, allow_older=allow_older, who=who)
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)


def open_release(source: str, sha256: str | None) -> Release:
    """A release in a folder (or named by its ``datapackage.json``), its digests checked."""
    path = Path(source)
    if path.is_dir():
        path = path / DESCRIPTOR
    if not path.is_file():
        raise NotFoundError(f"no data package at {source!r} (expected {DESCRIPTOR} or a folder holding it)")
    sidecar = path.with_name(path.name + ".sha256")
    published = sha256
    if published is None and sidecar.is_file():
        published = _sidecar_digest(sidecar.read_text("utf-8", "replace"))
    return check_digests(path, source, published)


def fetch_release(url: str, folder: Path, sha256: str | None, timeout: float) -> Release:
    """Download a release (its descriptor, digest file and tables) into ``folder`` and check its digests."""
    try:
        descriptor = download(url, folder / DESCRIPTOR, timeout=timeout, resume=False).path
        published = sha256
        if published is None:
            try:
                sidecar = download(url + ".sha256", folder / (DESCRIPTOR + ".sha256"), timeout=timeout,
                                   resume=False).path
                published = _sidecar_digest(sidecar.read_text("utf-8", "replace"))
            except NotPublished:
                published = None
        _check_descriptor_digest(descriptor, url, published)
        for name in _table_files(_descriptor(descriptor)).values():
            download(urljoin(url, name), folder / name, timeout=timeout, resume=False)
    except Unreachable as exc:
        raise OfflineError(f"the release at {url}: {exc}",
                           hint="Without a network, copy the release folder in and give --from FOLDER."
                           ) from None
    except FetchError as exc:
        raise StoreError(f"the release at {url} could not be fetched: {exc}; nothing was loaded",
                         hint="Try again later, or copy the release folder in and give --from FOLDER."
                         ) from None
    return check_digests(descriptor, url, published)


def _sidecar_digest(text: str) -> str | None:
    first = text.split()
    return first[0].lower() if first else None


def _check_descriptor_digest(path: Path, source: str, published: str | None) -> str:
    if published is None:
        raise InputError(f"{source}: no published digest to check the release against",
                         hint="Give --sha256 HEX as published with the release, or keep "
                              "datapackage.json.sha256 (written by `panmun kb package`) beside "
                              "datapackage.json.")
    actual = file_digest(path, "sha256")
    if actual != published.lower():
        raise PackageError([Problem(DESCRIPTOR, None, None,
                                    f"sha256 digest mismatch: expected {published.lower()}, got {actual}")])
    return actual


def _descriptor(path: Path) -> dict:
    try:
        descriptor = json.loads(path.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise PackageError([Problem(DESCRIPTOR, None, None, f"not JSON: {exc}")]) from None
    release = descriptor.get("release") if isinstance(descriptor, dict) else None
    if not isinstance(release, dict) or not isinstance(release.get("tables"), dict):
        raise PackageError([Problem(DESCRIPTOR, None, "release",
                                    "no release metadata (version, record_through, kb_digest, tables): "
                                    "not a release written by `panmun kb package`")])
    return descriptor


def _table_files(descriptor: dict) -> dict[str, str]:
    """Table name -> file name, for every table the release lists (plain file names only)."""
    files = {}
    for name in descriptor["release"]["tables"]:
        if not re.fullmatch(r"[a-z_]+\.csv", str(name)):
            raise PackageError([Problem(DESCRIPTOR, None, "release.tables",
                                        f"{name!r} is not a table file name")])
        files[name.removesuffix(".csv")] = name
    return files


def check_digests(path: Path, source: str, published: str | None) -> Release:
    """Steps 1 and 2: the descriptor's digest and every table's size and sha256."""
    digest = _check_descriptor_digest(path, source, published)
    descriptor = _descriptor(path)
    release = descriptor["release"]
    files = _table_files(descriptor)
    problems = [Problem(DESCRIPTOR, None, "release.tables", f"the release lacks the table {t}.csv")
                for t in LOADED if t not in files]
    for file in files.values():
        table = path.parent / file
        listed = release["tables"][file]
        if not table.is_file():
            problems.append(Problem(file, None, None, "listed in the release but not in its folder"))
            continue
        size, sha = table.stat().st_size, file_digest(table, "sha256")
        if not isinstance(listed, dict) or listed.get("sha256") != sha or listed.get("bytes") != size:
            expected = listed.get("sha256") if isinstance(listed, dict) else None
            problems.append(Problem(file, None, None, f"sha256 digest mismatch: expected {expected}, "
                                                      f"got {sha} ({size:,} bytes)"))
    try:
        through = dt.date.fromisoformat(release["record_through"]) if release.get("record_through") else None
    except (TypeError, ValueError):
        problems.append(Problem(DESCRIPTOR, None, "release.record_through", "not a date (YYYY-MM-DD)"))
        through = None
    if not isinstance(release.get("kb_digest"), str) or not HEX64.match(release.get("kb_digest", "")):
        problems.append(Problem(DESCRIPTOR, None, "release.kb_digest", "not a sha256 digest"))
    if problems:
        raise PackageError(problems)
    return Release(path.parent, source, digest, str(release.get("version") or ""), through,
                   release["kb_digest"], files)


def release_records(release: Release):
    """Steps 3 and 4: the release's rows checked and rebuilt as knowledge-base records, checked
    with the installed records the analyses read beside them. Raises :class:`PackageError`."""
    from panmun.kb.checks import check
    from panmun.kb.files import builtin_root
    from panmun.kb.loader import KnowledgeBase, read_folder
    from panmun.kb.package import table_schemas

    schemas = table_schemas()
    tables: dict[str, list[Row]] = {}
    problems: list[Problem] = []
    for name, file in release.tables.items():
        if name not in schemas:
            continue     # a table a newer panmun writes: not loaded, not checked
        try:
            header, rows = read_rows(release.folder / file)
        except (UnicodeDecodeError, csv.Error) as exc:
            problems.append(Problem(file, None, None, f"cannot be read as UTF-8 CSV: {exc}"))
            continue
        problems += check_table(file, header, rows, schemas[name])
        tables[name] = rows
    problems += check_foreign_keys(tables, schemas)
    _raise(problems)
    installed, _ = read_folder(builtin_root(), builtin=True)
    kb = KnowledgeBase(root=str(release.folder), digest=release.kb_digest)
    problems += _rebuild(kb, tables)
    for name in ("zones", "rules", "measures", "issues", "codings", "capabilities", "steps", "publishers"):
        setattr(kb, name, getattr(installed, name))
    _raise(problems)
    problems += check(kb)
    _raise(problems)
    return kb


def _raise(problems: list[Problem]) -> None:
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            shown.append(Problem(DESCRIPTOR, None, None, f"... and {more} more problem(s)"))
        raise PackageError(shown)


def _none(value: str) -> str | None:
    return value if value != "" else None


def _list(value: str) -> list[str]:
    return [v for v in value.split(";") if v]


def _json_cell(value: str, file: str, line: int, name: str, problems: list[Problem]) -> list:
    """A cell holding a JSON list (empty: an empty list); a problem if it is not one."""
    try:
        found = json.loads(value) if value else []
    except ValueError:
        found = None
    if not isinstance(found, list):
        problems.append(Problem(file, line, name, "not a JSON list"))
        return []
    return found


def _source(row: dict) -> dict:
    return {"url": row["source_url"], "date": _none(row.get("source_date", "")),
            "title": _none(row.get("source_title", ""))}


def _rebuild(kb, tables: dict[str, list[Row]]) -> list[Problem]:
    """The records of the six loaded tables, with their places (file and line) for the checks."""
    from panmun.kb.loader import Where
    from panmun.kb.schema import Actor, Agreement, Event, Position, StatusChange

    problems: list[Problem] = []
    provisions: dict[str, list[Row]] = {}
    for line, row in tables["provisions"]:
        provisions.setdefault(row["agreement_id"], []).append((line, row))
    for line, row in tables["agreements"]:
        own = provisions.get(row["id"], [])
        for pline, p in own:
            if p["id"] != f"{row['id']}/{p['article']}":
                problems.append(Problem("provisions.csv", pline, "id",
                                        f"{p['id']!r} is not {row['id']}/{p['article']}"))
        data = {"id": row["id"], "title": row["title"], "short_title": _none(row["short_title"]),
                "title_ko": _none(row["title_ko"]), "date": row["date"], "place": _none(row["place"]),
                "parties": _list(row["parties"]),
                "signatories": _json_cell(row["signatories"], "agreements.csv", line, "signatories",
                                          problems),
                "summary": row["summary"], "note": _none(row["note"]),
                "sources": _json_cell(row["sources"], "agreements.csv", line, "sources", problems),
                "provisions": [{"article": p["article"], "title": _none(p["title"]),
                                "title_ko": _none(p.get("title_ko", "")), "summary": p["summary"],
                                "vector": p["vector"], "parties": _list(p["parties"]),
                                "confidence": p["confidence"] or "verified", "note": _none(p["note"]),
                                "sources": _json_cell(p["sources"], "provisions.csv", pline, "sources",
                                                      problems)}
                               for pline, p in own]}
        try:
            agreement = Agreement.model_validate(data)
        except pydantic.ValidationError as exc:
            problems += _record_problems(exc, "agreements.csv", line, own)
            continue
        kb.agreements[agreement.id] = agreement
        kb.where[("agreement", agreement.id)] = Where("agreements.csv", line)
        for (pline, _), prov in zip(own, agreement.provisions, strict=True):
            kb.where[("provision", agreement.provision_id(prov.article))] = Where("provisions.csv", pline)
    makers = (("implementation", StatusChange, lambda r: {
                  "provisions": [r["provision_id"]], "date": r["date"],
                  "score": _none(r["score"]), "state": _none(r["state"]),
                  "note": r["note"], "source": _source(r)}),
              ("events", Event, lambda r: {
                  "id": r["id"], "date": r["date"], "end_date": _none(r["end_date"]), "actor1": r["actor1"],
                  "actor2": _none(r["actor2"]), "type": r["type"], "cameo": r["cameo"],
                  "goldstein": r["goldstein"], "plover": r["plover"], "summary": r["summary"],
                  "source": _source(r), "note": _none(r["note"])}),
              ("actors", Actor, lambda r: {
                  "code": r["code"], "name": r["name"], "name_ko": _none(r["name_ko"]), "kind": r["kind"],
                  "note": _none(r["note"])}),
              ("positions", Position, lambda r: {
                  "actor": r["actor"], "topic": r["topic"], "date": r["date"], "stance": r["stance"],
                  "source": _source(r), "note": _none(r["note"])}))
    for table, model, make in makers:
        file = f"{table}.csv"
        for line, row in tables[table]:
            try:
                record = model.model_validate(make(row))
            except pydantic.ValidationError as exc:
                problems += _record_problems(exc, file, line, [])
                continue
            where = Where(file, line)
            if table == "implementation":
                kb.changes.append((row["agreement_id"], record, where))
            else:
                getattr(kb, table).append((record, where))
    return problems


def _record_problems(exc: pydantic.ValidationError, file: str, line: int,
                     provisions: list[Row]) -> list[Problem]:
    """A record's schema errors as problems at its line (a provision's at the provision's line)."""
    out = []
    for err in exc.errors():
        loc = list(err["loc"])
        where_file, where_line = file, line
        if len(loc) >= 2 and loc[0] == "provisions" and isinstance(loc[1], int) and loc[1] < len(provisions):
            where_file, where_line = "provisions.csv", provisions[loc[1]][0]
            loc = loc[2:]
        out.append(Problem(where_file, where_line, ".".join(str(p) for p in loc) or None, err["msg"]))
    return out


def current_release(store: Store) -> tuple[dt.date | None, str | None]:
    """The record-through date and data digest of the knowledge base the store holds as ``kb``:
    the release loaded last, unless the built-in data was loaded after it."""
    con = store.con
    load = con.execute("SELECT id, digest FROM loads WHERE origin = 'kb' ORDER BY id DESC LIMIT 1").fetchall()
    release = con.execute(
        "SELECT load_id, record_through, kb_digest FROM kb_releases ORDER BY id DESC LIMIT 1").fetchall()
    if load and release and release[0][0] == load[0][0]:
        return release[0][1], release[0][2]
    through = con.execute("""SELECT greatest((SELECT max(date) FROM events WHERE origin = 'kb'),
                                             (SELECT max(date) FROM status_changes WHERE origin = 'kb'))"""
                          ).fetchall()
    return through[0][0], load[0][1] if load else None


def _store_problems(store: Store, kb) -> list[Problem]:
    """Step 5: analysts' changes and overlays against the release."""
    con = store.con
    provisions = kb.provision_ids() | {r[0] for r in con.execute(
        "SELECT id FROM provisions WHERE origin <> 'kb'").fetchall()}
    problems = []
    changes = con.execute("""SELECT origin, provision_id, count(*) FROM status_changes WHERE origin <> 'kb'
                             GROUP BY ALL ORDER BY ALL""").fetchall()
    for origin, pid, n in changes:
        if pid not in provisions:
            problems.append(Problem("store", None, origin, f"{n} status change(s) name provision {pid}, "
                                                           "which the release does not hold"))
    released = (("agreements", "id", set(kb.agreements)), ("events", "id", {e.id for e, _ in kb.events}),
                ("actors", "code", {a.code for a, _ in kb.actors}))
    for table, key, ids in released:
        for origin, value in con.execute(f"SELECT origin, {key} FROM {table} WHERE origin LIKE 'overlay:%' "
                                         "ORDER BY ALL").fetchall():
            if value in ids:
                problems.append(Problem("store", None, origin,
                                        f"the overlay's {table[:-1]} {value!r} is also in the release; "
                                        "remove it from the overlay and load the overlay again"))
    return problems


def load_release(store: Store, release: Release, *, allow_older: bool = False, who: str | None = None
                 ) -> KbUpdateResult:
    """Steps 3 to 5, then the release's records replace the ``kb`` origin in one transaction."""
    import duckdb

    from panmun.kb.files import builtin_root, folder_digest

    # the loader's own mapping of records to rows and its replacement of an origin, run inside
    # this transaction so that the release, its audit row and its kb_releases row go in together
    from panmun.store.load import BUILTIN_ORIGIN, ensure_builtin, record_frames, replace_origin

    ensure_builtin(store)
    previous, loaded_digest = current_release(store)
    result = KbUpdateResult(release.source, False, release.version, release.record_through, release.digest,
                            previous)
    if loaded_digest == release.kb_digest:
        result.note = "the store already holds this release's data: nothing was written"
        return result
    if previous and release.record_through and release.record_through < previous and not allow_older:
        raise InputError(f"the release's record runs to {release.record_through}, the store's knowledge base "
                         f"to {previous}: it is older", hint="Give --allow-older to load it anyway.")
    kb = release_records(release)
    _raise(_store_problems(store, kb))
    who = who or getpass.getuser()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    frames = record_frames(kb, BUILTIN_ORIGIN)
    counts = {k: len(v) for k, v in frames.items()}
    what = {"version": release.version, "record_through": release.record_through, "digest": release.digest,
            "kb_digest": release.kb_digest, "previous_record_through": previous, "counts": counts}
    try:
        with store.transaction() as con:
            path = f"release {release.version} ({release.record_through}) from {release.source}"
            replace_origin(con, frames, BUILTIN_ORIGIN, who, path, folder_digest(builtin_root()), now)
            load_id = con.execute("SELECT max(id) FROM loads WHERE origin = ?",
                                  [BUILTIN_ORIGIN]).fetchall()[0][0]
            con.execute("""INSERT INTO kb_releases (loaded_at, version, record_through, digest, kb_digest,
                                                    source, who, load_id, counts)
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        [now, release.version, release.record_through, release.digest, release.kb_digest,
                         release.source, who, load_id, json.dumps(counts)])
            con.execute("""INSERT INTO audit (audited_at, who, action, what, why, source)
                           VALUES (?, ?, 'kb-update', ?, ?, ?)""",
                        [now, who, json.dumps(what, default=str), "knowledge-base release loaded",
                         release.source])
    except duckdb.Error as exc:
        raise StoreError(f"loading the release into the store failed, nothing was written: {exc}") from exc
    result.loaded = True
    result.counts = counts
    result.kept_overlay_rows, result.kept_analyst_changes = store.con.execute(
        """SELECT (SELECT count(*) FROM status_changes WHERE origin LIKE 'overlay:%')
                  + (SELECT count(*) FROM events WHERE origin LIKE 'overlay:%')
                  + (SELECT count(*) FROM provisions WHERE origin LIKE 'overlay:%'),
                  (SELECT count(*) FROM status_changes WHERE origin = 'analyst')""").fetchall()[0]
    return result
