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

from panmun.i18n import Translator, format_date, format_month, format_percent, translator


def N_(msgid: str) -> str:
    """Mark ``msgid`` for the catalogue; it is translated where it is shown."""
    return msgid


def _en(tr: Translator | None) -> Translator:
    return tr or translator("en")

#: ICD 203's bands: (lower bound, word), the word applying from its bound up to the next.
WORDS: tuple[tuple[float, str], ...] = (
    (0.0, N_("almost no chance")),
    (0.05, N_("very unlikely")),
    (0.20, N_("unlikely")),
    (0.45, N_("roughly even chance")),
    (0.55, N_("likely")),
    (0.80, N_("very likely")),
    (0.95, N_("almost certain")),
)
#: Confidence thresholds (see the module's description).
AGE_OK, AGE_LOW = 30, 90
WIDTH_OK, WIDTH_LOW = 0.25, 0.5
LEVELS = (N_("low"), N_("moderate"), N_("high"))


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
    age_days: int | None, width: float | None = None, skill: float | None = None, has_baseline: bool = False,
    tr: Translator | None = None,
) -> Confidence:
    """The confidence of a judgement (rules in the module's description).

    ``age_days``: days from the newest event to the briefing's date (None: no record);
    ``width``: the 90 % interval's width of the probability judged (None: no interval);
    ``skill``: the model's out-of-sample skill against its best baseline (positive: better);
    ``has_baseline``: whether the judgement rests on a model checked against one; the checks
    are worded in the language of ``tr`` (English by default), the level is always English.
    """
    tr = _en(tr)
    checks, worst = [], 2
    record, interval, skilled = tr("record"), tr("interval"), tr("skill")
    if age_days is None or age_days > AGE_LOW:
        checks.append((record, tr("no events") if age_days is None
                       else tr("{days} days old (low)", days=age_days)))
        worst = 0
    elif age_days > AGE_OK:
        checks.append((record, tr("{days} days old (moderate at most)", days=age_days)))
        worst = min(worst, 1)
    else:
        checks.append((record, tr("{days} days old", days=age_days)))
    if width is not None:
        wide = f"{width:.2f}"
        if width > WIDTH_LOW:
            checks.append((interval, tr("{width} wide (low)", width=wide)))
            worst = 0
        elif width > WIDTH_OK:
            checks.append((interval, tr("{width} wide (moderate at most)", width=wide)))
            worst = min(worst, 1)
        else:
            checks.append((interval, tr("{width} wide", width=wide)))
    if has_baseline:
        if skill is None or math.isnan(skill):
            checks.append((skilled, tr("not measured (moderate at most)")))
            worst = min(worst, 1)
        elif skill < 0:
            checks.append((skilled, tr("worse than the simple baseline on months it never saw (low)")))
            worst = 0
        elif skill == 0:
            checks.append((skilled, tr("no better than the simple baseline (moderate at most)")))
            worst = min(worst, 1)
        else:
            checks.append((skilled, tr("better than the simple baseline on months it never saw")))
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


def _pct(p: float, tr: Translator | None = None) -> str:
    return format_percent(p, _en(tr).lang)


def _month_name(month: str, tr: Translator | None = None) -> str:
    return format_month(month, _en(tr).lang)


def word_in(p: float, tr: Translator | None = None) -> str:
    """:func:`probability_word` in the language of ``tr``."""
    return _en(tr).gettext(probability_word(p))


