"""Packages of measures: YAML files, built-in or a user's own, and their comparison.

A package file (built-in ones in ``armscontrol/packages/``)::

    name: my-package                 # lower-case letters, digits and '-'
    title: Buffer zones and a hotline
    description: ...                 # optional
    measures:                        # measure id -> level in [0, 1] (1 = fully in force)
      ground-buffer-zone: 1
      military-hotline: 0.5
    settings:                        # optional
      exercises: normal              # normal | reduced | intensified (activity x 1, 0.75, 1.5)
      tension: 0.5                   # [0, 1]; default the calibration period's
      trust: 0.5                     # [0, 1]
    notes: [...]

Problems are reported with file, line and field (:class:`PackageError`; the checks of every
user's YAML file, :class:`panmun.kb.yamlcheck.FileChecker`): unknown keys,
unknown measures, levels outside [0, 1], the same measure twice, and contradictions.
Contradiction rule: ``exercise-limits`` at a level above 0 together with
``exercises: intensified`` (one cannot limit exercises and intensify them).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from panmun.armscontrol import effects
from panmun.armscontrol.model import BaseRates, Params, analytic, risk
from panmun.errors import ValidationError
from panmun.identifiers import FILE_NAME
from panmun.kb.yamlcheck import FileChecker, read_mapping
from panmun.kb.yamlio import LineDict, locate

BUILTIN = ("none", "cma-2018", "cma-2018-full", "status-today")
EXERCISES = {"normal": 1.0, "reduced": 0.75, "intensified": 1.5}   # activity multiplier (assumed)
_TOP = {"name", "title", "description", "measures", "settings", "notes"}
_SETTINGS = {"exercises", "tension", "trust"}


class PackageError(ValidationError):
    """A package file breaks the format: every problem with its file, line and field."""

    hint = "Fix the listed places; `docs/armscontrol.md` describes the package format."

    subject = "the package"


@dataclass(frozen=True)
class Package:
    """A checked package: measure levels and settings."""

    name: str
    title: str
    levels: dict[str, float]
    exercises: str = "normal"
    tension: float | None = None
    trust: float | None = None
    description: str = ""
    notes: tuple[str, ...] = ()
    path: str = ""

    def params(self, base: BaseRates) -> Params:
        """The model parameters of this package on the given base rates."""
        knobs = effects.knobs_for(self.levels)
        knobs["activity"] = knobs.get("activity", 1.0) * EXERCISES[self.exercises]
        extra: dict[str, Any] = {}
        if self.tension is not None:
            extra["tension"] = self.tension
        if self.trust is not None:
            extra["trust"] = self.trust
        return Params(base, knobs, **extra)

    def with_level(self, measure: str, level: float) -> Package:
        levels = {**self.levels, measure: level}
        return Package(f"{self.name}{'+' if level else '-'}{measure}", self.title,
                       {m: v for m, v in levels.items() if v > 0}, self.exercises, self.tension, self.trust)


def builtin_path(name: str) -> Path:
    return Path(str(resources.files("panmun.armscontrol") / "packages" / f"{name}.yaml"))


def load_package(name_or_path: str | Path) -> Package:
    """A built-in package by name, or a package file by path."""
    path, display = locate(name_or_path, BUILTIN, builtin_path, "package")
    return read_package(path, display=display)


def read_package(path: Path, display: str | None = None) -> Package:
    """Read and check one package file; raise :class:`PackageError` listing every problem."""
    file = display or str(path)
    data = read_mapping(path, PackageError, file, "a package is a mapping of keys (name, measures, ...)")
    return _Checker(file).package(data)


class _Checker(FileChecker):
    """Collects the problems of one file while building its :class:`Package`."""

    def package(self, data: LineDict) -> Package:
        self.keys(data, _TOP)
        name = data.get("name")
        if not isinstance(name, str) or not FILE_NAME.match(name):
            self.bad(data.key_lines.get("name", data.line), "name",
                     "required: lower-case letters, digits and '-'")
        levels = self.levels(data)
        exercises, tension, trust = self.settings(data)
        if levels.get("exercise-limits", 0) > 0 and exercises == "intensified":
            settings = data["settings"]  # present: the exercises setting was read from it
            self.bad(settings.key_lines.get("exercises"), "settings.exercises",
                     "contradicts measures.exercise-limits: exercises cannot be limited and intensified "
                     "at once (set exercise-limits to 0 or exercises to normal/reduced)")
        self.raise_if_any(PackageError)
        return Package(str(name), str(data.get("title") or name), levels, exercises, tension, trust,
                       str(data.get("description") or ""), tuple(str(n) for n in data.get("notes") or []),
                       self.file)

    def levels(self, data: LineDict) -> dict[str, float]:
        block = self.mapping(data, "measures", message="must be a mapping of measure id to level")
        out: dict[str, float] = {}
        if block is None:
            return out
        for measure, value in block.items():
            line, fld = block.key_lines.get(measure), f"measures.{measure}"
            if measure not in effects.MEASURES:
                self.bad(line, fld, "unknown measure; see `panmun armscontrol measures`")
                continue
            level = self.unit(value, line, fld)
            if level is not None:
                out[measure] = level
        return out

    def settings(self, data: LineDict) -> tuple[str, float | None, float | None]:
        block = self.mapping(data, "settings") if data.get("settings") else LineDict()
        if block is None:
            return "normal", None, None
        self.keys(block, _SETTINGS, "settings", kind="setting")
        exercises = block.get("exercises", "normal")
        if exercises not in EXERCISES:
            self.bad(block.key_lines.get("exercises"), "settings.exercises",
                     f"must be one of {', '.join(EXERCISES)}, not {exercises!r}")
            exercises = "normal"
        tension, trust = (self.unit(block[k], block.key_lines.get(k), f"settings.{k}") if k in block else None
                          for k in ("tension", "trust"))
        return exercises, tension, trust


def levels_from_scorecard(store, date) -> dict[str, float]:
    """Measure levels at ``date``: the score (0-3) of the measure's provision / 3.

    Uses :func:`panmun.agreements.scoring.provision_states`; measures without a provision
    are left out. Provision map: the shared measure-id contract (docs/armscontrol.md).
    """
    from panmun.agreements.scoring import provision_states

    states = provision_states(store, [date])
    score = {r.provision: r.score for r in states.itertuples(index=False)}
    out = {}
    for measure, provision in PROVISIONS.items():
        value = score.get(provision)
        out[measure] = 0.0 if value is None or pd.isna(value) else float(value) / 3.0
    return out


PROVISIONS = {
    "ground-buffer-zone": "cma-2018/1.2", "maritime-buffer-zone": "cma-2018/1.2",
    "no-fly-zone": "cma-2018/1.3",
    "accident-prevention-procedures": "cma-2018/1.4", "communication-channels": "cma-2018/1.5",
    "military-hotline": "cma-2018/5.1", "joint-military-committee": "cma-2018/5.2",
    "guard-post-withdrawal": "cma-2018/2.1", "joint-verification": "cma-2018/2.1",
    "jsa-demilitarisation": "cma-2018/2.2", "west-sea-2004-accord": "cma-2018/3.1",
    "west-sea-peace-zone": "cma-2018/3.2", "propaganda-halt": "panmunjom-2018/2.1",
}


def compare(packages: list[Package], base: BaseRates, years: int = 1, sims: int = 2500,
            seed: int = 0) -> list[dict[str, Any]]:
    """Risk of each package (same parameter draws and seed for all), ranked by median
    probability of a deadly clash, lowest first; ``reduction`` is relative to ``none``'s
    median when ``none`` is among the packages (else to the first)."""
    rows: list[dict[str, Any]] = []
    for pkg in packages:
        result = risk(pkg.params(base), years=years, sims=sims, seed=seed)
        rows.append({"package": pkg.name, "title": pkg.title, **result})
    ref = next((r for r in rows if r["package"] == "none"), rows[0])["p_deadly_clash"]["median"]
    for r in rows:
        r["reduction"] = 0.0 if ref == 0 else 1.0 - r["p_deadly_clash"]["median"] / ref
    return sorted(rows, key=lambda r: r["p_deadly_clash"]["median"])


def marginal_effects(package: Package, base: BaseRates, years: int = 1) -> list[dict[str, Any]]:
    """For each measure: the change in risk from adding it at level 1 (if below 1) or
    removing it (if present), exact (:func:`model.analytic`) on each parameter draw in
    ``base``; median and 90 % interval over the draws. Sorted by the change in the
    probability of a deadly clash (largest reduction first)."""
    before = analytic(package.params(base), years)
    rows = []
    for measure in effects.MEASURES:
        level = package.levels.get(measure, 0.0)
        for action, new in (("add", 1.0), ("remove", 0.0)):
            if (action == "add" and level >= 1.0) or (action == "remove" and level <= 0.0):
                continue
            after = analytic(package.with_level(measure, new).params(base), years)
            row = {"measure": measure, "action": action, "level": level}
            for key in ("p_deadly_clash", "p_escalation"):
                q = np.quantile(np.atleast_1d(after[key] - before[key]), [0.5, 0.05, 0.95])
                row[key] = {"median": float(q[0]), "low": float(q[1]), "high": float(q[2])}
            rows.append(row)
    return sorted(rows, key=lambda r: r["p_deadly_clash"]["median"])


def flat_risk(row: dict[str, Any]) -> dict[str, Any]:
    """A risk result as one flat row: median and interval of each quantity."""
    out = {k: v for k, v in row.items() if not isinstance(v, dict)}
    for key in ("p_deadly_clash", "p_escalation"):
        for part in ("median", "low", "high"):
            out[f"{key}_{part}"] = row[key][part]
    for domain, s in row["incidents_by_domain"].items():
        out[f"incidents_{domain}"] = s["median"]
    return out


def marginal_table(package: Package, base: BaseRates, years: int = 1) -> pd.DataFrame:
    """:func:`marginal_effects` as a table: measure, action, level and the change in the
    probability of a deadly clash (median and 90 % interval), the charts' and CLI's input."""
    return pd.DataFrame([{"measure": r["measure"], "action": r["action"], "level": r["level"],
                          "d_p_deadly_median": r["p_deadly_clash"]["median"],
                          "d_p_deadly_low": r["p_deadly_clash"]["low"],
                          "d_p_deadly_high": r["p_deadly_clash"]["high"]}
                         for r in marginal_effects(package, base, years)])
