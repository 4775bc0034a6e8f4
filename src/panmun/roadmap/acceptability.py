r"""Steps judged against the parties' dated positions: red lines and values as of a date.

Each step of the catalogue names the issues of the actors' record it moves
(:class:`~panmun.roadmap.steps.IssueLink`: issue, towards ``high`` or ``low``, by ``b``
points, to the level ``L``; it moves the issue from :math:`L_0 = L - d\,b` where
:math:`d = +1` towards high, :math:`-1` towards low). A party's stance on an issue *as of*
a date is its latest coding dated on or before that date (``issues/issues.yaml``: position
:math:`x` on 0-100, salience :math:`w` in 0-1, a dated, sourced statement) — the record
``panmun actors positions --at DATE`` reads. A plan starting in month ``YYYY-MM`` is judged
as of the first day of that month.

**Acceptability (red lines derived from positions).** A party that *takes* a step (one of
its ``actors``) refuses it when the step moves a linked issue beyond the party's position,
away from it, by more than the threshold once weighted by salience:

.. math:: w \cdot \max(0,\ d\,(L - x)) > T, \qquad T = \text{THRESHOLD} = 25 \text{ points}.

Such a refusal is a red line for ever on that date ("never", for the whole plan). It does
not apply — the listed conditions — when (1) the party has no coding on the issue by that
date (the step's judged values stand, and only hand-written red lines apply), (2) the
constraints file ``admit``\ s the step for that party (with a reason), or (3) the party does
not take the step (parties that only value a step act through reciprocity, not a veto).
Hand-written red lines of the constraints file apply as well, with their sources.

**What would admit a blocked step.** The refusal ends when :math:`x` reaches
:math:`L - d\,T/w` (the position at which the weighted excess equals :math:`T`); the
smallest change is from the coded position to that point, on that issue, by that party.
A step whose prerequisite is blocked is blocked too; what admits it is what admits all its
blocked prerequisites and itself (per party and issue, the tightest bound).

**Values as of a date.** The catalogue's values (-3..3) are the project's judgement of the
2018 process; they are the prior, anchored at :data:`REFERENCE` (2018-12-31). A party's
value of a step moves with its positions since then by the change in its spatial utility
on the linked issues (utility: minus the salience-weighted distance between the issue and
the party's position):

.. math:: v_p(t) = \mathrm{clip}_{[-3,3]}\ \mathrm{round}\Big(v_p^{\text{prior}} +
   \frac{1}{K} \sum_i \big[u_{pi}(t) - u_{pi}(t_0)\big]\Big), \qquad
   u_{pi}(t) = w_{pi}(t)\,\big(|L_0 - x_{pi}(t)| - |L - x_{pi}(t)|\big)

with :math:`K` = :data:`VALUE_POINTS` = 25 salience-weighted points per value unit,
rounding half away from zero; a term is 0 where the party has no coding on the issue at
:math:`t` (the prior stands), and :math:`u(t_0) = 0` where it had none at the reference.
Parties with a coding on a linked issue but no prior value get the change alone.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from panmun.kb.loader import KnowledgeBase, load_kb
from panmun.months import month_index, month_label, month_start, parse_month
from panmun.roadmap.steps import VALUE_MAX, VALUE_MIN, Constraints, IssueLink, RedLine, Step

if TYPE_CHECKING:
    from panmun.kb.schema import Coding

#: Salience-weighted points by which a step may move an issue beyond a taker's position.
THRESHOLD = 25.0
#: Salience-weighted points of spatial utility per unit of value (-3..3).
VALUE_POINTS = 25.0
#: The date the catalogue's judged values describe (the 2018 process).
REFERENCE = dt.date(2018, 12, 31)


@dataclass(frozen=True)
class Stance:
    """An actor's coded stance on an issue: position 0-100, salience 0-1, the date of the
    statement, its source URL and its basis (a position id, an event id or the source's title)."""

    actor: str
    issue: str
    position: float
    salience: float
    date: dt.date
    source: str
    basis: str


@dataclass(frozen=True)
class Block:
    """``party`` refuses ``step`` as of a date: the step moves ``link.issue`` to ``link.to``,
    ``excess`` points beyond the party's position, ``weighted`` = salience x excess > threshold."""

    step: str
    party: str
    link: IssueLink
    stance: Stance
    excess: float
    weighted: float
    threshold: float

    @property
    def admitting_position(self) -> float:
        """The position from which the party no longer refuses (weighted excess = threshold)."""
        return self.link.to - self.link.sign * self.threshold / self.stance.salience

    @property
    def basis(self) -> str:
        s = self.stance
        return (f"{s.actor} at {s.position:g} on {s.issue}, salience {s.salience:g}, on "
                f"{s.date.isoformat()} ({s.basis}, {s.source}); the step moves it to {self.link.to:g}: "
                f"{s.salience:g} x {self.excess:g} = {self.weighted:g} > {self.threshold:g}")

    def red_line(self) -> RedLine:
        why = (f"derived from {self.party}'s coded position on {self.link.issue} of "
               f"{self.stance.date.isoformat()}")
        return RedLine(party=self.party, step=self.step, why=why, basis=self.basis)


@dataclass
class Assessment:
    """Steps judged as of ``at``: the derived ``blocks``, the steps with dated values, and how
    each value came about (``value_changes``: step -> party -> (prior, dated))."""

    at: dt.date
    blocks: list[Block]
    steps: dict[str, Step]
    value_changes: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)

    def red_lines(self) -> tuple[RedLine, ...]:
        return tuple(b.red_line() for b in self.blocks)


