"""The protocol that froze the forecast configuration.

1. **Selection** (1995-01 to 2015-12). The data are cut at the end of 2015 (``until`` =
   2015-12-31), so nothing after it can reach a choice. For each training window
   (120 months, or every earlier month) the rolling-origin backtest of the selection
   period chooses, in this order, each by the lowest Brier score (CRPS for counts) over the
   selection months, ties to the simpler candidate (listed first):

   a. the ``logistic`` model's feature set and penalty C;
   b. the regime model's number of states;
   c. the combination's components;
   d. the chosen binary model among ``dynamic``, ``regime``, ``logistic`` and ``stack``
      (a baseline is never "chosen": it is what the chosen model is compared with), and
      the chosen count model among ``dynamic``, ``regime`` and ``stack``.

   The window whose chosen model scores lower is kept.
2. **Check** (2016-01 to 2021-12): the frozen configuration is run once and reported,
   whatever it shows; nothing is changed after it.
3. **After** (2022-01 onwards): reported the same way, on the store's record (or a newer
   launch file given with ``--data``).

The choices are written to ``config/frozen.yaml`` with the date they were frozen
(:func:`frozen_yaml`); ``benchmarks/forecast_backtest.py --select`` reruns the selection
and says whether it still gives the frozen choices.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from panmun.environment.forecast.backtest import forecast_data, run_backtest
from panmun.environment.forecast.frozen import frozen_config
from panmun.environment.forecast.models import ForecastSettings
from panmun.store.db import Store

SELECTION_UNTIL = dt.date(2015, 12, 31)
WINDOWS: tuple[int | None, ...] = (120, None)
LOGISTIC_CANDIDATES: tuple[tuple[str, float], ...] = (
    ("history", 1.0), ("history", 0.1), ("history+recency", 1.0), ("history+recency", 0.1),
    ("history+recency+drivers", 1.0), ("history+recency+drivers", 0.1))
HMM_STATES: tuple[int, ...] = (2, 3)
STACK_CANDIDATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # name: (binary components, count components)
    "models": (("dynamic", "regime", "logistic"), ("dynamic", "regime")),
    "models+baselines": (("dynamic", "regime", "logistic", "ewma", "markov"),
                         ("dynamic", "regime", "ewma", "moving-average", "climatology")),
}
CHOICE_MODELS: tuple[str, ...] = ("dynamic", "regime", "logistic", "stack")
COUNT_CHOICE_MODELS: tuple[str, ...] = ("dynamic", "regime", "stack")


@dataclass(frozen=True)
class Selection:
    """The outcome of the selection: the settings chosen, and every score that decided."""

    settings: ForecastSettings
    trials: pd.DataFrame     # step, window, candidate, model, score, value


def _scores(result, models: tuple[str, ...]) -> dict[str, float]:
    scores = result.scores.set_index("model")["brier"]
    return {m: float(scores[m]) for m in models}


def _count_scores(result, models: tuple[str, ...]) -> dict[str, float]:
    scores = result.count_scores.set_index("model")["crps"]
    return {m: float(scores[m]) for m in models}


def select(store: Store, data: Path | str | None = None, data_format: str = "cns-missiles",
           start: str = "1995-01", end: str = "2015-12") -> Selection:
    """Run the selection of the module docstring on ``start``..``end`` with data cut at the
    end of ``end``'s year."""
    until = dt.date(int(end[:4]), 12, 31)
    data_ = forecast_data(store, "missile-launch", data, data_format, until=until)
    trials: list[dict] = []
    best: tuple[float, ForecastSettings] | None = None

    def run(settings: ForecastSettings, step: str, candidate: str, models: tuple[str, ...],
            count_models: tuple[str, ...] = ()):
        result = run_backtest(data_, start, end, settings)
        for m, v in _scores(result, models).items():
            trials.append({"step": step, "window": settings.window or 0, "candidate": candidate,
                           "model": m, "score": "brier", "value": v})
        for m, v in _count_scores(result, count_models).items():
            trials.append({"step": step, "window": settings.window or 0, "candidate": candidate,
                           "model": m, "score": "crps", "value": v})
        return result

    for window in WINDOWS:
        settings = dataclasses.replace(ForecastSettings(), window=window)
        logistic = {}
        for features, c in LOGISTIC_CANDIDATES:
            r = run(dataclasses.replace(settings, logistic_features=features, c=c), "a-logistic",
                    f"{features} C={c:g}", ("logistic",))
            logistic[(features, c)] = _scores(r, ("logistic",))["logistic"]
        features, c = min(LOGISTIC_CANDIDATES, key=lambda k: logistic[k])
        settings = dataclasses.replace(settings, logistic_features=features, c=c)
        states = {}
        for k in HMM_STATES:
            r = run(dataclasses.replace(settings, hmm_states=k), "b-regime", f"{k} states", ("regime",),
                    ("regime",))
            states[k] = _scores(r, ("regime",))["regime"]
        settings = dataclasses.replace(settings, hmm_states=min(HMM_STATES, key=lambda k: states[k]))
        stacks, results = {}, {}
        for name, (binary, counts) in STACK_CANDIDATES.items():
            candidate = dataclasses.replace(settings, stack_components=binary, count_stack_components=counts)
            results[name] = run(candidate, "c-stack", name, CHOICE_MODELS, COUNT_CHOICE_MODELS)
            stacks[name] = _scores(results[name], ("stack",))["stack"]
        name = min(STACK_CANDIDATES, key=lambda k: stacks[k])
        binary, counts = STACK_CANDIDATES[name]
        final = results[name]
        scores = _scores(final, CHOICE_MODELS)
        count_scores = _count_scores(final, COUNT_CHOICE_MODELS)
        chosen = min(CHOICE_MODELS, key=lambda m: scores[m])
        chosen_count = min(COUNT_CHOICE_MODELS, key=lambda m: count_scores[m])
        settings = dataclasses.replace(settings, stack_components=binary, count_stack_components=counts,
                                       chosen=chosen, chosen_count=chosen_count)
        for m, v in scores.items():
            trials.append({"step": "d-chosen", "window": window or 0, "candidate": name, "model": m,
                           "score": "brier", "value": v})
        if best is None or scores[chosen] < best[0]:
            best = (scores[chosen], settings)
    assert best is not None     # WINDOWS is not empty
    return Selection(best[1], pd.DataFrame(trials))


