"""Load the knowledge base (built-in or an overlay folder) into typed records.

A folder has the layout described in ``kb/data/README.md``. :func:`read_folder` parses
every file, checks each record against its schema and remembers where each record
came from (file and line), so the cross-checks in :mod:`panmun.kb.checks` can point
at the place too; :func:`load_kb` and :func:`load_overlay` run both. Nothing here touches
the store.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pydantic

from panmun.errors import Problem, ValidationError
from panmun.kb.checks import check, position_key
from panmun.kb.files import builtin_root, digest_update, folder_files
from panmun.kb.schema import (
    ActorsFile,
    Agreement,
    EventsFile,
    ImplementationFile,
    IssuesFile,
    MeasuresFile,
    PublishersFile,
    RulesFile,
    Source,
    StepsFile,
)
from panmun.kb.yamlio import LineDict, YamlProblems, line_of, read_yaml

#: Sub-folders of a knowledge-base folder (:data:`panmun.kb.files.SECTION_NAMES`) and the schema
#: of the files they hold.
SECTIONS: dict[str, type[pydantic.BaseModel]] = {
    "agreements": Agreement,
    "implementation": ImplementationFile,
    "events": EventsFile,
    "actors": ActorsFile,
    "rules": RulesFile,
    "measures": MeasuresFile,
    "issues": IssuesFile,
    "steps": StepsFile,
    "sources": PublishersFile,
}


@dataclass(frozen=True)
class Where:
    """The place a record was read from, and the line of each of its fields."""

    file: str
    line: int | None
    fields: dict = field(default_factory=dict, compare=False, hash=False)

    def line_of(self, name: str | None) -> int | None:
        """The line of field ``name`` (e.g. ``cameo`` or ``provisions[1]``), else the record's."""
        if not name:
            return self.line
        return self.fields.get(name.split(".")[0].split("[")[0], self.line)


def _where(file: str, data, loc: tuple) -> Where:
    """The Where of the record at ``loc`` in a file's parsed data."""
    node = data
    for part in loc:
        node = node[part]
    return Where(file, line_of(data, loc)[0], dict(getattr(node, "key_lines", {})))


@dataclass
class KnowledgeBase:
    """Typed records of one knowledge-base folder, with the place each came from."""

    root: str
    agreements: dict = field(default_factory=dict)        # id -> Agreement
    changes: list = field(default_factory=list)           # (agreement id, StatusChange, Where)
    events: list = field(default_factory=list)            # (Event, Where)
    actors: list = field(default_factory=list)            # (Actor, Where)
    positions: list = field(default_factory=list)         # (Position, Where)
    zones: list = field(default_factory=list)             # (Zone, Where)
    rules: list = field(default_factory=list)             # (Rule, Where, Where of its match)
    measures: list = field(default_factory=list)          # (Measure, Where)
    issues: list = field(default_factory=list)            # (Issue, Where)
    codings: list = field(default_factory=list)           # (Coding, Where)
    capabilities: list = field(default_factory=list)      # (Capability, Where)
    steps: list = field(default_factory=list)             # (Step, Where)
    publishers: list = field(default_factory=list)        # (Publisher, Where)
    where: dict = field(default_factory=dict)             # record key -> Where
    files: list = field(default_factory=list)             # data files read (display paths)
    docs: list = field(default_factory=list)              # documentation files seen, not loaded
    digest: str = ""                                      # sha256 over the data files' bytes

    def __repr__(self) -> str:
        counts = self.counts()
        return (f"KnowledgeBase({self.root!r}: {counts['agreements']} agreements, {counts['provisions']} "
                f"provisions, {counts['events']} events, {len(self.files)} files, digest {self.digest[:12]})")

    def provision_ids(self) -> set[str]:
        return {a.provision_id(p.article) for a in self.agreements.values() for p in a.provisions}

    def counts(self) -> dict[str, int]:
        return {
            "agreements": len(self.agreements),
            "provisions": sum(len(a.provisions) for a in self.agreements.values()),
            "change_records": len(self.changes),   # one record may name several provisions
            "events": len(self.events),
            "actors": len(self.actors),
            "positions": len(self.positions),
            "zones": len(self.zones),
            "rules": len(self.rules),
            "measures": len(self.measures),
            "issues": len(self.issues),
            "codings": len(self.codings),
            "capabilities": len(self.capabilities),
            "steps": len(self.steps),
            "publishers": len(self.publishers),
        }

    def basis_source(self, coding) -> Source | None:
        """The source of the statement a coding rests on (its own, or its position's or event's)."""
        basis = coding.basis
        if basis.source is not None:
            return basis.source
        if basis.position is not None:
            found = [p.source for p, _ in self.positions if position_key(p) == basis.position]
        else:
            found = [e.source for e, _ in self.events if e.id == basis.event]
        return found[0] if found else None


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _schema_problems(exc: pydantic.ValidationError, data, file: str, prefix: tuple = ()) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = prefix + tuple(err["loc"])
        line, fieldname = line_of(data, loc)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field (misspelt? see kb/data/README.md for the fields)"
        elif err["type"] == "missing":
            msg = "required field is missing"
        problems.append(Problem(file, line, fieldname, msg))
    return problems


