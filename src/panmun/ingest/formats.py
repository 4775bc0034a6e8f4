"""What each event dataset's fields mean in panmun's normalised event record.

A format says how to find its named fields in a line (tab-separated formats) or a CSV
record, and gives SQL expressions, evaluated in DuckDB over those named VARCHAR fields,
for every normalised column (see :mod:`panmun.ingest.records`) plus the checks that
reject a row, each naming the field at fault. The code tables are joined in as
``cameo`` (code, description, goldstein, plover), ``countries`` (name, code) and
``plover`` (event, quad_class, goldstein) by the engine.

Mapping notes (approximations are stated, not hidden):

* GDELT: actor = CountryCode, else KnownGroupCode (e.g. UNO), else none (a role code
  such as LEG alone does not say whose); location = ActionGeo; weight = NumMentions.
* ICEWS: actors from Source/Target Country names; weight = Intensity (ICEWS's own
  Goldstein-scale value); quad class from the CAMEO root.
* POLECAT: PLOVER-coded, no CAMEO code; quad class from the crosswalk's grouping and a
  Goldstein-scale value equal to the mean weight of the CAMEO codes mapped to that
  PLOVER event (``panmun.codes.plover_goldstein``).
* ACLED: event types mapped to the nearest CAMEO code (``ACLED_CAMEO``); types without
  one (e.g. "Headquarters or base established") are kept without a code. Actor 1 is
  the state named in "Military/Police Forces of X", else the country of the location.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from panmun.ingest.layouts import (
    ACLED_REQUIRED,
    CSV_REQUIRED,
    GDELT1_COLUMNS,
    GDELT2_COLUMNS,
    ICEWS_COLUMNS,
    POLECAT_REQUIRED,
)

#: ACLED (event_type, sub_event_type) -> nearest CAMEO code; sub_event_type None = any.
ACLED_CAMEO: dict[tuple[str, str | None], str] = {
    ("Battles", None): "190",
    ("Explosions/Remote violence", "Air/drone strike"): "195",
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"): "194",
    ("Explosions/Remote violence", "Chemical weapon"): "200",
    ("Explosions/Remote violence", None): "183",
    ("Violence against civilians", "Abduction/forced disappearance"): "181",
    ("Violence against civilians", None): "180",
    ("Protests", "Excessive force against protesters"): "175",
    ("Protests", None): "141",
    ("Riots", None): "145",
    ("Strategic developments", "Agreement"): "057",
    ("Strategic developments", "Arrests"): "173",
    ("Strategic developments", "Looting/property destruction"): "171",
}

#: Actors whose events panmun keeps by default: the peninsula, its neighbours, and the
#: organisations acting on it (CAMEO's UNO for the UN, IAEA, the UN Command).
REGION_ACTORS: tuple[str, ...] = ("KOR", "PRK", "USA", "CHN", "JPN", "RUS", "UNO", "IAEA", "UNC")

_QUAD_FROM_CAMEO = """CASE WHEN {c} IS NULL THEN NULL
    WHEN left({c}, 2) <= '05' THEN 1 WHEN left({c}, 2) <= '08' THEN 2
    WHEN left({c}, 2) <= '13' THEN 3 ELSE 4 END"""


def q(name: str) -> str:
    """A field name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """A Python string as an SQL literal."""
    return "'" + text.replace("'", "''") + "'"


def sql_list(values: Iterable[str]) -> str:
    """Python strings as a parenthesised list of SQL literals, for ``IN``."""
    return "(" + ", ".join(lit(v) for v in values) + ")"


_NORMALISED_REF = re.compile(r"\bn\.(\w+)")
_QUOTED_FIELD = re.compile(r'r\."((?:[^"]|"")+)"|\br\.(\w+)')


def inline_normalised(sql: str, expressions: dict[str, str]) -> str:
    """``sql`` (a check) with each ``n.<column>``, a normalised column, replaced by that
    column's expression in ``expressions``."""
    return _NORMALISED_REF.sub(lambda m: f"({expressions[m.group(1)]})", sql)


@dataclass(frozen=True)
class Check:
    """A row is rejected when ``bad`` (SQL, over normalised and named fields) is true."""

    field: str
    bad: str
    reason: str    # SQL expression giving the reason text


@dataclass(frozen=True)
class Format:
    """One dataset layout and its mapping onto the normalised event record."""

    name: str
    description: str
    kind: str                                  # "lines" (tab-separated) or "csv"
    header: bool                               # the file starts with a header row
    columns: tuple[str, ...] = ()              # fixed layout (no header); else from the header
    required: tuple[str, ...] = ()             # fields a header must name
    field_counts: tuple[int, ...] = ()         # allowed numbers of fields (fixed layouts)
    extra_fields_ok: bool = False              # tolerate trailing extra fields (POLECAT)
    expressions: dict[str, str] = field(default_factory=dict)
    joins: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()


