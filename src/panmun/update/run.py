"""One ``panmun update``: for each source, read its index, take the new files, ingest them, record it.

For each source in turn:

1. where its files come from (:mod:`.access`): the network, a mirror or a folder; a source
   that needs configuration it lacks (an ACLED key, the POLECAT dataset, the CNS address)
   is left out when no source was named, and refused when it was;
2. the day the run starts from: ``--since``, else the day of the newest file already done
   (files of that day not yet done are taken too), else, on a first update, the oldest file
   in the folder or the source's first window (a day of GDELT 2.0, a week of GDELT 1.0, four
   weeks of POLECAT, a month of ACLED) before today;
3. its index (:mod:`.gdelt`, :mod:`.dataverse`, :mod:`.acled`, :mod:`.cns`): the files from
   that day on, and every file that failed before, oldest first;
4. each file not done: downloaded with resume into the cache (or found in the folder),
   verified against its published size and checksum, and ingested with
   :func:`panmun.ingest.engine.ingest_file` (one transaction: a file that fails leaves the
   store as it was). A failure is recorded with the file and tried again on the next run;
   a file that failed :data:`~.sources.MAX_FAILURES` times is reported and skipped until
   ``retry_failed``.

A dry run (and ``plan``) reads the indexes only: nothing is downloaded, ingested or
recorded. ``plan`` also writes the files a mirror needs, with their checksums, as a
tab-separated file. A host that cannot be reached ends the run at once
(:class:`~.errors.OfflineError`, naming ``--mirror``, ``--from-dir`` and ``--plan``).
Two updates of one store never run at once (:mod:`.lock`).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypedDict

from panmun.errors import InputError, PanmunError
from panmun.store.db import Store
from panmun.update import acled, cns, dataverse, gdelt, records
from panmun.update.access import Access, folder_files, mirror_bases, offline
from panmun.update.cache import prune
from panmun.update.config import Settings, load_settings, scrub
from panmun.update.download import FetchError, Unreachable, download, file_digest, verify
from panmun.update.errors import OfflineError
from panmun.update.lock import update_lock
from panmun.update.progress import Reporter
from panmun.update.sources import MAX_FAILURES, SOURCE_NAMES, SOURCES, Listing, RemoteFile

ACLED_FILE = re.compile(r"^acled-(\d{4})-(\d{2})\.csv$")
PLAN_COLUMNS = ("source", "path", "url", "bytes", "checksum", "date")


@dataclass(frozen=True)
class UpdateOptions:
    """What to update and how (the options of ``panmun update``)."""

    sources: tuple[str, ...] = ()           # none: every source
    since: dt.date | None = None
    mirror: tuple[str, ...] = ()            # URL, or SOURCE=URL
    from_dir: Path | None = None
    dry_run: bool = False
    plan: Path | None = None                # write the files a mirror needs (implies a dry run)
    cache_dir: Path | None = None           # default: the configuration's
    cache_max_mb: int | None = None         # default: the configuration's
    timeout: float = 60.0                   # seconds without an answer before a fetch fails
    retry_failed: bool = False
    all_actors: bool = False
    who: str | None = None
    today: dt.date | None = None            # the day the run takes as today (default: the computer's);
                                            # its files are recorded as done or tried on that day


@dataclass
class FileResult:
    """What happened to one published file."""

    source: str
    name: str
    date: dt.date | None
    status: str     # ingested, unchanged, empty, failed, skipped, missing, new (dry run)
    bytes: int | None = None
    rows: int | None = None
    events: int | None = None
    rejects: int | None = None
    expected: str | None = None     # a checksum or size that did not match, as published
    actual: str | None = None       # ... and as found
    error: str | None = None


@dataclass
class SourceResult:
    """What a run did for one source."""

    source: str
    mode: str
    base: str
    status: str     # ok, partial, failed, not configured, not in folder, planned
    files: int = 0
    bytes: int = 0
    rows: int = 0
    events: int = 0
    rejects: int = 0
    checksum_failures: int = 0
    failed: int = 0
    skipped: int = 0
    missing: int = 0
    seconds: float = 0.0
    record_through: dt.date | None = None
    note: str | None = None


@dataclass
class UpdateResult:
    """What ``panmun update`` did."""

    dry_run: bool
    plan: str | None
    sources: list[SourceResult] = field(default_factory=list)
    files: list[FileResult] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when a source or a file failed (the command's exit status 1)."""
        return any(s.status in ("failed", "partial") for s in self.sources)

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "plan": self.plan, "sources": [asdict(s) for s in self.sources],
                "files": [asdict(f) for f in self.files]}


