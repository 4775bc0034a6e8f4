"""Values as JSON sees them: dates as ISO text, missing values as null, numpy scalars as numbers.

Shared by the command line and the web API. Neither numpy nor pandas is imported here:
a value can only be one of their types if its library is already loaded, so the light
commands (which never load them) stay light.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from typing import Any


def jsonable(value: Any) -> Any:
    """A value that ``json.dumps`` accepts: dates as ISO text, NaN and NA as null."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    pd = sys.modules.get("pandas")
    if pd is not None:
        if value is pd.NA or value is pd.NaT:
            return None
        if isinstance(value, pd.Timestamp):
            return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(value, np.ndarray):
            return [jsonable(v) for v in value.tolist()]
        if isinstance(value, np.generic):
            return jsonable(value.item())
    return value


def records(frame: Any) -> list[dict]:
    """The rows of a DataFrame (or an iterable of mappings) as JSON-ready dicts."""
    if hasattr(frame, "to_dict"):
        frame = frame.to_dict(orient="records")
    return [jsonable(dict(row)) for row in frame]
