"""Cross-checks of knowledge-base records: ids, references, dates, codes.

:func:`check` runs after the schemas have passed (see :mod:`panmun.kb.loader`, which runs
both) and returns every problem found, each naming the file, line and field. The checks
know the records only through the attributes of :class:`~panmun.kb.loader.KnowledgeBase`
and never import the loader, so the loader can run them.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from panmun.codes import PLOVER_EVENTS, cameo_codes, iso3_codes, plover_for
from panmun.errors import Problem
from panmun.kb.publishers import Registry, registry_problems, source_problems
from panmun.kb.schema import BUILTIN_AGREEMENTS, BUILTIN_MEASURES

if TYPE_CHECKING:
    import numpy as np

    from panmun.kb.loader import KnowledgeBase, Where

#: Agreements whose every provision must carry an implementation history.
TRACKED_AGREEMENTS: tuple[str, ...] = (
    "panmunjom-2018", "singapore-2018", "pyongyang-2018", "cma-2018", "rok-us-2021",
)


def position_key(position) -> str:
    """The id by which a coding names a knowledge-base position: ``<actor>/<topic>/<date>``."""
    return f"{position.actor}/{position.topic}/{position.date.isoformat()}"


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

    # publishers, and the sources every record cites
    registry = Registry([p for p, _ in (base.publishers if base else [])] + [p for p, _ in kb.publishers])
    problems += registry_problems(kb, base)
    problems += source_problems(kb, registry)

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
                assert agreement is not None  # only a found agreement has provisions to loop over
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

    # compliance rules and their zones
    problems += _check_rules(kb, base, agreements, actor_codes, today)

    # arms-control measures
    known = {m.id for m, _ in base.measures} if base else set()
    problems += measure_problems(kb.measures, set(provision_ids), known, today)
    if base is None:
        present = {m.id for m, _ in kb.measures}
        for measure_id in BUILTIN_MEASURES:
            if measure_id not in present:
                problems.append(Problem(str(Path(kb.root).name) + "/measures", None, None,
                                        f"built-in measure {measure_id!r} is missing"))

    # issues, numeric codings and capabilities
    problems += issue_problems(kb, base, actor_codes, today)

    # roadmap steps (overlay steps may name built-in steps, measures and provisions)
    measure_ids = {m.id for k in ([base] if base else []) + [kb] for m, _ in k.measures}
    known_steps = base.steps if base else []
    issue_ids = {i.id for k in ([base] if base else []) + [kb] for i, _ in k.issues}
    problems += step_problems(kb.steps, known_steps, set(provision_ids), measure_ids, actor_codes, today,
                              issue_ids=issue_ids)
    return problems


def issue_problems(kb: KnowledgeBase, base: KnowledgeBase | None, actor_codes: set[str],
                   today: dt.date) -> list[Problem]:
    """Problems of the issues, codings and capabilities of ``kb`` (references may point into
    ``base``): repeated issue ids, unknown actors, issues, positions and events, a coding dated
    otherwise than the statement it codes, repeated (actor, issue, date) or (actor, date), future dates."""
    problems: list[Problem] = []
    both = [kb] if base is None else [base, kb]
    issue_ids = {i.id for i, _ in base.issues} if base else set()
    for issue, where in kb.issues:
        if issue.id in issue_ids:
            problems.append(_p(where, "id", f"duplicate issue id {issue.id!r}"))
        issue_ids.add(issue.id)
    positions = {position_key(p): p for k in both for p, _ in k.positions}
    events = {e.id: e for k in both for e, _ in k.events}
    seen = {(c.actor, c.issue, c.date) for c, _ in base.codings} if base else set()
    for coding, where in kb.codings:
        if coding.actor not in actor_codes:
            problems.append(_p(where, "actor", f"unknown actor code {coding.actor!r}"))
        if coding.issue not in issue_ids:
            problems.append(_p(where, "issue", f"unknown issue {coding.issue!r} (issues are defined under "
                                               "issues: in issues/*.yaml)"))
        key = (coding.actor, coding.issue, coding.date)
        if key in seen:
            problems.append(_p(where, "date", f"duplicate coding of {coding.actor} on {coding.issue} "
                                              f"dated {coding.date}"))
        seen.add(key)
        if coding.date > today:
            problems.append(_p(where, "date", f"date {coding.date} is in the future"))
        problems += _basis_problems(coding, where, positions, events, today)
    seen_caps = {(c.actor, c.date) for c, _ in base.capabilities} if base else set()
    for cap, where in kb.capabilities:
        if cap.actor not in actor_codes:
            problems.append(_p(where, "actor", f"unknown actor code {cap.actor!r}"))
        if (cap.actor, cap.date) in seen_caps:
            problems.append(_p(where, "date", f"duplicate capability of {cap.actor} dated {cap.date}"))
        seen_caps.add((cap.actor, cap.date))
        if cap.date > today:
            problems.append(_p(where, "date", f"date {cap.date} is in the future"))
        problems += _source_dates([cap.source] if cap.source else [], where, "source", today)
    return problems


def _basis_problems(coding, where: Where, positions: dict, events: dict, today: dt.date) -> list[Problem]:
    """The basis of a coding must exist and be the statement of that actor on that date."""
    basis = coding.basis
    if basis.source is not None:
        return _source_dates([basis.source], where, "basis", today)
    if basis.position is not None:
        found, what, name = positions.get(basis.position), "position", basis.position
    else:
        found, what, name = events.get(basis.event), "event", basis.event
    if found is None:
        hint = " (positions are named <actor>/<topic>/<date>, e.g. CHN/denuclearization/2017-03-08)"
        return [_p(where, "basis", f"unknown {what} {name!r}" + (hint if what == "position" else ""))]
    problems = []
    if found.date != coding.date:
        problems.append(_p(where, "date", f"coding dated {coding.date} but its basis {name} is dated "
                                          f"{found.date}; date a coding by the statement it codes"))
    actors = {found.actor} if what == "position" else {found.actor1}
    if coding.actor not in actors:
        problems.append(_p(where, "basis", f"basis {name} is a statement of {', '.join(sorted(actors))}, "
                                           f"not of {coding.actor}"))
    return problems


def measure_problems(measures: list, provision_ids: set[str], known_ids: set[str] | None = None,
                     today: dt.date | None = None) -> list[Problem]:
    """Problems of ``measures`` ((Measure, Where) pairs): a repeated id (among them or in
    ``known_ids``, e.g. the built-in ones), a provision not in ``provision_ids``, a source
    dated in the future."""
    today = today or dt.date.today()
    seen = set(known_ids or ())
    problems: list[Problem] = []
    for measure, where in measures:
        if measure.id in seen:
            problems.append(_p(where, "id", f"duplicate measure id {measure.id!r}"))
        seen.add(measure.id)
        if measure.provision is not None and measure.provision not in provision_ids:
            problems.append(_p(where, "provision", f"unknown provision id {measure.provision!r} (ids are "
                                                   "<agreement-id>/<article>, e.g. cma-2018/1.3)"))
        problems += _source_dates(measure.sources, where, "sources", today)
    return problems


def step_problems(steps: list, known: list, provision_ids: set[str], measure_ids: set[str],
                  actor_codes: set[str], today: dt.date | None = None,
                  issue_ids: set[str] | None = None) -> list[Problem]:
    """Problems of roadmap ``steps`` ((Step, Where) pairs) that may refer to the ``known`` ones
    (e.g. the built-in steps, already checked): a repeated id, an unknown actor (in ``actors``
    or as a key of ``value``), measure, provision or prerequisite, a step that is its own
    prerequisite, a cycle of prerequisites (named step by step), a source dated in the future;
    with ``issue_ids``, a link to an unknown issue or the same issue linked twice (field
    ``issues[k].issue``)."""
    today = today or dt.date.today()
    problems: list[Problem] = []
    seen = {s.id for s, _ in known}
    for step, where in steps:
        if step.id in seen:
            problems.append(_p(where, "id", f"duplicate step id {step.id!r}"))
        seen.add(step.id)
    for step, where in steps:
        for code in step.actors:
            if code not in actor_codes:
                problems.append(_p(where, "actors", f"unknown actor code {code!r}"))
        for code in step.value:
            if code not in actor_codes:
                problems.append(_p(where, "value", f"unknown actor code {code!r}"))
        if step.measure is not None and step.measure not in measure_ids:
            problems.append(_p(where, "measure", f"unknown measure id {step.measure!r} (see "
                                                 "measures/measures.yaml)"))
        if step.provision is not None and step.provision not in provision_ids:
            problems.append(_p(where, "provision", f"unknown provision id {step.provision!r} (ids are "
                                                   "<agreement-id>/<article>, e.g. cma-2018/1.3)"))
        for pre in step.prerequisites:
            if pre == step.id:
                problems.append(_p(where, "prerequisites", f"step {step.id!r} is its own prerequisite"))
            elif pre not in seen:
                problems.append(_p(where, "prerequisites", f"unknown prerequisite step {pre!r}"))
        problems += _source_dates(step.sources, where, "sources", today)
        if issue_ids is not None:
            problems += _issue_link_problems(step, where, issue_ids)
    problems += _cycle_problems(steps, known)
    return problems


def _issue_link_problems(step, where: Where, issue_ids: set[str]) -> list[Problem]:
    """A step's links to the issues of the actors' record: each issue known, none twice."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for k, link in enumerate(step.issues):
        fld = f"issues[{k}].issue"
        if link.issue not in issue_ids:
            known = ", ".join(sorted(issue_ids))
            problems.append(_p(where, fld, f"step {step.id!r} names unknown issue {link.issue!r} "
                                           f"(issues are defined under issues: in issues/*.yaml: {known})"))
        elif link.issue in seen:
            problems.append(_p(where, fld, f"step {step.id!r} links issue {link.issue!r} twice"))
        seen.add(link.issue)
    return problems


