"""Sequenced, reciprocal next steps found with a constraint solver (docs/roadmap.md).

The public API; every name is imported on first use::

    import panmun
    dated = panmun.roadmap.dated_inputs(horizon=36)
    roadmap = panmun.roadmap.plan(dated.constraints, dated.steps, alternatives=1)
    panmun.roadmap.tasks(dated.steps, roadmap.best.schedule, dated.constraints)
"""

from panmun._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "load_catalogue": "catalogue",
    "Step": "steps",
    "Constraints": "steps",
    "dated_inputs": "ranking",
    "load_constraints": "ranking",
    "plan": "ranking:best_plans",
    "plan_record": "ranking",
    "tasks": "explain",
    "read_plan": "plans",
    "write_plan": "plans",
    "violations": "rules",
    "excluded_records": "acceptability",
})
