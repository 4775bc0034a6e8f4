"""Constraint files of the roadmap: YAML in, a checked :class:`Constraints` out.

The reader takes the step catalogue as ``dict[str, Step]`` (step id -> step) and checks
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

Every problem is collected with its file, line and field (:class:`panmun.kb.yamlcheck.FileChecker`)
and raised at once (:class:`ConstraintsError`; exit status 2). A file YAML cannot read
(bad syntax, an impossible date such as ``2027-02-30``) is reported as it stands.
Plan files are :mod:`panmun.roadmap.plans`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, cast

from panmun.errors import ValidationError
from panmun.kb.yamlcheck import FileChecker, read_mapping
from panmun.kb.yamlio import LineDict
from panmun.months import month_after, months_between
from panmun.roadmap.steps import VECTORS, Admit, Constraints, RedLine, Step

MAX_HORIZON = 360   # months: 30 years, as for scenarios
_CONSTRAINT_KEYS = {"horizon", "start", "trust_margin", "parties", "initial", "require", "exclude",
                    "deadlines", "max_starts_per_month", "red_lines", "admit", "description", "notes"}
_RED_LINE_KEYS = {"party", "step", "never", "until", "not_before", "why"}
_ADMIT_KEYS = {"party", "step", "why"}
NOT_A_MAPPING = "expected a mapping of keys (see docs/roadmap.md)"


class ConstraintsError(ValidationError):
    """A constraints file breaks the format: every problem with its file, line and field."""

    hint = "Fix the listed places; `docs/roadmap.md` describes the constraints format."

    subject = "the constraints"


def builtin_constraints_path() -> Path:
    """The built-in constraints file, ``roadmap/constraints/default.yaml``."""
    return Path(str(resources.files("panmun.roadmap") / "constraints" / "default.yaml"))


def read_constraints(path: Path | str, steps: dict[str, Step], display: str | None = None,
                     start: str | None = None, default_start: str | None = None) -> Constraints:
    """Read and check a constraints file against the catalogue ``steps`` (id -> step).

    Month 0 is ``start`` when given (it overrides the file's), else the file's ``start``,
    else ``default_start``, else :attr:`Constraints.start`; red lines ``not_before`` and
    deadlines count from it. Raises :class:`ConstraintsError` listing every problem (file,
    line, field).
    """
    file = display or str(path)
    data = read_mapping(path, ConstraintsError, file, NOT_A_MAPPING)
    return _ConstraintsChecker(file, steps).constraints(data, start, default_start)


class _ConstraintsChecker(FileChecker):
    """Builds :class:`Constraints` from one file."""

    def __init__(self, file: str, steps: dict[str, Step]):
        super().__init__(file)
        self.catalogue = steps

    def step_id(self, value: Any, line: int | None, fld: str) -> str | None:
        """``value`` if a catalogue step id, else reported (with the closest ids, if any)."""
        return self.one_of(value, line, fld, self.catalogue, "step", suggest=True)

    def constraints(self, data: LineDict, override: str | None = None,
                    default_start: str | None = None) -> Constraints:
        self.keys(data, _CONSTRAINT_KEYS)
        horizon: int | None = Constraints.horizon
        if "horizon" in data:
            horizon = self.whole(data["horizon"], data.key_lines["horizon"], "horizon", 1, MAX_HORIZON)
        start = self.month(data, "start") if "start" in data else (default_start or Constraints.start)
        if override is not None:
            start = override
        margin, default_margin = self.margins(data)
        parties = self.parties(data)
        initial = self.initial(data)
        require = self.ids(data, "require", self.catalogue, "step")
        exclude = self.ids(data, "exclude", self.catalogue, "step")
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
        self.raise_if_any(ConstraintsError)
        # every value below was checked: raise_if_any has raised unless none is None
        return Constraints(horizon=cast(int, horizon), start=cast(str, start), margin=margin,
                           default_margin=default_margin, parties=parties, red_lines=tuple(red_lines),
                           require=tuple(s for s, _, _ in require), exclude=tuple(s for s, _, _ in exclude),
                           deadlines=deadlines, max_starts=max_starts, initial=initial, admit=tuple(admit))

    def admits(self, data: LineDict) -> list[Admit]:
        """``admit``: derived red lines lifted, each {party, step, why} (why required)."""
        out = []
        for item, line, where in self.mappings(data, "admit", message="must be a mapping {party, step, why}"):
            self.keys(item, _ADMIT_KEYS, where)
            n = len(self.problems)
            party = self.actor(item.get("party"), item.key_lines.get("party", line), f"{where}.party")
            step = self.step_id(item.get("step"), item.key_lines.get("step", line), f"{where}.step")
            why = self.text(item, "why", where, required=True)
            if len(self.problems) == n:
                out.append(Admit(cast(str, party), cast(str, step), cast(str, why)))
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
        if block is None:
            return out
        for name, value in block.items():
            line, fld = block.key_lines.get(name), f"initial.{name}"
            vector = name.replace("-", "_") if isinstance(name, str) else None
            if vector not in VECTORS:
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
        if block is None:
            return out
        for step in block:
            line, fld = block.key_lines.get(step), f"deadlines.{step}"
            known = self.step_id(step, line, fld)
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
        message = "must be a mapping {party, step, never|until|not_before, why}"
        for item, line, where in self.mappings(data, "red_lines", message=message):
            red_line = self.red_line(item, line, where, start)
            if red_line is not None:
                out.append(red_line)
        return out

    def red_line(self, item: LineDict, line: int, where: str, start: str | None) -> RedLine | None:
        self.keys(item, _RED_LINE_KEYS, where)
        n = len(self.problems)
        party = self.actor(item.get("party"), item.key_lines.get("party", line), f"{where}.party")
        step = self.step_id(item.get("step"), item.key_lines.get("step", line), f"{where}.step")
        kinds = [k for k in ("never", "until", "not_before") if k in item]
        if len(kinds) != 1:
            got = ", ".join(kinds) if kinds else "none"
            self.bad(line, where, f"give exactly one of never: true, until: STEP, not_before: YYYY-MM "
                                  f"(got {got})")
        if "never" in item and item["never"] is not True:
            self.bad(item.key_lines["never"], f"{where}.never", "only `never: true` is allowed")
        until = None
        if "until" in item:
            until = self.step_id(item["until"], item.key_lines["until"], f"{where}.until")
        not_before = None
        month = self.month(item, "not_before", where)
        if month is not None and start is not None:
            not_before = months_between(start, month)
        why = self.text(item, "why", where) or ""
        if len(self.problems) > n:
            return None
        return RedLine(party=cast(str, party), step=cast(str, step), until=until, not_before=not_before,
                       why=why)