def frozen_yaml(selection: Selection, frozen: dt.date, cns_file: str, version: int) -> str:
    """The text of ``config/frozen.yaml`` for a selection."""
    s = selection.settings
    keys = ("c", "persistence_eps", "window", "logistic_features", "ma_windows", "ewma_decays",
            "dynamic_q", "hmm_states", "refit", "stack_components", "count_stack_components",
            "stack_window", "horizons", "chosen", "chosen_count")
    settings = {k: list(getattr(s, k)) if isinstance(getattr(s, k), tuple) else getattr(s, k) for k in keys}
    trials = selection.trials.round({"value": 5}).to_dict(orient="records")
    document = {
        "version": version,
        "frozen": frozen,
        "periods": frozen_config()["periods"],
        "selection_data": {"until": SELECTION_UNTIL, "target": "missile-launch", "cns_file": cns_file},
        "settings": settings,
        "selection": trials,
    }
    header = ("# The frozen forecast configuration (docs/forecast.md, \"Protocol\"). Chosen on the\n"
              "# rolling-origin backtest of 1995-01..2015-12 with data cut at 2015-12-31, by\n"
              "# panmun.environment.forecast.protocol.select; checked once on 2016-01..2021-12.\n"
              "# Do not edit by hand: a new selection is a new version with a new date.\n")
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110,
                                   default_flow_style=None)
