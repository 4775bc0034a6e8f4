"""What each measure does to the risk model: multipliers on named knobs, with reasons.

Each measure (ids as in the measures catalogue) multiplies one or more knobs of
:mod:`panmun.armscontrol.model` (every knob is a quantity that *raises* risk, 1 without the
measure). At level ``L`` in [0, 1] (1 = fully in force) a multiplier ``m`` acts as ``m ** L``;
a package multiplies the effects of its measures. Every ``m`` is in (0, 1], so a measure can
only lower the modelled risk, and more of it (a higher level) lowers it more.

The multipliers are judgements informed by the literature cited with each, not estimates:
the record is far too thin to estimate seventeen effects (see ``docs/armscontrol.md``; the
calibration's CMA rate ratio is the one check on them).
"""

from __future__ import annotations

from dataclasses import dataclass

from panmun.armscontrol.model import KNOBS

SOURCES = {
    "schelling-halperin": ("https://www.armscontrolwonk.com/archive/1207805/heroes-of-arms-control-tom-"
                           "schelling-and-mort-halperin/",
                           "Krepon, 'Heroes of Arms Control: Tom Schelling and Mort Halperin' "
                           "(on Schelling & Halperin, Strategy and Arms Control, 1961)"),
    "schelling-reciprocal": ("http://dx.doi.org/10.1162/001152605774431455",
                             "Schelling, 'Reciprocal measures for arms stabilization', "
                             "Daedalus 134(4): 101-117 (2005)"),
    "lynn-jones": ("https://muse.jhu.edu/journals/international_security/summary/v009/9.4.lynn-jones.html",
                   "Lynn-Jones, 'Preventing Incidents at Sea' (on the 1972 US-Soviet agreement), "
                   "International Security 9(4)"),
    "incsea-text": ("https://sagapedia.com/en/U.S.%E2%80%93Soviet_Incidents_at_Sea_agreement",
                    "U.S.-Soviet Incidents at Sea agreement (1972): provisions (signals, advance notice, "
                    "annual review)"),
    "incsea-fas": ("https://nuke.fas.org/control/sea/index.html", "FAS, Incidents at Sea Agreements"),
    "krepon-handbook": ("https://crises.stimson.org/pubs/",
                        "Krepon, McCoy & Rudolph (eds), A Handbook of Confidence-Building Measures for "
                        "Regional Security, Stimson Center 1993 (3rd ed. 1998)"),
    "cbm-overview": ("https://en.wikipedia.org/wiki/Confidence-building_measures",
                     "Confidence-building measures (overview: information exchange, verification, "
                     "constraints on exercises)"),
    "hotline-1963": ("https://retronewser.com/2013/06/20/washington-moscow-agree-on-hotline-improve-"
                     "communication-during-a-crisis-50-years-ago-today-1963",
                     "Washington-Moscow 'hotline' memorandum of 20 June 1963, "
                     "after the Cuban missile crisis"),
    "cma-2018": ("http://www.koreaherald.com/view.php?ud=20180919000471",
                 "Korea Herald, 19 Sep 2018: the two Koreas agree buffer zones, no-fly zones, GP withdrawal"),
    "mine-2015": ("http://www.jmu.edu/cisr/journal/19.3/briefs/funkhouser.shtml",
                  "CISR (JMU): the August 2015 landmine and loudspeaker crisis and its settlement"),
    "nll-clashes": ("https://www.globalsecurity.org/military/world/war/nll.htm",
                    "GlobalSecurity, Northern Limit Line West Sea naval engagements"),
}


@dataclass(frozen=True)
class Effect:
    """One measure's action on one knob: multiplier at full level, reason, sources (keys of SOURCES)."""

    measure: str
    knob: str
    multiplier: float
    reason: str
    sources: tuple[str, ...]


def _e(measure: str, knob: str, m: float, reason: str, *sources: str) -> Effect:
    return Effect(measure, knob, m, reason, sources)


