"""Plan files and constraint files of the roadmap: YAML in, checked dataclasses out.

Both readers take the step catalogue as ``dict[str, Step]`` (step id -> step) and check
every step id against it. Time is in whole months; a month is written ``YYYY-MM`` (a full
date ``YYYY-MM-DD`` or a YAML date also counts: its month is used) and turned into a
month index from the file's ``start`` (month 0) with :func:`panmun.months.months_between`.

A constraints file (the built-in one is ``roadmap/constraints/default.yaml``)::

    horizon: 60                 # months, 1..360
    start: 2027-01              # month 0
    trust_margin: 2             # integer >= 0, or {default: 2, PRK: 1, USA: 3}
    parties: [KOR, PRK, USA]    # optional: whose reciprocity counts (2-5 capital letters)
    initial: {denuclearization: 0.0, peace_regime: 0.07}   # optional, each in [0, 1]
    require: [step-id, ...]
    exclude: [step-id, ...]
    deadlines: {step-id: 2028-06}          # latest completion month
    max_starts_per_month: 3     # optional, >= 1
    red_lines:                  # exactly one of never / until / not_before each
      - {party: USA, step: step-id, until: other-step-id, why: "..."}
      - {party: PRK, step: step-id, never: true, why: "..."}
      - {party: KOR, step: step-id, not_before: 2028-01, why: "..."}
    admit:                      # lift a red line derived from positions (why required)
      - {party: PRK, step: step-id, why: "..."}

``start`` may be left out: month 0 is then ``--start``, else the month after the record
ends (:func:`panmun.roadmap.acceptability.default_start`); ``--start`` overrides the file.

A plan file::

    name: my-plan               # lower-case letters, digits and '-'
    title: ...
    start: 2027-01              # month 0
    steps:                      # optional: steps the plan defines itself (see _STEP_KEYS)
      - {id: my-step, name: ..., actors: [PRK], vector: denuclearization, advance: 0.05,
         prerequisites: [other-step], value: {PRK: -1, USA: 1}, duration_months: 2,
         verification: {lead_months: 3}}
    schedule:                   # when each step starts: at a month, or a month index
      - {step: other-step, at: 2027-03}
      - {step: my-step, month: 7}

Every problem is collected with its file, line and field and raised at once
(:class:`ConstraintsError`, :class:`PlanError`; exit status 2). A file YAML cannot read
(bad syntax, an impossible date such as ``2027-02-30``) is reported as it stands.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from importlib import resources
from pathlib import Path
from typing import Any

from panmun.errors import Problem, ValidationError
from panmun.identifiers import ACTOR_CODE, FILE_NAME
from panmun.kb.yamlio import LineDict, LineList, YamlProblems, read_yaml, unit_interval_problem
from panmun.months import month_after, months_between, year_month
from panmun.roadmap.steps import (
    VALUE_MAX,
    VALUE_MIN,
    VECTORS,
    Admit,
    Constraints,
    Plan,
    RedLine,
    Scheduled,
    Step,
)
from panmun.vectors.parameters import DRIVERS

MAX_HORIZON = 360   # months: 30 years, as for scenarios
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONSTRAINT_KEYS = {"horizon", "start", "trust_margin", "parties", "initial", "require", "exclude",
                    "deadlines", "max_starts_per_month", "red_lines", "admit", "description", "notes"}
_RED_LINE_KEYS = {"party", "step", "never", "until", "not_before", "why"}
_ADMIT_KEYS = {"party", "step", "why"}
_PLAN_KEYS = {"name", "title", "description", "start", "steps", "schedule", "notes"}
_STEP_KEYS = {"id", "name", "actors", "vector", "advance", "prerequisites", "value", "duration_months",
              "verification", "requires", "drivers", "measure", "provision", "reversibility", "summary",
              "sources"}
_SCHEDULE_KEYS = {"step", "at", "month"}


class ConstraintsError(ValidationError):
    """A constraints file breaks the format: every problem with its file, line and field."""

    hint = "Fix the listed places; `docs/roadmap.md` describes the constraints format."

    subject = "the constraints"


class PlanError(ValidationError):
    """A plan file breaks the format: every problem with its file, line and field."""

    hint = "Fix the listed places; `docs/roadmap.md` describes the plan format."

    subject = "the plan"


# ---------------------------------------------------------------------------- months

def as_month(value: Any) -> str:
    """``YYYY-MM`` of a month string, a ``YYYY-MM-DD`` string or a date; ValueError otherwise."""
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if not isinstance(value, str):
        raise ValueError(f"not a month as YYYY-MM: {value!r}")
    if _DAY.match(value):
        try:
            dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"not a date: {value!r} ({exc})") from None
        return value[:7]
    year_month(value)
    return value


def builtin_constraints_path() -> Path:
    """The built-in constraints file, ``roadmap/constraints/default.yaml``."""
    return Path(str(resources.files("panmun.roadmap") / "constraints" / "default.yaml"))


# ---------------------------------------------------------------------------- readers

def read_constraints(path: Path | str, steps: dict[str, Step], display: str | None = None,
                     start: str | None = None, default_start: str | None = None) -> Constraints:
    """Read and check a constraints file against the catalogue ``steps`` (id -> step).

    Month 0 is ``start`` when given (it overrides the file's), else the file's ``start``,
    else ``default_start``, else :attr:`Constraints.start`; red lines ``not_before`` and
    deadlines count from it. Raises :class:`ConstraintsError` listing every problem (file,
    line, field).
    """
    file = display or str(path)
    data = _load(Path(path), file, ConstraintsError)
    return _ConstraintsChecker(file, steps).constraints(data, start, default_start)


def read_plan(path: Path | str, steps: dict[str, Step], display: str | None = None) -> Plan:
    """Read and check a plan file against the catalogue ``steps`` (id -> step).

    The plan's own steps become :class:`Step` objects in ``Plan.steps``. Raises
    :class:`PlanError` listing every problem (file, line, field).
    """
    file = display or str(path)
    data = _load(Path(path), file, PlanError)
    return _PlanChecker(file, steps).plan(data)


def _load(path: Path, file: str, error: type[ValidationError]) -> LineDict:
    try:
        data = read_yaml(path, display=file)
    except YamlProblems as exc:
        raise error(exc.problems) from exc
    if not isinstance(data, LineDict):
        raise error([Problem(file, getattr(data, "line", 1) or 1, None,
                             "expected a mapping of keys (see docs/roadmap.md)")])
    return data


def _field(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _vector(name: Any) -> str | None:
    """The step vector's stock-style name (``peace-regime`` -> ``peace_regime``), or None."""
    if not isinstance(name, str):
        return None
    name = name.replace("-", "_")
    return name if name in VECTORS else None


def prerequisite_cycle(origin: str, graph: dict[str, tuple[str, ...]]) -> list[str] | None:
    """A cycle ``[origin, a, b, ..., origin]`` in which each step needs the next, or None.

    Depth-first search along prerequisite edges of ``graph`` (step -> its prerequisites).
    """
    seen: set[str] = set()

    def walk(node: str, path: list[str]) -> list[str] | None:
        for nxt in graph.get(node, ()):
            if nxt == origin:
                return path + [origin]
            if nxt not in seen:
                seen.add(nxt)
                found = walk(nxt, path + [nxt])
                if found:
                    return found
        return None

    return walk(origin, [origin])


class _Checker:
    """Collects the problems of one file; the building blocks both readers share."""

    def __init__(self, file: str, steps: dict[str, Step]):
        self.file = file
        self.catalogue = steps
        self.problems: list[Problem] = []

    def bad(self, line: int | None, fld: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, fld, message))

    def keys(self, block: LineDict, allowed: set[str], where: str = "") -> None:
        for key in block:
            if key not in allowed:
                self.bad(block.key_lines.get(key, block.line), _field(where, key),
                         f"unknown key; expected one of {sorted(allowed)}")

    def text(self, block: LineDict, key: str, where: str = "", required: bool = False) -> str | None:
        value = block.get(key)
        if value is None:
            if required:
                self.bad(block.line or 1, _field(where, key), "required")
            return None
        if not isinstance(value, str):
            self.bad(block.key_lines.get(key), _field(where, key), "must be text")
            return None
        return value

    def month(self, block: LineDict, key: str, where: str = "") -> str | None:
        """``block[key]`` as ``YYYY-MM`` (reported and None if bad; None if absent)."""
        if key not in block:
            return None
        try:
            return as_month(block[key])
        except ValueError as exc:
            self.bad(block.key_lines.get(key), _field(where, key), str(exc))
            return None

    def whole(self, value: Any, line: int | None, fld: str, low: int, high: int | None = None) -> int | None:
        """``value`` if a whole number in ``low..high`` (no upper bound if None), else reported."""
        span = f"{low}..{high}" if high is not None else f">= {low}"
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(line, fld, f"must be a whole number {span}, not {value!r}")
            return None
        if value < low or (high is not None and value > high):
            self.bad(line, fld, f"out of range: {value} is not {span}")
            return None
        return value

    def unit(self, value: Any, line: int | None, fld: str) -> float | None:
        problem = unit_interval_problem(value)
        if problem:
            self.bad(line, fld, problem)
            return None
        return float(value)

    def actor(self, value: Any, line: int | None, fld: str) -> str | None:
        if not isinstance(value, str) or not ACTOR_CODE.match(value):
            self.bad(line, fld, f"not an actor code (2-5 capital letters, e.g. PRK): {value!r}")
            return None
        return value

    def step_id(self, value: Any, line: int | None, fld: str, known: dict[str, Any]) -> str | None:
        """``value`` if a known step id, else reported (with the closest ids, if any)."""
        if not isinstance(value, str):
            self.bad(line, fld, f"must be a step id, not {value!r}")
            return None
        if value not in known:
            close = difflib.get_close_matches(value, list(known), n=3)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            self.bad(line, fld, f"unknown step {value!r}{hint}")
            return None
        return value

    def mapping(self, block: LineDict, key: str, where: str = "") -> LineDict | None:
        value = block.get(key)
        if value is None:
            return None
        if not isinstance(value, LineDict):
            self.bad(block.key_lines.get(key), _field(where, key), "must be a mapping")
            return None
        return value

    def listing(self, block: LineDict, key: str, where: str = "") -> list[tuple[Any, int, str]]:
        """The items of the list ``block[key]``, each with its line and field name."""
        value = block.get(key)
        if value is None:
            return []
        if not isinstance(value, LineList):
            self.bad(block.key_lines.get(key), _field(where, key), "must be a list")
            return []
        fld = _field(where, key)
        return [(item, value.item_lines[i], f"{fld}[{i}]") for i, item in enumerate(value)]

    def step_ids(self, block: LineDict, key: str, known: dict[str, Any],
                 where: str = "") -> list[tuple[str, int, str]]:
        """The known step ids listed under ``key`` (each once), with line and field."""
        out: list[tuple[str, int, str]] = []
        first: dict[str, int] = {}
        for value, line, fld in self.listing(block, key, where):
            step = self.step_id(value, line, fld, known)
            if step is None:
                continue
            if step in first:
                self.bad(line, fld, f"{step!r} listed twice (first at line {first[step]})")
                continue
            first[step] = line
            out.append((step, line, fld))
        return out