# ---------------------------------------------------------------------------- dates

def as_of(start: str) -> dt.date:
    """The date a plan starting in month ``start`` (``YYYY-MM``) is judged on: its first day."""
    return month_start(parse_month(start, "start"))


def record_end(kb: KnowledgeBase | None = None, store=None, at: dt.date | None = None) -> dt.date | None:
    """The date the record runs to: the latest event, implementation change, position or coding
    of the knowledge base, and of the store's events and changes when ``store`` is given
    (each on or before ``at`` when given)."""
    kb = kb if kb is not None else load_kb()
    dates = [e.date for e, _ in kb.events] + [c.date for _, c, _ in kb.changes]
    dates += [p.date for p, _ in kb.positions] + [c.date for c, _ in kb.codings]
    if store is not None:
        dates += [d for d in store.record_through(at) if d is not None]
    dates = [_day(d) for d in dates]
    if at is not None:
        dates = [d for d in dates if d <= at]
    return max(dates) if dates else None


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def default_start(kb: KnowledgeBase | None = None, store=None, at: dt.date | None = None) -> str:
    """The month after the record ends (:func:`record_end`); the month after ``at`` (or
    today) if the record is empty."""
    end = record_end(kb, store, at)
    return month_label(month_index(end or at or dt.date.today()) + 1)


# ---------------------------------------------------------------------------- stances

def stances_at(at: dt.date, kb: KnowledgeBase | None = None) -> dict[tuple[str, str], Stance]:
    """(actor, issue) -> the latest coding dated on or before ``at``."""
    kb = kb if kb is not None else load_kb()
    latest: dict[tuple[str, str], Coding] = {}
    for coding, _ in kb.codings:
        key = (coding.actor, coding.issue)
        if coding.date <= at and (key not in latest or coding.date > latest[key].date):
            latest[key] = coding
    out = {}
    for key, coding in latest.items():
        source = kb.basis_source(coding)
        basis = coding.basis
        if basis.position is not None:
            name = f"position {basis.position}"
        elif basis.event is not None:
            name = f"event {basis.event}"
        else:
            assert basis.source is not None     # Basis holds exactly one of position, event, source
            name = f"statement {basis.source.title!r}" if basis.source.title else "statement"
        out[key] = Stance(coding.actor, coding.issue, float(coding.position), float(coding.salience),
                          coding.date, source.url if source else "", name)
    return out


# ---------------------------------------------------------------------------- the rule

def excess(link: IssueLink, position: float) -> float:
    """Points by which the step moves the issue beyond ``position`` (away from it), >= 0."""
    return max(0.0, link.sign * (link.to - position))


def refuses(link: IssueLink, stance: Stance, threshold: float = THRESHOLD) -> bool:
    """The rule: salience x excess > threshold."""
    return stance.salience * excess(link, stance.position) > threshold + 1e-9


def blocks(steps: dict[str, Step], stances: dict[tuple[str, str], Stance], threshold: float = THRESHOLD,
           admit: tuple = ()) -> list[Block]:
    """Every (step, taker, issue) the rule refuses, except the ``admit``\\ ted (party, step) pairs."""
    admitted = {(a.party, a.step) for a in admit}
    out = []
    for sid, s in steps.items():
        for party in s.actors:
            if (party, sid) in admitted:
                continue
            for link in s.issues:
                stance = stances.get((party, link.issue))
                if stance is None or not refuses(link, stance, threshold):
                    continue
                e = excess(link, stance.position)
                out.append(Block(sid, party, link, stance, e, round(stance.salience * e, 6), threshold))
    return out


def utility_gain(link: IssueLink, stance: Stance) -> float:
    """Salience-weighted reduction of the distance between the issue and the party's position
    when the step moves the issue from ``link.start`` to ``link.to``."""
    x = stance.position
    return stance.salience * (abs(link.start - x) - abs(link.to - x))


def _round(x: float) -> int:
    return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


