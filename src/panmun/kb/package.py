"""Publish the knowledge base as a Frictionless data package (CSV tables + datapackage.json).

The tables are flat views of the YAML records; ``frictionless validate`` checks them
against the table schemas written here, including primary and foreign keys.

A package is also a release of the knowledge base that ``panmun kb update`` loads into a
store (:mod:`panmun.update.release`), so it carries what the store keeps of each record
(places, signatories, every source as JSON, notes, source titles) and its release
metadata, in the descriptor's ``release`` member: ``version`` (of panmun that wrote it),
``record_through`` (the newest event or implementation change), ``kb_digest`` (the sha256
digest of the knowledge-base files it was written from) and ``tables``, the size and sha256
digest of every CSV file. (They are not the tables' Frictionless ``bytes`` and ``hash``, so
that ``frictionless validate`` reports a damaged table by its content errors alone.) Beside
``datapackage.json``, ``datapackage.json.sha256`` holds the descriptor's own sha256 digest in
``sha256sum`` format: the digest of the whole release, since the descriptor holds every
table's digest.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import TypedDict

from panmun._version import __version__
from panmun.kb.loader import KnowledgeBase, load_kb
from panmun.kb.schema import DOMAINS, MEANS, STEP_MEANS, TOPICS, VECTORS

LICENSE_NOTE = ("Summaries and codings: the panmun project. Facts are sourced per record (source_url). "
                "CAMEO/Goldstein codes follow the GDELT tables; PLOVER follows the Open Event Data "
                "Alliance crosswalk (CC BY-SA 4.0).")


class _Format(TypedDict):
    """Keyword arguments of :func:`_f` that set only the field's ``format``."""

    format: str