def referenced_fields(spec: Format) -> set[str]:
    """Names of the raw fields (``r."Name"`` or ``r.name``) the format's SQL uses."""
    text = " ".join([*spec.expressions.values(), *spec.joins,
                     *(c.bad for c in spec.checks), *(c.reason for c in spec.checks)])
    return {(quoted.replace('""', '"') if quoted else plain) for quoted, plain in _QUOTED_FIELD.findall(text)}


def _date_check(column: str, expr: str = "n.date") -> tuple[Check, Check]:
    return (Check(column, f"{expr} IS NULL", f"'not a valid date: ' || coalesce(r.{q(column)}, '(empty)')"),
            Check(column, f"{expr} > current_date", f"'date in the future: ' || r.{q(column)}"))


def _id_check(column: str) -> Check:
    return Check(column, "n.source_id IS NULL", lit(f"missing {column}"))


def _stripped(field: str) -> str:
    """``field`` without surrounding spaces, an empty value as NULL.

    ``trim`` copies every value it is given (a third of a GDELT ingest's time went to
    trimming URLs that had nothing to trim), so it runs only on a value that starts or
    ends with an ASCII space; a value edged only by another Unicode space is kept as is.
    """
    return (f"nullif(CASE WHEN starts_with({field}, ' ') OR ends_with({field}, ' ') "
            f"THEN trim({field}) ELSE {field} END, '')")


def _gdelt(name: str, columns: tuple[str, ...], counts: tuple[int, ...], description: str) -> Format:
    def actor(i: int) -> str:   # a role code alone (e.g. LEG, legislature) names no actor
        return (f"coalesce({_stripped('r.' + q(f'Actor{i}CountryCode'))}, "
                f"{_stripped('r.' + q(f'Actor{i}KnownGroupCode'))})")
    return Format(
        name=name, description=description, kind="lines", header=False, columns=columns,
        field_counts=counts,
        expressions={
            "source_id": _stripped("r." + q("GLOBALEVENTID")),
            "date": f"try_strptime(r.{q('SQLDATE')}, '%Y%m%d')::DATE",
            "actor1": actor(1), "actor2": actor(2),
            "type": "'coded'",
            "cameo": _stripped("r." + q("EventCode")),
            "quad_class": f"try_cast(r.{q('QuadClass')} AS INTEGER)",
            "goldstein": f"try_cast(r.{q('GoldsteinScale')} AS DOUBLE)",
            "plover": "c.plover",
            "lat": f"try_cast(r.{q('ActionGeo_Lat')} AS DOUBLE)",
            "lon": f"try_cast(r.{q('ActionGeo_Long')} AS DOUBLE)",
            "mentions": f"try_cast(r.{q('NumMentions')} AS INTEGER)",
            "summary": (f"concat_ws(' | ', coalesce(nullif(r.{q('Actor1Name')}, ''), '?'), c.description, "
                        f"coalesce(nullif(r.{q('Actor2Name')}, ''), '?'))"),
            "source_url": _stripped("r." + q("SOURCEURL")),
        },
        joins=(f"LEFT JOIN cameo c ON c.code = {_stripped('r.' + q('EventCode'))}",),
        checks=(
            _id_check("GLOBALEVENTID"),
            *_date_check("SQLDATE"),
            Check("EventCode", "c.code IS NULL",
                  f"'unknown CAMEO event code: ' || coalesce(r.{q('EventCode')}, '(empty)')"),
            Check("QuadClass", "n.quad_class IS NULL OR n.quad_class NOT BETWEEN 1 AND 4",
                  f"'QuadClass must be 1-4, not ' || r.{q('QuadClass')}"),
            Check("GoldsteinScale", "n.goldstein IS NULL OR abs(n.goldstein) > 10",
                  f"'GoldsteinScale must be a number in -10..10, not ' || r.{q('GoldsteinScale')}"),
        ),
    )


GDELT1 = _gdelt("gdelt1", GDELT1_COLUMNS, (57, 58),
                "GDELT 1.0 event files: 58 tab-separated fields (57 before April 2013), no header")
GDELT2 = _gdelt("gdelt2", GDELT2_COLUMNS, (61,),
                "GDELT 2.0 event export: 61 tab-separated fields, no header")

