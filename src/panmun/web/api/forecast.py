"""``GET /api/forecast`` and ``/api/forecast/track``: next month's escalation forecast and the
forecasts' track record (as ``panmun forecast``; :mod:`panmun.environment.forecast`).

The forecast is cached per target and per fingerprint of the events table, the track record
per state of the store (:mod:`panmun.web.api.caching`).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from panmun.environment.forecast.targets import TARGETS
from panmun.jsonify import jsonable, records
from panmun.store.db import Store
from panmun.web.api.caching import cached, per_state
from panmun.web.api.common import ERRORS
from panmun.web.deps import store

FORECAST_TARGETS = tuple(TARGETS)

router = APIRouter(responses=ERRORS)

@router.get("/forecast", summary="Probability of a DPRK missile launch or provocation next month, per model",
            response_model=list[dict[str, Any]], tags=["forecast"])
def forecast(request: Request,
             target: Literal[FORECAST_TARGETS] | None = Query(  # type: ignore[valid-type]
                 None, description="One target; default both"),
             db: Store = Depends(store)) -> list[dict]:
    """One record per target (as `panmun forecast next --format json`): the month forecast,
    each model's probability with its 90 % interval, the logistic model's contributions."""
    from panmun.environment.forecast import next_month

    fingerprint = tuple(db.query("SELECT count(*) AS n, coalesce(bit_xor(hash(id, date, type, actor1, "
                                 "actor2)), 0) AS h FROM events").iloc[0].tolist())
    out = []
    for name in [target] if target else FORECAST_TARGETS:
        def compute(name: str = name) -> Any:   # a def: mypy cannot type a lambda with a default
            return jsonable(next_month(db, name).as_dict())

        out.append(cached(request, ("forecast", name, *fingerprint), compute))
    return out


@router.get("/forecast/track", summary="The forecasts' track record: the last 24 months' forecasts of the "
            "chosen model and of the best baseline against what happened", tags=["forecast"])
def forecast_track(request: Request, db: Store = Depends(store)) -> dict:
    """As the briefing's track record (`panmun forecast backtest --target missile-launch`):
    each month's probability of a launch from the chosen model and from the best baseline,
    the outcome, and the running Brier score of each (lower is better)."""
    from panmun.environment.forecast import ForecastSettings, forecast_data, run_backtest
    from panmun.environment.forecast.backtest import DEFAULT_START

    def compute() -> dict:
        result = run_backtest(forecast_data(db, "missile-launch"), DEFAULT_START, None, ForecastSettings())
        track = result.track
        last = track.iloc[-1] if len(track) else None
        return jsonable({
            "target": "missile-launch", "chosen": result.chosen,
            "best_baseline": None if last is None else str(last["best_baseline"]),   # best over these months
            "months": records(track),
            "brier_chosen": None if last is None else float(last["running_brier_chosen"]),
            "brier_baseline": None if last is None else float(last["running_brier_baseline"])})

    return per_state(request, db, ("forecast-track",), compute)
