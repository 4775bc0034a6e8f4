"""The JSON documents of the ``panmun`` commands, as typed models.

Every command's ``--format json`` output is validated against its model and serialised
through it (:func:`dump`), so the published schema (:func:`json_schema`, written to
``docs/reference/schemas/`` by ``python -m panmun.schemas``) is the output's contract and
cannot drift from it. Each topic module lists its commands in a ``COMMANDS`` mapping.

pydantic is imported only here and in the topic modules, which the command line loads
only when it prints JSON.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

#: Command group (the first word of a command path) -> the modules describing its outputs.
MODULES = {
    "init": ("store",), "brief": ("store",), "kb": ("store", "kb", "update"), "ingest": ("store",),
    "update": ("update",), "users": ("store",),
    "agreements": ("agreements",), "events": ("environment",), "environment": ("environment",),
    "forecast": ("forecast",), "vectors": ("vectors",), "armscontrol": ("armscontrol",),
    "actors": ("actors",), "roadmap": ("roadmap",),
}

#: The JSON Schema dialect of the published schemas (pydantic generates draft 2020-12).
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def commands() -> dict[str, Any]:
    """Every command path with its document type, from every topic module."""
    out: dict[str, Any] = {}
    for name in dict.fromkeys(m for names in MODULES.values() for m in names):
        out.update(importlib.import_module(f"panmun.schemas.{name}").COMMANDS)
    return dict(sorted(out.items()))


def document_type(command: str) -> Any:
    """The document type of ``command`` (a path such as ``agreements list``)."""
    group = command.split()[0] if command else ""
    for name in MODULES.get(group, ()):
        table = importlib.import_module(f"panmun.schemas.{name}").COMMANDS
        if command in table:
            return table[command]
    raise KeyError(f"no output schema for the command {command!r}")


@functools.cache
def _adapter(command: str):
    from pydantic import TypeAdapter

    return TypeAdapter(document_type(command))


def dump(command: str, document: Any) -> str:
    """``document`` checked against ``command``'s schema and serialised as indented JSON.

    Keys the document does not hold stay out (an optional member is absent, not null).
    """
    adapter = _adapter(command)
    value = adapter.validate_python(document)
    return adapter.dump_json(value, indent=2, by_alias=True, exclude_unset=True).decode()


def json_schema(command: str, description: str | None = None) -> dict:
    """The published JSON Schema of ``command``'s document."""
    schema = _adapter(command).json_schema(by_alias=True)
    head = {"$schema": DIALECT, "title": f"panmun {command} --format json"}
    if description:
        head["description"] = description
    return {**head, **schema}
