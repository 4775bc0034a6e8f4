"""The one checker of user-written YAML files: scenarios, packages, plans and constraints.

Built on :func:`panmun.kb.yamlio.read_yaml` (dicts and lists that know their lines).
:func:`read_mapping` reads a file that must be a mapping of keys; a :class:`FileChecker`
collects every problem of one file, each with the file, the 1-based line and the dotted
field (``changes[0].driver``), and :meth:`FileChecker.raise_if_any` raises them all at once
as the reader's own :class:`~panmun.errors.ValidationError` subclass (exit status 2).
:meth:`FileChecker.schema` checks a part of a file with a pydantic schema of the knowledge
base and turns its errors into the same line-numbered problems.

A month in a file is written ``YYYY-MM`` (:func:`as_month` also takes ``YYYY-MM-DD`` or a
YAML date and keeps its month); month arithmetic is :mod:`panmun.months`.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panmun.errors import Problem, ValidationError
from panmun.identifiers import ACTOR_CODE
from panmun.kb.yamlio import LineDict, LineList, YamlProblems, line_of, read_yaml, unit_interval_problem
from panmun.months import as_month, year_month

if TYPE_CHECKING:
    from pydantic import BaseModel


def actor_problem(value: Any) -> str | None:
    """Why ``value`` is not an actor code (2-5 capital letters), or None if it is one."""
    if not isinstance(value, str) or not ACTOR_CODE.match(value):
        return f"not an actor code (2-5 capital letters, e.g. PRK): {value!r}"
    return None


def read_mapping(path: Path | str, error: type[ValidationError], display: str | None = None,
                 not_mapping: str = "expected a mapping of keys") -> LineDict:
    """Read a YAML file that must be a mapping of keys; raise ``error`` listing its problems
    (every YAML problem with its line, or ``not_mapping`` at the top of the file)."""
    file = display or str(path)
    try:
        data = read_yaml(Path(path), display=file)
    except YamlProblems as exc:
        raise error(exc.problems) from exc
    if not isinstance(data, LineDict):
        raise error([Problem(file, getattr(data, "line", 1) or 1, None, not_mapping)])
    return data


def _field(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


class FileChecker:
    """Collects the problems of one file (``file`` as shown in messages); the building blocks
    every reader of a user's YAML file shares. Each check reports what is wrong and returns
    the checked value, or None when it is bad (or absent, where a value is optional)."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def bad(self, line: int | None, fld: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, fld, message))

    def raise_if_any(self, error: type[ValidationError]) -> None:
        """Raise ``error`` with every problem found so far, if any."""
        if self.problems:
            raise error(self.problems)

    # ------------------------------------------------------------ keys and containers

    def keys(self, block: LineDict, allowed: Iterable[str], where: str = "", kind: str = "key") -> None:
        """Report every key of ``block`` not in ``allowed`` (an unknown ``kind``)."""
        allowed = sorted(allowed)
        for key in block:
            if key not in allowed:
                self.bad(block.key_lines.get(key, block.line), _field(where, key),
                         f"unknown {kind}; expected one of {allowed}")

    def mapping(self, block: LineDict, key: str, where: str = "",
                message: str = "must be a mapping") -> LineDict | None:
        """``block[key]`` if a mapping (None if absent or bad)."""
        value = block.get(key)
        if value is None:
            return None
        if not isinstance(value, LineDict):
            self.bad(block.key_lines.get(key), _field(where, key), message)
            return None
        return value

    def listing(self, block: LineDict, key: str, where: str = "") -> list[tuple[Any, int, str]]:
        """The items of the list ``block[key]``, each with its line and field name."""
        value = block.get(key)
        if value is None:
            return []
        if not isinstance(value, LineList):
            self.bad(block.key_lines.get(key), _field(where, key), "must be a list")
            return []
        fld = _field(where, key)
        return [(item, value.item_lines[i], f"{fld}[{i}]") for i, item in enumerate(value)]

    def mappings(self, block: LineDict, key: str, where: str = "",
                 message: str = "must be a mapping") -> list[tuple[LineDict, int, str]]:
        """The items of the list ``block[key]`` that are mappings (others reported with
        ``message``), each with its line and field name."""
        out = []
        for item, line, fld in self.listing(block, key, where):
            if not isinstance(item, LineDict):
                self.bad(line, fld, message)
                continue
            out.append((item, line, fld))
        return out

    # ------------------------------------------------------------ values

    def text(self, block: LineDict, key: str, where: str = "", required: bool = False) -> str | None:
        value = block.get(key)
        if value is None:
            if required:
                self.bad(block.line or 1, _field(where, key), "required")
            return None
        if not isinstance(value, str):
            self.bad(block.key_lines.get(key), _field(where, key), "must be text")
            return None
        return value

    def month(self, block: LineDict, key: str, where: str = "", required: bool = False,
              days: bool = True, line: int | None = None) -> str | None:
        """``block[key]`` as ``YYYY-MM`` (reported and None if bad; None if absent).

        ``days``: a ``YYYY-MM-DD`` or a YAML date counts as its month (:func:`as_month`);
        else only ``YYYY-MM`` text does. ``required``: an absent (or empty) month is reported,
        at its key's line, else at ``line``, else at the block's.
        """
        value = block.get(key)
        fld = _field(where, key)
        if required and value is None:
            self.bad(block.key_lines.get(key, line or block.line), fld, "required: a month as YYYY-MM")
            return None
        if key not in block:
            return None
        try:
            if days:
                return as_month(value)
            if not isinstance(value, str):
                raise ValueError(f"not a month as YYYY-MM: {value!r}")
            year_month(value)
            return value
        except ValueError as exc:
            self.bad(block.key_lines.get(key), fld, str(exc))
            return None

    def whole(self, value: Any, line: int | None, fld: str, low: int, high: int | None = None) -> int | None:
        """``value`` if a whole number in ``low..high`` (no upper bound if None), else reported."""
        span = f"{low}..{high}" if high is not None else f">= {low}"
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(line, fld, f"must be a whole number {span}, not {value!r}")
            return None
        if value < low or (high is not None and value > high):
            self.bad(line, fld, f"out of range: {value} is not {span}")
            return None
        return value

    def unit(self, value: Any, line: int | None, fld: str) -> float | None:
        """``value`` as a float if a number in [0, 1], else reported."""
        problem = unit_interval_problem(value)
        if problem:
            self.bad(line, fld, problem)
            return None
        return float(value)

    def actor(self, value: Any, line: int | None, fld: str) -> str | None:
        problem = actor_problem(value)
        if problem:
            self.bad(line, fld, problem)
            return None
        return value

    def one_of(self, value: Any, line: int | None, fld: str, names: Iterable[str], kind: str,
               suggest: bool = False) -> str | None:
        """``value`` if one of ``names``, else reported as an unknown ``kind``: with every name
        (``suggest`` False), or as an id with the closest names, if any (``suggest`` True)."""
        names = list(names)
        if suggest and not isinstance(value, str):
            self.bad(line, fld, f"must be a {kind} id, not {value!r}")
            return None
        if value not in names:
            if suggest:
                close = difflib.get_close_matches(value, names, n=3)
                hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            else:
                hint = f"; expected one of {', '.join(names)}"
            self.bad(line, fld, f"unknown {kind} {value!r}{hint}")
            return None
        return value

    def ids(self, block: LineDict, key: str, names: Iterable[str], kind: str,
            where: str = "") -> list[tuple[str, int, str]]:
        """The known ids (of ``names``) listed under ``key``, each once, with line and field;
        unknown ids (with suggestions) and repeats reported."""
        names = list(names)
        out: list[tuple[str, int, str]] = []
        first: dict[str, int] = {}
        for value, line, fld in self.listing(block, key, where):
            name = self.one_of(value, line, fld, names, kind, suggest=True)
            if name is None:
                continue
            if name in first:
                self.bad(line, fld, f"{name!r} listed twice (first at line {first[name]})")
                continue
            first[name] = line
            out.append((name, line, fld))
        return out

    # ------------------------------------------------------------ schemas

    def schema(self, model: type[BaseModel], block: LineDict, where: str = "",
               skip: tuple[tuple, ...] = ()) -> Any:
        """``block`` checked with the pydantic ``model`` (a knowledge-base schema): the record,
        or None with every error reported at its line and field (errors at a location in
        ``skip`` left out: checked elsewhere)."""
        import pydantic

        try:
            return model.model_validate(block)
        except pydantic.ValidationError as exc:
            self.problems.extend(schema_problems(exc, block, self.file, model, where, skip))
            return None


