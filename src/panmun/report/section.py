"""A section of the briefing: what every section builder returns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Section:
    """One part of the briefing: an id, a title, a template name and the data it shows."""

    id: str
    title: str
    template: str
    data: dict = field(default_factory=dict)