def _cycle_problems(steps: list, known: list) -> list[Problem]:
    """One problem per cycle of prerequisites through a step of ``steps``, at the first such
    step in file order, naming the steps of the cycle (self-loops are reported elsewhere)."""
    graph = {s.id: [p for p in s.prerequisites if p != s.id] for s, _ in known}
    graph.update({s.id: [p for p in s.prerequisites if p != s.id] for s, _ in steps})
    order = {s.id: i for i, (s, _) in enumerate(steps)}
    where_of = {s.id: w for s, w in steps}
    problems, reported = [], set()
    for cycle in _cycles(graph):
        ours = [c for c in cycle if c in order]
        key = frozenset(cycle)
        if not ours or key in reported:
            continue
        reported.add(key)
        first = min(ours, key=order.__getitem__)
        i = cycle.index(first)
        path = cycle[i:] + cycle[:i] + [first]
        problems.append(_p(where_of[first], "prerequisites",
                           "cycle of prerequisites (each step needs the next): " + " -> ".join(path)))
    return problems


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Cycles found by depth-first search over ``graph`` (step -> prerequisites): one cycle
    per back edge, as the list of its steps. Edges to unknown steps are ignored."""
    state: dict[str, int] = {}          # 1 on the stack, 2 done
    stack: list[str] = []
    found: list[list[str]] = []
    for root in graph:
        if root in state:
            continue
        state[root] = 1
        stack.append(root)
        todo = [(root, iter(graph[root]))]
        while todo:
            node, edges = todo[-1]
            nxt = next(edges, None)
            if nxt is None:
                todo.pop()
                stack.pop()
                state[node] = 2
            elif nxt in graph and state.get(nxt) == 1:
                found.append(stack[stack.index(nxt):])
            elif nxt in graph and nxt not in state:
                state[nxt] = 1
                stack.append(nxt)
                todo.append((nxt, iter(graph[nxt])))
    return found


def _check_rules(kb: KnowledgeBase, base: KnowledgeBase | None, agreements: dict,
                 actor_codes: set[str], today: dt.date) -> list[Problem]:
    """Problems of the rules and zones of ``kb`` (references may point into ``base``)."""
    problems: list[Problem] = []
    zone_ids = {z.id for z, _ in base.zones} if base else set()
    for zone, where in kb.zones:
        if zone.id in zone_ids:
            problems.append(_p(where, "id", f"duplicate zone id {zone.id!r}"))
        zone_ids.add(zone.id)
        problems += [_p(where, "polygon", msg) for msg in polygon_problems(
            [(v.lat, v.lon) for v in zone.polygon])]
        problems += _source_dates(zone.sources, where, "sources", today)

    provisions = {a.provision_id(p.article): (a, p) for a in agreements.values() for p in a.provisions}
    events = {e.id: e for e, _ in (base.events if base else []) + kb.events}
    codes = list(cameo_codes())
    rule_ids = {r.id for r, _, _ in base.rules} if base else set()
    for rule, where, mwhere in kb.rules:
        match = rule.match
        if rule.id in rule_ids:
            problems.append(_p(where, "id", f"duplicate rule id {rule.id!r}"))
        rule_ids.add(rule.id)

        def m(field: str, message: str, _w=mwhere) -> Problem:
            return Problem(_w.file, _w.line_of(field), f"match.{field}", message)

        for pid in rule.provisions:
            if pid not in provisions:
                problems.append(_p(where, "provisions", f"unknown provision id {pid!r} (ids are "
                                                        "<agreement-id>/<article>, e.g. cma-2018/1.3)"))
        for field in ("actor1", "actor2", "between"):
            for code in getattr(match, field) or []:
                if code not in actor_codes:
                    problems.append(m(field, f"unknown actor code {code!r}"))
        for prefix in match.cameo or []:
            if not any(c.startswith(prefix) for c in codes):
                problems.append(m("cameo", f"no CAMEO event code starts with {prefix!r}"))
        for name in match.plover or []:
            if name not in PLOVER_EVENTS:
                problems.append(m("plover", f"unknown PLOVER event {name!r} (one of "
                                            f"{', '.join(PLOVER_EVENTS)})"))
        if match.summary is not None:
            message = regex_problem(match.summary)
            if message:
                problems.append(m("summary", message))
        for event_id in match.events or []:
            if event_id not in events:
                problems.append(m("events", f"unknown event id {event_id!r} (rules may name "
                                            "knowledge-base events only)"))
        for zone_id in match.zones or []:
            if zone_id not in zone_ids:
                problems.append(m("zones", f"unknown zone id {zone_id!r}"))
        if rule.since is not None and rule.since > today:
            problems.append(_p(where, "since", f"since {rule.since} is in the future"))
        if rule.since_event is not None:
            event = events.get(rule.since_event)
            if event is None:
                problems.append(_p(where, "since_event", f"unknown event id {rule.since_event!r}"))
            elif rule.since is None:
                problems.append(_p(where, "since", f"give the date from which the rule applies "
                                                   f"(on or after {event.date}, the date of "
                                                   f"{rule.since_event})"))
            elif rule.since < event.date:
                problems.append(_p(where, "since", f"since {rule.since} is before {rule.since_event} "
                                                   f"({event.date}), the event that sets it"))
        problems += _source_dates(rule.sources, where, "sources", today)
        if rule.relation == "violates":
            actors = match.actor1 or match.between
            if not actors:
                problems.append(m("actor1", "a violating rule must say who violates: give actor1 "
                                            "(or between) with parties of its provisions"))
                continue
            for pid in rule.provisions:
                if pid not in provisions:
                    continue
                agreement, prov = provisions[pid]
                parties = set(prov.parties or agreement.parties)
                strangers = [a for a in actors if a not in parties]
                if strangers:
                    field = "actor1" if match.actor1 else "between"
                    problems.append(m(field, f"{', '.join(strangers)} is not a party to {pid} "
                                             f"(parties: {', '.join(sorted(parties))}); it cannot "
                                             "violate it"))
    return problems


#: Regular-expression features Python has and DuckDB's RE2 engine lacks.
_NOT_RE2 = re.compile(r"\(\?[=!<]|\\[1-9]")


def regex_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be a rule's summary pattern, or None.

    Patterns run in DuckDB (RE2 syntax, matched case-insensitively); they must also be valid
    Python patterns so that a notebook can test them with :mod:`re`.
    """
    import duckdb

    try:
        re.compile(pattern)
    except re.error as exc:
        return f"invalid regular expression: {exc}"
    if _NOT_RE2.search(pattern):
        return "look-around and back-references are not supported (RE2 syntax)"
    try:
        duckdb.execute("SELECT regexp_matches('', ?, 'i')", [pattern]).fetchall()
    except duckdb.Error as exc:
        return f"invalid regular expression for DuckDB (RE2): {exc}"
    return None


