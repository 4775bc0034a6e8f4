"""The messages the code and templates use, for the catalogue's completeness check.

* Jinja templates: every ``_()``/``gettext``/``ngettext`` call and ``{% trans %}`` block
  (Jinja's own extractor, with the whitespace trimmed as the templates render it);
* Python modules: every call of ``tr(...)``, ``tr.gettext(...)``, ``N_(...)`` whose first
  argument is a literal string.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import jinja2

#: Names of the calls that translate their first (literal) argument in Python code.
PY_CALLS = {"tr", "N_", "gettext", "_"}


def template_messages(folder: Path) -> Iterator[tuple[str, str | tuple[str, ...]]]:
    """(file name, message id) of each message in the Jinja templates under ``folder``."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    env.policies["ext.i18n.trimmed"] = True
    # the i18n extension adds these attributes at run time; jinja2's types do not declare them
    env.newstyle_gettext = True  # type: ignore[attr-defined]  # as the briefing renders: "%" is "%%"
    for path in sorted(folder.glob("*.j2")):
        source = path.read_text(encoding="utf-8")
        for _line, _func, message in env.extract_translations(source):  # type: ignore[attr-defined]
            if isinstance(message, tuple):
                message = tuple(m for m in message if m)
                message = message[0] if len(message) == 1 else message
            if message:
                yield path.name, message


def python_messages(folder: Path) -> Iterator[tuple[str, str]]:
    """(file name, message id) of each literal message translated in the Python modules."""
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            first = node.args[0]
            if name in PY_CALLS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                bound = isinstance(f, ast.Attribute) and getattr(f.value, "id", "") == "tr"
                if name == "gettext" and not bound:
                    continue
                yield path.name, first.value