def run_update(store: Store, options: UpdateOptions, settings: Settings | None = None,
               reporter: Reporter | None = None) -> UpdateResult:
    """Update the store from the sources' feeds (see the module's description)."""
    settings = settings or load_settings()
    names = _selected(options.sources)
    today = options.today or dt.date.today()
    if options.since is not None and options.since > today:
        raise InputError(f"--since {options.since.isoformat()} is after today ({today.isoformat()})")
    if options.from_dir is not None and options.mirror:
        raise InputError("give --mirror or --from-dir, not both",
                         hint="--mirror reads an internal mirror; --from-dir reads files carried in.")
    dry = options.dry_run or options.plan is not None
    cache = options.cache_dir or settings.cache_dir
    mirrors = mirror_bases(list(options.mirror), names, bool(options.sources)) if options.mirror else {}
    files = folder_files(options.from_dir) if options.from_dir is not None else {}
    result = UpdateResult(dry_run=dry, plan=str(options.plan) if options.plan else None)
    accesses = []
    for name in names:
        access, why_not = _access(name, options, settings, mirrors, files, cache)
        if access is not None:
            accesses.append(access)
        elif options.sources:
            raise InputError(f"{name}: {why_not}", hint="See docs/update.md for the configuration file.")
        elif options.from_dir is not None:
            result.sources.append(SourceResult(name, "folder", "", "not in folder", note=why_not))
        else:
            result.sources.append(SourceResult(name, "network", "", "not configured", note=why_not))
    plan_rows: list[dict] = []
    with contextlib.nullcontext() if dry else update_lock(store.path):
        for access in accesses:
            run = _SourceRun(store, access, options, today, dry, reporter or Reporter())
            result.sources.append(run.run())
            result.files += run.files
            plan_rows += run.plan
        if not dry and any(a.mode != "folder" for a in accesses):
            prune(cache, settings.cache_max_mb if options.cache_max_mb is None else options.cache_max_mb)
    result.sources.sort(key=lambda s: SOURCE_NAMES.index(s.source))
    if options.plan is not None:
        write_plan(options.plan, plan_rows)
    return result


def _selected(sources: tuple[str, ...]) -> list[str]:
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise InputError(f"unknown source {unknown[0]!r}; the sources are {', '.join(SOURCE_NAMES)}")
    return list(dict.fromkeys(sources)) if sources else list(SOURCE_NAMES)


class _Common(TypedDict):
    """What every :class:`Access` of a run shares."""

    cache: Path
    timeout: float
    settings: Settings


def _access(name: str, options: UpdateOptions, settings: Settings, mirrors: dict[str, str],
            files: dict[str, Path], cache: Path) -> tuple[Access | None, str | None]:
    """How the source is read in this run, or (None, why it cannot be)."""
    source = SOURCES[name]
    common = _Common(cache=cache, timeout=options.timeout, settings=settings)
    if options.from_dir is not None:
        if not _in_folder(name, files):
            return None, f"none of its files is in {options.from_dir}"
        return Access(source, "folder", None, folder=options.from_dir, files=files, **common), None
    if name in mirrors:
        return Access(source, "mirror", mirrors[name], **common), None
    if name == "acled" and (settings.acled_key is None or settings.acled_email is None):
        return None, ("the ACLED API needs your key and e-mail: set PANMUN_ACLED_KEY and "
                      "PANMUN_ACLED_EMAIL, or key and email under [acled] in the configuration file")
    if name == "polecat" and not settings.polecat_dataset:
        return None, ("the POLECAT dataset's persistent id (its DOI on Harvard Dataverse) is not "
                      "configured: set dataset under [polecat] in the configuration file")
    if name == "cns-missiles":
        if not settings.cns_url:
            return None, ("panmun knows no address of the CNS database's CSV: set url under "
                          "[cns-missiles] in the configuration file, or use --mirror or --from-dir")
        return Access(source, "network", settings.cns_url, **common), None
    return Access(source, "network", settings.bases.get(name) or source.base, **common), None