def polygon_problems(vertices: list[tuple[float, float]]) -> list[str]:
    """Why a ring of (lat, lon) vertices is not a usable polygon (empty when it is).

    A ring may repeat its first vertex at the end. It needs three or more distinct
    corners, no repeated consecutive corner, a non-zero area, no crossing edges, and a
    longitude span under 180 degrees (points are tested on the plane of lon, lat).
    """
    import numpy as np

    ring = list(vertices)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring = ring[:-1]
    if len(set(ring)) < 3:
        return ["a polygon needs at least three distinct vertices"]
    problems = []
    n = len(ring)
    if any(ring[i] == ring[(i + 1) % n] for i in range(n)):
        problems.append("the same vertex is repeated consecutively")
    xy = np.array([(lon, lat) for lat, lon in ring], dtype=float)
    if np.ptp(xy[:, 0]) >= 180:
        problems.append("the polygon spans 180 degrees of longitude or more (split it at the "
                        "antimeridian)")
    x, y = xy[:, 0], xy[:, 1]
    crossings = _crossing_edges(xy)
    if crossings:
        i, j = crossings[0]
        problems.append(f"edges {i + 1} and {j + 1} cross (vertices {i + 1}-{(i + 1) % n + 1} and "
                        f"{j + 1}-{(j + 1) % n + 1}); a zone must not intersect itself")
    elif 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) < 1e-12:
        problems.append("the polygon has no area (its vertices are on one line)")
    return problems


