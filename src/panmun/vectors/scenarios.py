"""Scenarios: YAML files that set the three-vector model's drivers, policies and start.

A scenario file (the built-in ones are in ``vectors/scenarios/``; a user's own may be
anywhere)::

    name: cma-restored                 # a word: letters, digits, '-'
    title: The CMA fully restored in 2027
    description: ...                   # optional
    start: 2026-12                     # month 0 (YYYY-MM)
    horizon: 120                       # months simulated unless the command says otherwise
    initial:                           # the stocks at month 0, each in [0, 1]
      denuclearization: 0.0
      peace_regime: 0.074
      arms_control: 0.072
      trust: 0.1
    drivers:                           # every driver's level from month 0 on, in [0, 1]
      rivalry: 0.8
      ...
    changes:                           # in date order
      - {from: 2027-01, driver: rivalry, value: 0.5}             # from then on
      - {from: 2027-01, to: 2027-12, driver: summits, value: 0.25}   # for those months only
      - {from: 2027-06, every: 12, driver: summits, value: 1}    # one month in every 12
    interventions:                     # a stock set to a value at a month (in date order)
      - {at: 2027-01, stock: arms_control, value: 0.576}
    parameters: {g_summits: 1.2}       # overrides, within the parameter's range
    notes: [...]                       # optional: where the numbers come from

Every problem is reported with the file, line and field (:class:`ScenarioError`, exit
status 2): unknown keys, drivers, stocks or parameters, values out of range, months
that are not YYYY-MM or are out of order. The checks are those of every user's YAML file
(:class:`panmun.kb.yamlcheck.FileChecker`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from panmun.errors import ValidationError
from panmun.identifiers import FILE_NAME
from panmun.kb.yamlcheck import FileChecker, read_mapping
from panmun.kb.yamlio import LineDict, locate
from panmun.months import month_after, months_between
from panmun.vectors.model import Intervention, Setup
from panmun.vectors.parameters import BY_NAME, DRIVERS, STOCKS

BUILTIN = ("baseline", "cma-restored", "freeze-for-relief", "great-power-rivalry", "end-of-war-declaration")
MAX_HORIZON = 360   # months: 30 years
_TOP_KEYS = {"name", "title", "description", "start", "horizon", "initial", "drivers", "changes",
             "interventions", "parameters", "notes"}
_CHANGE_KEYS = {"from", "to", "every", "driver", "value"}
_INTERVENTION_KEYS = {"at", "stock", "value"}


class ScenarioError(ValidationError):
    """A scenario file breaks the format: every problem with its file, line and field."""

    hint = "Fix the listed places; `docs/vectors.md` describes the scenario format."

    subject = "the scenario"


@dataclass(frozen=True)
class Change:
    """A driver set to ``value`` from month ``start`` (to ``end`` inclusive, every ``every``)."""

    driver: str
    value: float
    start: int
    end: int | None = None
    every: int | None = None


@dataclass(frozen=True)
class Scenario:
    """A checked scenario; :meth:`setup` turns it into the model's input for a horizon."""

    name: str
    title: str
    start: str                      # YYYY-MM, month 0
    horizon: int
    initial: dict[str, float]
    drivers: dict[str, float]
    changes: tuple[Change, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    parameters: dict[str, float] = field(default_factory=dict)
    description: str = ""
    notes: tuple[str, ...] = ()
    path: str = ""

    def setup(self, horizon: int | None = None, dt: float = 1.0) -> Setup:
        """The model input for months 0..``horizon`` (default: the scenario's own)."""
        horizon = self.horizon if horizon is None else horizon
        if not 1 <= horizon <= MAX_HORIZON:
            raise ValueError(f"horizon must be 1..{MAX_HORIZON} months, not {horizon}")
        return Setup(tuple(self.initial[s] for s in STOCKS), self.driver_array(horizon),
                     tuple(iv for iv in self.interventions if iv.month <= horizon), dt)

    def driver_array(self, horizon: int) -> np.ndarray:
        """Drivers per month 0..horizon (rows) in :data:`DRIVERS` order (columns)."""
        x = np.tile([self.drivers[d] for d in DRIVERS], (horizon + 1, 1)).astype(float)
        column = {d: i for i, d in enumerate(DRIVERS)}
        for ch in self.changes:
            months = np.arange(horizon + 1)
            on = months >= ch.start
            if ch.end is not None:
                on &= months <= ch.end
            if ch.every is not None:
                on &= (months - ch.start) % ch.every == 0
            x[on, column[ch.driver]] = ch.value
        return x

    def month_label(self, k: int) -> str:
        """The calendar month (YYYY-MM) of month ``k``."""
        return month_after(self.start, k)


def builtin_path(name: str) -> Path:
    return Path(str(resources.files("panmun.vectors") / "scenarios" / f"{name}.yaml"))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A built-in scenario by name, or a scenario file by path."""
    path, display = locate(name_or_path, BUILTIN, builtin_path, "scenario")
    return read_scenario(path, display=display)


def read_scenario(path: Path, display: str | None = None) -> Scenario:
    """Read and check one scenario file; raise :class:`ScenarioError` listing every problem."""
    file = display or str(path)
    data = read_mapping(path, ScenarioError, file,
                        "a scenario is a mapping of keys (name, start, drivers, ...)")
    return _Checker(file).scenario(data)


class _Checker(FileChecker):
    """Collects the problems of one file while building its :class:`Scenario`."""

    def scenario(self, data: LineDict) -> Scenario:
        self.keys(data, _TOP_KEYS)
        name = self.text(data, "name", required=True)
        if name and not FILE_NAME.match(name):
            self.bad(data.key_lines.get("name"), "name", "use lower-case letters, digits and '-'")
        start = self.month(data, "start", required=True, days=False)
        horizon = data.get("horizon", 120)
        if not isinstance(horizon, int) or isinstance(horizon, bool) or not 1 <= horizon <= MAX_HORIZON:
            self.bad(data.key_lines.get("horizon"), "horizon", f"a whole number of months, 1..{MAX_HORIZON}")
            horizon = 120
        initial = self.levels(data, "initial", STOCKS, "stock")
        drivers = self.levels(data, "drivers", tuple(DRIVERS), "driver")
        changes = self.changes(data, start)
        interventions = self.interventions(data, start)
        parameters = self.parameters(data)
        notes = data.get("notes") or []
        self.raise_if_any(ScenarioError)
        return Scenario(name=name or "", title=self.text(data, "title") or name or "", start=start or "",
                        horizon=horizon, initial=initial, drivers=drivers, changes=tuple(changes),
                        interventions=tuple(interventions), parameters=parameters,
                        description=self.text(data, "description") or "",
                        notes=tuple(str(n) for n in notes), path=self.file)

    def levels(self, data: LineDict, key: str, names: tuple[str, ...], kind: str) -> dict[str, float]:
        block = data.get(key)
        if not isinstance(block, LineDict):
            self.bad(data.key_lines.get(key, data.line), key,
                     f"required: a mapping of every {kind} to a level")
            return {}
        out = {}
        for name, value in block.items():
            line = block.key_lines.get(name)
            if name not in names:
                self.bad(line, f"{key}.{name}", f"unknown {kind}; expected one of {', '.join(names)}")
                continue
            level = self.unit(value, line, f"{key}.{name}")
            if level is not None:
                out[name] = level
        for name in names:
            if name not in block:
                self.bad(block.line, f"{key}.{name}", f"missing: every {kind} needs a level")
        return out

    def items(self, data: LineDict, key: str, allowed: set[str]) -> list[tuple[LineDict, int, str]]:
        """The mappings listed under ``key``, each with its line and place; unknown keys reported."""
        out = self.mappings(data, key)
        for item, _, where in out:
            self.keys(item, allowed, where)
        return out

    def dated(self, item: LineDict, line: int, where: str, fld: str, start: str | None) -> int | None:
        """The month ``item[fld]`` (YYYY-MM) as an offset from ``start``; None if missing or bad."""
        month = self.month(item, fld, where, required=True, days=False, line=line)
        return None if start is None or month is None else months_between(start, month)

    def changes(self, data: LineDict, start: str | None) -> list[Change]:
        out, previous = [], None
        for item, line, where in self.items(data, "changes", _CHANGE_KEYS):
            driver = self.one_of(item.get("driver"), item.key_lines.get("driver", line), f"{where}.driver",
                                 DRIVERS, "driver")
            value = self.unit(item.get("value"), item.key_lines.get("value", line), f"{where}.value")
            first = self.dated(item, line, where, "from", start)
            last = self.dated(item, line, where, "to", start) if "to" in item else None
            every = item.get("every")
            if every is not None and (not isinstance(every, int) or isinstance(every, bool) or every < 1):
                self.bad(item.key_lines.get("every"), f"{where}.every", "a whole number of months, 1 or more")
                every = None
            if first is not None:
                if first < 0:
                    self.bad(item.key_lines.get("from"), f"{where}.from", f"before the start ({start})")
                if last is not None and last < first:
                    self.bad(item.key_lines.get("to"), f"{where}.to",
                             "dates out of order: 'to' is before 'from'")
                if previous is not None and first < previous:
                    self.bad(item.key_lines.get("from"), f"{where}.from",
                             "dates out of order: list the changes by their 'from' month")
                previous = first
            if driver is not None and value is not None and first is not None and first >= 0:
                out.append(Change(driver, value, first, last, every))
        return out

    def interventions(self, data: LineDict, start: str | None) -> list[Intervention]:
        out, previous = [], None
        for item, line, where in self.items(data, "interventions", _INTERVENTION_KEYS):
            stock = self.one_of(item.get("stock"), item.key_lines.get("stock", line), f"{where}.stock",
                                STOCKS, "stock")
            value = self.unit(item.get("value"), item.key_lines.get("value", line), f"{where}.value")
            month = self.dated(item, line, where, "at", start)
            if month is not None:
                if month < 1:
                    self.bad(item.key_lines.get("at"), f"{where}.at", f"must be after the start ({start})")
                elif previous is not None and month < previous:
                    self.bad(item.key_lines.get("at"), f"{where}.at",
                             "dates out of order: list the interventions by month")
                previous = month if month >= 1 else previous
            if stock is not None and value is not None and month is not None and month >= 1:
                out.append(Intervention(month, stock, value))
        return out

    def parameters(self, data: LineDict) -> dict[str, float]:
        block = data.get("parameters") or LineDict()
        if not isinstance(block, LineDict):
            self.bad(data.key_lines.get("parameters"), "parameters", "must be a mapping of name to value")
            return {}
        out = {}
        for name, value in block.items():
            line = block.key_lines.get(name)
            spec = BY_NAME.get(name)
            if spec is None:
                self.bad(line, f"parameters.{name}", "unknown parameter (see `panmun vectors parameters`)")
            elif isinstance(value, bool) or not isinstance(value, int | float):
                self.bad(line, f"parameters.{name}", f"must be a number, not {value!r}")
            elif not spec.low <= value <= spec.high:
                self.bad(line, f"parameters.{name}",
                         f"out of range: {value} is not in [{spec.low}, {spec.high}]")
            else:
                out[name] = float(value)
        return out
