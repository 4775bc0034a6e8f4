"""Read YAML while keeping the line of every key, so errors can point at it.

PyYAML's node tree knows where each key and item starts; plain ``safe_load`` forgets it.
:func:`read_yaml` returns ordinary dicts and lists (subclasses that also carry 1-based
line numbers) and turns every YAML problem into a :class:`~panmun.errors.Problem`.
The checks of a user's own files (scenarios, packages, plans, constraints) are built on it in
:mod:`panmun.kb.yamlcheck`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from panmun.errors import NotFoundError, Problem

#: libyaml's parser when PyYAML was built with it (about 5x faster), else the pure-Python one.
#: Both keep the start mark (line) of every node.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A dict that remembers the 1-based line of itself and of each key."""

    line: int = 0

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.key_lines: dict[Any, int] = {}


class LineList(list):
    """A list that remembers the 1-based line of itself and of each item."""

    line: int = 0

    def __init__(self, *args: Any):
        super().__init__(*args)
        self.item_lines: list[int] = []


class YamlProblems(Exception):
    """Raised when a file cannot be read as YAML at all; carries the problems found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _convert(node: yaml.Node, loader: yaml.SafeLoader, file: str, problems: list[Problem],
             field: str | None = None) -> Any:
    """Convert a node to LineDict/LineList/scalars; ``field`` names the key it is the value of."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out = LineDict()
        out.line = line
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, file, problems)
            if not isinstance(key, str | int):
                problems.append(Problem(file, key_node.start_mark.line + 1, None,
                                        f"mapping key must be text, got {type(key).__name__}"))
                continue
            key = str(key)
            if key in out:
                problems.append(Problem(file, key_node.start_mark.line + 1, key,
                                        "duplicate key in the same mapping"))
            out[key] = _convert(value_node, loader, file, problems, field=key)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        out_list = LineList()
        out_list.line = line
        for item in node.value:
            out_list.append(_convert(item, loader, file, problems, field=field))
            out_list.item_lines.append(item.start_mark.line + 1)
        return out_list
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, yaml.constructor.ConstructorError) as exc:
        # e.g. 2018-02-30: YAML reads it as a date and the calendar refuses it
        problems.append(Problem(file, line, field, f"cannot read value {node.value!r}: {exc}"))
        return node.value


def read_yaml(path: Path, display: str | None = None) -> Any:
    """Parse one YAML file into line-aware dicts/lists.

    Raises :class:`YamlProblems` listing every syntax or value problem, each with its line.
    """
    file = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlProblems([Problem(file, None, None, f"not UTF-8 text: {exc}")]) from exc
    problems: list[Problem] = []
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else _convert(node, loader, file, problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        msg = " ".join(str(s) for s in (exc.context, exc.problem) if s)
        raise YamlProblems([Problem(file, line, None, f"invalid YAML: {msg}")]) from exc
    except yaml.YAMLError as exc:
        raise YamlProblems([Problem(file, None, None, f"invalid YAML: {exc}")]) from exc
    finally:
        loader.dispose()
    if problems:
        raise YamlProblems(problems)
    return data


def line_of(data: Any, loc: tuple) -> tuple[int | None, str | None]:
    """The line and dotted field name for a location path (as pydantic reports it).

    Walks ``loc`` as far as the data allows and returns the deepest line found.
    """
    line = getattr(data, "line", None) or None
    node = data
    names: list[str] = []
    for part in loc:
        if isinstance(node, LineDict) and isinstance(part, str):
            names.append(part)
            if part in node.key_lines:
                line = node.key_lines[part]
                node = node[part]
            else:
                break
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            names.append(f"[{part}]")
            line = node.item_lines[part]
            node = node[part]
        else:
            names.append(str(part))
            break
    field = ".".join(names).replace(".[", "[") or None
    return line, field


def locate(name_or_path: str | Path, builtin: tuple[str, ...], builtin_file: Callable[[str], Path],
           kind: str) -> tuple[Path, str | None]:
    """A built-in file by its name, or a user's file by its path: the path and the name to show.

    ``builtin_file`` gives the path of a built-in ``kind`` (scenario, package, ...) by name;
    a user's file is shown by its own path (``None``). Raises :class:`NotFoundError` when
    the name is neither.
    """
    text = str(name_or_path)
    if text in builtin:
        return builtin_file(text), f"built-in:{text}.yaml"
    path = Path(text)
    try:
        found = path.is_file()
    except (OSError, ValueError):   # a name too long for a path, a NUL character
        found = False
    if not found:
        raise NotFoundError(f"no {kind} {text!r}: not a built-in one ({', '.join(builtin)}) and no such file",
                            hint=f"Give a built-in {kind}'s name or the path of a {kind} YAML file.")
    return path, None


def unit_interval_problem(value: Any) -> str | None:
    """Why ``value`` is not a number in [0, 1], or None if it is (for the file readers'
    messages; a bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be a number in [0, 1], not {value!r}"
    if not 0 <= value <= 1:
        return f"out of range: {value} is not in [0, 1]"
    return None