class _ConstraintsChecker(_Checker):
    """Builds :class:`Constraints` from one file."""

    def constraints(self, data: LineDict, override: str | None = None,
                    default_start: str | None = None) -> Constraints:
        self.keys(data, _CONSTRAINT_KEYS)
        horizon = Constraints.horizon
        if "horizon" in data:
            horizon = self.whole(data["horizon"], data.key_lines["horizon"], "horizon", 1, MAX_HORIZON)
        start = self.month(data, "start") if "start" in data else (default_start or Constraints.start)
        if override is not None:
            start = override
        margin, default_margin = self.margins(data)
        parties = self.parties(data)
        initial = self.initial(data)
        require = self.step_ids(data, "require", self.catalogue)
        exclude = self.step_ids(data, "exclude", self.catalogue)
        required = {step for step, _, _ in require}
        for step, line, fld in exclude:
            if step in required:
                self.bad(line, fld, f"{step!r} is both required and excluded")
        deadlines = self.deadlines(data, start, horizon)
        max_starts = None
        if data.get("max_starts_per_month") is not None:
            max_starts = self.whole(data["max_starts_per_month"], data.key_lines["max_starts_per_month"],
                                    "max_starts_per_month", 1)
        red_lines = self.red_lines(data, start)
        admit = self.admits(data)
        if self.problems:
            raise ConstraintsError(self.problems)
        return Constraints(horizon=horizon, start=start, margin=margin, default_margin=default_margin,
                           parties=parties, red_lines=tuple(red_lines),
                           require=tuple(s for s, _, _ in require), exclude=tuple(s for s, _, _ in exclude),
                           deadlines=deadlines, max_starts=max_starts, initial=initial, admit=tuple(admit))

    def admits(self, data: LineDict) -> list[Admit]:
        """``admit``: derived red lines lifted, each {party, step, why} (why required)."""
        out = []
        for item, line, where in self.listing(data, "admit"):
            if not isinstance(item, LineDict):
                self.bad(line, where, "must be a mapping {party, step, why}")
                continue
            self.keys(item, _ADMIT_KEYS, where)
            n = len(self.problems)
            party = self.actor(item.get("party"), item.key_lines.get("party", line), f"{where}.party")
            step = self.step_id(item.get("step"), item.key_lines.get("step", line), f"{where}.step",
                                self.catalogue)
            why = self.text(item, "why", where, required=True)
            if len(self.problems) == n:
                out.append(Admit(party, step, why))
        return out

    def margins(self, data: LineDict) -> tuple[dict[str, int], int]:
        """Trust margin per party and the default (value units, >= 0)."""
        value = data.get("trust_margin", Constraints.default_margin)
        line = data.key_lines.get("trust_margin")
        if not isinstance(value, LineDict):
            margin = self.whole(value, line, "trust_margin", 0)
            return {}, Constraints.default_margin if margin is None else margin
        out, default = {}, Constraints.default_margin
        for key, number in value.items():
            fld, key_line = f"trust_margin.{key}", value.key_lines.get(key)
            if key != "default" and self.actor(key, key_line, fld) is None:
                continue
            margin = self.whole(number, key_line, fld, 0)
            if margin is None:
                continue
            if key == "default":
                default = margin
            else:
                out[key] = margin
        return out, default

    def parties(self, data: LineDict) -> tuple[str, ...] | None:
        if data.get("parties") is None:
            return None
        codes = (self.actor(v, line, fld) for v, line, fld in self.listing(data, "parties"))
        return tuple(dict.fromkeys(c for c in codes if c is not None))

    def initial(self, data: LineDict) -> dict[str, float]:
        block = self.mapping(data, "initial")
        out: dict[str, float] = {}
        for name, value in (block or {}).items():
            line, fld = block.key_lines.get(name), f"initial.{name}"
            vector = _vector(name)
            if vector is None:
                self.bad(line, fld, f"unknown vector; expected one of {', '.join(VECTORS)}")
                continue
            level = self.unit(value, line, fld)
            if level is not None:
                out[vector] = level
        return out

    def deadlines(self, data: LineDict, start: str | None, horizon: int | None) -> dict[str, int]:
        """Step -> latest completion month, as an index from ``start`` (0..horizon)."""
        block = self.mapping(data, "deadlines")
        out: dict[str, int] = {}
        for step in (block or {}):
            line, fld = block.key_lines.get(step), f"deadlines.{step}"
            known = self.step_id(step, line, fld, self.catalogue)
            month = self.month(block, step, "deadlines")
            if known is None or month is None or start is None:
                continue
            index = months_between(start, month)
            if index < 0:
                self.bad(line, fld, f"deadline {month} is before the start ({start})")
            elif horizon is not None and index > horizon:
                self.bad(line, fld, f"deadline {month} is beyond the horizon "
                                    f"({month_after(start, horizon)}, month {horizon})")
            else:
                out[step] = index
        return out

    def red_lines(self, data: LineDict, start: str | None) -> list[RedLine]:
        out = []
        for item, line, where in self.listing(data, "red_lines"):
            if not isinstance(item, LineDict):
                self.bad(line, where, "must be a mapping {party, step, never|until|not_before, why}")
                continue
            red_line = self.red_line(item, line, where, start)
            if red_line is not None:
                out.append(red_line)
        return out

    def red_line(self, item: LineDict, line: int, where: str, start: str | None) -> RedLine | None:
        self.keys(item, _RED_LINE_KEYS, where)
        n = len(self.problems)
        party = self.actor(item.get("party"), item.key_lines.get("party", line), f"{where}.party")
        step = self.step_id(item.get("step"), item.key_lines.get("step", line), f"{where}.step",
                            self.catalogue)
        kinds = [k for k in ("never", "until", "not_before") if k in item]
        if len(kinds) != 1:
            got = ", ".join(kinds) if kinds else "none"
            self.bad(line, where, f"give exactly one of never: true, until: STEP, not_before: YYYY-MM "
                                  f"(got {got})")
        if "never" in item and item["never"] is not True:
            self.bad(item.key_lines["never"], f"{where}.never", "only `never: true` is allowed")
        until = None
        if "until" in item:
            until = self.step_id(item["until"], item.key_lines["until"], f"{where}.until", self.catalogue)
        not_before = None
        month = self.month(item, "not_before", where)
        if month is not None and start is not None:
            not_before = months_between(start, month)
        why = self.text(item, "why", where) or ""
        if len(self.problems) > n:
            return None
        return RedLine(party=party, step=step, until=until, not_before=not_before, why=why)


