r"""The planner: sequences of steps found with a constraint solver (OR-Tools CP-SAT).

**Variables.** For step *s* and month *t* in 0..H a Boolean :math:`y_{s,t}` = "*s* has
started by month *t*", non-decreasing in *t* (:math:`y_{s,t} \le y_{s,t+1}`); *s* is in the
plan when :math:`y_{s,H-d_s} = 1` and cannot start after :math:`H - d_s` (it must complete
within the horizon). Write :math:`Y_s(t) = y_{s,\min(t, H-d_s)}` for :math:`t \ge 0` and
0 for :math:`t < 0`; completed by *t* is :math:`Y_s(t - d_s)`, verified by *t* is
:math:`Y_s(t - d_s - \ell_s)` (duration :math:`d_s`, verification lead :math:`\ell_s`).

**Constraints** (the rules of :mod:`panmun.roadmap.steps`, each group switchable by an
enforcement literal so that an infeasible problem can be explained):

* prerequisite *q* of *s* (and a red line "refuses *s* until *q*"):
  :math:`Y_s(t) \le Y_q(t - d_q - \ell_q)` for all *t*;
* red line "never": *s* not in the plan; "not before month *m*": :math:`Y_s(m-1) = 0`;
* required / excluded steps; deadline *D* of *s*: :math:`Y_s(D - d_s) = Y_s(H)`;
* state requirement "vector *k* at least *r*": :math:`Y_s(t) \Rightarrow x_k^0 +
  \sum_{s' \in k} a_{s'} Y_{s'}(t - d_{s'}) \ge r`;
* reciprocity with margin :math:`m_p`: :math:`\sum_s \min(v_{ps},0) Y_s(t) + \sum_s
  \max(v_{ps},0) Y_s(t - d_s - \ell_s) \ge -m_p` for every month and enforced party;
* at most *c* starts per month: :math:`\sum_s (Y_s(t) - Y_s(t-1)) \le c`.

**Objective**, lexicographic in two solves: (1) the primary score — ``progress``: the
surrogate state at the horizon summed over the three vectors and inter-Korean exchange,
each capped at 1, :math:`\sum_k \min(1, x_k^0 + \sum_{s \in k} a_s Y_s(H))`; ``risk``:
the reduction of the annual probability of a deadly clash from the arms-control measures
the plan restores (weights :math:`r_s` from :mod:`panmun.armscontrol`, see
:mod:`panmun.roadmap.evaluate`), :math:`\sum_s r_s Y_s(H)`; or one vector's capped state;
(2) with the primary held at its optimum, :math:`\sum_s w_s \sum_{t=0}^{H} Y_s(t - d_s)`
with :math:`w_s = a_s` for the steps of the objective's vectors (``risk``: every step,
:math:`w_s = a_s + r_s`): more steps, done earlier. Weights
are scaled to integers (:data:`SCALE`). The solver's optimality gap of each stage,
:math:`(\text{bound} - \text{value}) / \max(|\text{bound}|, 1)`, is reported.

**Search.** The solver starts from the greedy earliest-start schedule of
:mod:`panmun.roadmap.greedy` (a hint) and runs a portfolio of :data:`WORKERS` workers
with a wall-clock limit per stage. Small problems are solved to proven optimality; on
the full catalogue the second stage may stop at the limit, and the reported gap says
how far from the bound it is. With a time limit the portfolio is not deterministic:
two runs can return different plans of (nearly) equal score.

Alternatives: after the best plan, each further plan must differ from all earlier ones
in the set of steps it contains (a "no-good" cut), then is optimised the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from panmun.errors import InputError
from panmun.roadmap import rules
from panmun.roadmap.greedy import earliest_schedule
from panmun.roadmap.steps import VECTORS, Constraints, Step

SCALE = 1000            # weights (advances, risk reductions) to integers: 0.001 resolution
WORKERS = 8             # CP-SAT's parallel portfolio; on 2 cores 8 workers still beat 2 (benchmarks/)
OBJECTIVES = ("progress", "risk", *VECTORS)


class PlannerError(InputError):
    """A planning request that cannot be posed (unknown objective, no steps)."""


@dataclass(frozen=True)
class Conflict:
    """One group of constraints in an infeasibility explanation."""

    kind: str
    label: str


@dataclass
class PlanResult:
    """The planner's answer: plans (best first) or, if none exists, the conflicting
    constraints. ``schedule``: step id -> start month. ``gap``: optimality gap of the
    primary and secondary stage; ``status``: the solver status names."""

    objective: str
    feasible: bool
    schedules: list[dict[str, int]] = field(default_factory=list)
    scores: list[tuple[float, float]] = field(default_factory=list)
    gaps: list[tuple[float, float]] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    seconds: float = 0.0


class _Model:
    """The CP-SAT model of one planning problem (see the module docstring)."""

    def __init__(self, steps: dict[str, Step], constraints: Constraints, weights: dict[str, float],
                 vectors: tuple[str, ...], primary: str, explain: bool = False,
                 risk: dict[str, float] | None = None):
        self.steps, self.c, self.h = steps, constraints, constraints.horizon
        self.explain = explain
        self.m = cp_model.CpModel()
        self.groups: dict[int, Conflict] = {}          # enforcement literal index -> group
        self.literals: list[cp_model.IntVar] = []
        self.y: dict[str, list] = {}
        for sid, s in steps.items():
            last = self.h - s.duration
            self.y[sid] = [self.m.new_bool_var(f"y[{sid},{t}]") for t in range(max(last + 1, 0))]
            for a, b in zip(self.y[sid], self.y[sid][1:], strict=False):
                self.m.add_implication(a, b)
        self._post_rules()
        self.weights = weights
        self.primary_expr = self._primary(weights, risk, vectors, primary)
        self.secondary_expr = self._secondary(weights)

    # -- helpers ---------------------------------------------------------------------------
    def Y(self, sid: str, t: int):
        """Started by month t (0 before month 0; equal to 'in the plan' after the last start)."""
        ys = self.y[sid]
        if t < 0 or not ys:
            return 0
        return ys[min(t, len(ys) - 1)]

    def done(self, sid: str):
        return self.Y(sid, self.h)

    def group(self, kind: str, label: str) -> cp_model.IntVar:
        """The enforcement literal of a constraint group: a free Boolean when explaining an
        infeasible problem (switched on by assumptions), else the constant true."""
        if not self.explain:
            return self.m.new_constant(1)
        lit = self.m.new_bool_var(f"on[{label}]")
        self.groups[lit.Index()] = Conflict(kind, label)
        self.literals.append(lit)
        return lit

    def _le(self, a, b, lit) -> None:
        """a <= b under lit, where a, b are literals or constants."""
        if isinstance(a, int) and a == 0:
            return
        if isinstance(b, int):
            if b == 0:
                self.m.add(a == 0).OnlyEnforceIf(lit)
            return
        self.m.add(a <= b).OnlyEnforceIf(lit)

    # -- constraints -----------------------------------------------------------------------
    def _post_rules(self) -> None:
        steps, c, h = self.steps, self.c, self.h
        for sid, s in steps.items():
            for pre in s.prerequisites:
                if pre not in steps:
                    raise PlannerError(f"step {sid} needs {pre}, which is not in the catalogue")
                self._follow(sid, pre, self.group("prerequisite", f"{sid} needs {pre} verified first"))
        for line in c.red_lines:
            if line.step not in steps:
                continue
            lit = self.group("red-line", line.label)
            if line.until is not None:
                self._follow(line.step, line.until, lit)
            elif line.not_before is not None:
                self._le(self.Y(line.step, line.not_before - 1), 0, lit)
            else:
                self._le(self.done(line.step), 0, lit)
        for sid in c.require:
            self.m.add(self.done(sid) == 1).OnlyEnforceIf(self.group("required", f"{sid} is required"))
        for sid in c.exclude:
            self._le(self.done(sid), 0, self.group("excluded", f"{sid} is excluded"))
        for sid, deadline in c.deadlines.items():
            lit = self.group("deadline", f"{sid} completes by month {deadline}")
            self._le(self.done(sid), self.Y(sid, deadline - steps[sid].duration), lit)
        for sid, s in steps.items():
            for vector, level in s.requires.items():
                lit = self.group("requires", f"{sid} needs {vector} >= {level:g}")
                self._requires(sid, vector, level, lit)
        for party in rules.parties_of(steps, c):
            self._reciprocity(party, self.group("reciprocity", f"{party}'s trust margin "
                                                f"{c.margin_of(party)}"))
        if c.max_starts is not None:
            lit = self.group("capacity", f"at most {c.max_starts} starts per month")
            for t in range(h + 1):
                starts = [self.Y(sid, t) - self.Y(sid, t - 1)
                          for sid in steps if t < len(self.y[sid])]
                if starts:
                    self.m.add(sum(starts) <= c.max_starts).OnlyEnforceIf(lit)

    def _follow(self, sid: str, pre: str, lit) -> None:
        wait = self.steps[pre].wait
        for t in range(len(self.y[sid])):
            self._le(self.Y(sid, t), self.Y(pre, t - wait), lit)

    def _level(self, vector: str, t: int):
        return sum(round(SCALE * s.advance) * self.Y(sid, t - s.duration)
                   for sid, s in self.steps.items() if s.vector == vector and s.advance > 0)

    def _requires(self, sid: str, vector: str, level: float, lit) -> None:
        need = round(SCALE * (level - self.c.initial.get(vector, 0.0)))
        if need <= 0:
            return
        for t in range(len(self.y[sid])):
            self.m.add(self._level(vector, t) >= need).OnlyEnforceIf([self.Y(sid, t), lit])

    def _reciprocity(self, party: str, lit) -> None:
        floor = -self.c.margin_of(party)
        valued = [(sid, s, s.value.get(party, 0)) for sid, s in self.steps.items() if s.value.get(party, 0)]
        for t in range(self.h + 1):
            terms = [v * self.Y(sid, t) if v < 0 else v * self.Y(sid, t - s.wait) for sid, s, v in valued]
            terms = [x for x in terms if not isinstance(x, int)]
            if terms:
                self.m.add(sum(terms) >= floor).OnlyEnforceIf(lit)

    # -- objective -------------------------------------------------------------------------
    def _primary(self, weights: dict[str, float], risk: dict[str, float] | None, vectors: tuple[str, ...],
                 primary: str):
        if primary == "weights":
            return sum(round(SCALE * w) * self.done(sid) for sid, w in (risk or {}).items()
                       if w > 0 and sid in self.steps)
        total = []
        for k in vectors:
            start = round(SCALE * self.c.initial.get(k, 0.0))
            raw = start + sum(round(SCALE * s.advance) * self.done(sid)
                              for sid, s in self.steps.items() if s.vector == k and s.advance > 0)
            capped = self.m.new_int_var(0, SCALE, f"level[{k}]")
            self.m.add_min_equality(capped, [raw, SCALE])
            total.append(capped)
        return sum(total)

    def _secondary(self, weights: dict[str, float]):
        terms = []
        for sid, w in weights.items():
            s = self.steps[sid]
            if w <= 0 or not self.y[sid]:
                continue
            # sum over t = 0..H of completed-by-t = sum over start months of the months left
            months = sum(self.Y(sid, t - s.duration) for t in range(s.duration, self.h + 1))
            terms.append(round(SCALE * w) * months)
        return sum(terms)

    def hint(self, schedule: dict[str, int]) -> None:
        """Suggest ``schedule`` to the solver as a starting point."""
        self.m.clear_hints()
        for sid, ys in self.y.items():
            start = schedule.get(sid)
            for t, v in enumerate(ys):
                self.m.add_hint(v, start is not None and start <= t)

    def schedule(self, solver: cp_model.CpSolver) -> dict[str, int]:
        out = {}
        for sid, ys in self.y.items():
            for t, v in enumerate(ys):
                if solver.Value(v):
                    out[sid] = t
                    break
        return out


def plan(steps: dict[str, Step], constraints: Constraints, *, objective: str = "progress",
         weights: dict[str, float] | None = None, alternatives: int = 0, time_limit: float = 10.0,
         workers: int = WORKERS) -> PlanResult:
    """Find the best plan (and ``alternatives`` further plans with other step sets).

    ``objective``: ``progress`` (the three vectors' surrogate state at the horizon),
    ``risk`` (``weights``: step id -> the reduction of the annual deadly-clash probability
    its measure brings; required), or a single vector name. ``time_limit``: seconds per
    solver stage. If no plan exists, ``feasible`` is False and ``conflicts`` lists a
    minimal set of constraint groups that cannot hold together.
    """
    if objective not in OBJECTIVES:
        raise PlannerError(f"unknown objective {objective!r}; choose one of {', '.join(OBJECTIVES)}")
    if not steps:
        raise PlannerError("no steps to plan with")
    vectors = VECTORS if objective in ("progress", "risk") else (objective,)
    if objective == "risk":
        if not weights:
            raise PlannerError("the risk objective needs weights (step id -> risk reduction)")
        primary = "weights"
        secondary_weights = {sid: s.advance + weights.get(sid, 0.0) for sid, s in steps.items()}
    else:
        primary = "vectors"
        secondary_weights = {sid: s.advance for sid, s in steps.items() if s.vector in vectors}

    def build(explain: bool = False) -> _Model:
        return _Model(steps, constraints, secondary_weights, vectors, primary, explain, weights)

    result = PlanResult(objective=objective, feasible=True)
    start = earliest_schedule(steps, constraints, secondary_weights)
    for k in range(alternatives + 1):
        model = build()
        for earlier in result.schedules:
            _forbid_step_set(model, earlier)
        if k == 0:
            model.hint(start)
        found = _solve_lexicographic(model, time_limit, workers)
        if found is None and k == 0 and _admissible(steps, start, constraints):
            found = _greedy_result(steps, start, constraints)   # the time limit ran out first
        if found is None:
            if k == 0:
                result.feasible = False
                result.conflicts = explain_infeasible(build(explain=True), time_limit, workers)
            break
        schedule, scores, gaps, status, seconds = found
        result.schedules.append(schedule)
        result.scores.append(scores)
        result.gaps.append(gaps)
        result.status.append(status)
        result.seconds += seconds
    return result


def _admissible(steps: dict[str, Step], schedule: dict[str, int], constraints: Constraints) -> bool:
    return not rules.violations(steps, schedule, constraints)


def _greedy_result(steps: dict[str, Step], schedule: dict[str, int], constraints: Constraints):
    """The greedy schedule as the answer when the solver found nothing within its time
    limit (status ``UNKNOWN/greedy``, gaps unknown)."""
    progress = rules.progress(steps, schedule, constraints)
    return schedule, (progress, float("nan")), (float("nan"), float("nan")), "UNKNOWN/greedy", 0.0


def _solver(time_limit: float, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 0
    return solver


def _gap(solver: cp_model.CpSolver) -> float:
    value, bound = solver.ObjectiveValue(), solver.BestObjectiveBound()
    return max(0.0, (bound - value) / max(abs(bound), 1.0))


def _solve_lexicographic(model: _Model, time_limit: float, workers: int):
    """Stage 1: maximise the primary score; stage 2: hold it and maximise the secondary."""
    m = model.m
    m.maximize(model.primary_expr)
    first = _solver(time_limit, workers)
    status1 = first.Solve(m)
    if status1 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    best = int(round(first.ObjectiveValue()))
    gap1 = _gap(first)
    m.add(model.primary_expr >= best)
    model.hint(model.schedule(first))
    m.maximize(model.secondary_expr)
    second = _solver(time_limit, workers)
    status2 = second.Solve(m)
    ok2 = status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    chosen = second if ok2 else first
    scores = (best / SCALE, second.ObjectiveValue() / SCALE if ok2 else float("nan"))
    gaps = (gap1, _gap(second) if ok2 else float("nan"))
    status = f"{first.StatusName(status1)}/{second.StatusName(status2)}"
    return model.schedule(chosen), scores, gaps, status, first.WallTime() + second.WallTime()


def _forbid_step_set(model: _Model, schedule: dict[str, int]) -> None:
    """This plan must contain a different set of steps from ``schedule``."""
    differ = [1 - model.done(sid) if sid in schedule else model.done(sid)
              for sid in model.steps if model.y[sid]]
    model.m.add(sum(differ) >= 1)


def explain_infeasible(model: _Model, time_limit: float = 20.0, workers: int = 2) -> list[Conflict]:
    """A minimal set of constraint groups that cannot all hold (deletion filter over the
    solver's sufficient assumptions), as labelled conflicts. ``model`` must be built with
    ``explain=True``."""
    m = model.m
    core = list(model.literals)
    m.add_assumptions(core)
    solver = _solver(time_limit, 1)
    if solver.Solve(m) != cp_model.INFEASIBLE:
        return [Conflict("unknown", "the solver found no plan within the time limit, but did not prove "
                         "that none exists; raise the time limit")]
    index = set(solver.SufficientAssumptionsForInfeasibility())
    core = [lit for lit in core if lit.Index() in index]
    i = 0
    while i < len(core):
        trial = core[:i] + core[i + 1:]
        m.clear_assumptions()
        m.add_assumptions(trial)
        if _solver(time_limit, 1).Solve(m) == cp_model.INFEASIBLE:
            core = trial
        else:
            i += 1
    m.clear_assumptions()
    return [model.groups[lit.Index()] for lit in core]
