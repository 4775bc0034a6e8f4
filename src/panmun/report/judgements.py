"""The briefing's bottom line: key judgements generated from the analyses by stated rules.

Nothing here is free text written at run time: each judgement is a sentence template filled
with numbers the annexes show, chosen by a rule written next to it. Where an analysis
cannot support a judgement, the judgement says so.

**Probability words** (:func:`probability_word`) follow the scale of the US Intelligence
Community's Intelligence Community Directive 203 (2015): almost no chance 1–5 %, very
unlikely 5–20 %, unlikely 20–45 %, roughly even chance 45–55 %, likely 55–80 %, very likely
80–95 %, almost certain 95–99 %. A probability on a boundary takes the word of the band
above it (5 % is "very unlikely", 45 % "roughly even chance"), except 55 %, which stays
"roughly even chance" (the band is 45–55 % inclusive); below 5 % is "almost no chance" and
95 % or more "almost certain".

**Confidence** (:func:`confidence`) is high, moderate or low, from three stated checks:

* the age of the record: days from the newest event to the briefing's date — at most 30
  passes, 31 to 90 caps the confidence at moderate, more than 90 makes it low;
* the width of the 90 % interval of the probability — at most 0.25 passes, up to 0.5 caps
  it at moderate, wider makes it low;
* the model's skill against its best simple baseline on data it was not fitted to (when the
  judgement rests on a model with such a check): better passes, no better (or unknown) caps it
  at moderate, worse makes it low.

High needs all three to pass; any "low" check makes it low; otherwise moderate.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

#: ICD 203's bands: (lower bound, word), the word applying from its bound up to the next.
WORDS: tuple[tuple[float, str], ...] = (
    (0.0, "almost no chance"),
    (0.05, "very unlikely"),
    (0.20, "unlikely"),
    (0.45, "roughly even chance"),
    (0.55, "likely"),
    (0.80, "very likely"),
    (0.95, "almost certain"),
)
#: Confidence thresholds (see the module's description).
AGE_OK, AGE_LOW = 30, 90
WIDTH_OK, WIDTH_LOW = 0.25, 0.5
LEVELS = ("low", "moderate", "high")


def probability_word(p: float) -> str:
    """The ICD 203 word for probability ``p`` (0–1); ValueError outside [0, 1] or for NaN."""
    if p is None or not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"a probability lies in [0, 1], not {p!r}")
    word = WORDS[0][1]
    for bound, name in WORDS:
        if p >= bound and not (name == "likely" and p <= 0.55):
            word = name
    return word


@dataclass(frozen=True)
class Confidence:
    """A confidence level and the checks that set it (each: what was checked, its verdict)."""

    level: str
    checks: tuple[tuple[str, str], ...]

    def reason(self) -> str:
        return "; ".join(f"{what}: {verdict}" for what, verdict in self.checks)


def confidence(
    age_days: int | None, width: float | None = None, skill: float | None = None, has_baseline: bool = False
) -> Confidence:
    """The confidence of a judgement (rules in the module's description).

    ``age_days``: days from the newest event to the briefing's date (None: no record);
    ``width``: the 90 % interval's width of the probability judged (None: no interval);
    ``skill``: the model's out-of-sample skill against its best baseline (positive: better);
    ``has_baseline``: whether the judgement rests on a model checked against one.
    """
    checks, worst = [], 2
    if age_days is None or age_days > AGE_LOW:
        checks.append(("record", "no events" if age_days is None else f"{age_days} days old (low)"))
        worst = 0
    elif age_days > AGE_OK:
        checks.append(("record", f"{age_days} days old (moderate at most)"))
        worst = min(worst, 1)
    else:
        checks.append(("record", f"{age_days} days old"))
    if width is not None:
        if width > WIDTH_LOW:
            checks.append(("interval", f"{width:.2f} wide (low)"))
            worst = 0
        elif width > WIDTH_OK:
            checks.append(("interval", f"{width:.2f} wide (moderate at most)"))
            worst = min(worst, 1)
        else:
            checks.append(("interval", f"{width:.2f} wide"))
    if has_baseline:
        if skill is None or math.isnan(skill):
            checks.append(("skill", "not measured (moderate at most)"))
            worst = min(worst, 1)
        elif skill < 0:
            checks.append(("skill", "worse than the simple baseline on months it never saw (low)"))
            worst = 0
        elif skill == 0:
            checks.append(("skill", "no better than the simple baseline (moderate at most)"))
            worst = min(worst, 1)
        else:
            checks.append(("skill", "better than the simple baseline on months it never saw"))
    return Confidence(LEVELS[worst], tuple(checks))


@dataclass
class Judgement:
    """One key judgement: the seed's question it answers, the sentence, its probability word
    (if it states a likelihood), its confidence, and the numbers and annex it rests on."""

    question: str
    text: str
    confidence: Confidence | None
    evidence: str
    annex: str
    numbers: dict = field(default_factory=dict)
    word: str | None = None


def _pct(p: float) -> str:
    return f"{100 * p:.0f} %"


def _month_name(month: str) -> str:
    return dt.date.fromisoformat(month + "-01").strftime("%B %Y")


def security_judgement(forecast: dict, at: dt.date, age_days: int | None) -> Judgement:
    """The security environment: the chance of a DPRK missile launch in the month forecast.

    Rule: the chosen model's probability for the month after the record, when that month has
    not ended before the briefing's date. When it has, the record says nothing about the months
    since, so the forecast for the month after the briefing's date is the long-run rate of
    launch months (the climatology model's probability, with its interval) at low confidence,
    and the chosen model's number for the month after the record is shown as what it would
    have said, not as a forecast.
    """
    question = "Security environment and obstacles"
    target = next((t for t in forecast.get("targets", []) if t["name"] == "missile-launch"), None)
    if target is None:
        return Judgement(
            question,
            "The record holds no launch series: it cannot tell the chance of a launch.",
            None,
            "no forecast",
            "forecast",
        )
    head = target["headline"]
    month = target["next"].month
    p, lo, hi = float(head["probability"]), float(head["lo"]), float(head["hi"])
    track = forecast.get("track")
    skill = None
    if track is not None and len(track):
        last = track.iloc[-1]
        skill = float(last["running_brier_baseline"] - last["running_brier_chosen"])
    numbers = {"month": month, "probability": p, "lo": lo, "hi": hi, "skill": skill}
    if month < f"{at:%Y-%m}":
        coming = (at.replace(day=1) + dt.timedelta(days=32)).strftime("%Y-%m")
        rates = target["next"].probabilities.set_index("model")
        text = (
            f"The record ends before {_month_name(month)}, a month already past on {at:%d %B %Y}, so it "
            "cannot tell how likely a missile launch is now. "
        )
        word = None
        if "climatology" in rates.index:
            c = rates.loc["climatology"]
            q, qlo, qhi = float(c["probability"]), float(c["lo"]), float(c["hi"])
            word = probability_word(q)
            text += (
                f"For {_month_name(coming)} only the long-run rate of launch months is left: a launch is "
                f"{word} ({_pct(q)}; 90 % interval {_pct(qlo)} to {_pct(qhi)}). "
            )
            numbers.update(coming=coming, long_run=q, long_run_lo=qlo, long_run_hi=qhi)
        text += f"For {_month_name(month)} the model would have said {_pct(p)}."
        return Judgement(
            question,
            text,
            confidence(age_days),
            "Escalation forecasts: the record ends too early; the long-run rate of launch months",
            "forecast",
            numbers,
            word,
        )
    word = probability_word(p)
    conf = confidence(age_days, hi - lo, skill, has_baseline=True)
    text = (
        f"A North Korean missile launch in {_month_name(month)} is {word} ({_pct(p)}; 90 % interval "
        f"{_pct(lo)} to {_pct(hi)})."
    )
    evidence = "Escalation forecasts: the combined model's probability" + (
        ""
        if skill is None
        else f"; over the last 24 months its Brier score was "
        f"{track.iloc[-1]['running_brier_chosen']:.3f} against the simple baseline's "
        f"{track.iloc[-1]['running_brier_baseline']:.3f} (lower is better)"
    )
    return Judgement(question, text, conf, evidence, "forecast", numbers, word)


def armscontrol_judgement(armscontrol: dict, age_days: int | None) -> Judgement:
    """Arms control: the yearly chance of a deadly clash without measures, and with the 2018
    military agreement restored (the packages ``none`` and ``cma-2018``).

    Rule: the median and 90 % interval of each package's probability; the judgement words the
    probability without measures and states the change the agreement would make.
    """
    question = "Inter-Korean arms control"
    ranked = armscontrol.get("ranked")
    if ranked is None or not len(ranked) or not {"none", "cma-2018"} <= set(ranked["package"]):
        return Judgement(
            question,
            "The clash-risk model has no comparison to offer: the record cannot tell.",
            None,
            "no comparison",
            "armscontrol",
        )
    rows = ranked.set_index("package")
    none, cma = rows.loc["none"], rows.loc["cma-2018"]
    p, lo, hi = (float(none[f"p_deadly_clash_{k}"]) for k in ("median", "low", "high"))
    q, qlo, qhi = (float(cma[f"p_deadly_clash_{k}"]) for k in ("median", "low", "high"))
    word = probability_word(p)
    text = (
        f"Without arms-control measures, a deadly inter-Korean clash within a year is {word} "
        f"({_pct(p)}; 90 % interval {_pct(lo)} to {_pct(hi)}); restoring the 2018 military agreement "
        f"would put it at {_pct(q)} ({_pct(qlo)} to {_pct(qhi)})."
    )
    conf = confidence(age_days, hi - lo)
    return Judgement(
        question,
        text,
        conf,
        "Arms control: the packages compared by the yearly risk of a deadly "
        "clash, from the incident record since 2017",
        "armscontrol",
        {"none": p, "none_lo": lo, "none_hi": hi, "cma": q, "cma_lo": qlo, "cma_hi": qhi},
        word,
    )


def tasks_judgement(roadmap: dict, age_days: int | None) -> Judgement:
    """Tasks that move the process forward: what the best reciprocal plan starts with.

    Rule: the first tasks of the best plan found (the steps scheduled in its first months),
    with the number of steps the plan holds; when steps are off the table on the plan's start
    date (a red line of a party), their number is stated.
    """
    question = "Tasks that move the process forward"
    tasks = roadmap.get("first_year")
    plans = roadmap.get("plans")
    blocked = roadmap.get("blocked")
    n_blocked = roadmap.get("blocked_total", 0 if blocked is None else len(blocked))
    if tasks is None or plans is None or not len(plans):
        return Judgement(
            question,
            "The planner found no plan that meets every party's constraints: the record "
            "as coded offers no reciprocal sequence today.",
            confidence(age_days),
            "no plan",
            "roadmap",
        )
    first = tasks.sort_values("start").head(3) if "start" in tasks else tasks.head(3)
    names = [str(r.get("name") or r.get("title") or r.get("step")) for r in first.to_dict(orient="records")]
    steps = int(plans.iloc[0]["steps"])
    text = (
        f"The best reciprocal plan found holds {steps} steps and opens with "
        + (", ".join(names) if names else "no step in its first year")
        + "."
    )
    if n_blocked:
        text += (
            f" {n_blocked} steps are off the table on its start date; the options below say what "
            "would open them."
        )
    return Judgement(
        question,
        text,
        confidence(age_days),
        "Roadmap: the planner's best plan and its first year",
        "roadmap",
        {"steps": steps, "first": names, "blocked": n_blocked},
    )


def roles_judgement(actors: dict, age_days: int | None) -> Judgement:
    """Roles of the neighbours: the predicted outcome on denuclearization against the North's
    position, on the coded positions of the briefing's date.

    Rule: the veto-aware outcome when the analysis offers one, else the compromise model's;
    the judgement states how far it lies from the North's coded position (0–100 scale).
    """
    question = "Roles of neighbouring countries and the international community"
    positions, outcomes = actors.get("positions"), actors.get("outcomes")
    if positions is None or outcomes is None or not len(outcomes):
        return Judgement(
            question,
            "The record codes no positions on denuclearization: it cannot tell.",
            None,
            "no positions",
            "actors",
        )
    now = outcomes.iloc[-1].to_dict()
    model = "veto" if "veto" in now else "compromise"
    outcome = float(now[model])
    prk = positions.set_index("actor")["position"].get("PRK")
    label = {
        "veto": "allowing for the North's veto over its own arsenal",
        "compromise": "by the compromise model (the salience- and capability-weighted mean)",
    }[model]
    text = f"On denuclearization the predicted outcome {label} is {outcome:.0f} on the 0–100 scale"
    if prk is not None and not pd.isna(prk):
        text += f", against the North's coded position of {float(prk):.0f}"
    text += (
        "; what the neighbours and the international community can move is the distance between them, "
        "not the North's own choice."
        if model == "veto"
        else "."
    )
    return Judgement(
        question,
        text,
        confidence(age_days),
        "Neighbours: dated positions and each bargaining model's outcome",
        "actors",
        {"model": model, "outcome": outcome, "prk": None if prk is None else float(prk)},
    )


def interaction_judgement(vectors: dict, age_days: int | None = None) -> Judgement:
    """How denuclearization, a peace regime and arms control interact.

    Rule: the verdict of the leave-one-cycle-out comparison when the analysis offers one
    (``interactions_verdict``: the couplings the record supports, or that it cannot tell);
    its confidence takes as skill the pooled held-out error of carrying the last level
    forward minus the coupled model's (``hindcasts``, cycle ``all``). Without a comparison
    the record cannot tell, at low confidence.
    """
    question = "How denuclearization, a peace regime and arms control interact"
    verdict = vectors.get("interactions_verdict")
    pooled = next((r for r in vectors.get("hindcasts") or [] if r.get("cycle") == "all"), None)
    if verdict:
        skill = None if pooled is None else float(pooled["rmse_carry_forward"] - pooled["rmse_coupled"])
        return Judgement(
            question,
            str(verdict),
            confidence(age_days, skill=skill, has_baseline=True),
            "The three-vector model: leave-one-cycle-out comparison of the couplings",
            "vectors",
            {"verdict": verdict, "skill": skill},
        )
    return Judgement(
        question,
        "The record cannot tell which of the three vectors drives the others: the model "
        "couples them by judgement, and no comparison on held-out cycles has been made.",
        confidence(None),
        "The three-vector model: scenarios from judgement parameters",
        "vectors",
    )


def bottom_line(data: dict[str, dict], at: dt.date, newest_event: dt.date | None) -> list[Judgement]:
    """One key judgement per seed question and one on the interaction of the three vectors."""
    age = None if newest_event is None else (at - newest_event).days
    return [
        security_judgement(data.get("forecast", {}), at, age),
        tasks_judgement(data.get("roadmap", {}), age),
        armscontrol_judgement(data.get("armscontrol", {}), age),
        roles_judgement(data.get("actors", {}), age),
        interaction_judgement(data.get("vectors", {}), age),
    ]


# --- indicators and options ---------------------------------------------------------------

#: Plain names of the launch model's recency features (see docs/forecast.md).
FEATURES = {
    "lag1": "a launch in the latest month",
    "frac3": "launch months among the last 3",
    "frac6": "launch months among the last 6",
    "frac12": "launch months among the last 12",
    "log_months_since": "months since the last launch",
    "ewma": "the recent launch rate",
    "exercise": "a month of large allied exercises",
    "diplomacy": "a month of active diplomacy",
}
INDICATORS_PER_SOURCE = 3


@dataclass(frozen=True)
class Indicator:
    """An observable event to watch: what it would move, and in which direction."""

    watch: str
    moves: str
    direction: str


def _measure_names() -> dict[str, str]:
    from panmun.armscontrol.measures import load_measures

    return {m.id: m.name for m in load_measures()}


def indicators(data: dict[str, dict]) -> list[Indicator]:
    """The observable events that would most move the forecasts, the clash risk or the set
    of admissible roadmap steps.

    Rules: the launch model's features with the largest contributions this month (their
    coefficient's sign gives the direction); the arms-control measures with the largest
    effect on the yearly risk of a deadly clash (restoring one: the sign of its effect); the
    blocked roadmap steps whose smallest admitting change is smallest.
    """
    out: list[Indicator] = []
    target = next(
        (t for t in data.get("forecast", {}).get("targets", []) if t["name"] == "missile-launch"), None
    )
    if target is not None:
        contributions = target["next"].contributions
        if len(contributions):
            top = contributions.reindex(
                contributions["contribution"].abs().sort_values(ascending=False).index
            )
            for r in top.head(INDICATORS_PER_SOURCE).itertuples():
                name = FEATURES.get(r.feature)
                if name is None:
                    continue
                out.append(
                    Indicator(
                        f"A change in {name}",
                        "next month's chance of a missile launch",
                        "more of it raises the chance" if r.coef > 0 else "more of it lowers the chance",
                    )
                )
    effects = data.get("armscontrol", {}).get("effects")
    if effects is not None and len(effects):
        names = _measure_names()
        added = (
            effects[effects["action"] == "add"].sort_values("d_p_deadly_median").head(INDICATORS_PER_SOURCE)
        )
        for r in added.itertuples():
            points = -100 * r.d_p_deadly_median
            out.append(
                Indicator(
                    f"Restoring or agreeing {names.get(r.measure, r.measure).lower()}",
                    "the yearly risk of a deadly clash",
                    f"lowers it by about {points:.1f} points" if points > 0 else "no clear effect",
                )
            )
    openable = [r for r in blocked_top(data.get("roadmap", {})) if r["by_positions"]]
    for row in openable[:INDICATORS_PER_SOURCE]:
        out.append(
            Indicator(row["opens"], f"whether \u201c{row['step']}\u201d can enter a plan", "admits the step")
        )
    return out


@dataclass
class Options:
    """What is open today: packages with their risk, steps a plan can take, steps off the table."""

    packages: list[dict] = field(default_factory=list)
    open_steps: list[str] = field(default_factory=list)
    blocked: list[dict] = field(default_factory=list)


def options(data: dict[str, dict]) -> Options:
    """Rules: every arms-control package compared, lowest risk first; the steps of the best
    plan's first year; the blocked steps as the roadmap lists them (first ones)."""
    from panmun.armscontrol.packages import load_package

    out = Options()
    ranked = data.get("armscontrol", {}).get("ranked")
    if ranked is not None and len(ranked):
        for r in ranked.sort_values("p_deadly_clash_median").itertuples():
            out.packages.append(
                {
                    "title": load_package(r.package).title,
                    "p": r.p_deadly_clash_median,
                    "lo": r.p_deadly_clash_low,
                    "hi": r.p_deadly_clash_high,
                }
            )
    tasks = data.get("roadmap", {}).get("first_year")
    if tasks is not None and len(tasks):
        ordered = tasks.sort_values("start") if "start" in tasks else tasks
        out.open_steps = list(
            dict.fromkeys(
                str(r.get("name") or r.get("title") or r.get("step"))
                for r in ordered.to_dict(orient="records")
            )
        )[:8]
    out.blocked = blocked_top(data.get("roadmap", {}))[:8]
    return out


def blocked_top(roadmap: dict) -> list[dict]:
    """The roadmap section's blocked steps, first shown first: the step, the parties blocking
    it, what would open it (the smallest admitting position change, or that none can), and
    whether a position change alone can (``by_positions``)."""
    table = roadmap.get("blocked")
    if table is None or not len(table):
        return []
    out = []
    for r in table.to_dict(orient="records"):
        change = str(r.get("change") or "")
        by_positions = bool(change) and not change.startswith("no position change")
        out.append(
            {
                "step": str(r.get("step")),
                "party": str(r.get("parties") or ""),
                "opens": change or "a change the record does not name",
                "by_positions": by_positions,
            }
        )
    return out
