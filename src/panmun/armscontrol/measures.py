"""The catalogue of arms-control and confidence-building measures, their verification and
the force balance they act on.

Data: the knowledge base's ``measures`` section (``panmun/kb/data/measures/measures.yaml``,
schema :class:`panmun.kb.schema.Measure`, validated with the rest of the knowledge base by
``panmun kb validate``) and ``data/force_balance.yaml`` (sourced open figures). Both are
read line-aware, so every problem names its file, line and field.

Status of a measure at a date is the Peace Accords Matrix state of the knowledge-base
provision it implements (:func:`panmun.agreements.scoring.provision_states`): score 0-3
and a state label (not-initiated, minimal, intermediate, full, suspended, reversed). A
measure is ``in_force`` when that score is at least 1 (a suspended or reversed provision
scores 0). A measure with no provision, or whose agreement was not yet signed at the date,
has status ``not agreed``.

Verification burden of a package (dimensionless): the sum over its measures of
``BURDEN_SCORE[burden]`` with low = 1, medium = 2, high = 3.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, Field, field_validator
from pydantic import ValidationError as PydanticError

from panmun.agreements.scoring import provision_states
from panmun.dates import as_date
from panmun.errors import InputError, Problem, ValidationError, display_path
from panmun.kb.loader import Where, builtin_root
from panmun.kb.schema import (  # noqa: F401  (re-exported: the measure records and their vocabularies)
    BUILTIN_MEASURES,
    Burden,
    Domain,
    Means,
    Measure,
    MeasureKind,
    Record,
    Restriction,
    Reversibility,
    Source,
    Verification,
)
from panmun.kb.yamlio import LineDict, LineList, YamlProblems, line_of, read_yaml
from panmun.store.db import Store

DATA = Path(__file__).parent / "data"
#: The built-in catalogue, a file of the knowledge base.
MEASURES_FILE = builtin_root() / "measures" / "measures.yaml"
FORCE_BALANCE_FILE = DATA / "force_balance.yaml"

#: The fixed measure ids shared by the catalogue and the risk model (the contract between them).
MEASURE_IDS: tuple[str, ...] = BUILTIN_MEASURES

Kind = MeasureKind

#: Points per measure in the package verification burden (dimensionless).
BURDEN_SCORE: dict[str, int] = {"low": 1, "medium": 2, "high": 3}
NOT_AGREED = "not agreed"
PERIOD = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class Figure(Record):
    """One sourced figure of the conventional force balance near the border."""

    id: str
    side: Literal["PRK", "KOR", "USA"]
    quantity: str = Field(min_length=3)
    value: float
    unit: str
    as_of: str
    uncertainty: str = Field(min_length=10)
    sources: list[Source] = Field(min_length=1)

    @field_validator("as_of")
    @classmethod
    def _period(cls, value: str) -> str:
        if not PERIOD.match(value):
            raise ValueError("must be a period written YYYY, YYYY-MM or YYYY-MM-DD")
        return value


def _read(path: Path) -> tuple[str, object]:
    """The YAML file at ``path``, line-aware; ValidationError if it cannot be read."""
    file = display_path(path)
    try:
        return file, read_yaml(path, file)
    except YamlProblems as exc:
        raise ValidationError(exc.problems) from exc


def _read_list(path: Path) -> tuple[str, list]:
    """The YAML file at ``path`` as a line-aware list; ValidationError if it is not one."""
    file, data = _read(path)
    if not isinstance(data, list):
        raise ValidationError([Problem(file, getattr(data, "line", None), None,
                                       "the file must be a YAML list of records")])
    return file, data


def _measure_items(path: Path) -> tuple[str, list]:
    """The measure records of a file: a knowledge-base measures file (``measures:`` list) or a
    plain YAML list of measures."""
    file, data = _read(path)
    if isinstance(data, LineDict) and set(data) == {"measures"} and isinstance(data["measures"], LineList):
        return file, data["measures"]
    if isinstance(data, LineList):
        return file, data
    raise ValidationError([Problem(file, getattr(data, "line", None), None,
                                   "the file must be a YAML list of measures or a mapping "
                                   "`measures:` holding that list (see kb/data/README.md)")])


def _parse(file: str, data: list, model: type[BaseModel]) -> tuple[list, list[Problem]]:
    """Validate every item against ``model``; problems carry the line of the failing field.

    Returns (record, Where) pairs of the items that passed, and the problems.
    """
    records, problems = [], []
    for item in data:
        if not isinstance(item, LineDict):
            problems.append(Problem(file, getattr(item, "line", None), None, "each record must be a mapping"))
            continue
        try:
            records.append((model.model_validate(dict(item)), Where(file, item.line, dict(item.key_lines))))
        except PydanticError as exc:
            for err in exc.errors():
                line, field = line_of(item, tuple(err["loc"]))
                problems.append(Problem(file, line or item.line, field, err["msg"]))
    return records, problems


def _id_problems(file: str, measures: list[tuple[Measure, Where]],
                 known_provisions: set[str]) -> list[Problem]:
    """Measure ids outside the contract, repeated ids and provisions the knowledge base lacks."""
    from panmun.kb.checks import measure_problems

    problems = [Problem(file, where.line_of("id"), "id",
                        f"unknown measure id {m.id!r}; known: {', '.join(MEASURE_IDS)}")
                for m, where in measures if m.id not in MEASURE_IDS]
    return problems + measure_problems(measures, known_provisions)


def load_measures(path: Path | str | None = None, provision_ids: set[str] | None = None) -> list[Measure]:
    """The measures catalogue (default: the knowledge base's built-in measures).

    ``path`` is a knowledge-base measures file (``measures:`` list) or a plain YAML list of
    measure records; its ids must be contract ids (:data:`MEASURE_IDS`). ``provision_ids``
    are the provisions a measure may name (default: the built-in knowledge base's). Raises
    :class:`~panmun.errors.ValidationError` listing every problem with file, line and field:
    bad YAML or dates, unknown ids or enum values, missing sources.
    """
    if path is None and provision_ids is None:
        return list(_shipped_measures())
    return _load_measures(Path(path) if path is not None else MEASURES_FILE, provision_ids)


def _load_measures(path: Path, provision_ids: set[str] | None) -> list[Measure]:
    if provision_ids is None:
        from panmun.kb.loader import load_kb

        provision_ids = load_kb().provision_ids()
    file, items = _measure_items(path)
    placed, problems = _parse(file, items, Measure)
    problems += _id_problems(file, placed, provision_ids)
    if problems:
        raise ValidationError(sorted(problems, key=lambda p: (p.line or 0)))
    return [m for m, _ in placed]


@functools.lru_cache(maxsize=1)
def _shipped_measures() -> tuple[Measure, ...]:
    """The built-in knowledge base's measures (validated with the whole knowledge base)."""
    from panmun.kb.loader import load_kb

    return tuple(m for m, _ in load_kb().measures)


def load_force_balance(path: Path | str | None = None) -> list[Figure]:
    """The force-balance figures (default: the shipped ``data/force_balance.yaml``)."""
    file, data = _read_list(Path(path) if path is not None else FORCE_BALANCE_FILE)
    placed, problems = _parse(file, data, Figure)
    if problems:
        raise ValidationError(problems)
    return [f for f, _ in placed]


def _measure_row(m: Measure) -> dict[str, Any]:
    return {
        "id": m.id, "name": m.name, "kind": m.kind, "domains": ", ".join(m.domains),
        "provision": m.provision, "zone": m.restricts.zone, "distance_km": m.restricts.distance_km,
        "activity": m.restricts.activity, "means": ", ".join(m.verification.means),
        "burden": m.verification.burden, "reversibility": m.reversibility,
    }


def measures_table(store: Store, status_at: dt.date | str | None = None,
                   measures: list[Measure] | None = None) -> pd.DataFrame:
    """One row per measure with its status at ``status_at`` (default today).

    Columns: the catalogue fields, then ``status`` (the provision's scorecard state or
    ``not agreed``), ``score`` (0-3, NA when not agreed or untracked), ``since`` and
    ``in_force`` (score >= 1).
    """
    when = as_date(status_at, "status date")
    measures = measures if measures is not None else load_measures()
    states = provision_states(store, [when]).set_index("provision")
    rows = []
    for m in measures:
        row = _measure_row(m)
        if m.provision is not None and m.provision in states.index:
            st = states.loc[m.provision]
            row.update(status=st["state"], score=st["score"], since=st["since"])
        else:
            row.update(status=NOT_AGREED, score=pd.NA, since=None)
        rows.append(row)
    table = pd.DataFrame(rows)
    table["score"] = table["score"].astype("Int64")
    table["in_force"] = (table["score"].fillna(0) >= 1).astype(bool)
    return table


def _select(measure_ids: list[str], measures: list[Measure] | None) -> list[Measure]:
    by_id = {m.id: m for m in (measures if measures is not None else load_measures())}
    unknown = [mid for mid in measure_ids if mid not in by_id]
    if unknown:
        raise InputError(f"unknown measure id(s): {', '.join(unknown)}; known: {', '.join(by_id)}")
    return [by_id[mid] for mid in dict.fromkeys(measure_ids)]


def package_burden(measure_ids: list[str], measures: list[Measure] | None = None) -> int:
    """Verification burden of a package: sum of BURDEN_SCORE (low 1, medium 2, high 3)."""
    return sum(BURDEN_SCORE[m.verification.burden] for m in _select(measure_ids, measures))


def verification(measure_ids: list[str], measures: list[Measure] | None = None) -> pd.DataFrame:
    """What must be verified for a package, by which means, and how heavy it is.

    One row per measure (repeats dropped): ``id``, ``what`` (the restricted activity),
    ``means``, ``burden``, ``burden_score`` (low 1, medium 2, high 3) and ``why``; then a
    last row ``id = "package total"`` whose ``means`` is the union of means used and whose
    ``burden_score`` is the package total (:func:`package_burden`).
    """
    chosen = _select(measure_ids, measures)
    rows: list[dict[str, Any]] = [
        {"id": m.id, "what": m.restricts.activity, "means": ", ".join(m.verification.means),
         "burden": m.verification.burden, "burden_score": BURDEN_SCORE[m.verification.burden],
         "why": m.verification.burden_why} for m in chosen]
    used = dict.fromkeys(mean for m in chosen for mean in m.verification.means)
    rows.append({"id": "package total", "what": f"{len(chosen)} measure(s)", "means": ", ".join(used),
                 "burden": None, "burden_score": sum(r["burden_score"] for r in rows), "why": None})
    return pd.DataFrame(rows)


def force_balance(path: Path | str | None = None) -> pd.DataFrame:
    """The sourced force-balance figures, one row each, with the first source's url/title/date."""
    rows = []
    for f in load_force_balance(path):
        first = f.sources[0]
        rows.append({"id": f.id, "side": f.side, "quantity": f.quantity, "value": f.value, "unit": f.unit,
                     "as_of": f.as_of, "uncertainty": f.uncertainty, "source_url": first.url,
                     "source_title": first.title, "source_date": first.date, "sources": len(f.sources)})
    return pd.DataFrame(rows)