def dated_value(step: Step, party: str, now: dict, ref: dict, points: float = VALUE_POINTS) -> int:
    """The value of ``step`` to ``party`` as of the date of ``now`` (see the module docstring)."""
    prior = step.value.get(party, 0)
    shift = 0.0
    for link in step.issues:
        stance = now.get((party, link.issue))
        if stance is None:
            continue
        before = ref.get((party, link.issue))
        shift += utility_gain(link, stance) - (utility_gain(link, before) if before is not None else 0.0)
    return max(VALUE_MIN, min(VALUE_MAX, _round(prior + shift / points)))


def dated_steps(steps: dict[str, Step], now: dict, ref: dict, points: float = VALUE_POINTS
                ) -> tuple[dict[str, Step], dict[str, dict[str, tuple[int, int]]]]:
    """The steps with their values as of the date of ``now``, and the values that changed
    (step -> party -> (prior, dated))."""
    out: dict[str, Step] = {}
    changes: dict[str, dict[str, tuple[int, int]]] = {}
    for sid, s in steps.items():
        if not s.issues:
            out[sid] = s
            continue
        parties = set(s.value) | {a for (a, i) in now if any(link.issue == i for link in s.issues)}
        value = {}
        for party in sorted(parties, key=lambda p: (p not in s.value, p)):
            v = dated_value(s, party, now, ref, points)
            if v != 0 or party in s.value:
                value[party] = v
            if v != s.value.get(party, 0):
                changes.setdefault(sid, {})[party] = (s.value.get(party, 0), v)
        out[sid] = replace(s, value=value)
    return out, changes


def assess(steps: dict[str, Step], at: dt.date, kb: KnowledgeBase | None = None,
           threshold: float = THRESHOLD, admit: tuple = ()) -> Assessment:
    """The steps judged as of ``at``: derived red lines and dated values."""
    kb = kb if kb is not None else load_kb()
    now, ref = stances_at(at, kb), stances_at(REFERENCE, kb)
    found = blocks(steps, now, threshold, admit)
    valued, changes = dated_steps(steps, now, ref)
    return Assessment(at, found, valued, changes)


def with_positions(steps: dict[str, Step], constraints: Constraints, kb: KnowledgeBase | None = None,
                   at: dt.date | None = None) -> tuple[dict[str, Step], Constraints, Assessment]:
    """Steps with dated values, and constraints with the red lines derived as of the
    constraints' start month (no later than ``at`` when given: a briefing of a past date
    reads nothing coded after it) added to the hand-written ones."""
    day = as_of(constraints.start) if at is None else min(as_of(constraints.start), at)
    assessment = assess(steps, day, kb, admit=constraints.admit)
    c = replace(constraints, red_lines=tuple(constraints.red_lines) + assessment.red_lines())
    return assessment.steps, c, assessment


# ---------------------------------------------------------------------------- blocked steps

@dataclass(frozen=True)
class Change:
    """The smallest change of ``party``'s position on ``issue`` that admits a step:
    from ``before`` to ``after`` (``None`` if no single position admits every step)."""

    party: str
    issue: str
    before: float
    after: float | None
    date: dt.date
    source: str

    @property
    def text(self) -> str:
        if self.after is None:
            return f"{self.party} on {self.issue}: no single position admits it"
        return f"{self.party} on {self.issue}: {self.before:g} -> {self.after:g}"


@dataclass
class BlockedStep:
    """A step no plan may contain as of the date: who blocks it and why, and the smallest
    position changes that would admit it. ``blocks``: refusals derived from positions, on the
    step itself or on a blocked prerequisite (``Block.step`` says which); ``lines``:
    hand-written red lines for ever, likewise; ``excluded``: excluded by the constraints;
    ``via``: its blocked prerequisites and the blocked steps a hand-written red line makes it
    wait for ("until"); ``hard``: a hand-written line for ever or an exclusion stands in the
    way somewhere in the chain."""

    step: str
    name: str
    blocks: list[Block]
    lines: list[RedLine]
    excluded: bool
    via: list[str]
    changes: list[Change]
    hard: bool = False

    @property
    def parties(self) -> list[str]:
        return list(dict.fromkeys([b.party for b in self.blocks] + [r.party for r in self.lines]))

    @property
    def admissible_by_positions(self) -> bool:
        """Whether position changes alone can admit it (no hand-written line or exclusion in the way)."""
        return not self.hard and all(c.after is not None for c in self.changes)


def _ceil1(x: float) -> float:
    return math.ceil(round(x * 10, 6)) / 10


def _floor1(x: float) -> float:
    return math.floor(round(x * 10, 6)) / 10