ICEWS = Format(
    name="icews", description="ICEWS coded event data: tab-separated, header row",
    kind="lines", header=True, required=ICEWS_COLUMNS[:11],
    expressions={
        "source_id": f"nullif(trim(r.{q('Event ID')}), '')",
        "date": f"try_strptime(r.{q('Event Date')}, '%Y-%m-%d')::DATE",
        "actor1": "s1.code", "actor2": "s2.code", "type": "'coded'",
        "cameo": "c.code",
        "quad_class": _QUAD_FROM_CAMEO.format(c="c.code"),
        "goldstein": f"try_cast(r.{q('Intensity')} AS DOUBLE)",
        "plover": "c.plover",
        "lat": f"try_cast(r.{q('Latitude')} AS DOUBLE)", "lon": f"try_cast(r.{q('Longitude')} AS DOUBLE)",
        "mentions": "1",
        "summary": (f"concat_ws(' | ', nullif(r.{q('Source Name')}, ''), nullif(r.{q('Event Text')}, ''), "
                    f"nullif(r.{q('Target Name')}, ''))"),
        "source_url": "NULL",
    },
    joins=(f"LEFT JOIN cameo c ON c.code = trim(r.{q('CAMEO Code')})",
           f"LEFT JOIN countries s1 ON s1.name = trim(r.{q('Source Country')})",
           f"LEFT JOIN countries s2 ON s2.name = trim(r.{q('Target Country')})"),
    checks=(
        _id_check("Event ID"),
        *_date_check("Event Date"),
        Check("CAMEO Code", "c.code IS NULL",
              f"'unknown CAMEO event code: ' || coalesce(r.{q('CAMEO Code')}, '(empty)')"),
        Check("Intensity", "n.goldstein IS NULL OR abs(n.goldstein) > 10",
              f"'Intensity must be a number in -10..10, not ' || r.{q('Intensity')}"),
    ),
)

POLECAT = Format(
    name="polecat", description="POLECAT weekly files (PLOVER-coded): tab-separated, header row",
    kind="lines", header=True, required=POLECAT_REQUIRED, extra_fields_ok=True,
    expressions={
        "source_id": f"nullif(trim(r.{q('Event ID')}), '')",
        "date": f"try_strptime(left(trim(r.{q('Event Date')}), 10), '%Y-%m-%d')::DATE",
        "actor1": "a1.code", "actor2": "a2.code", "type": "'coded'",
        "cameo": "NULL", "quad_class": "p.quad_class", "goldstein": "p.goldstein",
        "plover": "p.event",
        "lat": f"try_cast(r.{q('Latitude')} AS DOUBLE)", "lon": f"try_cast(r.{q('Longitude')} AS DOUBLE)",
        "mentions": "1",
        "summary": f"p.event || coalesce(' (' || nullif(lower(trim(r.{q('Event Mode')})), '') || ')', '')",
        "source_url": "NULL",
    },
    joins=(f"LEFT JOIN plover p ON p.event = upper(trim(r.{q('Event Type')}))",
           f"LEFT JOIN countries a1 ON a1.name = trim(r.{q('Actor Country')})",
           f"LEFT JOIN countries a2 ON a2.name = trim(r.{q('Recipient Country')})"),
    checks=(
        _id_check("Event ID"),
        *_date_check("Event Date"),
        Check("Event Type", "p.event IS NULL",
              f"'unknown PLOVER event type: ' || coalesce(r.{q('Event Type')}, '(empty)')"),
    ),
)


def _acled_cameo_sql() -> str:
    specific = [(e, s, c) for (e, s), c in ACLED_CAMEO.items() if s is not None]
    general = [(e, c) for (e, s), c in ACLED_CAMEO.items() if s is None]
    parts = [f"WHEN trim(r.event_type) = {lit(e)} AND trim(r.sub_event_type) = {lit(s)} THEN {lit(c)}"
             for e, s, c in specific]
    parts += [f"WHEN trim(r.event_type) = {lit(e)} THEN {lit(c)}" for e, c in general]
    return "CASE " + " ".join(parts) + " END"