#: pydantic error types -> what the value must be
_MUST_BE = {
    "float_parsing": "a number", "float_type": "a number", "int_parsing": "a whole number",
    "int_type": "a whole number", "int_from_float": "a whole number", "string_type": "text",
    "list_type": "a list", "dict_type": "a mapping", "model_type": "a mapping",
    "model_attributes_type": "a mapping", "bool_type": "true or false", "bool_parsing": "true or false",
    "date_type": "a date", "date_parsing": "a date", "date_from_datetime_parsing": "a date",
}
_BOUNDS = {"greater_than_equal": (">=", "ge"), "less_than_equal": ("<=", "le"),
           "greater_than": (">", "gt"), "less_than": ("<", "lt")}


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The pydantic model that holds the last part of ``loc`` (None if not a model)."""
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            return None
        inner = _inner_model(info.annotation)
        if inner is None:
            return None
        model = inner
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found is not None:
                return found
    return None


def _message(err: dict, model: type[BaseModel], loc: tuple) -> str:
    """A pydantic error in the words of the file checker."""
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    holder = _model_at(model, loc[:-1]) if loc else None
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return f"unknown key; expected one of {sorted(holder.model_fields) if holder else []}"
    if kind == "literal_error":
        info = holder.model_fields.get(loc[-1]) if holder and isinstance(loc[-1], str) else None
        required = "required: " if info is not None and info.is_required() else ""
        return f"{required}one of {ctx.get('expected')}, not {value!r}"
    if kind in _BOUNDS:
        sign, name = _BOUNDS[kind]
        return f"out of range: {value} is not {sign} {ctx.get(name)}"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} item(s)"
    if kind == "string_too_short":
        return f"must be at least {ctx.get('min_length')} characters long"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind in _MUST_BE:
        return f"must be {_MUST_BE[kind]}, not {value!r}"
    return err["msg"]


def schema_problems(exc: Any, data: Any, file: str, model: type[BaseModel], where: str = "",
                    skip: tuple[tuple, ...] = ()) -> list[Problem]:
    """The errors of a pydantic ``ValidationError`` of ``model`` on ``data`` as problems, each at
    its line (:func:`~panmun.kb.yamlio.line_of`) and field (prefixed with ``where``); errors at
    a location in ``skip`` are left out."""
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if p != "[key]")   # a bad key: the key's own place
        if loc in skip:
            continue
        line, fld = line_of(data, loc)
        problems.append(Problem(file, line, _field(where, fld) if fld else (where or None),
                                _message(err, model, loc)))
    return problems