def security_judgement(forecast: dict, at: dt.date, age_days: int | None,
                       tr: Translator | None = None) -> Judgement:
    """The security environment: the chance of a DPRK missile launch in the month forecast.

    Rule: the chosen model's probability for the month after the record, when that month has
    not ended before the briefing's date. When it has, the record says nothing about the months
    since, so the forecast for the month after the briefing's date is the long-run rate of
    launch months (the climatology model's probability, with its interval) at low confidence,
    and the chosen model's number for the month after the record is shown as what it would
    have said, not as a forecast.
    """
    tr = _en(tr)
    question = tr("Security environment and obstacles")
    target = next((t for t in forecast.get("targets", []) if t["name"] == "missile-launch"), None)
    if target is None:
        return Judgement(question,
                         tr("The record holds no launch series: it cannot tell the chance of a launch."),
                         None, tr("no forecast"), "forecast")
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
        day = at.strftime("%d %B %Y") if tr.lang == "en" else format_date(at, tr.lang)
        text = tr("The record ends before {month}, a month already past on {date}, so it cannot tell how "
                  "likely a missile launch is now. ", month=_month_name(month, tr), date=day)
        word = None
        if "climatology" in rates.index:
            c = rates.loc["climatology"]
            q, qlo, qhi = float(c["probability"]), float(c["lo"]), float(c["hi"])
            word = word_in(q, tr)
            text += tr("For {month} only the long-run rate of launch months is left: a launch is {word} "
                       "({p}; 90 % interval {lo} to {hi}). ", month=_month_name(coming, tr), word=word,
                       p=_pct(q, tr), lo=_pct(qlo, tr), hi=_pct(qhi, tr))
            numbers.update(coming=coming, long_run=q, long_run_lo=qlo, long_run_hi=qhi)
        text += tr("For {month} the model would have said {p}.", month=_month_name(month, tr), p=_pct(p, tr))
        return Judgement(question, text, confidence(age_days, tr=tr),
                         tr("Escalation forecasts: the record ends too early; the long-run rate of launch "
                            "months"), "forecast", numbers, word)
    word = word_in(p, tr)
    conf = confidence(age_days, hi - lo, skill, has_baseline=True, tr=tr)
    text = tr("A North Korean missile launch in {month} is {word} ({p}; 90 % interval {lo} to {hi}).",
              month=_month_name(month, tr), word=word, p=_pct(p, tr), lo=_pct(lo, tr), hi=_pct(hi, tr))
    evidence = tr("Escalation forecasts: the combined model's probability")
    if skill is not None:
        assert track is not None    # skill is computed from it
        evidence += tr("; over the last 24 months its Brier score was {chosen} against the simple "
                       "baseline's {baseline} (lower is better)",
                       chosen=f"{track.iloc[-1]['running_brier_chosen']:.3f}",
                       baseline=f"{track.iloc[-1]['running_brier_baseline']:.3f}")
    return Judgement(question, text, conf, evidence, "forecast", numbers, word)


def armscontrol_judgement(armscontrol: dict, age_days: int | None, tr: Translator | None = None) -> Judgement:
    """Arms control: the yearly chance of a deadly clash without measures, and with the 2018
    military agreement restored (the packages ``none`` and ``cma-2018``).

    Rule: the median and 90 % interval of each package's probability; the judgement words the
    probability without measures and states the change the agreement would make.
    """
    tr = _en(tr)
    question = tr("Inter-Korean arms control")
    ranked = armscontrol.get("ranked")
    if ranked is None or not len(ranked) or not {"none", "cma-2018"} <= set(ranked["package"]):
        return Judgement(question,
                         tr("The clash-risk model has no comparison to offer: the record cannot tell."),
                         None, tr("no comparison"), "armscontrol")
    rows = ranked.set_index("package")
    none, cma = rows.loc["none"], rows.loc["cma-2018"]
    p, lo, hi = (float(none[f"p_deadly_clash_{k}"]) for k in ("median", "low", "high"))
    q, qlo, qhi = (float(cma[f"p_deadly_clash_{k}"]) for k in ("median", "low", "high"))
    word = word_in(p, tr)
    text = tr("Without arms-control measures, a deadly inter-Korean clash within a year is {word} ({p}; 90 % "
              "interval {lo} to {hi}); restoring the 2018 military agreement would put it at {q} ({qlo} to "
              "{qhi}).", word=word, p=_pct(p, tr), lo=_pct(lo, tr), hi=_pct(hi, tr), q=_pct(q, tr),
              qlo=_pct(qlo, tr), qhi=_pct(qhi, tr))
    return Judgement(
        question, text, confidence(age_days, hi - lo, tr=tr),
        tr("Arms control: the packages compared by the yearly risk of a deadly clash, from the incident "
           "record since 2017"),
        "armscontrol",
        {"none": p, "none_lo": lo, "none_hi": hi, "cma": q, "cma_lo": qlo, "cma_hi": qhi},
        word,
    )