EFFECTS: tuple[Effect, ...] = (
    _e("ground-buffer-zone", "rate.ground", 0.6,
       "No artillery live fire or regiment-level manoeuvres within 5 km of the MDL removes the drills "
       "that provoke most ground incidents (a CBM constraint on activity).", "cma-2018", "krepon-handbook"),
    _e("maritime-buffer-zone", "rate.sea", 0.6,
       "No live fire or manoeuvres near the NLL separates the navies, as the Incidents at Sea Agreement "
       "reduced dangerous encounters at sea.", "cma-2018", "lynn-jones"),
    _e("no-fly-zone", "rate.air", 0.5,
       "No flights, drones or balloons close to the MDL leaves few occasions for an air incident.",
       "cma-2018", "krepon-handbook"),
    *(_e("accident-prevention-procedures", f"warning_failure.{d}", 0.7,
         "Common warning broadcasts and warning shots before any force, like the INCSEA signals, make force "
         "without warning (the step from incident to fire) rarer.", "incsea-text", "lynn-jones")
      for d in ("ground", "sea", "air")),
    *(_e("communication-channels", f"unresolved.{k}", m,
         "Standing military lines let an incident be explained and settled before it climbs: the "
         "communication Schelling and Halperin put at the centre of avoiding a war neither side wants.",
         "schelling-halperin", "hotline-1963") for k, m in ((1, 0.8), (2, 0.85), (3, 0.9))),
    *(_e("military-hotline", f"unresolved.{k}", 0.85,
         "A direct line between military authorities shortens the time to clarify intent, the lesson of "
         "the 1962 crisis that produced the 1963 hotline.", "hotline-1963", "schelling-halperin")
      for k in (1, 2, 3)),
    _e("joint-military-committee", "unresolved.2", 0.9,
       "A standing committee reviews incidents and settles disputes, as the annual INCSEA review meetings "
       "did.", "incsea-fas", "krepon-handbook"),
    _e("joint-military-committee", "unresolved.3", 0.9,
       "A standing body to negotiate after a deadly clash makes a measured settlement likelier than "
       "retaliation.", "krepon-handbook"),
    _e("joint-military-committee", "misperception", 0.9,
       "Regular meetings make each side's routine activity known, so less of it is misread.",
       "krepon-handbook", "cbm-overview"),
    _e("guard-post-withdrawal", "rate.ground", 0.9,
       "Fewer guard posts facing each other within 1 km means fewer occasions for shots across the MDL "
       "(the 2020 GP shooting).", "cma-2018"),
    _e("guard-post-withdrawal", "lethality.ground", 0.9,
       "Fewer posts in point-blank range make an exchange less likely to kill.", "cma-2018"),
    _e("joint-verification", "misperception", 0.9,
       "On-site verification (as of the GP removal in December 2018) makes compliance visible and "
       "lowers suspicion that an incident is a breach.", "cbm-overview", "krepon-handbook"),
    _e("jsa-demilitarisation", "rate.ground", 0.95,
       "Unarmed guards in the JSA remove one place where a crossing can turn into shooting (2017).",
       "cma-2018"),
    _e("jsa-demilitarisation", "lethality.ground", 0.95,
       "Without firearms in the JSA an incident there cannot become a firefight at close range.", "cma-2018"),
    _e("west-sea-2004-accord", "warning_failure.sea", 0.7,
       "Common radio frequencies and signals between naval vessels, like the INCSEA rules, make an "
       "encounter at the NLL less likely to turn into fire.", "incsea-text", "lynn-jones"),
    _e("west-sea-2004-accord", "misperception", 0.95,
       "Ships that can talk read each other's manoeuvres less often as hostile.", "lynn-jones"),
    _e("west-sea-peace-zone", "rate.sea", 0.8,
       "A joint fishing zone takes fishing-season crowding, which drove the 1999 and 2002 clashes, out of "
       "the disputed waters.", "nll-clashes"),
    _e("propaganda-halt", "rate.grey-zone", 0.4,
       "No loudspeakers, leaflets or balloons removes the grey-zone acts themselves; halting loudspeakers "
       "settled the August 2015 crisis.", "mine-2015"),
    _e("exercise-notification", "misperception", 0.8,
       "Advance notice of major exercises (a core CSBM; INCSEA's 3-5 days' notice) keeps a drill from "
       "being read as preparation for attack.", "cbm-overview", "incsea-text"),
    _e("exercise-limits", "activity", 0.8,
       "Limits on the size and place of exercises lower the military activity near the border that "
       "raises incident rates (the 2022 shelling came during the Hoguk drills).", "cbm-overview",
       "krepon-handbook"),
    _e("artillery-pullback", "lethality.ground", 0.8,
       "Long-range artillery out of range of the other capital makes an exchange less deadly.",
       "schelling-reciprocal"),
    _e("artillery-pullback", "spillover", 0.8,
       "Removing the means of a quick strike on the capital lowers the incentive to strike first, "
       "Schelling's case for reciprocal measures against surprise attack.", "schelling-reciprocal"),
    _e("missile-limits", "rate.air", 0.9,
       "Fewer short-range missile tests mean fewer launches near the other side's waters and airspace.",
       "schelling-reciprocal"),
    _e("missile-limits", "spillover", 0.9,
       "Fewer missiles ready for a first strike lower the pressure to escalate a clash.",
       "schelling-reciprocal"),
)

MEASURES: tuple[str, ...] = tuple(dict.fromkeys(e.measure for e in EFFECTS))


def effects_of(measure: str) -> tuple[Effect, ...]:
    """The effects of one measure (KeyError if it has none)."""
    found = tuple(e for e in EFFECTS if e.measure == measure)
    if not found:
        raise KeyError(f"unknown measure {measure!r}")
    return found


def knobs_for(levels: dict[str, float]) -> dict[str, float]:
    """The knob multipliers of a package: the product over measures of ``m ** level``."""
    knobs: dict[str, float] = {}
    for measure, level in levels.items():
        if not 0.0 <= level <= 1.0:
            raise ValueError(f"level of {measure} must be in [0, 1], not {level}")
        for e in effects_of(measure):
            knobs[e.knob] = knobs.get(e.knob, 1.0) * e.multiplier ** level
    return knobs


def check_table() -> None:
    """Assert the table's invariants: known knobs, multipliers in (0, 1]."""
    for e in EFFECTS:
        assert e.knob in KNOBS, e
        assert 0.0 < e.multiplier <= 1.0, e
        assert all(s in SOURCES for s in e.sources), e