def blocked_steps(steps: dict[str, Step], constraints: Constraints, found: list[Block]) -> list[BlockedStep]:
    """Every step no plan may contain (catalogue order), with what would admit it."""
    direct: dict[str, list[Block]] = {}
    for b in found:
        direct.setdefault(b.step, []).append(b)
    never: dict[str, list[RedLine]] = {}
    for line in constraints.red_lines:
        if line.until is None and line.not_before is None and not line.basis and line.step in steps:
            never.setdefault(line.step, []).append(line)
    until: dict[str, list[RedLine]] = {}
    for line in constraints.red_lines:
        if line.until is not None and line.step in steps and line.until in steps:
            until.setdefault(line.step, []).append(line)
    excluded = set(constraints.exclude)
    memo: dict[str, _Chain] = {}

    def chain(sid: str, path: tuple[str, ...] = ()) -> _Chain:
        if sid in memo:
            return memo[sid]
        out = _Chain(sid in direct or sid in never or sid in excluded, {}, list(direct.get(sid, [])),
                     list(never.get(sid, [])), sid in never or sid in excluded)
        for b in out.blocks:
            _bound(out.bounds, b)
        # what must be verified first: the prerequisites, and the steps a red line waits for
        waits = [(pre, None) for pre in steps[sid].prerequisites] + [(r.until, r) for r in until.get(sid, [])]
        for pre, line in waits:
            if pre in steps and pre not in path:
                before = chain(pre, path + (sid,))
                if before.blocked:
                    out.blocked = True
                    out.hard = out.hard or before.hard
                    for key, (lo, hi, stance) in before.bounds.items():
                        _merge(out.bounds, key, lo, hi, stance)
                    if line is not None and line not in out.lines:
                        out.lines.append(line)
                    out.blocks += [b for b in before.blocks if b not in out.blocks]
                    out.lines += [r for r in before.lines if r not in out.lines]
        memo[sid] = out
        return out

    result = []
    for sid, s in steps.items():
        c = chain(sid)
        if not c.blocked:
            continue
        via = [p for p in s.prerequisites if p in steps and chain(p).blocked]
        # until holds the lines that wait for a step (line.until set), so u is never None
        via += [u for r in until.get(sid, []) if (u := r.until) is not None and chain(u).blocked
                and u not in via]
        changes = []
        for (party, issue), (lo, hi, stance) in sorted(c.bounds.items()):
            x = stance.position
            if lo > hi + 1e-9:
                after = None
            elif x < lo:
                after = min(_ceil1(lo), 100.0)
            elif x > hi:
                after = max(_floor1(hi), 0.0)
            else:
                continue
            changes.append(Change(party, issue, x, after, stance.date, stance.source))
        result.append(BlockedStep(sid, s.name, c.blocks, c.lines, sid in excluded, via, changes, c.hard))
    return result


@dataclass
class _Chain:
    """What blocks a step, its own and through its prerequisites."""

    blocked: bool
    bounds: dict            # (party, issue) -> [low, high, stance]: the positions that admit
    blocks: list[Block]
    lines: list[RedLine]
    hard: bool


def _bound(bounds: dict, b: Block) -> None:
    x = b.admitting_position
    lo, hi = (x, 100.0) if b.link.sign > 0 else (0.0, x)
    _merge(bounds, (b.party, b.link.issue), lo, hi, b.stance)


def _merge(bounds: dict, key, lo: float, hi: float, stance: Stance) -> None:
    if key in bounds:
        old_lo, old_hi, _ = bounds[key]
        bounds[key] = [max(old_lo, lo), min(old_hi, hi), stance]
    else:
        bounds[key] = [lo, hi, stance]


def excluded_records(blocked: list[BlockedStep]) -> list[dict]:
    """Blocked steps as plain data (the JSON of ``roadmap plan`` and ``roadmap blocked``)."""
    out = []
    for b in blocked:
        why = [{"step": x.step, "party": x.party, "kind": "position", "issue": x.link.issue,
                "toward": x.link.toward,
                "moves_to": x.link.to, "position": x.stance.position, "salience": x.stance.salience,
                "date": x.stance.date, "source": x.stance.source, "basis": x.stance.basis,
                "weighted_excess": x.weighted, "threshold": x.threshold} for x in b.blocks]
        why += [{"step": r.step, "party": r.party, "kind": "red-line", "issue": None, "toward": None,
                 "moves_to": None,
                 "position": None, "salience": None, "date": None, "source": r.why, "basis": r.label,
                 "weighted_excess": None, "threshold": None} for r in b.lines]
        out.append({"step": b.step, "name": b.name, "blocking_parties": b.parties, "excluded": b.excluded,
                    "blocked_by": why, "via_prerequisites": b.via,
                    "admitting_changes": [{"party": c.party, "issue": c.issue, "from": c.before,
                                           "to": c.after, "coded_on": c.date, "source": c.source}
                                          for c in b.changes],
                    "admissible_by_positions": b.admissible_by_positions})
    return out
