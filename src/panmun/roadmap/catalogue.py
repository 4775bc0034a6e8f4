"""The step catalogue: knowledge-base ``steps/`` records as :class:`~panmun.roadmap.steps.Step`.

The knowledge base writes vectors with hyphens (``peace-regime``) as its other sections do;
the roadmap's data types use the three-vector model's stock names (``peace_regime``). Months
are whole months; ``lead`` is the verification lead time (completion to verified).
"""

from __future__ import annotations

import pandas as pd

from panmun.kb.loader import KnowledgeBase, load_kb
from panmun.roadmap.steps import IssueLink, Step

#: Columns of :func:`steps_table`.
COLUMNS: tuple[str, ...] = ("id", "name", "actors", "vector", "advance", "prerequisites", "duration", "lead",
                            "value", "issues", "measure", "source")


def vector_name(kb_vector: str) -> str:
    """The roadmap's name of a knowledge-base vector: ``peace-regime`` -> ``peace_regime``."""
    return kb_vector.replace("-", "_")


def to_step(record) -> Step:
    """One knowledge-base step record (:class:`panmun.kb.schema.Step`) as a roadmap Step."""
    return Step(
        id=record.id, name=record.name, actors=tuple(record.actors), vector=vector_name(record.vector),
        advance=float(record.advance), prerequisites=tuple(record.prerequisites),
        requires={vector_name(k): float(v) for k, v in record.requires.items()},
        drivers={k: float(v) for k, v in record.drivers.items()},
        value={p: int(v) for p, v in record.value.items()},
        duration=record.duration_months, lead=record.verification.lead_months,
        reversibility=record.reversibility, measure=record.measure, provision=record.provision,
        summary=record.summary, sources=tuple(s.url for s in record.sources),
        issues=tuple(IssueLink(link.issue, link.toward, float(link.by), float(link.to))
                     for link in record.issues),
    )


def load_catalogue(kb: KnowledgeBase | None = None) -> dict[str, Step]:
    """Every step of ``kb`` (the built-in knowledge base when None), by id, in file order."""
    kb = kb if kb is not None else load_kb()
    return {record.id: to_step(record) for record, _ in kb.steps}


def _values(value: dict[str, int]) -> str:
    return " ".join(f"{party}:{v:+d}" for party, v in value.items())


def _issues(step: Step) -> str:
    return " ".join(f"{x.issue}:{x.start:g}->{x.to:g}" for x in step.issues)


def steps_table(steps: dict[str, Step] | list[Step]) -> pd.DataFrame:
    """One row per step (see :data:`COLUMNS`): actors and prerequisites joined by spaces,
    values as ``PRK:-2 USA:+2``, the issues it moves as ``denuclearization:25->40``,
    duration and lead in months, the first source's URL."""
    items = steps.values() if isinstance(steps, dict) else steps
    rows = [{"id": s.id, "name": s.name, "actors": " ".join(s.actors), "vector": s.vector,
             "advance": s.advance, "prerequisites": " ".join(s.prerequisites), "duration": s.duration,
             "lead": s.lead, "value": _values(s.value), "issues": _issues(s), "measure": s.measure or "",
             "source": s.sources[0] if s.sources else ""} for s in items]
    return pd.DataFrame(rows, columns=list(COLUMNS))
