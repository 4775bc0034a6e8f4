"""The frozen forecast configuration: model and hyper-parameter choices made once on the
rolling-origin backtest of 1995–2015, checked once on 2016–2021, and kept in a versioned
file (``config/frozen.yaml``) with the date it was frozen.

The file holds the settings every forecast uses by default (:class:`.models.ForecastSettings`
reads them), the chosen binary and count models, the three evaluation periods, and the
scores on the selection period that decided each choice (see docs/forecast.md, "Protocol").
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

FILE = "frozen.yaml"


@cache
def frozen_config() -> dict[str, Any]:
    """The parsed frozen configuration (read once)."""
    text = resources.files("panmun.environment.forecast").joinpath("config", FILE).read_text("utf-8")
    return yaml.safe_load(text)


def frozen_settings() -> dict[str, Any]:
    """The ``settings`` mapping of the frozen configuration (lists as tuples)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in frozen_config()["settings"].items()}


def periods() -> dict[str, tuple[str, str | None]]:
    """The evaluation periods by name: ``selection``, ``check`` and ``after`` (first and last
    month; ``after`` runs to the last month with data)."""
    return {name: (span[0], span[1]) for name, span in frozen_config()["periods"].items()}