def step_name(row: dict, tr: Translator | None = None) -> str:
    """A roadmap step's name as a row of the plan shows it; in Korean its ``summary_ko`` when the
    row carries one, else the English name."""
    tr = _en(tr)
    if tr.lang == "ko":
        ko = row.get("summary_ko") or row.get("name_ko")
        if isinstance(ko, str) and ko.strip():
            return ko
    return str(row.get("name") or row.get("title") or row.get("step"))


def tasks_judgement(roadmap: dict, age_days: int | None, tr: Translator | None = None) -> Judgement:
    """Tasks that move the process forward: what the best reciprocal plan starts with.

    Rule: the first tasks of the best plan found (the steps scheduled in its first months),
    with the number of steps the plan holds; when steps are off the table on the plan's start
    date (a red line of a party), their number is stated.
    """
    tr = _en(tr)
    question = tr("Tasks that move the process forward")
    tasks = roadmap.get("first_year")
    plans = roadmap.get("plans")
    blocked = roadmap.get("blocked")
    n_blocked = roadmap.get("blocked_total", 0 if blocked is None else len(blocked))
    if tasks is None or plans is None or not len(plans):
        return Judgement(question, tr("The planner found no plan that meets every party's constraints: the "
                                      "record as coded offers no reciprocal sequence today."),
                         confidence(age_days, tr=tr), tr("no plan"), "roadmap")
    first = tasks.sort_values("start").head(3) if "start" in tasks else tasks.head(3)
    records = first.to_dict(orient="records")
    names = [step_name(r) for r in records]
    shown = [step_name(r, tr) for r in records]
    steps = int(plans.iloc[0]["steps"])
    text = tr("The best reciprocal plan found holds {n} steps and opens with {first}.", n=steps,
              first=", ".join(shown) if shown else tr("no step in its first year"))
    if n_blocked:
        text += " " + tr("{n} steps are off the table on its start date; the options below say what would "
                         "open them.", n=n_blocked)
    return Judgement(question, text, confidence(age_days, tr=tr),
                     tr("Roadmap: the planner's best plan and its first year"), "roadmap",
                     {"steps": steps, "first": names, "shown": shown, "blocked": n_blocked})


def roles_judgement(actors: dict, age_days: int | None, tr: Translator | None = None) -> Judgement:
    """Roles of the neighbours: the predicted outcome on denuclearization against the North's
    position, on the coded positions of the briefing's date.

    Rule: the veto-aware outcome when the analysis offers one, else the compromise model's;
    the judgement states how far it lies from the North's coded position (0–100 scale).
    """
    tr = _en(tr)
    question = tr("Roles of neighbouring countries and the international community")
    positions, outcomes = actors.get("positions"), actors.get("outcomes")
    if positions is None or outcomes is None or not len(outcomes):
        return Judgement(question, tr("The record codes no positions on denuclearization: it cannot tell."),
                         None, tr("no positions"), "actors")
    now = outcomes.iloc[-1].to_dict()
    model = "veto" if "veto" in now else "compromise"
    outcome = float(now[model])
    prk = positions.set_index("actor")["position"].get("PRK")
    label = {
        "veto": tr("allowing for the North's veto over its own arsenal"),
        "compromise": tr("by the compromise model (the salience- and capability-weighted mean)"),
    }[model]
    text = tr("On denuclearization the predicted outcome {how} is {outcome} on the 0–100 scale",
              how=label, outcome=f"{outcome:.0f}")
    if prk is not None and not pd.isna(prk):
        text += tr(", against the North's coded position of {position}", position=f"{float(prk):.0f}")
    text += (
        tr("; what the neighbours and the international community can move is the distance between them, "
           "not the North's own choice.")
        if model == "veto"
        else "."
    )
    return Judgement(question, text, confidence(age_days, tr=tr),
                     tr("Neighbours: dated positions and each bargaining model's outcome"), "actors",
                     {"model": model, "outcome": outcome, "prk": None if prk is None else float(prk)})


