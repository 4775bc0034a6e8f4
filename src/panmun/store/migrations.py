"""Named, recorded, transactional schema migrations of the store.

Each migration is a version number, a name and a list of SQL statements. They run in
order, each in its own transaction together with its row in ``schema_migrations``;
a failing migration leaves the store at the version before it.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from panmun.errors import StoreError


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "knowledge-base tables", (
        """CREATE TABLE agreements (
            id VARCHAR PRIMARY KEY, title VARCHAR NOT NULL, short_title VARCHAR, title_ko VARCHAR,
            date DATE NOT NULL, place VARCHAR, parties VARCHAR[], signatories VARCHAR[],
            summary VARCHAR, sources JSON, note VARCHAR, origin VARCHAR NOT NULL)""",
        """CREATE TABLE provisions (
            id VARCHAR PRIMARY KEY, agreement_id VARCHAR NOT NULL, article VARCHAR NOT NULL,
            ordinal INTEGER NOT NULL, title VARCHAR, summary VARCHAR, vector VARCHAR NOT NULL,
            parties VARCHAR[], confidence VARCHAR, sources JSON, note VARCHAR, origin VARCHAR NOT NULL)""",
        "CREATE SEQUENCE status_change_ids START 1",
        """CREATE TABLE status_changes (
            id BIGINT PRIMARY KEY DEFAULT nextval('status_change_ids'),
            provision_id VARCHAR NOT NULL, date DATE NOT NULL,
            score INTEGER CHECK (score BETWEEN 0 AND 3),
            state VARCHAR CHECK (state IN ('suspended', 'reversed')),
            note VARCHAR, source_url VARCHAR NOT NULL, source_date DATE, source_title VARCHAR,
            origin VARCHAR NOT NULL, recorded_by VARCHAR NOT NULL, recorded_at TIMESTAMP NOT NULL,
            CHECK ((score IS NULL) <> (state IS NULL)))""",
        """CREATE TABLE events (
            id VARCHAR PRIMARY KEY, date DATE NOT NULL, end_date DATE, actor1 VARCHAR NOT NULL,
            actor2 VARCHAR, type VARCHAR NOT NULL, cameo VARCHAR NOT NULL, goldstein DOUBLE NOT NULL,
            plover VARCHAR NOT NULL, summary VARCHAR, source_url VARCHAR NOT NULL, source_date DATE,
            source_title VARCHAR, note VARCHAR, origin VARCHAR NOT NULL)""",
        """CREATE TABLE actors (
            code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, name_ko VARCHAR, kind VARCHAR NOT NULL,
            note VARCHAR, origin VARCHAR NOT NULL)""",
        "CREATE SEQUENCE position_ids START 1",
        """CREATE TABLE positions (
            id BIGINT PRIMARY KEY DEFAULT nextval('position_ids'), actor VARCHAR NOT NULL,
            topic VARCHAR NOT NULL, date DATE NOT NULL, stance VARCHAR, source_url VARCHAR NOT NULL,
            source_date DATE, source_title VARCHAR, note VARCHAR, origin VARCHAR NOT NULL)""",
    )),
    Migration(2, "audit log and load records", (
        "CREATE SEQUENCE audit_ids START 1",
        """CREATE TABLE audit (
            id BIGINT PRIMARY KEY DEFAULT nextval('audit_ids'), audited_at TIMESTAMP NOT NULL,
            who VARCHAR NOT NULL, action VARCHAR NOT NULL, provision_id VARCHAR,
            change_id BIGINT, what JSON, why VARCHAR, source VARCHAR)""",
        "CREATE SEQUENCE load_ids START 1",
        """CREATE TABLE loads (
            id BIGINT PRIMARY KEY DEFAULT nextval('load_ids'), loaded_at TIMESTAMP NOT NULL,
            origin VARCHAR NOT NULL, path VARCHAR, digest VARCHAR NOT NULL, counts JSON)""",
    )),
    Migration(3, "indexes for date queries", (
        "CREATE INDEX status_changes_provision ON status_changes (provision_id, date)",
        "CREATE INDEX events_date ON events (date)",
    )),
    Migration(4, "one event table for curated and ingested events", (
        # DuckDB cannot alter a table that has an index: drop it, alter, recreate.
        "DROP INDEX events_date",
        "ALTER TABLE events ADD COLUMN source VARCHAR",        # kb, gdelt1, gdelt2, icews, ...
        "ALTER TABLE events ADD COLUMN source_id VARCHAR",     # the record's id in that source
        "ALTER TABLE events ADD COLUMN quad_class INTEGER",    # 1 verbal coop .. 4 material conflict
        "ALTER TABLE events ADD COLUMN root_code VARCHAR",     # CAMEO root (2 digits)
        "ALTER TABLE events ADD COLUMN lat DOUBLE",
        "ALTER TABLE events ADD COLUMN lon DOUBLE",
        "ALTER TABLE events ADD COLUMN mentions INTEGER",      # news-volume weight (GDELT NumMentions)
        "ALTER TABLE events ADD COLUMN ingest_id BIGINT",      # the ingest run that added it
        "ALTER TABLE events ADD COLUMN line BIGINT",           # its line in the source file
        "ALTER TABLE events ALTER COLUMN cameo DROP NOT NULL",       # PLOVER-coded sources have none
        "ALTER TABLE events ALTER COLUMN goldstein DROP NOT NULL",
        "ALTER TABLE events ALTER COLUMN plover DROP NOT NULL",      # CAMEO codes without a PLOVER match
        "ALTER TABLE events ALTER COLUMN source_url DROP NOT NULL",  # e.g. ICEWS, pre-2013 GDELT
        "ALTER TABLE events ALTER COLUMN actor1 DROP NOT NULL",      # GDELT events with only a target
        """UPDATE events SET source = 'kb', source_id = id, root_code = substr(cameo, 1, 2),
               quad_class = CASE WHEN substr(cameo, 1, 2) <= '05' THEN 1
                                 WHEN substr(cameo, 1, 2) <= '08' THEN 2
                                 WHEN substr(cameo, 1, 2) <= '13' THEN 3 ELSE 4 END""",
    )),
    # DuckDB builds no index in the transaction that updated the table: a migration of its own.
    Migration(5, "event indexes; ingest runs and rejects", (
        "CREATE INDEX events_date ON events (date)",
        "CREATE UNIQUE INDEX events_source_id ON events (source, source_id)",
        "CREATE SEQUENCE ingest_ids START 1",
        """CREATE TABLE ingests (
            id BIGINT PRIMARY KEY DEFAULT nextval('ingest_ids'), format VARCHAR NOT NULL,
            file VARCHAR NOT NULL, sha256 VARCHAR, bytes BIGINT, started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP, all_actors BOOLEAN NOT NULL, who VARCHAR NOT NULL,
            rows BIGINT, events BIGINT, rejects BIGINT, skipped_region BIGINT, skipped_stored BIGINT)""",
        "CREATE SEQUENCE reject_ids START 1",
        """CREATE TABLE rejects (
            id BIGINT PRIMARY KEY DEFAULT nextval('reject_ids'), ingest_id BIGINT NOT NULL,
            file VARCHAR NOT NULL, line BIGINT, field VARCHAR, reason VARCHAR NOT NULL, raw VARCHAR)""",
    )),
    Migration(6, "briefings written (so the next one opens with what is new since)", (
        "CREATE SEQUENCE briefing_ids START 1",
        """CREATE TABLE briefings (
            id BIGINT PRIMARY KEY DEFAULT nextval('briefing_ids'), made_at TIMESTAMP NOT NULL,
            state_at DATE NOT NULL, since DATE, html VARCHAR, pdf VARCHAR, who VARCHAR NOT NULL)""",
    )),
    Migration(7, "drop the (source, source_id) index: the primary key already makes it unique", (
        # an ingested event's id is '<source>:<source id>' and a curated one's is its source id
        # (source 'kb'), so the primary key on id guarantees one row per source and source id;
        # the second unique index only cost memory and time on every large ingest
        "DROP INDEX events_source_id",
    )),
    Migration(8, "events without ART indexes: bulk ingests stay fast and within bounded memory", (
        # An ART index (the primary key on id, the date index) must be held whole in memory
        # while rows are added, so an ingest's memory grew with the file and the store and its
        # time doubled. Without them DuckDB's min/max zone maps serve date ranges; ids stay
        # unique because every writer checks: ingests skip stored (source, source_id) pairs
        # (an ingested id is '<source>:<source id>'), and the knowledge-base loader refuses an
        # id that another loaded folder holds (store.load).
        """CREATE TABLE events_v8 (
            id VARCHAR NOT NULL, date DATE NOT NULL, end_date DATE, actor1 VARCHAR, actor2 VARCHAR,
            type VARCHAR NOT NULL, cameo VARCHAR, goldstein DOUBLE, plover VARCHAR, summary VARCHAR,
            source_url VARCHAR, source_date DATE, source_title VARCHAR, note VARCHAR,
            origin VARCHAR NOT NULL, source VARCHAR, source_id VARCHAR, quad_class INTEGER,
            root_code VARCHAR, lat DOUBLE, lon DOUBLE, mentions INTEGER, ingest_id BIGINT, line BIGINT)""",
        "INSERT INTO events_v8 SELECT * FROM events ORDER BY date, id",
        "DROP INDEX events_date",
        "DROP TABLE events",
        "ALTER TABLE events_v8 RENAME TO events",
    )),
    Migration(9, "web workbench: users, sessions, API tokens, stored scenarios", (
        # Passwords are argon2 hashes; a session's and a token's id/secret are stored as a
        # SHA-256 of the random value, so a copy of the store signs nobody in.
        """CREATE TABLE users (
            name VARCHAR PRIMARY KEY, password_hash VARCHAR NOT NULL,
            role VARCHAR NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
            created_at TIMESTAMP NOT NULL, created_by VARCHAR NOT NULL)""",
        """CREATE TABLE sessions (
            id VARCHAR PRIMARY KEY, user_name VARCHAR NOT NULL, csrf VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL, expires_at TIMESTAMP NOT NULL)""",
        """CREATE TABLE api_tokens (
            id VARCHAR PRIMARY KEY, user_name VARCHAR NOT NULL, token_hash VARCHAR NOT NULL,
            label VARCHAR, created_at TIMESTAMP NOT NULL, revoked_at TIMESTAMP)""",
        """CREATE TABLE scenarios (
            name VARCHAR PRIMARY KEY, title VARCHAR, yaml VARCHAR NOT NULL, version INTEGER NOT NULL,
            updated_by VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL)""",
    )),
    Migration(10, "web workbench: token parents, scenario owners", (
        # A token made by another token is revoked with it (parent_id); a stored scenario
        # belongs to whoever stored it first: the audit's scenario-add, else its last writer.
        "ALTER TABLE api_tokens ADD COLUMN parent_id VARCHAR",
        "ALTER TABLE scenarios ADD COLUMN owner VARCHAR",
        """UPDATE scenarios SET owner = coalesce(
            (SELECT a.who FROM audit a WHERE a.action = 'scenario-add'
               AND json_extract_string(a.what, '$.scenario') = scenarios.name ORDER BY a.id LIMIT 1),
            updated_by)""",
    )),
    Migration(11, "updates from the public feeds: runs, file states, knowledge-base releases", (
        # One row per source and `panmun update` run (panmun.update.records): what it read
        # (mode: network, mirror or folder; base: the address or folder, never a key), what it
        # did, and how it ended (running, ok, partial, failed, interrupted).
        "CREATE SEQUENCE update_run_ids START 1",
        """CREATE TABLE update_runs (
            id BIGINT PRIMARY KEY DEFAULT nextval('update_run_ids'), source VARCHAR NOT NULL,
            mode VARCHAR NOT NULL, base VARCHAR, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP,
            status VARCHAR NOT NULL, files BIGINT, bytes BIGINT, rows BIGINT, events BIGINT,
            rejects BIGINT, checksum_failures BIGINT, failed BIGINT, skipped BIGINT, missing BIGINT,
            seconds DOUBLE, record_through DATE, error VARCHAR, who VARCHAR NOT NULL)""",
        # The state of each published file of a source: ingested (or unchanged), or failed with
        # the number of failed attempts since it last succeeded and the last error.
        """CREATE TABLE update_files (
            source VARCHAR NOT NULL, name VARCHAR NOT NULL, file_date DATE, checksum VARCHAR,
            bytes BIGINT, status VARCHAR NOT NULL, failures INTEGER NOT NULL, last_error VARCHAR,
            run_id BIGINT, ingest_id BIGINT, updated_at TIMESTAMP NOT NULL,
            PRIMARY KEY (source, name))""",
        # Knowledge-base releases loaded with `panmun kb update` (the data package's digests).
        "CREATE SEQUENCE kb_release_ids START 1",
        """CREATE TABLE kb_releases (
            id BIGINT PRIMARY KEY DEFAULT nextval('kb_release_ids'), loaded_at TIMESTAMP NOT NULL,
            version VARCHAR, record_through DATE, digest VARCHAR NOT NULL, kb_digest VARCHAR NOT NULL,
            source VARCHAR NOT NULL, who VARCHAR NOT NULL, load_id BIGINT, counts JSON)""",
    )),
    Migration(12, "provisions in Korean: the opening words of the official Korean text", (
        # Filled by the next load of the knowledge base (its digest changes with the data);
        # NULL where no official Korean text of the provision was seen. Issues, measures and
        # steps are not stored tables: their Korean fields are read from the knowledge base.
        "ALTER TABLE provisions ADD COLUMN title_ko VARCHAR",
    )),
)

LATEST = MIGRATIONS[-1].version


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version of a store (0 for an empty file)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    row = con.execute("SELECT max(version) FROM schema_migrations").fetchall()[0]
    return row[0] or 0


def migrate(con: duckdb.DuckDBPyConnection, target: int | None = None,
            migrations: tuple[Migration, ...] = MIGRATIONS) -> list[Migration]:
    """Bring the store up to ``target`` (default: the latest version); return what ran."""
    target = migrations[-1].version if target is None else target
    con.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)""")
    have = current_version(con)
    if have > migrations[-1].version:
        raise StoreError(f"the store is at schema version {have}, newer than this panmun knows "
                         f"({migrations[-1].version}); upgrade panmun")
    ran = []
    for migration in migrations:
        if migration.version <= have or migration.version > target:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in migration.statements:
                con.execute(statement)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())",
                        [migration.version, migration.name])
            con.execute("COMMIT")
        except Exception as exc:
            con.execute("ROLLBACK")
            raise StoreError(f"migration {migration.version} ({migration.name}) failed: {exc}") from exc
        ran.append(migration)
    return ran