def _f(name: str, type_: str = "string", required: bool = False, format: str | None = None,
       **constraints) -> dict:
    """A Table Schema field; ``format`` is a property of the field, the rest are constraints."""
    field: dict[str, object] = {"name": name, "type": type_}
    if format:
        field["format"] = format
    if required:
        constraints["required"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def _tables(kb: KnowledgeBase) -> dict[str, tuple[list[dict], dict]]:
    """name -> (rows, table schema)."""
    agreements, provisions, changes, events, actors, positions = [], [], [], [], [], []
    for a in kb.agreements.values():
        agreements.append({"id": a.id, "title": a.title, "short_title": a.short_title or "",
                           "title_ko": a.title_ko or "", "date": a.date.isoformat(),
                           "parties": ";".join(a.parties), "summary": a.summary,
                           "source_url": a.sources[0].url, "place": a.place or "",
                           "signatories": json.dumps(a.signatories, ensure_ascii=False),
                           "sources": _sources_json(a.sources),
                           "note": a.note or ""})
        for p in a.provisions:
            src = (p.sources or a.sources)[0]
            provisions.append({"id": a.provision_id(p.article), "agreement_id": a.id,
                               "article": p.article, "title": p.title or "", "title_ko": p.title_ko or "",
                               "vector": p.vector,
                               "parties": ";".join(p.parties), "confidence": p.confidence,
                               "summary": p.summary, "source_url": src.url,
                               "sources": _sources_json(p.sources), "note": p.note or ""})
    for agreement_id, c, _ in kb.changes:
        for pid in c.provisions:
            changes.append({"provision_id": pid, "agreement_id": agreement_id,
                            "date": c.date.isoformat(),
                            "score": "" if c.score is None else c.score, "state": c.state or "",
                            "note": c.note, "source_url": c.source.url,
                            "source_date": c.source.date.isoformat() if c.source.date else "",
                            "source_title": c.source.title or ""})
    for e, _ in kb.events:
        events.append({"id": e.id, "date": e.date.isoformat(),
                       "end_date": e.end_date.isoformat() if e.end_date else "",
                       "actor1": e.actor1, "actor2": e.actor2 or "", "type": e.type, "cameo": e.cameo,
                       "goldstein": e.goldstein, "plover": e.plover, "summary": e.summary,
                       "source_url": e.source.url,
                       "source_date": e.source.date.isoformat() if e.source.date else "",
                       "source_title": e.source.title or "", "note": e.note or ""})
    for a, _ in kb.actors:
        actors.append({"code": a.code, "name": a.name, "name_ko": a.name_ko or "", "kind": a.kind,
                       "note": a.note or ""})
    for p, _ in kb.positions:
        positions.append({"actor": p.actor, "topic": p.topic, "date": p.date.isoformat(),
                          "stance": p.stance, "source_url": p.source.url,
                          "source_date": p.source.date.isoformat() if p.source.date else "",
                          "source_title": p.source.title or "", "note": p.note or ""})
    url: _Format = {"format": "uri"}
    return {
        "agreements": (agreements, {"fields": [
            _f("id", required=True, unique=True), _f("title", required=True), _f("short_title"),
            _f("title_ko"), _f("date", "date", required=True), _f("parties"), _f("summary"),
            _f("source_url", required=True, **url), _f("place"), _f("signatories"),
            _f("sources", required=True), _f("note")], "primaryKey": ["id"]}),
        "provisions": (provisions, {"fields": [
            _f("id", required=True, unique=True), _f("agreement_id", required=True),
            _f("article", required=True), _f("title"), _f("title_ko"),
            _f("vector", required=True, enum=list(VECTORS)),
            _f("parties"), _f("confidence", enum=["verified", "recalled"]), _f("summary"),
            _f("source_url", required=True, **url), _f("sources", required=True), _f("note")],
            "primaryKey": ["id"],
            "foreignKeys": [{"fields": ["agreement_id"],
                             "reference": {"resource": "agreements", "fields": ["id"]}}]}),
        "implementation": (changes, {"fields": [
            _f("provision_id", required=True), _f("agreement_id", required=True),
            _f("date", "date", required=True), _f("score", "integer", minimum=0, maximum=3),
            _f("state", enum=["", "suspended", "reversed"]), _f("note"),
            _f("source_url", required=True, **url), _f("source_date", "date"), _f("source_title")],
            "foreignKeys": [{"fields": ["provision_id"],
                             "reference": {"resource": "provisions", "fields": ["id"]}}],
            "missingValues": [""]}),
        "events": (events, {"fields": [
            _f("id", required=True, unique=True), _f("date", "date", required=True),
            _f("end_date", "date"), _f("actor1", required=True), _f("actor2"), _f("type", required=True),
            _f("cameo", required=True, pattern="[0-9]{2,4}"),
            _f("goldstein", "number", required=True, minimum=-10, maximum=10),
            _f("plover", required=True), _f("summary"), _f("source_url", required=True, **url),
            _f("source_date", "date"), _f("source_title"), _f("note")], "primaryKey": ["id"],
            "missingValues": [""]}),
        "actors": (actors, {"fields": [
            _f("code", required=True, unique=True), _f("name", required=True), _f("name_ko"),
            _f("kind", required=True, enum=["state", "organisation"]), _f("note")], "primaryKey": ["code"]}),
        "positions": (positions, {"fields": [
            _f("actor", required=True), _f("topic", required=True, enum=list(TOPICS)),
            _f("date", "date", required=True), _f("stance"), _f("source_url", required=True, **url),
            _f("source_date", "date"), _f("source_title"), _f("note")], "missingValues": [""]}),
        "rules": (_rule_rows(kb), {"fields": [
            _f("rule", required=True), _f("provision_id", required=True),
            _f("relation", required=True, enum=["confirms", "violates"]), _f("title"),
            _f("since", "date"), _f("since_event"), _f("until", "date"), _f("match"),
            _f("rationale"), _f("source_url", **url)],
            "primaryKey": ["rule", "provision_id"], "missingValues": [""],
            "foreignKeys": [{"fields": ["provision_id"],
                             "reference": {"resource": "provisions", "fields": ["id"]}}]}),
        "measures": (_measure_rows(kb), {"fields": [
            _f("id", required=True, unique=True), _f("name", required=True),
            _f("kind", required=True, enum=["operational", "structural"]),
            _f("domains", required=True, pattern=_joined(DOMAINS)), _f("provision_id"),
            _f("zone"), _f("distance_km", "number", minimum=0), _f("activity"),
            _f("verification_means", required=True, pattern=_joined(MEANS)),
            _f("verification_burden", required=True, enum=["low", "medium", "high"]),
            _f("burden_why"), _f("reversibility", required=True, enum=["easy", "moderate", "hard"]),
            _f("reversibility_why"), _f("summary"), _f("note"),
            _f("source_url", required=True, **url), _f("source_date", "date"),
            _f("sources", required=True)],
            "primaryKey": ["id"], "missingValues": [""],
            "foreignKeys": [{"fields": ["provision_id"],
                             "reference": {"resource": "provisions", "fields": ["id"]}}]}),
        "issues": ([{"id": i.id, "name": i.name, "low": i.low, "high": i.high,
                     "description": i.description} for i, _ in kb.issues], {"fields": [
            _f("id", required=True, unique=True), _f("name", required=True), _f("low", required=True),
            _f("high", required=True), _f("description")], "primaryKey": ["id"]}),
        "codings": (_coding_rows(kb), {"fields": [
            _f("actor", required=True), _f("issue", required=True), _f("date", "date", required=True),
            _f("position", "number", required=True, minimum=0, maximum=100),
            _f("salience", "number", required=True, minimum=0, maximum=1),
            _f("basis_position"), _f("basis_event"), _f("source_url", **url), _f("source_date", "date"),
            _f("coder_note", required=True)],
            "primaryKey": ["actor", "issue", "date"], "missingValues": [""],
            "foreignKeys": [{"fields": ["issue"], "reference": {"resource": "issues", "fields": ["id"]}},
                            {"fields": ["actor"], "reference": {"resource": "actors", "fields": ["code"]}}]}),
        "capabilities": ([{"actor": c.actor, "date": c.date.isoformat(), "value": c.value, "basis": c.basis,
                           "source_url": c.source.url if c.source else "", "note": c.note}
                          for c, _ in kb.capabilities], {"fields": [
            _f("actor", required=True), _f("date", "date", required=True),
            _f("value", "number", required=True, minimum=0),
            _f("basis", required=True, enum=["sipri-milex", "judgement"]), _f("source_url", **url),
            _f("note")], "primaryKey": ["actor", "date"], "missingValues": [""],
            "foreignKeys": [{"fields": ["actor"], "reference": {"resource": "actors", "fields": ["code"]}}]}),
        "steps": (_step_rows(kb), _step_schema()),
    }


def _sources_json(sources) -> str:
    """Every source of a record, as JSON (url, and date and title when known)."""
    return json.dumps([s.model_dump(mode="json", exclude_none=True) for s in sources], ensure_ascii=False)


def table_schemas() -> dict[str, dict]:
    """The Table Schema of every table of a package, by table name (what a release must hold)."""
    from panmun.kb.loader import KnowledgeBase

    return {name: schema for name, (_, schema) in _tables(KnowledgeBase(root="")).items()}


def record_through(kb: KnowledgeBase) -> dt.date | None:
    """The date the record runs to: its newest event or implementation change (None if none)."""
    dates = [e.date for e, _ in kb.events] + [c.date for _, c, _ in kb.changes]
    return max(dates) if dates else None


def file_sha256(path: Path) -> str:
    """The sha256 digest of a file, as hex."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


#: The file beside ``datapackage.json`` that holds its sha256 digest (``sha256sum`` format).
DIGEST_SUFFIX = ".sha256"


def _step_schema() -> dict:
    """Table schema of the roadmap steps: lists ';'-joined, mappings as JSON, keys to measures
    and provisions."""
    url: _Format = {"format": "uri"}
    return {"fields": [
        _f("id", required=True, unique=True), _f("name", required=True), _f("actors", required=True),
        _f("vector", required=True, enum=list(VECTORS)),
        _f("advance", "number", required=True, minimum=0, maximum=1), _f("prerequisites"),
        _f("requires"), _f("drivers"), _f("value"), _f("value_note", required=True),
        _f("advance_note", required=True), _f("duration_months", "integer", required=True, minimum=0),
        _f("verification_means", required=True, pattern=_joined(STEP_MEANS)),
        _f("lead_months", "integer", required=True, minimum=0),
        _f("reversibility", required=True, enum=["easy", "moderate", "hard"]), _f("measure_id"),
        _f("provision_id"), _f("summary"), _f("issues"), _f("source_url", required=True, **url),
        _f("source_date", "date"), _f("sources", required=True)],
        "primaryKey": ["id"], "missingValues": [""],
        "foreignKeys": [{"fields": ["measure_id"], "reference": {"resource": "measures", "fields": ["id"]}},
                        {"fields": ["provision_id"],
                         "reference": {"resource": "provisions", "fields": ["id"]}}]}


def _step_rows(kb: KnowledgeBase) -> list[dict]:
    """One row per roadmap step; ``value`` as 'PRK:-2;USA:2', requires, drivers and the issues it
    moves (issue, toward, by, to) as JSON, the first source in source_url and source_date, every
    source as JSON in ``sources``."""
    rows = []
    for s, _ in kb.steps:
        first = s.sources[0]
        rows.append({"id": s.id, "name": s.name, "actors": ";".join(s.actors), "vector": s.vector,
                     "advance": s.advance, "prerequisites": ";".join(s.prerequisites),
                     "requires": json.dumps(s.requires) if s.requires else "",
                     "drivers": json.dumps(s.drivers) if s.drivers else "",
                     "value": ";".join(f"{p}:{v}" for p, v in s.value.items()),
                     "value_note": s.value_note, "advance_note": s.advance_note,
                     "duration_months": s.duration_months,
                     "verification_means": ";".join(s.verification.means),
                     "lead_months": s.verification.lead_months, "reversibility": s.reversibility,
                     "measure_id": s.measure or "", "provision_id": s.provision or "", "summary": s.summary,
                     "issues": json.dumps([i.model_dump(mode="json") for i in s.issues]) if s.issues else "",
                     "source_url": first.url, "source_date": first.date.isoformat() if first.date else "",
                     "sources": json.dumps([x.model_dump(mode="json", exclude_none=True) for x in s.sources],
                                           ensure_ascii=False)})
    return rows


def _coding_rows(kb: KnowledgeBase) -> list[dict]:
    """One row per numeric coding; the source is the basis's own or that of the kb position or
    event it codes (empty if that record is outside ``kb``)."""
    rows = []
    for c, _ in kb.codings:
        src = kb.basis_source(c)
        rows.append({"actor": c.actor, "issue": c.issue, "date": c.date.isoformat(), "position": c.position,
                     "salience": c.salience, "basis_position": c.basis.position or "",
                     "basis_event": c.basis.event or "", "source_url": src.url if src else "",
                     "source_date": src.date.isoformat() if src and src.date else "",
                     "coder_note": c.coder_note})
    return rows


def _joined(values: tuple[str, ...]) -> str:
    """A Table Schema pattern for one or more of ``values`` joined by ';'."""
    one = "(" + "|".join(values) + ")"
    return f"{one}(;{one})*"


def _measure_rows(kb: KnowledgeBase) -> list[dict]:
    """One row per arms-control measure; lists ';'-joined, the first source in source_url and
    source_date, every source as JSON in ``sources``."""
    rows = []
    for m, _ in kb.measures:
        first = m.sources[0]
        rows.append({"id": m.id, "name": m.name, "kind": m.kind, "domains": ";".join(m.domains),
                     "provision_id": m.provision or "", "zone": m.restricts.zone,
                     "distance_km": "" if m.restricts.distance_km is None else m.restricts.distance_km,
                     "activity": m.restricts.activity,
                     "verification_means": ";".join(m.verification.means),
                     "verification_burden": m.verification.burden, "burden_why": m.verification.burden_why,
                     "reversibility": m.reversibility, "reversibility_why": m.reversibility_why,
                     "summary": m.summary, "note": m.note or "", "source_url": first.url,
                     "source_date": first.date.isoformat() if first.date else "",
                     "sources": json.dumps([s.model_dump(mode="json", exclude_none=True) for s in m.sources],
                                           ensure_ascii=False)})
    return rows


def _rule_rows(kb: KnowledgeBase) -> list[dict]:
    """One row per compliance rule and provision it bears on; the match conditions as JSON."""
    rows = []
    for rule, *_ in kb.rules:
        match = json.dumps(rule.match.model_dump(mode="json", exclude_none=True), ensure_ascii=False)
        for provision in rule.provisions:
            rows.append({"rule": rule.id, "provision_id": provision, "relation": rule.relation,
                         "title": rule.title, "since": rule.since.isoformat() if rule.since else "",
                         "since_event": rule.since_event or "",
                         "until": rule.until.isoformat() if rule.until else "", "match": match,
                         "rationale": rule.rationale,
                         "source_url": rule.sources[0].url if rule.sources else ""})
    return rows


def write_datapackage(out: Path | str, kb: KnowledgeBase | None = None) -> Path:
    """Write the CSV tables and ``datapackage.json`` into ``out``; return the descriptor's path."""
    kb = kb or load_kb()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    resources, tables = [], {}
    for name, (rows, schema) in _tables(kb).items():
        path = out / f"{name}.csv"
        names = [f["name"] for f in schema["fields"]]
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=names, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        resources.append({"name": name, "path": path.name, "profile": "tabular-data-resource",
                          "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                          "schema": schema})
        tables[path.name] = {"bytes": path.stat().st_size, "sha256": file_sha256(path)}
    through = record_through(kb)
    descriptor = {
        "profile": "tabular-data-package",
        "name": "panmun-knowledge-base",
        "title": "panmun knowledge base: Korean Peninsula peace-process agreements, "
                 "implementation, events, actor positions, compliance rules, arms-control "
                 "measures, issues with actors' numeric codings and capabilities, and roadmap steps",
        "version": __version__,
        "release": {"version": __version__, "record_through": through.isoformat() if through else None,
                    "kb_digest": kb.digest, "tables": tables},
        "licenses": [{"name": "CC-BY-SA-4.0", "title": "Creative Commons Attribution Share-Alike 4.0",
                      "path": "https://creativecommons.org/licenses/by-sa/4.0/"}],
        "description": LICENSE_NOTE,
        "resources": resources,
    }
    path = out / "datapackage.json"
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    path.with_name(path.name + DIGEST_SUFFIX).write_text(f"{file_sha256(path)}  {path.name}\n",
                                                         encoding="utf-8")
    return path
