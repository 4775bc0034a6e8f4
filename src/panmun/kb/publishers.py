"""The publisher registry: which publisher (and which kind of publisher) each source is.

Every source a record cites is a URL; its host names the publisher. The registry
(``sources/publishers.yaml``) lists publishers by domain with their kind (see
:class:`panmun.kb.schema.Publisher`). A host belongs to the registered domain that it
equals or ends with (``en.yna.co.kr`` belongs to ``yna.co.kr``; ``www.`` does not count),
the longest such domain winning. :func:`source_problems` is the validator's check: every
source's domain is registered, and no provision marked ``verified`` rests only on sources
of kind ``other``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import BaseModel

from panmun.errors import Problem
from panmun.kb.schema import Publisher, Source

if TYPE_CHECKING:
    from panmun.kb.loader import Where


def host_of(url: str) -> str:
    """The lower-case host of ``url`` without a leading ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


class Registry:
    """Publishers by domain, with the lookup of a URL's publisher."""

    def __init__(self, publishers: list[Publisher]):
        self.by_domain = {p.domain: p for p in publishers}

    def publisher(self, url: str) -> Publisher | None:
        """The registered publisher of ``url``, or None."""
        parts = host_of(url).split(".")
        for i in range(len(parts) - 1):
            found = self.by_domain.get(".".join(parts[i:]))
            if found is not None:
                return found
        return None

    def kind(self, url: str) -> str | None:
        found = self.publisher(url)
        return found.kind if found else None


def sources_in(record: BaseModel, field: str = "") -> Iterator[tuple[str, Source]]:
    """Every :class:`Source` a record holds, with the top-level field it sits under."""
    for name, value in record:
        top = field or name
        if isinstance(value, Source):
            yield top, value
        elif isinstance(value, BaseModel):
            yield from sources_in(value, top)
        elif isinstance(value, list | tuple):
            for item in value:
                if isinstance(item, Source):
                    yield top, item
                elif isinstance(item, BaseModel) and not _is_own_record(item):
                    yield from sources_in(item, top)


def _is_own_record(item: BaseModel) -> bool:
    """Records checked on their own (an agreement's provisions), not as part of their parent."""
    from panmun.kb.schema import Provision

    return isinstance(item, Provision)


def records(kb) -> Iterator[tuple[BaseModel, Where]]:
    """Every record of a knowledge base with its place (Where)."""
    for agreement in kb.agreements.values():
        yield agreement, kb.where[("agreement", agreement.id)]
        for prov in agreement.provisions:
            yield prov, kb.where[("provision", agreement.provision_id(prov.article))]
    yield from ((change, where) for _, change, where in kb.changes)
    for name in ("events", "actors", "positions", "zones", "measures", "issues", "codings", "capabilities",
                 "steps"):
        yield from ((record, where) for record, where, *_ in getattr(kb, name))
    yield from ((rule, where) for rule, where, _ in kb.rules)


def source_problems(kb, registry: Registry) -> list[Problem]:
    """Unregistered source domains, and verified provisions resting only on kind ``other``."""
    problems: list[Problem] = []
    for record, where in records(kb):
        for field, source in sources_in(record):
            if registry.publisher(source.url) is None:
                problems.append(Problem(where.file, where.line_of(field), field,
                                        f"source {source.url} is from {host_of(source.url)!r}, which is not "
                                        "in the publisher registry (sources/publishers.yaml): register the "
                                        "publisher with its kind, or cite another source"))
    for agreement in kb.agreements.values():
        for prov in agreement.provisions:
            if prov.confidence != "verified":
                continue
            cited = prov.sources or agreement.sources
            kinds = {registry.kind(s.url) for s in cited}
            if kinds == {"other"}:
                where = kb.where[("provision", agreement.provision_id(prov.article))]
                problems.append(Problem(where.file, where.line_of("confidence"), "confidence",
                                        f"{agreement.provision_id(prov.article)} is marked verified but its "
                                        "only sources are of kind 'other' (blogs, mirrors, aggregators): "
                                        "cite an official text, a news agency or a research institute, or "
                                        "mark it recalled"))
    return problems


def registry_problems(kb, base) -> list[Problem]:
    """Duplicate domains in the registry (an overlay may add publishers, not redefine them)."""
    seen = {p.domain for p, _ in base.publishers} if base else set()
    problems = []
    for publisher, where in kb.publishers:
        if publisher.domain in seen:
            problems.append(Problem(where.file, where.line_of("domain"), "domain",
                                    f"publisher {publisher.domain!r} is registered twice"))
        seen.add(publisher.domain)
    return problems
