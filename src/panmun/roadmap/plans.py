"""Plan files of the roadmap: YAML in, a checked :class:`Plan` out, and back.

The reader takes the step catalogue as ``dict[str, Step]`` (step id -> step) and checks
every step id against it. A month is written ``YYYY-MM`` (a full date ``YYYY-MM-DD`` or a
YAML date also counts: its month is used) and counted from the plan's ``start`` (month 0)
with :func:`panmun.months.months_between`.

A plan file::

    name: my-plan               # lower-case letters, digits and '-'
    title: ...
    start: 2027-01              # month 0
    steps:                      # optional: steps the plan defines itself (see PlanStep)
      - {id: my-step, name: ..., actors: [PRK], vector: denuclearization, advance: 0.05,
         prerequisites: [other-step], value: {PRK: -1, USA: 1}, duration_months: 2,
         verification: {lead_months: 3}}
    schedule:                   # when each step starts: at a month, or a month index
      - {step: other-step, at: 2027-03}
      - {step: my-step, month: 7}

A plan's own step is checked with the knowledge base's step schema
(:class:`panmun.kb.schema.Step`, as :class:`PlanStep`: the fields a catalogue entry must
document, such as ``value_note`` and ``sources``, are optional, ``duration_months`` is 0
and the verification lead 0 when left out; vectors may be written ``peace_regime`` or
``peace-regime``). Every problem is collected with its file, line and field
(:class:`panmun.kb.yamlcheck.FileChecker`) and raised at once (:class:`PlanError`; exit
status 2). A file YAML cannot read (bad syntax, an impossible date such as ``2027-02-30``)
is reported as it stands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, cast

from pydantic import AfterValidator, BeforeValidator, Field, field_validator

from panmun.errors import ValidationError
from panmun.identifiers import FILE_NAME
from panmun.kb import schema
from panmun.kb.yamlcheck import FileChecker, actor_problem, read_mapping
from panmun.kb.yamlio import LineDict
from panmun.months import month_after, months_between
from panmun.roadmap.catalogue import to_step
from panmun.roadmap.steps import Plan, Scheduled, Step

_PLAN_KEYS = {"name", "title", "description", "start", "steps", "schedule", "notes"}
_SCHEDULE_KEYS = {"step", "at", "month"}
NOT_A_MAPPING = "expected a mapping of keys (see docs/roadmap.md)"


class PlanError(ValidationError):
    """A plan file breaks the format: every problem with its file, line and field."""

    hint = "Fix the listed places; `docs/roadmap.md` describes the plan format."

    subject = "the plan"


# ---------------------------------------------------------------------------- a plan's own steps

def _hyphens(value: Any) -> Any:
    """A vector written the three-vector model's way (``peace_regime``) as the knowledge base
    writes it (``peace-regime``)."""
    return value.replace("_", "-") if isinstance(value, str) else value


def _actor(value: str) -> str:
    problem = actor_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _one_level(allowed: tuple[str, ...], what: str):
    """A check of one key of a ``requires``/``drivers`` mapping: the knowledge base's own."""
    def check(key: str) -> str:
        schema._levels({key: 0.0}, allowed, what)
        return key
    return AfterValidator(check)


_ActorCode = Annotated[str, AfterValidator(_actor)]
_Level = Annotated[float, Field(strict=True, ge=0, le=1)]
_Value = Annotated[int, Field(strict=True, ge=schema.STEP_VALUE_MIN, le=schema.STEP_VALUE_MAX)]
_VectorKey = Annotated[str, BeforeValidator(_hyphens), _one_level(schema.VECTORS, "vector")]
_DriverKey = Annotated[str, _one_level(schema.STEP_DRIVERS, "driver")]


def _source(value: Any) -> Any:
    """A source written as plain text (a URL or a reference) is kept as it is written."""
    return schema.Source.model_construct(url=value) if isinstance(value, str) else value


class PlanVerification(schema.StepVerification):
    """A plan step's verification: the lead time; the means are optional."""

    means: list[schema.StepMeans] = Field(default_factory=list)


