"""Dyads: the pairs of actors whose relations the conflict–cooperation indices follow.

A dyad is an ordered pair of actor codes ``(a, b)``. Read *undirected*, it holds every
event between the two in either direction (``a → b`` and ``b → a``); read *directed*, only
the events whose ``actor1`` is ``a`` and whose ``actor2`` is ``b``. Events with one actor only
(``actor2`` empty, e.g. most DPRK missile launches in the knowledge base) belong to no dyad.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from panmun.errors import InputError


@dataclass(frozen=True)
class Dyad:
    """Two actor codes (ISO 3166-1 alpha-3 or an organisation code), ``a`` first."""

    a: str
    b: str

    @property
    def name(self) -> str:
        """``"A-B"``: read undirected, the pair; read directed, ``A`` acting on ``B``."""
        return f"{self.a}-{self.b}"

    def reversed(self) -> Dyad:
        return Dyad(self.b, self.a)

    def __str__(self) -> str:
        return self.name


#: The built-in dyads: the two Koreas, each of the four neighbours and the
#: United States with the DPRK, the US–China competition, and the US–ROK alliance.
DYADS: tuple[Dyad, ...] = tuple(
    Dyad(*pair.split("-"))
    for pair in ("KOR-PRK", "USA-PRK", "CHN-PRK", "JPN-PRK", "RUS-PRK", "USA-CHN", "USA-KOR"))


def _normalise(text: str) -> str:
    return text.strip().upper().replace("–", "-").replace("_", "-").replace(">", "-")


def parse_dyad(text: str | Dyad, directed: bool = False) -> Dyad:
    """A built-in dyad named by ``text`` (``KOR-PRK``; case, ``–`` and ``_`` are tolerated).

    Undirected, either order names the same dyad and the built-in order is returned
    (``PRK-KOR`` → ``KOR-PRK``). Directed, the order is kept: ``PRK-KOR`` means PRK acting on
    KOR. A :class:`Dyad` object is returned as given (so the Python API accepts any pair).
    Raises :class:`~panmun.errors.InputError` for a pair that is not built in.
    """
    if isinstance(text, Dyad):
        return text
    parts = _normalise(str(text)).split("-")
    known = ", ".join(d.name for d in DYADS)
    if len(parts) != 2 or not all(parts):
        raise InputError(f"dyad {text!r} is not two actor codes joined by '-'",
                         hint=f"Write it like KOR-PRK. Built-in dyads: {known}.")
    wanted = Dyad(*parts)
    for dyad in DYADS:
        if wanted == dyad:
            return dyad
        if wanted == dyad.reversed():
            return wanted if directed else dyad
    raise InputError(f"unknown dyad {text!r}",
                     hint=f"Use one of the built-in dyads: {known} (either order; with "
                          "--directed the first code is the actor, the second its target).")


def select_dyads(dyads: str | Dyad | Iterable[str | Dyad] | None,
                 directed: bool = False) -> list[Dyad]:
    """The dyads asked for: ``None`` means all built-in ones (both directions if ``directed``)."""
    if dyads is None:
        if directed:
            return [d for dyad in DYADS for d in (dyad, dyad.reversed())]
        return list(DYADS)
    if isinstance(dyads, str | Dyad):
        dyads = [dyads]
    chosen: list[Dyad] = []
    for item in dyads:
        dyad = parse_dyad(item, directed=directed)
        if dyad not in chosen:
            chosen.append(dyad)
    if not chosen:
        raise InputError("no dyad given", hint="Name a dyad such as KOR-PRK, or none for all.")
    return chosen


def membership_rows(dyads: list[Dyad], directed: bool) -> tuple[list[str], list[str], list[str]]:
    """Columns ``(dyad, actor1, actor2)`` of the table that maps event actors to dyads.

    Undirected, each dyad contributes both orders of its actors; directed, only its own.
    """
    names, first, second = [], [], []
    for dyad in dyads:
        orders = [(dyad.a, dyad.b)] if directed else [(dyad.a, dyad.b), (dyad.b, dyad.a)]
        for a1, a2 in orders:
            names.append(dyad.name)
            first.append(a1)
            second.append(a2)
    return names, first, second
