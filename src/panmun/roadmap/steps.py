"""Steps, constraints and plans: the roadmap's data types (no solver here).

A **step** is one thing a party can do for the process (a test moratorium, a freeze at
Yongbyon, an end-of-war declaration, restoring a CMA measure). Time is counted in whole
months from the plan's month 0. A step started at month ``t``

* costs its takers at once: each party's *negative* values count from month ``t``;
* is complete at ``t + duration`` (its vector advance and driver changes apply then);
* is verified at ``t + duration + lead``: its *positive* values (gains) count from then,
  and steps that name it as a prerequisite may start from then.

Values are integers on the scale -3 (a major concession: gives up core leverage) ..
+3 (a major gain); 0 or absent means indifferent. The **reciprocity** rule ("action for
action") with trust margin ``m_p``: at every month ``t`` and for every party ``p``,

    sum_{s started by t} min(v_ps, 0) + sum_{s verified by t} max(v_ps, 0) >= -m_p

i.e. no party's cumulative cost may exceed its cumulative verified gain by more than its
margin. The **surrogate** state of vector ``k`` at month ``t`` is the start level plus the
advances of the steps of that vector complete by ``t`` (capped at 1): the planner's linear
stand-in for the three-vector model, which evaluates plans afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: What a step advances: the three vectors (stock names of the three-vector model) and
#: inter-Korean exchange (a driver of that model, a source of trust).
VECTORS: tuple[str, ...] = ("denuclearization", "peace_regime", "arms_control", "exchange")

#: Value scale of a step to a party (integers).
VALUE_MIN, VALUE_MAX = -3, 3


@dataclass(frozen=True)
class IssueLink:
    """A step moves ``issue`` (a 0-100 scale of the actors' record) towards ``toward``
    (``high`` or ``low``) by ``by`` points, to the level ``to``."""

    issue: str
    toward: str
    by: float
    to: float

    @property
    def sign(self) -> int:
        """+1 towards high, -1 towards low."""
        return 1 if self.toward == "high" else -1

    @property
    def start(self) -> float:
        """Where the step moves the issue from: ``to - by`` (towards high) or ``to + by``."""
        return self.to - self.sign * self.by


@dataclass(frozen=True, eq=False)
class Step:
    """One step of the catalogue (see the module docstring for the timing rules).

    ``advance``: jump of the surrogate state of ``vector`` at completion (fraction, 0-1).
    ``requires``: vector -> minimum surrogate level (0-1) at the start month.
    ``drivers``: three-vector-model driver -> level (0-1) from completion on.
    ``value``: party -> integer value -3..3. ``duration`` and ``lead`` in months (>= 0).
    ``measure``: the arms-control measure id the step restores, if any.
    """

    id: str
    name: str
    actors: tuple[str, ...]
    vector: str
    advance: float
    prerequisites: tuple[str, ...] = ()
    requires: dict[str, float] = field(default_factory=dict)
    drivers: dict[str, float] = field(default_factory=dict)
    value: dict[str, int] = field(default_factory=dict)
    duration: int = 0
    lead: int = 0
    reversibility: str = "moderate"
    measure: str | None = None
    provision: str | None = None
    summary: str = ""
    sources: tuple[str, ...] = ()
    issues: tuple[IssueLink, ...] = ()

    @property
    def wait(self) -> int:
        """Months from start until verified: ``duration + lead``."""
        return self.duration + self.lead


@dataclass(frozen=True)
class RedLine:
    """A party refuses ``step``: for ever (``until`` and ``not_before`` both None), until the
    step ``until`` is verified, or before month ``not_before``."""

    party: str
    step: str
    until: str | None = None
    not_before: int | None = None
    why: str = ""
    basis: str = ""      # a red line derived from a dated position: that position, its date and source

    @property
    def label(self) -> str:
        if self.basis:
            return f"red line: {self.party} refuses {self.step} ({self.basis})"
        if self.until is not None:
            return f"red line: {self.party} refuses {self.step} until {self.until} is verified"
        if self.not_before is not None:
            return f"red line: {self.party} refuses {self.step} before month {self.not_before}"
        return f"red line: {self.party} refuses {self.step}"


@dataclass(frozen=True)
class Admit:
    """A listed condition that lifts a red line derived from positions: ``party`` accepts
    ``step`` whatever its coded position (``why`` says on what grounds)."""

    party: str
    step: str
    why: str


@dataclass(frozen=True)
class Constraints:
    """What a plan must respect.

    ``horizon``: months 0..horizon; every step in a plan completes by ``horizon``.
    ``start``: month 0 as ``YYYY-MM``. ``margin``: trust margin per party (value units);
    parties not listed get ``default_margin``. ``parties``: whose reciprocity is enforced
    (None: every party that has a value in some step). ``require``/``exclude``: steps that
    must / must not be in the plan. ``deadlines``: step -> latest completion month.
    ``max_starts``: at most this many steps start in any one month (None: no limit).
    ``initial``: start levels of the surrogate state per vector (0-1; absent: 0).
    ``admit``: derived red lines lifted (see :mod:`panmun.roadmap.acceptability`).
    """

    horizon: int = 60
    start: str = "2027-01"
    margin: dict[str, int] = field(default_factory=dict)
    default_margin: int = 2
    parties: tuple[str, ...] | None = None
    red_lines: tuple[RedLine, ...] = ()
    require: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    deadlines: dict[str, int] = field(default_factory=dict)
    max_starts: int | None = None
    initial: dict[str, float] = field(default_factory=dict)
    admit: tuple[Admit, ...] = ()

    def margin_of(self, party: str) -> int:
        return self.margin.get(party, self.default_margin)


@dataclass(frozen=True)
class Scheduled:
    """``step`` starts at month ``month`` (0 = the plan's start)."""

    step: str
    month: int


@dataclass(frozen=True)
class Plan:
    """A sequence of steps in time; ``steps`` holds steps the plan defines itself (not in
    the catalogue)."""

    name: str
    start: str
    items: tuple[Scheduled, ...]
    title: str = ""
    steps: tuple[Step, ...] = ()

    def month_of(self) -> dict[str, int]:
        return {item.step: item.month for item in self.items}