def interaction_judgement(vectors: dict, age_days: int | None = None,
                          tr: Translator | None = None) -> Judgement:
    """How denuclearization, a peace regime and arms control interact.

    Rule: the verdict of the leave-one-cycle-out comparison when the analysis offers one
    (``interactions_verdict``: the couplings the record supports, or that it cannot tell);
    its confidence takes as skill the pooled held-out error of carrying the last level
    forward minus the coupled model's (``hindcasts``, cycle ``all``). Without a comparison
    the record cannot tell, at low confidence.
    """
    tr = _en(tr)
    question = tr("How denuclearization, a peace regime and arms control interact")
    verdict = vectors.get("interactions_verdict")
    pooled = next((r for r in vectors.get("hindcasts") or [] if r.get("cycle") == "all"), None)
    if verdict:
        skill = None if pooled is None else float(pooled["rmse_carry_forward"] - pooled["rmse_coupled"])
        text = str(verdict) if tr.lang == "en" else (tr.pattern(str(verdict)) or str(verdict))
        return Judgement(question, text, confidence(age_days, skill=skill, has_baseline=True, tr=tr),
                         tr("The three-vector model: leave-one-cycle-out comparison of the couplings"),
                         "vectors", {"verdict": verdict, "skill": skill})
    return Judgement(
        question,
        tr("The record cannot tell which of the three vectors drives the others: the model couples them by "
           "judgement, and no comparison on held-out cycles has been made."),
        confidence(None, tr=tr),
        tr("The three-vector model: scenarios from judgement parameters"),
        "vectors",
    )


def bottom_line(data: dict[str, dict], at: dt.date, newest_event: dt.date | None,
                tr: Translator | None = None) -> list[Judgement]:
    """One key judgement per seed question and one on the interaction of the three vectors, in
    the language of ``tr`` (English by default)."""
    age = None if newest_event is None else (at - newest_event).days
    return [
        security_judgement(data.get("forecast", {}), at, age, tr),
        tasks_judgement(data.get("roadmap", {}), age, tr),
        armscontrol_judgement(data.get("armscontrol", {}), age, tr),
        roles_judgement(data.get("actors", {}), age, tr),
        interaction_judgement(data.get("vectors", {}), age, tr),
    ]


# --- indicators and options ---------------------------------------------------------------

#: Plain names of the launch model's recency features (see docs/forecast.md).
FEATURES = {
    "lag1": N_("a launch in the latest month"),
    "frac3": N_("launch months among the last 3"),
    "frac6": N_("launch months among the last 6"),
    "frac12": N_("launch months among the last 12"),
    "log_months_since": N_("months since the last launch"),
    "ewma": N_("the recent launch rate"),
    "exercise": N_("a month of large allied exercises"),
    "diplomacy": N_("a month of active diplomacy"),
}
INDICATORS_PER_SOURCE = 3


@dataclass(frozen=True)
class Indicator:
    """An observable event to watch: what it would move, and in which direction."""

    watch: str
    moves: str
    direction: str
    names: tuple[str, ...] = ()
    """Record names the sentences quote (a roadmap step's), shown marked when in English."""


def _measure_names(lang: str = "en") -> dict[str, str | None]:
    """Measure id -> name (in Korean the measure's ``summary_ko``/``name_ko`` when the
    knowledge base has one, else None for the caller to fall back on)."""
    from panmun.armscontrol.measures import load_measures

    if lang == "ko":
        out = {}
        for m in load_measures():
            ko = getattr(m, "name_ko", None) or getattr(m, "summary_ko", None)
            out[m.id] = ko if isinstance(ko, str) and ko.strip() else None
        return out
    return {m.id: m.name for m in load_measures()}