def _in_folder(name: str, files: dict[str, Path]) -> bool:
    """Whether a folder holds anything of the source (its index files or, without an index, its files)."""
    if name == "acled":
        return any(ACLED_FILE.match(n) for n in files)
    if name == "cns-missiles":
        return cns.NAME in files
    return any(n in files for n in SOURCES[name].index)


class _SourceRun:
    """One source's part of a run: its listing, its files, its record in the store."""

    def __init__(self, store: Store, access: Access, options: UpdateOptions, today: dt.date, dry: bool,
                 reporter: Reporter):
        self.store, self.access, self.options = store, access, options
        self.today, self.dry, self.reporter = today, dry, reporter
        self.source = access.source
        self.result = SourceResult(self.source.name, access.mode, access.where, "planned" if dry else "ok")
        self.files: list[FileResult] = []
        self.plan: list[dict] = []
        self.run_id: int | None = None
        self.started = time.perf_counter()

    def run(self) -> SourceResult:
        """Read the index and take every new file; record the run (not in a dry run)."""
        result, store = self.result, self.store
        if not self.dry:
            self.run_id = records.start_run(store, self.source.name, self.access.mode, self.access.where,
                                            self.options.who)
        try:
            if self.options.retry_failed and not self.dry:
                records.reset_failures(store, self.source.name)
            self._take_listing()
        except FetchError as exc:    # the index could not be read
            message = scrub(str(exc), self.access.settings.secrets())
            result.status, result.note = "failed", f"index: {message}"
            self.reporter.say(f"{self.source.name}: the index could not be read from {self.access.where}: "
                              f"{message}")
        except OfflineError as exc:
            self._finish("failed", str(exc))
            raise
        except BaseException:
            self._finish("interrupted", "the run was interrupted")
            raise
        if result.status == "ok" and result.failed:
            result.status = "partial" if result.files else "failed"
        if self.access.mode == "folder" and result.missing:
            missing = f"{result.missing} file(s) the index lists are not in the folder (see --plan)"
            result.note = f"{result.note}; {missing}" if result.note else missing
        result.record_through = records.record_through(store, self.source.format)
        failures = [f"{f.name}: {f.error}" for f in self.files if f.status == "failed"]
        error: str | None
        if failures:
            error = f"{len(failures)} file(s) failed; the first: {failures[0]}"
        else:
            error = result.note if result.status == "failed" else None
        self._finish(result.status, error)
        result.seconds = round(time.perf_counter() - self.started, 3)
        return result

    def _finish(self, status: str, error: str | None) -> None:
        if self.run_id is None:
            return
        names = ("files", "bytes", "rows", "events", "rejects", "checksum_failures", "failed", "skipped",
                 "missing")
        records.finish_run(self.store, self.run_id, status=status,
                           totals={k: getattr(self.result, k) for k in names}, error=error,
                           record_through=records.record_through(self.store, self.source.format),
                           seconds=time.perf_counter() - self.started)

    def _take_listing(self) -> None:
        listing, states = self._listing()
        self.plan += [{"source": self.source.name, "path": self.source.folder + name, "url": url or "",
                       "bytes": "", "checksum": "", "date": ""} for name, url in listing.index]
        for file in sorted(listing.files, key=lambda f: (f.date or dt.date.min, f.name)):
            row = self._file(file, states.get(file.name))
            if row is None:
                continue
            self.files.append(row)
            if row.status == "missing" or (row.status == "new" and self.access.mode != "folder"):
                self.plan.append(_plan_row(self.source.folder, file))
        if listing.notes:
            self.result.note = "; ".join(listing.notes)

    def _listing(self) -> tuple[Listing, dict[str, records.FileState]]:
        """The source's files the run wants (from the start day on, and those that failed before)."""
        access, options, store, name = self.access, self.options, self.store, self.source.name
        done_day, done_name = records.newest_done(store, name)
        start = options.since or done_day
        if start is None and access.mode != "folder":
            start = self.today - dt.timedelta(days=self.source.first_days)
        if name == "acled" and start is not None and options.since is None:
            unsettled = records.earliest_unsettled(store, "acled", acled.SETTLE_DAYS)
            start = min(start, unsettled) if unsettled else start
        states = records.file_states(store, name, start)
        retry = {n for n, s in states.items() if s.status == "failed"}

        def keep(file_name: str, day: dt.date | None) -> bool:
            if file_name in retry:
                return True
            if start is None:                   # a first update from a folder: the files it holds
                return file_name in access.files
            return day is None or day >= start

        if name == "gdelt2":
            due = any(s.status == "failed" and s.failures < MAX_FAILURES for s in states.values())
            return gdelt.gdelt2_listing(access, keep, done_name, options.since is not None or due), states
        if name == "gdelt1":
            return gdelt.gdelt1_listing(access, keep), states
        if name == "polecat":
            return dataverse.polecat_listing(access, keep), states
        if name == "acled":
            settled = {n for n, s in states.items() if s.status in records.DONE and s.file_date
                       and s.updated_at and acled.settled(s.file_date, s.updated_at)}
            first = start or _first_acled_month(access.files, self.today)
            return acled.acled_listing(access, first, self.today, keep, settled), states
        return cns.cns_listing(access), states

    def _file(self, file: RemoteFile, state: records.FileState | None) -> FileResult | None:
        """Take one file of the listing: pass over it, report it, or fetch, verify and ingest it."""
        if state is not None and state.status in records.DONE and not file.refetch:
            return None
        retry = self.options.retry_failed
        if state is not None and state.status == "failed" and state.failures >= MAX_FAILURES and not retry:
            self.result.skipped += 1
            return FileResult(file.source, file.name, file.date, "skipped",
                              error=f"failed {state.failures} times, last: {state.last_error}; skipped until "
                                    "`panmun update --retry-failed`")
        if self.access.mode == "folder" and self.access.local(file.name) is None:
            self.result.missing += 1
            return FileResult(file.source, file.name, file.date, "missing", bytes=file.size)
        if self.dry:
            return FileResult(file.source, file.name, file.date, "new", bytes=file.size)
        return self._take(file, state)

    def _take(self, file: RemoteFile, state: records.FileState | None) -> FileResult:
        """Fetch (or find), verify and ingest one file; record what happened."""
        from panmun.ingest.engine import ingest_file

        secrets = self.access.settings.secrets()
        try:
            path = self._obtain(file)
            if path is None:        # an ACLED month without events
                self._done(file, "empty", None, 0, None)
                return FileResult(file.source, file.name, file.date, "empty", bytes=0, rows=0, events=0,
                                  rejects=0)
            checksum = file.checksum or f"sha256:{file_digest(path, 'sha256')}"
            size = path.stat().st_size
            if state is not None and state.status in records.DONE and state.checksum == checksum:
                self._done(file, "unchanged", checksum, size, None)
                return FileResult(file.source, file.name, file.date, "unchanged", bytes=size)
            self.reporter.begin(f"{file.source} {file.name}: ingest", size)
            try:
                summary = ingest_file(self.store, self.source.format, path,
                                      all_actors=self.options.all_actors, who=self.options.who,
                                      progress=self.reporter.advance)
            finally:
                self.reporter.end()
        except Unreachable as exc:
            raise offline(self.access, str(exc)) from None
        except FetchError as exc:
            return self._failed(file, scrub(str(exc), secrets), exc.expected, exc.actual,
                                checksum=exc.kind in ("checksum", "size"))
        except PanmunError as exc:           # the ingest refused the file (its layout), or the store failed
            return self._failed(file, scrub(str(exc), secrets))
        except Exception as exc:            # a damaged archive, an unreadable file
            return self._failed(file, scrub(f"cannot be read ({type(exc).__name__}: {exc})", secrets))
        self._done(file, "ingested", checksum, size, summary.ingest_id)
        result = self.result
        result.files += 1
        result.bytes += size
        result.rows += summary.rows
        result.events += summary.events
        result.rejects += summary.rejects
        return FileResult(file.source, file.name, file.date, "ingested", bytes=size, rows=summary.rows,
                          events=summary.events, rejects=summary.rejects)

    def _obtain(self, file: RemoteFile) -> Path | None:
        """The verified file: from the folder, from the ACLED API, or downloaded into the cache."""
        access, reporter = self.access, self.reporter
        if access.mode == "folder":
            path = access.local(file.name)
            assert path is not None     # _file passed over the files the folder does not hold
            verify(path, file.size, file.checksum)
        elif self.source.name == "acled" and access.mode == "network":
            rows = 0

            def counted(n: int) -> None:
                nonlocal rows
                rows += n
                reporter.advance(0, rows)

            path = access.cache / "acled" / file.name
            reporter.begin(f"acled {file.name}: API", None)
            try:
                if not acled.fetch_month(access, file, path, on_rows=counted):
                    return None
            finally:
                reporter.end()
        else:
            assert file.url is not None     # a listing leaves the address out in folder mode only
            reporter.begin(f"{file.source} {file.name}: download", file.size)
            try:
                path = download(file.url, access.cache / self.source.name / file.name, timeout=access.timeout,
                                size=file.size, on_bytes=reporter.advance).path
            finally:
                reporter.end()
            try:
                verify(path, file.size, file.checksum)
            except FetchError:
                path.unlink(missing_ok=True)    # complete but wrong: fetched again from the start next time
                raise
        if self.source.name == "cns-missiles":
            cns.check_layout(path)
        return path

    def _done(self, file: RemoteFile, status: str, checksum: str | None, size: int,
              ingest_id: int | None) -> None:
        assert self.run_id is not None      # files are taken only outside a dry run, which starts a run
        records.mark_done(self.store, file, status=status, checksum=checksum, nbytes=size, run_id=self.run_id,
                          ingest_id=ingest_id, at=self._clock())

    def _failed(self, file: RemoteFile, message: str, expected: str | None = None, actual: str | None = None,
                checksum: bool = False) -> FileResult:
        """Record a failed attempt and tell the person what happens next."""
        assert self.run_id is not None      # files are taken only outside a dry run, which starts a run
        failures = records.mark_failed(self.store, file, error=message, run_id=self.run_id, at=self._clock())
        self.result.failed += 1
        self.result.checksum_failures += int(checksum)
        if failures >= MAX_FAILURES:
            then = (f"it failed {failures} times and is skipped from now on "
                    "(`panmun update --retry-failed` tries again)")
        else:
            then = f"it is tried again on the next run (attempt {failures} of {MAX_FAILURES})"
        self.reporter.say(f"{file.source}: {file.name}: {message}. The store is unchanged for this file; "
                          f"{then}.")
        return FileResult(file.source, file.name, file.date, "failed", expected=expected, actual=actual,
                          error=message)

    def _clock(self) -> dt.datetime:
        """When a file is done or tried: now (UTC), on the run's ``today`` when one was given."""
        now = records.now()
        return now if self.options.today is None else dt.datetime.combine(self.options.today, now.time())


def _first_acled_month(files: dict[str, Path], today: dt.date) -> dt.date:
    """The first month of the ACLED files a folder holds (today if it holds none)."""
    months = []
    for name in files:
        m = ACLED_FILE.match(name)
        if m and 1 <= int(m.group(2)) <= 12 and int(m.group(1)) >= 1900:
            months.append(dt.date(int(m.group(1)), int(m.group(2)), 1))
    return min(months, default=today)


def _plan_row(folder: str, file: RemoteFile) -> dict:
    return {"source": file.source, "path": folder + file.name, "url": file.upstream or "",
            "bytes": "" if file.size is None else file.size, "checksum": file.checksum or "",
            "date": file.date.isoformat() if file.date else ""}


def write_plan(path: Path, rows: list[dict]) -> None:
    """The files a mirror needs, as tab-separated lines with a header (the index files first)."""
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=PLAN_COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
