"""Typed schemas (pydantic v2) of every knowledge-base record.

Unknown fields are errors (``extra="forbid"``) so a misspelt key is caught, not ignored.
The file formats are described for people in ``kb/data/README.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from panmun.identifiers import ACTOR_CODE, SLUG

Vector = Literal["denuclearization", "peace-regime", "arms-control", "exchange"]
VECTORS: tuple[str, ...] = ("denuclearization", "peace-regime", "arms-control", "exchange")

#: The track of an agreement (docs/kb.md "Tracks"): ``peace-process`` when the DPRK is a party
#: (inter-Korean, US-DPRK, six-party, the Armistice), ``alliance`` otherwise (the ROK-US
#: alliance and deterrence). The implementation index counts the peace process only.
Track = Literal["peace-process", "alliance"]
TRACKS: tuple[str, ...] = ("peace-process", "alliance")


def track_of(parties: list[str]) -> str:
    """The track the parties rule gives: ``peace-process`` if ``PRK`` is a party, else ``alliance``."""
    return "peace-process" if "PRK" in parties else "alliance"


State = Literal["suspended", "reversed"]
Confidence = Literal["verified", "recalled"]
EventType = Literal[
    "summit", "talks", "nuclear-test", "missile-launch", "satellite-launch", "weapons-test",
    "unsc-resolution", "sanctions", "exercise", "border-incident", "declaration",
    "statement", "treaty", "agreement", "humanitarian", "other",
]
Topic = Literal["denuclearization", "sanctions", "end-of-war-declaration", "peace-treaty", "usfk"]
TOPICS: tuple[str, ...] = ("denuclearization", "sanctions", "end-of-war-declaration",
                           "peace-treaty", "usfk")

#: The agreements every installation ships, in chronological order.
BUILTIN_AGREEMENTS: tuple[str, ...] = (
    "armistice-1953", "basic-agreement-1991", "denuclearization-declaration-1992",
    "agreed-framework-1994", "june-15-2000", "six-party-2005", "six-party-initial-actions-2007",
    "six-party-second-phase-2007", "october-declaration-2007", "leap-day-2012",
    "inter-korean-2015-08-25", "panmunjom-2018", "singapore-2018", "pyongyang-2018", "cma-2018",
    "rok-us-2021",
)

#: Kinds of publisher in the registry (``sources/publishers.yaml``); only ``other`` is not a
#: source a record may rest on alone.
PublisherKind = Literal["official-text", "official-statement", "news", "research", "other"]
PUBLISHER_KINDS: tuple[str, ...] = ("official-text", "official-statement", "news", "research", "other")


def _slug_id(value: str, example: str) -> str:
    """``value`` if it is a slug id, else the error every record's id check gives."""
    if not SLUG.match(value):
        raise ValueError(f"id must be lowercase words joined by '-', {example}")
    return value