class PlanStep(schema.Step):
    """A step a plan defines itself: the knowledge base's :class:`~panmun.kb.schema.Step` with
    its documentation optional and each actor, value and level checked one by one (so a
    problem names the item: ``actors[1]``, ``value.PRK``, ``drivers.weather``)."""

    actors: list[_ActorCode] = Field(min_length=1)
    vector: Annotated[schema.Vector, BeforeValidator(_hyphens)]
    advance: float = Field(strict=True, ge=0, le=1)
    requires: dict[_VectorKey, _Level] = Field(default_factory=dict)
    drivers: dict[_DriverKey, _Level] = Field(default_factory=dict)
    value: dict[_ActorCode, _Value] = Field(default_factory=dict)
    # a plan's own step may leave out the notes the knowledge base requires of its steps
    value_note: str | None = None  # type: ignore[assignment]
    advance_note: str | None = None  # type: ignore[assignment]
    duration_months: int = Field(default=0, strict=True, ge=0)
    verification: PlanVerification = Field(default_factory=lambda: PlanVerification(lead_months=0))
    reversibility: schema.Reversibility = "moderate"
    summary: str = ""
    sources: list[Annotated[schema.Source, BeforeValidator(_source)]] = Field(default_factory=list)

    @field_validator("value", mode="before")
    @classmethod
    def _values(cls, value: object) -> object:
        return value     # each party and value is checked on its own (the annotations above)


# ---------------------------------------------------------------------------- reading

def read_plan(path: Path | str, steps: dict[str, Step], display: str | None = None) -> Plan:
    """Read and check a plan file against the catalogue ``steps`` (id -> step).

    The plan's own steps become :class:`Step` objects in ``Plan.steps``. Raises
    :class:`PlanError` listing every problem (file, line, field).
    """
    file = display or str(path)
    data = read_mapping(path, PlanError, file, NOT_A_MAPPING)
    return _PlanChecker(file, steps).plan(data)


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


class _PlanChecker(FileChecker):
    """Builds a :class:`Plan` (and its own :class:`Step` objects) from one file."""

    def __init__(self, file: str, steps: dict[str, Step]):
        super().__init__(file)
        self.catalogue = steps

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
        self.raise_if_any(PlanError)
        # name and start were checked: raise_if_any has raised unless both are set
        return Plan(name=cast(str, name), start=cast(str, start), items=tuple(items),
                    title=cast(str, self.text(data, "title") or name),
                    steps=tuple(s for s, _, _ in own))

    def own_steps(self, data: LineDict) -> tuple[list[tuple[Step, LineDict, str]], dict[str, int]]:
        """The plan's own steps, each with its mapping and field name (bad ones reported, left out),
        and every well-formed id the plan defines (id -> line)."""
        entries = []
        ids: dict[str, int] = {}
        for item, line, where in self.mappings(data, "steps", message="must be a mapping of a step's fields"):
            step_id = self.new_id(item, line, where, ids)
            entries.append((item, where, step_id))
        known = {**self.catalogue, **ids}
        out = []
        for item, where, step_id in entries:
            step = self.step(item, where, step_id, known)
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

    def step(self, item: LineDict, where: str, step_id: str | None, known: dict[str, Any]) -> Step | None:
        """One plan-defined step as a :class:`Step`: checked with :class:`PlanStep` (its id is
        checked by :meth:`new_id`), its prerequisites against the catalogue and the plan's own
        steps; None if anything in it is wrong."""
        n = len(self.problems)
        record = self.schema(PlanStep, item, where, skip=(("id",),))
        prerequisites = item.get("prerequisites")
        if isinstance(prerequisites, list) and all(isinstance(p, str) for p in prerequisites):
            for prerequisite, p_line, fld in self.ids(item, "prerequisites", known, "step", where):
                if prerequisite == step_id:
                    self.bad(p_line, fld, f"{prerequisite!r} cannot be its own prerequisite")
        if len(self.problems) > n or record is None or step_id is None:
            return None
        return to_step(record)

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
        for item, line, where in self.mappings(data, "schedule",
                                               message="must be a mapping {step, at} or {step, month}"):
            self.keys(item, _SCHEDULE_KEYS, where)
            step_line = item.key_lines.get("step", line)
            step = self.one_of(item.get("step"), step_line, f"{where}.step", known, "step", suggest=True)
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