def indicators(data: dict[str, dict], tr: Translator | None = None) -> list[Indicator]:
    """The observable events that would most move the forecasts, the clash risk or the set
    of admissible roadmap steps (worded in the language of ``tr``).

    Rules: the launch model's features with the largest contributions this month (their
    coefficient's sign gives the direction); the arms-control measures with the largest
    effect on the yearly risk of a deadly clash (restoring one: the sign of its effect); the
    blocked roadmap steps whose smallest admitting change is smallest.
    """
    tr = _en(tr)
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
                        tr("A change in {what}", what=tr(name)),
                        tr("next month's chance of a missile launch"),
                        tr("more of it raises the chance") if r.coef > 0
                        else tr("more of it lowers the chance"),
                    )
                )
    effects = data.get("armscontrol", {}).get("effects")
    if effects is not None and len(effects):
        names, english = _measure_names(tr.lang), _measure_names()
        added = (
            effects[effects["action"] == "add"].sort_values("d_p_deadly_median").head(INDICATORS_PER_SOURCE)
        )
        for r in added.itertuples():
            points = -100 * r.d_p_deadly_median
            # an English name is never empty (kb.schema.Measure), so `or` falls back only for a missing id
            name = names.get(r.measure) or tr.label(english.get(r.measure) or r.measure)
            out.append(
                Indicator(
                    tr("Restoring or agreeing {measure}",
                       measure=name.lower() if tr.lang == "en" else name),
                    tr("the yearly risk of a deadly clash"),
                    tr("lowers it by about {points} points", points=f"{points:.1f}") if points > 0
                    else tr("no clear effect"),
                )
            )
    openable = [r for r in blocked_top(data.get("roadmap", {}), tr) if r["by_positions"]]
    for row in openable[:INDICATORS_PER_SOURCE]:
        out.append(
            Indicator(row["opens"], tr("whether \u201c{step}\u201d can enter a plan", step=row["step"]),
                      tr("admits the step"), (row["step"],))
        )
    return out


@dataclass
class Options:
    """What is open today: packages with their risk, steps a plan can take, steps off the table."""

    packages: list[dict] = field(default_factory=list)
    open_steps: list[str] = field(default_factory=list)
    blocked: list[dict] = field(default_factory=list)


def options(data: dict[str, dict], tr: Translator | None = None) -> Options:
    """Rules: every arms-control package compared, lowest risk first; the steps of the best
    plan's first year; the blocked steps as the roadmap lists them (first ones)."""
    from panmun.armscontrol.packages import load_package

    tr = _en(tr)
    out = Options()
    ranked = data.get("armscontrol", {}).get("ranked")
    if ranked is not None and len(ranked):
        for r in ranked.sort_values("p_deadly_clash_median").itertuples():
            package = load_package(r.package)
            ko = getattr(package, "title_ko", None)
            title = ko if tr.lang == "ko" and isinstance(ko, str) and ko.strip() else tr.label(package.title)
            out.packages.append(
                {"title": title, "p": r.p_deadly_clash_median, "lo": r.p_deadly_clash_low,
                 "hi": r.p_deadly_clash_high}
            )
    tasks = data.get("roadmap", {}).get("first_year")
    if tasks is not None and len(tasks):
        ordered = tasks.sort_values("start") if "start" in tasks else tasks
        out.open_steps = list(
            dict.fromkeys(step_name(r, tr) for r in ordered.to_dict(orient="records"))
        )[:8]
    out.blocked = blocked_top(data.get("roadmap", {}), tr)[:8]
    return out


def blocked_top(roadmap: dict, tr: Translator | None = None) -> list[dict]:
    """The roadmap section's blocked steps, first shown first: the step, the parties blocking
    it, what would open it (the smallest admitting position change, or that none can), and
    whether a position change alone can (``by_positions``)."""
    tr = _en(tr)
    table = roadmap.get("blocked")
    if table is None or not len(table):
        return []
    out = []
    for r in table.to_dict(orient="records"):
        change = str(r.get("change") or "")
        by_positions = bool(change) and not change.startswith("no position change")
        out.append(
            {
                "step": step_name({"name": r.get("step"), "summary_ko": r.get("summary_ko")}, tr),
                "party": str(r.get("parties") or ""),
                "opens": (tr.label(change) if change else tr("a change the record does not name")),
                "by_positions": by_positions,
            }
        )
    return out