ARTICLE = re.compile(r"^[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
DOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


class Record(BaseModel):
    """Base of every record: strict about unknown fields, strips surrounding whitespace."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Source(Record):
    """Where a fact comes from: a URL and, when known, the source's publication date."""

    url: str
    date: dt.date | None = None
    title: str | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not URL.match(value):
            raise ValueError("must be an http(s) URL with a host, e.g. https://example.org/page")
        return value


def _actor_codes(values: list[str]) -> list[str]:
    for code in values:
        if not ACTOR_CODE.match(code):
            raise ValueError(f"actor code {code!r} must be 2-5 capital letters (ISO 3166 alpha-3 or an "
                             "organisation code such as UNO)")
    return values


class Provision(Record):
    """One article (or numbered sub-measure) of an agreement."""

    article: str
    title: str | None = None
    title_ko: str | None = None
    """The opening words of the provision's official Korean text (the inter-Korean texts give
    their articles no headings); empty where no official Korean text was seen."""
    summary: str = Field(min_length=3)
    vector: Vector
    parties: list[str] = Field(default_factory=list)
    confidence: Confidence  # required: an overlay author must say how well the text was checked
    sources: list[Source] = Field(default_factory=list)
    note: str | None = None

    @field_validator("article", mode="before")
    @classmethod
    def _article(cls, value: object) -> str:
        value = str(value).strip()
        if not ARTICLE.match(value):
            raise ValueError("article must be dotted letters/digits such as '1.3', 'II.A' or 'preamble'")
        return value

    @field_validator("parties")
    @classmethod
    def _parties(cls, value: list[str]) -> list[str]:
        return _actor_codes(value)


class Agreement(Record):
    """An agreement with its provisions, article by article."""

    id: str
    title: str
    short_title: str | None = None
    title_ko: str | None = None
    date: dt.date
    place: str | None = None
    parties: list[str] = Field(min_length=1)
    signatories: list[str] = Field(default_factory=list)
    summary: str = Field(min_length=3)
    sources: list[Source] = Field(min_length=1)
    provisions: list[Provision] = Field(min_length=1)
    note: str | None = None
    track: Track | None = None
    """``peace-process`` or ``alliance``; when given it must be what the parties rule gives
    (:func:`track_of`: the DPRK a party or not), since the store keeps the parties, not the
    track. Left out, the rule decides."""

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        return _slug_id(value, "e.g. cma-2018")

    @model_validator(mode="after")
    def _track(self) -> Agreement:
        ruled = track_of(self.parties)
        if self.track is not None and self.track != ruled:
            raise ValueError(f"track {self.track!r} does not match the parties rule ({ruled!r}: the track is "
                             "peace-process exactly when PRK is a party); docs/kb.md, 'Tracks'")
        return self

    @field_validator("parties")
    @classmethod
    def _parties(cls, value: list[str]) -> list[str]:
        return _actor_codes(value)

    def provision_id(self, article: str) -> str:
        return f"{self.id}/{article}"


class StatusChange(Record):
    """A dated change of one or more provisions' implementation status.

    Either ``score`` on the Peace Accords Matrix scale (0 not initiated, 1 minimal,
    2 intermediate, 3 full) or ``state`` (suspended, reversed) is given, not both.
    """

    provisions: list[str] = Field(min_length=1)
    date: dt.date
    score: int | None = Field(default=None, ge=0, le=3)
    state: State | None = None
    note: str = Field(min_length=3)
    source: Source

    @model_validator(mode="after")
    def _score_or_state(self) -> StatusChange:
        if (self.score is None) == (self.state is None):
            raise ValueError("give exactly one of score (0-3) or state (suspended|reversed)")
        return self


class ImplementationFile(Record):
    """The implementation history of one agreement's provisions."""

    agreement: str
    changes: list[StatusChange] = Field(min_length=1)


class Event(Record):
    """A key event, coded as event data sets code them (CAMEO, Goldstein, PLOVER)."""

    id: str
    date: dt.date
    end_date: dt.date | None = None
    actor1: str
    actor2: str | None = None
    type: EventType
    cameo: str
    goldstein: float = Field(ge=-10, le=10)
    plover: str
    summary: str = Field(min_length=3)
    source: Source
    note: str | None = None

    @field_validator("cameo", mode="before")
    @classmethod
    def _cameo_text(cls, value: object) -> str:
        if isinstance(value, int):
            raise ValueError("write CAMEO codes as quoted text (\"043\"), or leading zeros are lost")
        return str(value)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        return _slug_id(value, "starting with the date")

    @field_validator("actor1", "actor2")
    @classmethod
    def _actor(cls, value: str | None) -> str | None:
        if value is not None:
            _actor_codes([value])
        return value

    @model_validator(mode="after")
    def _dates(self) -> Event:
        if self.end_date is not None and self.end_date < self.date:
            raise ValueError("end_date is before date")
        return self


class EventsFile(Record):
    events: list[Event] = Field(min_length=1)


class Actor(Record):
    """A state or organisation."""

    code: str
    name: str
    name_ko: str | None = None
    kind: Literal["state", "organisation"]
    note: str | None = None

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        return _actor_codes([value])[0]


class Position(Record):
    """An actor's dated, sourced position on one topic."""

    actor: str
    topic: Topic
    date: dt.date
    stance: str = Field(min_length=3)
    source: Source
    note: str | None = None


class ActorsFile(Record):
    actors: list[Actor] = Field(default_factory=list)
    positions: list[Position] = Field(default_factory=list)


# ------------------------------------------------------------------ compliance rules

Relation = Literal["confirms", "violates"]
#: Event types a rule may name: the curated types, plus ``coded`` for machine-coded events.
RuleEventType = Literal[
    "summit", "talks", "nuclear-test", "missile-launch", "satellite-launch",
    "unsc-resolution", "sanctions", "exercise", "border-incident", "declaration",
    "statement", "treaty", "agreement", "humanitarian", "other", "coded",
]
CAMEO_PREFIX = re.compile(r"^[0-9]{2,4}$")


class Vertex(Record):
    """One corner of a zone polygon, in decimal degrees (WGS 84)."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Zone(Record):
    """A named area (e.g. a buffer zone) as a polygon; every zone must be sourced."""

    id: str
    title: str = Field(min_length=3)
    polygon: list[Vertex] = Field(min_length=3)
    sources: list[Source] = Field(min_length=1)
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        return _slug_id(value, "e.g. west-sea-buffer")


class RuleMatch(Record):
    """What an event must be for a rule to apply. Every field given must hold (AND);
    within a list any value will do (OR). At least one field is required."""

    types: list[RuleEventType] | None = Field(default=None, min_length=1)
    actor1: list[str] | None = Field(default=None, min_length=1)
    actor2: list[str] | None = Field(default=None, min_length=1)
    between: list[str] | None = Field(default=None, min_length=2)
    cameo: list[str] | None = Field(default=None, min_length=1)
    plover: list[str] | None = Field(default=None, min_length=1)
    quad_class: list[int] | None = Field(default=None, min_length=1)
    summary: str | None = Field(default=None, min_length=1)
    events: list[str] | None = Field(default=None, min_length=1)
    zones: list[str] | None = Field(default=None, min_length=1)

    @field_validator("actor1", "actor2", "between")
    @classmethod
    def _actors(cls, value: list[str] | None) -> list[str] | None:
        return value if value is None else _actor_codes(value)

    @field_validator("cameo", mode="before")
    @classmethod
    def _cameo_text(cls, value: object) -> object:
        if isinstance(value, list):
            for item in value:
                if not isinstance(item, str):
                    raise ValueError("write CAMEO code prefixes as quoted text (\"19\", \"043\"), "
                                     "or leading zeros are lost")
                if not CAMEO_PREFIX.match(item):
                    raise ValueError(f"CAMEO prefix {item!r} must be 2-4 digits, e.g. \"19\" or \"193\"")
        return value

    @field_validator("quad_class")
    @classmethod
    def _quad(cls, value: list[int] | None) -> list[int] | None:
        for q in value or []:
            if not 1 <= q <= 4:
                raise ValueError("quad classes are 1 (verbal cooperation) to 4 (material conflict)")
        return value

    @model_validator(mode="after")
    def _something(self) -> RuleMatch:
        if all(getattr(self, name) is None for name in type(self).model_fields):
            raise ValueError("give at least one condition (types, actor1, actor2, between, cameo, "
                             "plover, quad_class, summary, events or zones)")
        if self.between is not None and (self.actor1 is not None or self.actor2 is not None):
            raise ValueError("give either between or actor1/actor2, not both")
        return self


class Rule(Record):
    """A rule linking events to the provisions they confirm or violate.

    An event matches when it satisfies ``match``, is dated after the signature of the
    provision's agreement, and falls within ``since``..``until`` when given.
    """

    id: str
    title: str = Field(min_length=3)
    relation: Relation
    provisions: list[str] = Field(min_length=1)
    match: RuleMatch
    since: dt.date | None = None
    since_event: str | None = None
    until: dt.date | None = None
    rationale: str = Field(min_length=3)
    sources: list[Source] = Field(default_factory=list)
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        return _slug_id(value, "e.g. dprk-icbm-launch")

    @model_validator(mode="after")
    def _window(self) -> Rule:
        if self.since is not None and self.until is not None and self.until < self.since:
            raise ValueError("until is before since")
        if self.since is not None and self.since_event is None and not self.sources:
            raise ValueError("a since date is a fact: name the knowledge-base event that sets it "
                             "(since_event) or give sources")
        return self


class RulesFile(Record):
    """Compliance rules and the zones they may refer to."""

    zones: list[Zone] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)



# ------------------------------------------------------------------ arms-control measures

#: The measures every installation ships (the ids the arms-control risk model knows).
BUILTIN_MEASURES: tuple[str, ...] = (
    "ground-buffer-zone", "maritime-buffer-zone", "no-fly-zone", "accident-prevention-procedures",
    "communication-channels", "military-hotline", "joint-military-committee", "guard-post-withdrawal",
    "joint-verification", "jsa-demilitarisation", "west-sea-2004-accord", "west-sea-peace-zone",
    "propaganda-halt", "exercise-notification", "exercise-limits", "artillery-pullback", "missile-limits",
)

MeasureKind = Literal["operational", "structural"]
Domain = Literal["ground", "sea", "air", "grey-zone", "all"]
DOMAINS: tuple[str, ...] = ("ground", "sea", "air", "grey-zone", "all")
Means = Literal["joint-on-site", "national-technical-means", "third-party", "hotline-reporting", "none"]
MEANS: tuple[str, ...] = ("joint-on-site", "national-technical-means", "third-party",
                          "hotline-reporting", "none")
Burden = Literal["low", "medium", "high"]
Reversibility = Literal["easy", "moderate", "hard"]


class Restriction(Record):
    """What a measure restricts: where, how far from the line (km, None if not fixed), what."""

    zone: str = Field(min_length=3)
    distance_km: float | None = Field(ge=0)
    activity: str = Field(min_length=3)


class Verification(Record):
    """How compliance with a measure is checked, and how heavy that is (low, medium, high)."""

    means: list[Means] = Field(min_length=1)
    burden: Burden
    burden_why: str = Field(min_length=10)


class Measure(Record):
    """One arms-control or confidence-building measure, linked to the provision it implements
    (``<agreement-id>/<article>``) or to none (``provision: null``)."""

    id: str
    name: str = Field(min_length=3)
    kind: MeasureKind
    domains: list[Domain] = Field(min_length=1)
    provision: str | None
    restricts: Restriction
    verification: Verification
    reversibility: Reversibility
    reversibility_why: str = Field(min_length=10)
    summary: str = Field(min_length=10)
    summary_ko: str | None = None
    """The summary in Korean (the project's own rendering, not an official text)."""
    note: str | None = None
    sources: list[Source] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        return _slug_id(value, "e.g. ground-buffer-zone")


class MeasuresFile(Record):
    """A catalogue of arms-control and confidence-building measures."""

    measures: list[Measure] = Field(min_length=1)


# ------------------------------------------------------------------ issues and numeric codings


class Veto(Record):
    """Actors whose consent any move on an issue needs, because they decide over their own
    assets (the North over its arsenal on ``denuclearization``), and the status quo a move
    would leave. Read by :mod:`panmun.actors.veto` (a veto-player model, Tsebelis 2002)."""

    holders: list[str] = Field(min_length=1)
    """Actor codes of the veto holders."""
    status_quo: float = Field(ge=0, le=100)
    """Where the issue stands today on its 0-100 scale (the project's judgement, see
    ``status_quo_note``), the point every veto holder can keep by refusing."""
    reason: str = Field(min_length=10)
    """Why these actors hold a veto on this issue."""
    status_quo_note: str = Field(min_length=10)
    """Why the status quo is placed where it is."""
    basis: Basis
    """The sourced statement the status quo rests on."""

    @field_validator("holders")
    @classmethod
    def _holders(cls, value: list[str]) -> list[str]:
        return _actor_codes(value)


class Issue(Record):
    """A negotiation issue as a one-dimensional scale: 0 is ``low``, 100 is ``high``."""

    id: str
    name: str = Field(min_length=3)
    name_ko: str | None = None
    """The issue's name in Korean (the project's own label)."""
    low: str = Field(min_length=3)
    high: str = Field(min_length=3)
    description: str = Field(min_length=10)
    note: str | None = None
    veto: Veto | None = None
    """Veto holders on the issue, if any (docs/actors-models.md, "Veto players")."""

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        return _slug_id(value, "e.g. sanctions-relief")


class Basis(Record):
    """The sourced statement a coding rests on: exactly one of a knowledge-base position
    (``<actor>/<topic>/<date>``), a knowledge-base event id, or a source of its own."""

    position: str | None = None
    event: str | None = None
    source: Source | None = None

    @model_validator(mode="after")
    def _one(self) -> Basis:
        if sum(x is not None for x in (self.position, self.event, self.source)) != 1:
            raise ValueError("give exactly one of position (<actor>/<topic>/<date>), event (an event id) "
                             "or source {url, date, title}")
        return self


class Coding(Record):
    """An actor's dated position (0-100 on the issue's scale) and salience (0-1) on one issue.

    The numbers are the project's judgement of the stated position named by ``basis``.
    """

    actor: str
    issue: str
    date: dt.date
    position: float = Field(ge=0, le=100)
    salience: float = Field(ge=0, le=1)
    basis: Basis
    coder_note: str = Field(min_length=10)

    @field_validator("actor")
    @classmethod
    def _actor(cls, value: str) -> str:
        return _actor_codes([value])[0]


CapabilityBasis = Literal["sipri-milex", "judgement"]


class Capability(Record):
    """An actor's capability (>= 0) from ``date`` on, shared across issues.

    ``sipri-milex``: military expenditure, US$ billion (SIPRI); ``judgement``: the project's
    estimate on the same scale, explained in ``note``.
    """

    actor: str
    date: dt.date
    value: float = Field(ge=0)
    basis: CapabilityBasis
    source: Source | None = None
    note: str = Field(min_length=10)

    @field_validator("actor")
    @classmethod
    def _actor(cls, value: str) -> str:
        return _actor_codes([value])[0]

    @model_validator(mode="after")
    def _sourced(self) -> Capability:
        if self.basis != "judgement" and self.source is None:
            raise ValueError("a capability from data needs a source; only basis: judgement may go without")
        return self


class IssuesFile(Record):
    """Issues, actors' numeric codings on them, and actors' capabilities."""

    issues: list[Issue] = Field(default_factory=list)
    codings: list[Coding] = Field(default_factory=list)
    capabilities: list[Capability] = Field(default_factory=list)


# ------------------------------------------------------------------ roadmap steps

StepMeans = Literal["iaea-inspection", "on-site-inspection", "national-technical-means", "declaration",
                    "observers", "none"]
STEP_MEANS: tuple[str, ...] = ("iaea-inspection", "on-site-inspection", "national-technical-means",
                               "declaration", "observers", "none")
#: Drivers of the three-vector model a step may set (``panmun.vectors.parameters.DRIVERS``).
STEP_DRIVERS: tuple[str, ...] = ("rivalry", "sanctions", "border_closure", "leadership_change", "summits",
                                 "exercises", "exchange")
#: The value scale of a step to a party (integers; see ``panmun.roadmap.steps``).
STEP_VALUE_MIN, STEP_VALUE_MAX = -3, 3


def _levels(value: dict[str, float], allowed: tuple[str, ...], what: str) -> dict[str, float]:
    """Check that the keys of ``value`` are in ``allowed`` and its levels in [0, 1]."""
    for key, level in value.items():
        if key not in allowed:
            raise ValueError(f"unknown {what} {key!r} (one of {', '.join(allowed)})")
        if not 0 <= level <= 1:
            raise ValueError(f"level {level} of {key!r} is outside [0, 1]")
    return value


class StepVerification(Record):
    """How a step is verified, and the months from its completion until it is verified."""

    means: list[StepMeans] = Field(min_length=1)
    lead_months: int = Field(ge=0)


class StepIssue(Record):
    """An issue of the actors' record (``issues/issues.yaml``) that a step moves: towards which
    end of the issue's 0-100 scale (``high`` or ``low``), by how many points (``by``), and the
    level it moves the issue to (``to``): the stance on that scale a party must accept to take
    the step. The issue moves from ``to - by`` (towards high) or ``to + by`` (towards low).
    The levels are the project's declared judgement (docs/roadmap.md)."""

    issue: str
    toward: Literal["high", "low"]
    by: float = Field(gt=0, le=100)
    to: float = Field(ge=0, le=100)
    note: str | None = None

    @model_validator(mode="after")
    def _inside(self) -> StepIssue:
        start = self.to - self.by if self.toward == "high" else self.to + self.by
        if not 0 <= start <= 100:
            raise ValueError(f"moving {self.issue} towards {self.toward} by {self.by:g} to {self.to:g} "
                             f"starts at {start:g}, outside the 0-100 scale")
        return self


class Step(Record):
    """One step of the roadmap catalogue: who takes it, what it needs first, what it is worth to
    each party (-3..3, the project's declared judgement) and what it advances (0-1)."""

    id: str
    name: str = Field(min_length=3)
    actors: list[str] = Field(min_length=1)
    vector: Vector
    advance: float = Field(ge=0, le=1)
    prerequisites: list[str] = Field(default_factory=list)
    requires: dict[str, float] = Field(default_factory=dict)
    drivers: dict[str, float] = Field(default_factory=dict)
    value: dict[str, int] = Field(default_factory=dict)
    issues: list[StepIssue] = Field(default_factory=list)
    value_note: str = Field(min_length=10)
    advance_note: str = Field(min_length=10)
    duration_months: int = Field(ge=0)
    verification: StepVerification
    reversibility: Reversibility
    measure: str | None = None
    provision: str | None = None
    summary: str = Field(min_length=10)
    summary_ko: str | None = None
    """The summary in Korean (the project's own rendering, not an official text)."""
    note: str | None = None
    sources: list[Source] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        return _slug_id(value, "e.g. yongbyon-freeze")

    @field_validator("actors")
    @classmethod
    def _actors(cls, value: list[str]) -> list[str]:
        return _actor_codes(value)

    @field_validator("requires")
    @classmethod
    def _requires(cls, value: dict[str, float]) -> dict[str, float]:
        return _levels(value, VECTORS, "vector")

    @field_validator("drivers")
    @classmethod
    def _drivers(cls, value: dict[str, float]) -> dict[str, float]:
        return _levels(value, STEP_DRIVERS, "driver")

    @field_validator("value", mode="before")
    @classmethod
    def _values(cls, value: object) -> object:
        if isinstance(value, dict):
            _actor_codes([str(k) for k in value])
            for party, v in value.items():
                if isinstance(v, bool) or not isinstance(v, int):
                    raise ValueError(f"value of {party} must be a whole number from {STEP_VALUE_MIN} "
                                     f"to {STEP_VALUE_MAX}, got {v!r}")
                if not STEP_VALUE_MIN <= v <= STEP_VALUE_MAX:
                    raise ValueError(f"value {v} of {party} is outside {STEP_VALUE_MIN}..{STEP_VALUE_MAX}")
        return value


class StepsFile(Record):
    """A catalogue of roadmap steps."""

    steps: list[Step] = Field(min_length=1)


class Publisher(Record):
    """A publisher of sources: the web domain its pages live under, its name and its kind.

    ``official-text``: the text of an agreement or a law as its parties or the UN publish it;
    ``official-statement``: governments, the UN, the IAEA, KCNA (through KCNA Watch);
    ``news``: news agencies and newspapers of record; ``research``: research institutes and
    scholarly archives; ``other``: anything else (blogs, mirrors, aggregators), which a
    record may cite beside a better source but never rest on alone.
    """

    domain: str
    name: str
    kind: PublisherKind
    note: str | None = None

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        if not DOMAIN.match(value):
            raise ValueError("domain must be a host name such as yna.co.kr (lowercase, no scheme or path)")
        return value


class PublishersFile(Record):
    publishers: list[Publisher] = Field(min_length=1)

