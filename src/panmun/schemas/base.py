"""The base of every output model: refuses unknown keys, takes field descriptions from docstrings."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from panmun.months import MONTH


class Row(BaseModel):
    """A record of a command's output. A key the model does not name is an error, so the
    published schema lists every key a document can hold."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class Interval(Row):
    """A median (or point estimate) with a 90 % interval."""

    median: float | None
    """Median over the draws (or runs)."""
    low: float | None
    """5 % quantile."""
    high: float | None
    """95 % quantile."""


class SourceRef(Row):
    """Where a fact comes from."""

    url: str
    """Address of the source."""
    date: dt.date | None = None
    """Publication date of the source, when known."""
    title: str | None = None
    """Title of the source, when recorded."""


Month = Annotated[str, Field(pattern=MONTH.pattern, description="A month, YYYY-MM.")]
Probability = Annotated[float, Field(ge=0, le=1)]
