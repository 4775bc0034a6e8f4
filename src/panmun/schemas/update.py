"""Outputs of ``panmun update run|status`` and ``panmun kb update``."""

from __future__ import annotations

import datetime as dt

from panmun.schemas.base import Row


class UpdateSource(Row):
    """What a run did for one source."""

    source: str
    """gdelt2, gdelt1, polecat, acled or cns-missiles."""
    mode: str
    """network, mirror or folder."""
    base: str
    """The address or folder read (never a key); empty for a source left out."""
    status: str
    """ok, partial (some files failed), failed (the index could not be read, or every file failed), planned
    (a dry run), not configured or not in folder (left out: the note says why)."""
    files: int
    """Files ingested."""
    bytes: int
    """Their size."""
    rows: int
    events: int
    rejects: int
    checksum_failures: int
    """Files whose size or checksum differed from the published one."""
    failed: int
    """Files that failed (each is tried again on the next run)."""
    skipped: int
    """Files that failed three times: skipped until --retry-failed."""
    missing: int
    """Files the index lists that a folder does not hold."""
    seconds: float
    record_through: dt.date | None
    """The newest event date the store holds from this source."""
    note: str | None


class UpdateFile(Row):
    """What happened to one published file."""

    source: str
    name: str
    """Its published name."""
    date: dt.date | None
    """The day (or first day of the month) it covers, from its name."""
    status: str
    """ingested, unchanged (the same bytes as before), empty (no events), failed, skipped, missing, new
    (dry run)."""
    bytes: int | None
    rows: int | None
    events: int | None
    rejects: int | None
    expected: str | None
    """The published checksum (algorithm:hex) or size that did not match."""
    actual: str | None
    """The checksum or size found."""
    error: str | None


class UpdateRun(Row):
    """``panmun update run``."""

    dry_run: bool
    plan: str | None
    """The plan file written (--plan)."""
    sources: list[UpdateSource]
    files: list[UpdateFile]


class SourceFreshness(Row):
    """How current one source is."""

    source: str
    title: str
    configured: bool
    """Whether a network update needs no more configuration."""
    needs: str | None
    """What the configuration lacks."""
    last_success: dt.datetime | None
    """When its last run that ended ok finished (UTC)."""
    last_attempt: dt.datetime | None
    """When its last run started (UTC)."""
    last_status: str | None
    record_through: dt.date | None
    files_ingested: int
    failing_files: int
    skipped_files: int
    last_error: str | None
    last_error_at: dt.datetime | None


class UpdateRunRow(Row):
    """One recorded run of one source."""

    id: int
    source: str
    mode: str
    base: str | None
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    """running (or killed), ok, partial, failed, interrupted."""
    files: int | None
    bytes: int | None
    rows: int | None
    events: int | None
    rejects: int | None
    checksum_failures: int | None
    failed: int | None
    skipped: int | None
    missing: int | None
    seconds: float | None
    record_through: dt.date | None
    error: str | None


class UpdateStatus(Row):
    """``panmun update status``."""

    sources: list[SourceFreshness]
    runs: list[UpdateRunRow]


class KbUpdate(Row):
    """``panmun kb update``: the release checked and (unless the store holds it already) loaded."""

    source: str
    """The folder, file or address given."""
    loaded: bool
    version: str
    """The version of panmun that wrote the release."""
    record_through: dt.date | None
    """The newest event or implementation change of the release."""
    digest: str
    """The sha256 digest of its datapackage.json."""
    previous_record_through: dt.date | None
    """The same date for the knowledge base the store held before."""
    agreements: int | None = None
    provisions: int | None = None
    status_changes: int | None = None
    events: int | None = None
    actors: int | None = None
    positions: int | None = None
    kept_overlay_rows: int
    """Rows of overlays in the store, kept."""
    kept_analyst_changes: int
    """Analysts' status changes in the store, kept."""
    note: str | None


COMMANDS = {"update run": UpdateRun, "update status": UpdateStatus, "kb update": KbUpdate}