def _crossing_edges(xy: np.ndarray) -> list[tuple[int, int]]:
    """Pairs (i, j) of non-adjacent edges of the closed ring ``xy`` that touch or cross."""
    import numpy as np

    n = len(xy)
    a, b = xy, np.roll(xy, -1, axis=0)                    # edge k runs a[k] -> b[k]
    i, j = np.triu_indices(n, k=2)
    keep = ~((i == 0) & (j == n - 1))                      # first and last edges are adjacent
    i, j = i[keep], j[keep]

    def orient(p, q, r):
        return np.sign((q[:, 0] - p[:, 0]) * (r[:, 1] - p[:, 1]) - (q[:, 1] - p[:, 1]) * (r[:, 0] - p[:, 0]))

    def on_segment(p, q, r):                               # r on segment pq, given collinear
        return ((np.minimum(p[:, 0], q[:, 0]) <= r[:, 0]) & (r[:, 0] <= np.maximum(p[:, 0], q[:, 0]))
                & (np.minimum(p[:, 1], q[:, 1]) <= r[:, 1]) & (r[:, 1] <= np.maximum(p[:, 1], q[:, 1])))

    p1, p2, q1, q2 = a[i], b[i], a[j], b[j]
    o1, o2, o3, o4 = orient(p1, p2, q1), orient(p1, p2, q2), orient(q1, q2, p1), orient(q1, q2, p2)
    hit = (o1 != o2) & (o3 != o4) & (o1 != 0) & (o2 != 0) & (o3 != 0) & (o4 != 0)
    hit |= (o1 == 0) & on_segment(p1, p2, q1)
    hit |= (o2 == 0) & on_segment(p1, p2, q2)
    hit |= (o3 == 0) & on_segment(q1, q2, p1)
    hit |= (o4 == 0) & on_segment(q1, q2, p2)
    return [(int(x), int(y)) for x, y in zip(i[hit], j[hit], strict=True)]


def _source_dates(sources, where: Where, field: str, today: dt.date) -> list[Problem]:
    return [_p(where, field, f"source date {s.date} is in the future")
            for s in sources if s.date is not None and s.date > today]