class _PlanChecker(_Checker):
    """Builds a :class:`Plan` (and its own :class:`Step` objects) from one file."""

    def plan(self, data: LineDict) -> Plan:
        self.keys(data, _PLAN_KEYS)
        name = self.text(data, "name", required=True)
        if name is not None and not FILE_NAME.match(name):
            self.bad(data.key_lines.get("name"), "name", "use lower-case letters, digits and '-'")
        start = self.month(data, "start")
        if "start" not in data:
            self.bad(data.line or 1, "start", "required: month 0 as YYYY-MM")
        own, own_ids = self.own_steps(data)
        known: dict[str, Any] = {**self.catalogue, **own_ids}
        self.cycles(own)
        items = self.schedule(data, start, known)
        if self.problems:
            raise PlanError(self.problems)
        return Plan(name=name, start=start, items=tuple(items), title=self.text(data, "title") or name,
                    steps=tuple(s for s, _, _ in own))

    def own_steps(self, data: LineDict) -> tuple[list[tuple[Step, LineDict, str]], dict[str, int]]:
        """The plan's own steps, each with its mapping and field name (bad ones reported, left out),
        and every well-formed id the plan defines (id -> line)."""
        entries = []
        ids: dict[str, int] = {}
        for item, line, where in self.listing(data, "steps"):
            if not isinstance(item, LineDict):
                self.bad(line, where, "must be a mapping of a step's fields")
                continue
            step_id = self.new_id(item, line, where, ids)
            entries.append((item, line, where, step_id))
        known = {**self.catalogue, **ids}
        out = []
        for item, line, where, step_id in entries:
            step = self.step(item, line, where, step_id, known)
            if step is not None:
                out.append((step, item, where))
        return out, ids

    def new_id(self, item: LineDict, line: int, where: str, ids: dict[str, int]) -> str | None:
        step_id = item.get("id")
        fld, id_line = f"{where}.id", item.key_lines.get("id", line)
        if not isinstance(step_id, str) or not FILE_NAME.match(step_id):
            self.bad(id_line, fld, f"required: lower-case letters, digits and '-', not {step_id!r}")
            return None
        if step_id in self.catalogue:
            self.bad(id_line, fld, f"{step_id!r} is already a catalogue step; choose another id")
            return None
        if step_id in ids:
            self.bad(id_line, fld, f"{step_id!r} is defined twice (first at line {ids[step_id]})")
            return None
        ids[step_id] = id_line
        return step_id

    def step(self, item: LineDict, line: int, where: str, step_id: str | None,
             known: dict[str, Any]) -> Step | None:
        """One plan-defined step as a :class:`Step`; None if anything in it is wrong."""
        self.keys(item, _STEP_KEYS, where)
        n = len(self.problems)
        name = self.text(item, "name", where, required=True)
        actors = self.actors(item, line, where)
        vector = _vector(item.get("vector"))
        if vector is None:
            self.bad(item.key_lines.get("vector", line), f"{where}.vector",
                     f"required: one of {', '.join(v.replace('_', '-') for v in VECTORS)}, "
                     f"not {item.get('vector')!r}")
        advance = self.unit(item.get("advance"), item.key_lines.get("advance", line), f"{where}.advance")
        prerequisites = self.step_ids(item, "prerequisites", known, where)
        for step, p_line, fld in prerequisites:
            if step == step_id:
                self.bad(p_line, fld, f"{step!r} cannot be its own prerequisite")
        value = self.values(item, where)
        duration = self.whole(item.get("duration_months", 0), item.key_lines.get("duration_months", line),
                              f"{where}.duration_months", 0)
        lead = self.lead(item, where)
        requires = self.levels(item, "requires", where, VECTORS, "vector")
        drivers = self.levels(item, "drivers", where, tuple(DRIVERS), "driver")
        texts = {k: self.text(item, k, where) for k in ("measure", "provision", "reversibility", "summary")}
        sources = tuple(str(s) for s, _, _ in self.listing(item, "sources", where))
        if len(self.problems) > n or step_id is None:
            return None
        return Step(id=step_id, name=name, actors=actors, vector=vector, advance=advance,
                    prerequisites=tuple(s for s, _, _ in prerequisites), requires=requires, drivers=drivers,
                    value=value, duration=duration, lead=lead,
                    reversibility=texts["reversibility"] or Step.reversibility, measure=texts["measure"],
                    provision=texts["provision"], summary=texts["summary"] or "", sources=sources)

    def actors(self, item: LineDict, line: int, where: str) -> tuple[str, ...]:
        listed = self.listing(item, "actors", where)
        if not listed:
            self.bad(item.key_lines.get("actors", line), f"{where}.actors",
                     "required: a list of the actor codes who take the step")
        codes = (self.actor(v, a_line, fld) for v, a_line, fld in listed)
        return tuple(c for c in codes if c is not None)

    def values(self, item: LineDict, where: str) -> dict[str, int]:
        """Party -> value of the step, an integer -3..3."""
        block = self.mapping(item, "value", where)
        out = {}
        for party, number in (block or {}).items():
            v_line, fld = block.key_lines.get(party), f"{where}.value.{party}"
            code = self.actor(party, v_line, fld)
            number = self.whole(number, v_line, fld, VALUE_MIN, VALUE_MAX)
            if code is not None and number is not None:
                out[code] = number
        return out

    def lead(self, item: LineDict, where: str) -> int:
        """Verification lead time in months (0 if no ``verification``)."""
        block = self.mapping(item, "verification", where)
        if block is None:
            return 0
        fld = f"{where}.verification"
        self.keys(block, {"lead_months"}, fld)
        lead = self.whole(block.get("lead_months"), block.key_lines.get("lead_months", block.line),
                          f"{fld}.lead_months", 0)
        return lead or 0

    def levels(self, item: LineDict, key: str, where: str, names: tuple[str, ...],
               kind: str) -> dict[str, float]:
        """``item[key]`` as name -> level in [0, 1]; vector names may use '-' for '_'."""
        block = self.mapping(item, key, where)
        out = {}
        for name, value in (block or {}).items():
            line, fld = block.key_lines.get(name), f"{where}.{key}.{name}"
            canonical = _vector(name) if kind == "vector" else (name if name in names else None)
            if canonical is None:
                self.bad(line, fld, f"unknown {kind}; expected one of {', '.join(names)}")
                continue
            level = self.unit(value, line, fld)
            if level is not None:
                out[canonical] = level
        return out

    def cycles(self, own: list[tuple[Step, LineDict, str]]) -> None:
        """Report each prerequisite cycle through a plan step once, at its first plan step."""
        graph = {s.id: s.prerequisites for s in self.catalogue.values()}
        graph.update({s.id: s.prerequisites for s, _, _ in own})
        reported: list[set[str]] = []
        for step, item, where in own:
            cycle = prerequisite_cycle(step.id, graph)
            if cycle is None or set(cycle) in reported:
                continue
            reported.append(set(cycle))
            self.bad(item.key_lines.get("prerequisites", item.line), f"{where}.prerequisites",
                     f"cycle of prerequisites: {' -> '.join(cycle)} (each step needs the next)")

    def schedule(self, data: LineDict, start: str | None, known: dict[str, Any]) -> list[Scheduled]:
        out = []
        first: dict[str, int] = {}
        for item, line, where in self.listing(data, "schedule"):
            if not isinstance(item, LineDict):
                self.bad(line, where, "must be a mapping {step, at} or {step, month}")
                continue
            self.keys(item, _SCHEDULE_KEYS, where)
            step_line = item.key_lines.get("step", line)
            step = self.step_id(item.get("step"), step_line, f"{where}.step", known)
            if step is not None and step in first:
                self.bad(step_line, f"{where}.step",
                         f"{step!r} is scheduled twice (first at line {first[step]})")
                step = None
            elif step is not None:
                first[step] = step_line
            month = self.start_month(item, line, where, start)
            if step is not None and month is not None:
                out.append(Scheduled(step, month))
        return out

    def start_month(self, item: LineDict, line: int, where: str, start: str | None) -> int | None:
        """The start month index of one schedule item, from ``at`` or ``month``."""
        if ("at" in item) == ("month" in item):
            self.bad(line, where, "give exactly one of at: YYYY-MM and month: INDEX")
            return None
        if "month" in item:
            index = item["month"]
            if isinstance(index, bool) or not isinstance(index, int):
                self.bad(item.key_lines["month"], f"{where}.month",
                         f"must be a whole number of months from the start, not {index!r}")
                return None
            label = f"month {index}"
        else:
            at = self.month(item, "at", where)
            if at is None or start is None:
                return None
            index, label = months_between(start, at), at
        if index < 0:
            key = "month" if "month" in item else "at"
            self.bad(item.key_lines[key], f"{where}.{key}",
                     f"{label} is before the plan's start ({start or 'month 0'})")
            return None
        return index


def write_plan(path: Path | str, schedule: dict[str, int], start: str, name: str, title: str = "") -> None:
    """Write ``schedule`` (step id -> start month) as a plan file that :func:`read_plan` reads."""
    import yaml

    items = [{"step": sid, "at": month_after(start, month)}
             for sid, month in sorted(schedule.items(), key=lambda kv: (kv[1], kv[0]))]
    data = {"name": name, "title": title or name, "start": start, "schedule": items}
    Path(path).write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
