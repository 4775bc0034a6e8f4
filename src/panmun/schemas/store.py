"""Outputs of the store, knowledge-base, ingest, account and briefing commands."""

from __future__ import annotations

import datetime as dt

from panmun.schemas.base import Row


class StoreSummary(Row):
    """``panmun init``: the store and the rows of each of its tables."""

    store: str
    """Path of the store file."""
    schema_version: int
    """Schema version (the number of the last migration applied)."""
    agreements: int
    provisions: int
    status_changes: int
    events: int
    actors: int
    positions: int
    audit: int
    loads: int
    ingests: int
    rejects: int
    users: int
    sessions: int
    api_tokens: int
    scenarios: int


class KbValidation(Row):
    """``panmun kb validate``: what was checked (a folder with problems exits 2 instead)."""

    root: str
    """The folder checked."""
    builtin: bool
    """True for the built-in knowledge base, false for an overlay folder."""
    files: int
    """Data files read."""
    docs_not_loaded: list[str]
    """Documentation files in the folder, which are not data."""
    agreements: int
    provisions: int
    change_records: int
    """Status-change records (each may name several provisions)."""
    events: int
    actors: int
    positions: int
    zones: int
    rules: int
    measures: int
    issues: int
    codings: int
    capabilities: int
    steps: int
    publishers: int
    """Publishers in the folder's registry (sources/publishers.yaml)."""
    problems: int
    """Always 0 here: problems make the command fail with exit status 2."""


class KbLoad(Row):
    """``panmun kb load``: the overlay folder loaded and the rows it wrote."""

    origin: str
    """``overlay:<absolute path>``, the origin recorded on every row."""
    agreements: int
    provisions: int
    status_changes: int
    events: int
    actors: int
    positions: int


class KbPackage(Row):
    """``panmun kb package``: the data package written."""

    datapackage: str
    """Path of ``datapackage.json``."""
    tables: list[str]
    """The CSV tables beside it."""


class IngestRun(Row):
    """What one file's ingest did (counts of data rows: rows = events + rejects + skipped)."""

    ingest_id: int
    format: str
    file: str
    rows: int
    events: int
    """Rows stored as events."""
    rejects: int
    """Rows refused, each listed by ``panmun ingest rejects``."""
    skipped: int
    """Rows skipped: outside the region, or already stored."""
    skipped_region: int
    skipped_stored: int
    header_lines: int
    blank_lines: int
    seconds: float
    notes: list[str]


class IngestListRow(Row):
    """One ingest run."""

    id: int
    format: str
    file: str
    started_at: dt.datetime
    rows: int
    events: int
    rejects: int
    skipped: int
    all_actors: bool
    who: str | None


class RejectRow(Row):
    """One rejected line of an ingested file."""

    ingest_id: int
    format: str
    file: str
    line: int
    """Line number in the file (1 is the first line)."""
    field: str | None
    """The field at fault, when one is."""
    reason: str
    raw: str | None
    """The start of the rejected line."""


class UserRow(Row):
    """An account of the web workbench (no password hashes)."""

    name: str
    role: str
    created_at: dt.datetime
    created_by: str | None
    tokens: int
    """Active API tokens."""


class UserChange(Row):
    """``panmun users add|remove|role``: the account after the change."""

    name: str
    role: str | None
    """The account's role (null once removed)."""
    action: str
    """added, removed or role."""


class NewToken(Row):
    """``panmun users token``: a new API token (shown once; only its hash is stored)."""

    name: str
    token_id: str
    token: str
    """The secret: send it as ``Authorization: Bearer <token>``."""


class Revoked(Row):
    """``panmun users revoke``: every session and API token of an account, ended at once."""

    name: str
    account: bool
    """Whether NAME has an account (a name without one has nothing to revoke)."""
    tokens: int
    """API tokens revoked."""
    sessions: int
    """Sessions ended."""


class SectionTiming(Row):
    """The time one section of a briefing took."""

    section: str
    """The section's id, or ``(write html)`` / ``(write pdf)`` for rendering and writing."""
    seconds: float
    """Wall-clock seconds."""
    reused: bool
    """True when the section was reused from the cache beside the store (its tables unchanged)."""


class BriefingWritten(Row):
    """``panmun brief``: the files written."""

    at: dt.date
    """The date the briefing describes."""
    html: str
    pdf: str | None = None
    timings: list[SectionTiming] | None = None
    """Seconds per section, in briefing order (with ``--timings``)."""


#: The JSON document of each command this module describes.
COMMANDS = {
    "init": StoreSummary,
    "brief": BriefingWritten,
    "kb validate": KbValidation,
    "kb load": KbLoad,
    "kb package": KbPackage,
    **{f"ingest {name}": list[IngestRun]
       for name in ("gdelt1", "gdelt2", "icews", "polecat", "acled", "cns-missiles", "csv")},
    "ingest list": list[IngestListRow],
    "ingest rejects": list[RejectRow],
    "users list": list[UserRow],
    "users add": UserChange,
    "users remove": UserChange,
    "users role": UserChange,
    "users token": NewToken,
    "users revoke": Revoked,
}