def read_folder(root: Path, *, builtin: bool = False) -> tuple[KnowledgeBase, list[Problem]]:
    """Parse and schema-check every file of a knowledge-base folder.

    Returns the records that passed and the problems found (file, line, field).
    Files outside the known layout are problems, except documentation files.
    """
    root = Path(root)
    kb = KnowledgeBase(root=str(root))
    problems: list[Problem] = []
    digest = hashlib.sha256()
    if not root.is_dir():
        return kb, [Problem(str(root), None, None, "not a folder (expected a knowledge-base folder)")]

    for path, rel, kind in folder_files(root):
        disp = _display(path, root)
        if kind == "doc":
            kb.docs.append(disp)
            continue
        if kind == "unknown":
            problems.append(Problem(disp, None, None,
                                    "file not recognised: data files go in agreements/, implementation/, "
                                    "events/, actors/, rules/, measures/, issues/, steps/ or sources/ "
                                    "and end in .yaml"))
            continue
        section = rel.parts[0]
        digest_update(digest, rel, path.read_bytes())
        kb.files.append(disp)
        try:
            data = read_yaml(path, disp)
        except YamlProblems as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(_read_records(kb, section, data, disp, path.stem))
    kb.digest = digest.hexdigest()
    return kb, problems


def _read_records(kb: KnowledgeBase, section: str, data, file: str, stem: str) -> list[Problem]:
    schema = SECTIONS[section]
    if not isinstance(data, dict):
        return [Problem(file, getattr(data, "line", 1) or 1, None,
                        "expected a mapping at the top of the file (see kb/data/README.md)")]
    assert isinstance(data, LineDict)  # read_yaml builds every mapping as a LineDict
    problems: list[Problem] = []
    try:
        record = schema.model_validate(dict(data))
    except pydantic.ValidationError as exc:
        # pydantic reports every error of the file at once; the file's records are not kept
        return _schema_problems(exc, data, file)
    if section == "agreements":
        assert isinstance(record, Agreement)  # SECTIONS["agreements"] is Agreement
        if record.id != stem:
            problems.append(Problem(file, data.key_lines.get("id"), "id",
                                    f"agreement id {record.id!r} must match the file name {stem!r}.yaml"))
        if record.id in kb.agreements:
            problems.append(Problem(file, data.key_lines.get("id"), "id",
                                    f"duplicate agreement id {record.id!r}"))
        kb.agreements[record.id] = record
        kb.where[("agreement", record.id)] = Where(file, data.key_lines.get("id"), dict(data.key_lines))
        for i, prov in enumerate(record.provisions):
            kb.where[("provision", record.provision_id(prov.article))] = _where(
                file, data, ("provisions", i))
    elif section == "implementation":
        assert isinstance(record, ImplementationFile)  # SECTIONS["implementation"] is ImplementationFile
        if record.agreement != stem:
            problems.append(Problem(file, data.key_lines.get("agreement"), "agreement",
                                    f"agreement {record.agreement!r} must match the file name {stem!r}.yaml"))
        for i, change in enumerate(record.changes):
            kb.changes.append((record.agreement, change, _where(file, data, ("changes", i))))
    elif section == "events":
        assert isinstance(record, EventsFile)  # SECTIONS["events"] is EventsFile
        for i, event in enumerate(record.events):
            kb.events.append((event, _where(file, data, ("events", i))))
    elif section == "actors":
        assert isinstance(record, ActorsFile)  # SECTIONS["actors"] is ActorsFile
        for i, actor in enumerate(record.actors):
            kb.actors.append((actor, _where(file, data, ("actors", i))))
        for i, pos in enumerate(record.positions):
            kb.positions.append((pos, _where(file, data, ("positions", i))))
    elif section == "rules":
        assert isinstance(record, RulesFile)  # SECTIONS["rules"] is RulesFile
        for i, zone in enumerate(record.zones):
            kb.zones.append((zone, _where(file, data, ("zones", i))))
        for i, rule in enumerate(record.rules):
            kb.rules.append((rule, _where(file, data, ("rules", i)),
                             _where(file, data, ("rules", i, "match"))))
    elif section == "measures":
        assert isinstance(record, MeasuresFile)  # SECTIONS["measures"] is MeasuresFile
        for i, measure in enumerate(record.measures):
            kb.measures.append((measure, _where(file, data, ("measures", i))))
    elif section == "steps":
        assert isinstance(record, StepsFile)  # SECTIONS["steps"] is StepsFile
        for i, step in enumerate(record.steps):
            kb.steps.append((step, _where(file, data, ("steps", i))))
    elif section == "sources":
        assert isinstance(record, PublishersFile)  # SECTIONS["sources"] is PublishersFile
        for i, publisher in enumerate(record.publishers):
            kb.publishers.append((publisher, _where(file, data, ("publishers", i))))
    elif section == "issues":
        for name in ("issues", "codings", "capabilities"):
            for i, item in enumerate(getattr(record, name)):
                getattr(kb, name).append((item, _where(file, data, (name, i))))
    return problems


def load_kb() -> KnowledgeBase:
    """Load and fully validate the built-in knowledge base.

    Raises :class:`~panmun.errors.ValidationError` if the shipped data is inconsistent.
    """
    kb, problems = read_folder(builtin_root(), builtin=True)
    problems += check(kb)
    if problems:
        raise ValidationError(problems)
    return kb


def load_overlay(path: Path | str, base: KnowledgeBase | None = None) -> KnowledgeBase:
    """Load and validate an analyst's overlay folder against the built-in data (or ``base``).

    Overlay records may refer to built-in ones (e.g. a status change of ``cma-2018/1.3``)
    but may not redefine them. Raises :class:`~panmun.errors.ValidationError`.
    """
    base = base if base is not None else load_kb()
    kb, problems = read_folder(Path(path))
    problems += check(kb, base=base)
    if problems:
        raise ValidationError(
            problems, hint=f"Fix the listed places and run `panmun kb validate {path}` again.")
    return kb
