"""Checks shared by every request body: text that the store can hold, and unknown fields refused.

JSON lets a client send what no database can store: a lone UTF-16 surrogate (``"\\ud800"``)
decodes to a Python string that cannot be encoded as UTF-8, and NUL or other control
characters end up in notes, labels and names. Every body model derives from :class:`Body`
(unknown fields are 422, every text field checked by :func:`text_problem`), and job
parameters, which arrive as a free-form object, are checked with the same function.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, field_validator

#: Control characters refused in text (tab, newline and carriage return are allowed).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Lone UTF-16 surrogates: valid in a JSON string escape, not in UTF-8.
SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """What is wrong with ``value`` as stored text, or None: not valid Unicode (a lone
    surrogate) or a control character (NUL and the other C0 characters but tab, LF, CR; DEL)."""
    if SURROGATE.search(value):
        return "text must be valid Unicode (a lone surrogate such as \\ud800 is not)"
    if CONTROL.search(value):
        return "control characters (such as NUL) are not accepted in text"
    return None


def clean_text(value: str | None) -> str | None:
    """``value`` if it is acceptable text (see :func:`text_problem`); ValueError otherwise."""
    if value is not None:
        problem = text_problem(value)
        if problem:
            raise ValueError(problem)
    return value


class Body(BaseModel):
    """A request body: unknown fields are errors; every text field is checked."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _text(cls, value):
        return clean_text(value) if isinstance(value, str) else value
