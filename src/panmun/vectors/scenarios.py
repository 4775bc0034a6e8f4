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
that are not YYYY-MM or are out of order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from panmun.errors import Problem, ValidationError
from panmun.identifiers import FILE_NAME
from panmun.kb.yamlio import LineDict, LineList, YamlProblems, locate, read_yaml, unit_interval_problem
from panmun.months import MONTH, month_after
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
    try:
        data = read_yaml(path, display=file)
    except YamlProblems as exc:
        raise ScenarioError(exc.problems) from exc
    return _Checker(file).scenario(data)


class _Checker:
    """Collects the problems of one file while building its :class:`Scenario`."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def bad(self, line: int | None, fld: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, fld, message))

    def scenario(self, data: Any) -> Scenario:
        if not isinstance(data, LineDict):
            raise ScenarioError([Problem(self.file, getattr(data, "line", 1) or 1, None,
                                         "a scenario is a mapping of keys (name, start, drivers, ...)")])
        for key in data:
            if key not in _TOP_KEYS:
                self.bad(data.key_lines.get(key), str(key),
                         f"unknown key; expected one of {sorted(_TOP_KEYS)}")
        name = self.text(data, "name", required=True)
        if name and not FILE_NAME.match(name):
            self.bad(data.key_lines.get("name"), "name", "use lower-case letters, digits and '-'")
        start = self.month(data, "start", data.get("start"), data.key_lines.get("start"))
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
        if self.problems:
            raise ScenarioError(self.problems)
        return Scenario(name=name or "", title=self.text(data, "title") or name or "", start=start or "",
                        horizon=horizon, initial=initial, drivers=drivers, changes=tuple(changes),
                        interventions=tuple(interventions), parameters=parameters,
                        description=self.text(data, "description") or "",
                        notes=tuple(str(n) for n in notes), path=self.file)

    def text(self, data: LineDict, key: str, required: bool = False) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.bad(data.line or 1, key, "required")
            return None
        if not isinstance(value, str):
            self.bad(data.key_lines.get(key), key, "must be text")
            return None
        return value

    def month(self, where: Any, fld: str, value: Any, line: int | None) -> str | None:
        if value is None:
            self.bad(line or getattr(where, "line", None), fld, "required: a month as YYYY-MM")
            return None
        match = MONTH.match(str(value))
        if not match or not 1 <= int(match.group(2)) <= 12:
            self.bad(line, fld, f"not a month as YYYY-MM: {value!r}")
            return None
        return str(value)

    def level(self, value: Any, line: int | None, fld: str) -> float | None:
        problem = unit_interval_problem(value)
        if problem:
            self.bad(line, fld, problem)
            return None
        return float(value)

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
            level = self.level(value, line, f"{key}.{name}")
            if level is not None:
                out[name] = level
        for name in names:
            if name not in block:
                self.bad(block.line, f"{key}.{name}", f"missing: every {kind} needs a level")
        return out

    def offset(self, start: str | None, month: str | None) -> int | None:
        if start is None or month is None:
            return None
        (y0, m0), (y, m) = ((int(v) for v in s.split("-")) for s in (start, month))
        return (y - y0) * 12 + (m - m0)

    def items(self, data: LineDict, key: str, allowed: set[str]) -> list[tuple[LineDict, int | None, str]]:
        """The mappings listed under ``key``, each with its line and place; unknown keys reported."""
        out = self._mappings(data, key)
        for item, line, where in out:
            for k in item:
                if k not in allowed:
                    self.bad(item.key_lines.get(k, line), f"{where}.{k}",
                             f"unknown key; expected {sorted(allowed)}")
        return out

    def choice(self, item: LineDict, line: int | None, where: str, fld: str, names, kind: str) -> Any:
        """``item[fld]`` if it is one of ``names``, else reported (and returned as it is)."""
        value = item.get(fld)
        if value not in names:
            self.bad(item.key_lines.get(fld, line), f"{where}.{fld}",
                     f"unknown {kind} {value!r}; expected one of {', '.join(names)}")
        return value

    def dated(self, item: LineDict, line: int | None, where: str, fld: str, start: str | None) -> int | None:
        """The month ``item[fld]`` (YYYY-MM) as an offset from ``start``; None if missing or bad."""
        month = self.month(item, f"{where}.{fld}", item.get(fld), item.key_lines.get(fld, line))
        return self.offset(start, month)

    def _mappings(self, data: LineDict, key: str) -> list[tuple[LineDict, int | None, str]]:
        block = data.get(key)
        if block is None:
            return []
        if not isinstance(block, LineList):
            self.bad(data.key_lines.get(key), key, "must be a list")
            return []
        out = []
        for i, item in enumerate(block):
            line = block.item_lines[i] if i < len(block.item_lines) else block.line
            if not isinstance(item, LineDict):
                self.bad(line, f"{key}[{i}]", "must be a mapping")
                continue
            out.append((item, line, f"{key}[{i}]"))
        return out

    def changes(self, data: LineDict, start: str | None) -> list[Change]:
        out, previous = [], None
        for item, line, where in self.items(data, "changes", _CHANGE_KEYS):
            driver = self.choice(item, line, where, "driver", tuple(DRIVERS), "driver")
            value = self.level(item.get("value"), item.key_lines.get("value", line), f"{where}.value")
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
            if driver in DRIVERS and value is not None and first is not None and first >= 0:
                out.append(Change(driver, value, first, last, every))
        return out

    def interventions(self, data: LineDict, start: str | None) -> list[Intervention]:
        out, previous = [], None
        for item, line, where in self.items(data, "interventions", _INTERVENTION_KEYS):
            stock = self.choice(item, line, where, "stock", STOCKS, "stock")
            value = self.level(item.get("value"), item.key_lines.get("value", line), f"{where}.value")
            month = self.dated(item, line, where, "at", start)
            if month is not None:
                if month < 1:
                    self.bad(item.key_lines.get("at"), f"{where}.at", f"must be after the start ({start})")
                elif previous is not None and month < previous:
                    self.bad(item.key_lines.get("at"), f"{where}.at",
                             "dates out of order: list the interventions by month")
                previous = month if month >= 1 else previous
            if stock in STOCKS and value is not None and month is not None and month >= 1:
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