_ACLED_TYPES = sorted({e for e, _ in ACLED_CAMEO})
ACLED = Format(
    name="acled", description="ACLED CSV export (column sets before and after March 2023)",
    kind="csv", header=True, required=ACLED_REQUIRED,
    expressions={
        "source_id": "nullif(trim(r.event_id_cnty), '')",
        "date": ("coalesce(try_strptime(trim(r.event_date), '%Y-%m-%d'), "
                 "try_strptime(trim(r.event_date), '%d %B %Y'))::DATE"),
        "actor1": "coalesce(f1.code, loc.code)", "actor2": "f2.code", "type": "'coded'",
        "cameo": "c.code",
        "quad_class": _QUAD_FROM_CAMEO.format(c="c.code"),
        "goldstein": "c.goldstein", "plover": "c.plover",
        "lat": "try_cast(r.latitude AS DOUBLE)", "lon": "try_cast(r.longitude AS DOUBLE)",
        "mentions": "1",
        "summary": ("concat_ws(' | ', trim(r.event_type) || ' / ' || trim(r.sub_event_type), "
                    "nullif(left(trim(r.notes), 240), ''))"),
        "source_url": "NULL",
    },
    joins=(f"LEFT JOIN cameo c ON c.code = ({_acled_cameo_sql()})",
           "LEFT JOIN countries f1 ON f1.name = trim(regexp_extract(r.actor1, "
           "'(?:Military|Police) Forces of ([^(]+)', 1))",
           "LEFT JOIN countries f2 ON f2.name = trim(regexp_extract(r.actor2, "
           "'(?:Military|Police) Forces of ([^(]+)', 1))",
           "LEFT JOIN countries loc ON loc.name = trim(r.country)"),
    checks=(
        _id_check("event_id_cnty"),
        *_date_check("event_date"),
        Check("event_type", f"trim(r.event_type) NOT IN ({', '.join(lit(t) for t in _ACLED_TYPES)})",
              "'unknown ACLED event type: ' || coalesce(r.event_type, '(empty)')"),
    ),
)

CSV = Format(
    name="csv", description="panmun's plain layout for a team's own events (see docs/ingest.md)",
    kind="csv", header=True, required=CSV_REQUIRED,
    expressions={
        "source_id": "nullif(trim(r.id), '')",
        "date": "try_strptime(trim(r.date), '%Y-%m-%d')::DATE",
        "actor1": "a1.code", "actor2": "a2.code",
        "type": "coalesce(nullif(trim(r.type), ''), 'coded')",
        "cameo": "c.code",
        "quad_class": f"coalesce({_QUAD_FROM_CAMEO.format(c='c.code')}, p.quad_class)",
        "goldstein": "coalesce(try_cast(nullif(trim(r.goldstein), '') AS DOUBLE), c.goldstein, p.goldstein)",
        "plover": "coalesce(c.plover, p.event)",
        "lat": "try_cast(nullif(trim(r.lat), '') AS DOUBLE)",
        "lon": "try_cast(nullif(trim(r.lon), '') AS DOUBLE)",
        "mentions": "1",
        "summary": "nullif(trim(r.summary), '')",
        "source_url": "nullif(trim(r.source_url), '')",
    },
    joins=("LEFT JOIN cameo c ON c.code = nullif(trim(r.cameo), '')",
           "LEFT JOIN plover p ON p.event = upper(nullif(trim(r.plover), ''))",
           "LEFT JOIN countries a1 ON a1.name = trim(r.actor1)",
           "LEFT JOIN countries a2 ON a2.name = nullif(trim(r.actor2), '')"),
    checks=(
        _id_check("id"),
        *_date_check("date"),
        Check("actor1", "n.actor1 IS NULL", "'unknown actor code: ' || coalesce(r.actor1, '(empty)')"),
        Check("actor2", "nullif(trim(r.actor2), '') IS NOT NULL AND n.actor2 IS NULL",
              "'unknown actor code: ' || r.actor2"),
        Check("cameo", "nullif(trim(r.cameo), '') IS NOT NULL AND c.code IS NULL",
              "'unknown CAMEO event code: ' || r.cameo"),
        Check("plover", "nullif(trim(r.plover), '') IS NOT NULL AND p.event IS NULL",
              "'unknown PLOVER event: ' || r.plover"),
        Check("cameo", "c.code IS NULL AND p.event IS NULL", "'give a cameo code or a plover event'"),
        Check("goldstein", "n.goldstein IS NULL OR abs(n.goldstein) > 10",
              "'goldstein must be a number in -10..10'"),
        Check("source_url", "NOT regexp_matches(coalesce(n.source_url, ''), '^https?://')",
              "'source_url must start with http:// or https://'"),
    ),
)

#: Every format panmun ingests, by name (``cns-missiles`` has its own reader: ingest.cns).
FORMATS: dict[str, Format] = {f.name: f for f in (GDELT1, GDELT2, ICEWS, POLECAT, ACLED, CSV)}
FORMAT_NAMES: tuple[str, ...] = ("gdelt1", "gdelt2", "icews", "polecat", "acled", "cns-missiles", "csv")
