"""Cross-checks of knowledge-base records: ids, references, dates, codes.

:func:`check` runs after the schemas have passed (see :mod:`panmun.kb.loader`) and
returns every problem found, each naming the file, line and field.
:func:`validate_path` is what ``panmun kb validate`` calls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from panmun.errors import Problem
from panmun.ingest.codes import cameo_codes, iso3_codes, plover_for
from panmun.kb.loader import KnowledgeBase, Where, builtin_root, load_kb, load_overlay
from panmun.kb.schema import BUILTIN_AGREEMENTS

#: Agreements whose every provision must carry an implementation history.
TRACKED_AGREEMENTS: tuple[str, ...] = (
    "panmunjom-2018", "singapore-2018", "pyongyang-2018", "cma-2018", "rok-us-2021",
)


def _p(where: Where, field: str | None, message: str) -> Problem:
    return Problem(where.file, where.line_of(field), field, message)


def check(kb: KnowledgeBase, base: KnowledgeBase | None = None,
          today: dt.date | None = None) -> list[Problem]:
    """Every cross-record problem of ``kb`` (an overlay is checked against ``base``)."""
    today = today or dt.date.today()
    problems: list[Problem] = []
    agreements = dict(base.agreements) if base else {}
    actor_codes = set(iso3_codes())
    for actor, _ in (base.actors if base else []) + kb.actors:
        actor_codes.add(actor.code)

    # actors
    seen_actors = {a.code for a, _ in base.actors} if base else set()
    for actor, where in kb.actors:
        if actor.code in seen_actors:
            problems.append(_p(where, "code", f"duplicate actor code {actor.code!r}"))
        seen_actors.add(actor.code)

    # agreements and provisions
    for agreement in kb.agreements.values():
        where = kb.where[("agreement", agreement.id)]
        if base and agreement.id in base.agreements:
            problems.append(_p(where, "id", f"agreement {agreement.id!r} already exists in the "
                                            "built-in knowledge base; an overlay may add agreements, "
                                            "not redefine them"))
        agreements[agreement.id] = agreement
        if agreement.date > today:
            problems.append(_p(where, "date", f"date {agreement.date} is in the future"))
        for code in agreement.parties:
            if code not in actor_codes:
                problems.append(_p(where, "parties", f"unknown actor code {code!r}"))
        articles: set[str] = set()
        for prov in agreement.provisions:
            pwhere = kb.where[("provision", agreement.provision_id(prov.article))]
            if prov.article in articles:
                problems.append(_p(pwhere, "article", f"duplicate article {prov.article!r} "
                                                      f"in {agreement.id}"))
            articles.add(prov.article)
            for code in prov.parties:
                if code not in actor_codes:
                    problems.append(_p(pwhere, "parties", f"unknown actor code {code!r}"))
            problems += _source_dates(prov.sources, pwhere, "sources", today)
        problems += _source_dates(agreement.sources, where, "sources", today)
    if base is None:
        for agreement_id in BUILTIN_AGREEMENTS:
            if agreement_id not in kb.agreements:
                problems.append(Problem(str(Path(kb.root).name) + "/agreements", None, None,
                                        f"built-in agreement {agreement_id!r} is missing"))

    # implementation history
    provision_ids = {a.provision_id(p.article): a for a in agreements.values() for p in a.provisions}
    with_history: set[str] = set()
    for agreement_id, change, where in kb.changes:
        agreement = agreements.get(agreement_id)
        if agreement is None:
            problems.append(_p(where, "agreement", f"unknown agreement {agreement_id!r}"))
            continue
        for pid in change.provisions:
            if pid not in provision_ids:
                problems.append(_p(where, "provisions", f"unknown provision id {pid!r} (ids are "
                                                        "<agreement-id>/<article>, e.g. cma-2018/1.3)"))
            elif provision_ids[pid].id != agreement_id:
                problems.append(_p(where, "provisions", f"provision {pid!r} belongs to "
                                                        f"{provision_ids[pid].id}, not {agreement_id}"))
            with_history.add(pid)
        if change.date < agreement.date:
            problems.append(_p(where, "date", f"status change dated {change.date}, before the agreement "
                                              f"was signed ({agreement.date})"))
        if change.date > today:
            problems.append(_p(where, "date", f"date {change.date} is in the future"))
        problems += _source_dates([change.source], where, "source", today)
    if base is None:
        for agreement_id in TRACKED_AGREEMENTS:
            agreement = agreements.get(agreement_id)
            for prov in agreement.provisions if agreement else []:
                pid = agreement.provision_id(prov.article)
                if pid not in with_history:
                    problems.append(_p(kb.where[("provision", pid)], "article",
                                       f"provision {pid} has no implementation history"))

    # events
    event_ids = {e.id for e, _ in base.events} if base else set()
    cameo = cameo_codes()
    for event, where in kb.events:
        if event.id in event_ids:
            problems.append(_p(where, "id", f"duplicate event id {event.id!r}"))
        event_ids.add(event.id)
        if not event.id.startswith(event.date.isoformat()):
            problems.append(_p(where, "id", f"event id must start with its date {event.date}"))
        stem = Path(where.file).stem
        if stem.isdigit() and int(stem) != event.date.year:
            problems.append(_p(where, "date", f"event of {event.date.year} in file {stem}.yaml"))
        if event.date > today:
            problems.append(_p(where, "date", f"date {event.date} is in the future"))
        for fieldname in ("actor1", "actor2"):
            code = getattr(event, fieldname)
            if code is not None and code not in actor_codes:
                problems.append(_p(where, fieldname, f"unknown actor code {code!r}"))
        code = cameo.get(event.cameo)
        if code is None:
            problems.append(_p(where, "cameo", f"unknown CAMEO event code {event.cameo!r}"))
            continue
        if abs(code.goldstein - event.goldstein) > 1e-9:
            problems.append(_p(where, "goldstein", f"CAMEO {event.cameo} ({code.description}) has "
                                                   f"Goldstein {code.goldstein}, not {event.goldstein}"))
        plover = plover_for(event.cameo)
        if plover is not None and plover != event.plover:
            problems.append(_p(where, "plover", f"CAMEO {event.cameo} maps to PLOVER {plover}, "
                                                f"not {event.plover}"))
        problems += _source_dates([event.source], where, "source", today)

    # positions
    for pos, where in kb.positions:
        if pos.actor not in actor_codes:
            problems.append(_p(where, "actor", f"unknown actor code {pos.actor!r}"))
        if pos.date > today:
            problems.append(_p(where, "date", f"date {pos.date} is in the future"))
        problems += _source_dates([pos.source], where, "source", today)
    return problems


def _source_dates(sources, where: Where, field: str, today: dt.date) -> list[Problem]:
    return [_p(where, field, f"source date {s.date} is in the future")
            for s in sources if s.date is not None and s.date > today]


@dataclass(frozen=True)
class ValidationReport:
    """What a successful validation looked at."""

    root: str
    builtin: bool
    files: list[str]
    docs: list[str]
    counts: dict[str, int]


def validate_path(path: Path | str | None = None) -> ValidationReport:
    """Validate the built-in knowledge base (``path=None``) or an overlay folder.

    Raises :class:`~panmun.errors.ValidationError` listing every problem (file, line, field).
    """
    if path is None or Path(path).resolve() == builtin_root().resolve():
        kb = load_kb()
        return ValidationReport(kb.root, True, kb.files, kb.docs, kb.counts())
    kb = load_overlay(path)
    return ValidationReport(kb.root, False, kb.files, kb.docs, kb.counts())
