"""The escalation-forecast backtest: skill of every model, timing, and an ablation.

Runs the rolling-origin backtest of both targets on the shipped CNS copy and the
built-in knowledge base (in a fresh temporary store, so a user's ingested data does not
change the numbers) and prints, per model, Brier score, log loss, AUC-PR and the Brier
skill against climatology and persistence with 90% block-bootstrap intervals. Then:

- the same on the CNS months only (2010-01 to 2021-10), where the outcome is complete;
- the logistic model with other feature sets (history only, + seasonality, + calendar and
  context, all) and with an expanding training window, to show what each part adds.

The numbers in docs/forecast.md come from this script.

    python benchmarks/forecast_backtest.py [--quick]
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import panmun
from panmun.environment.forecast import ForecastSettings, forecast_data, run_backtest
from panmun.environment.forecast.features import CONTEXT_FEATURES, HISTORY_FEATURES, SEASON_FEATURES

UNTIL = dt.date(2026, 11, 29)   # fixed so that reruns give the same numbers
ABLATION = {
    "history": HISTORY_FEATURES,
    "history+season": HISTORY_FEATURES + SEASON_FEATURES,
    "history+context": HISTORY_FEATURES + CONTEXT_FEATURES,
    "history+context+season": HISTORY_FEATURES + CONTEXT_FEATURES + SEASON_FEATURES,
}
COLUMNS = ["model", "brier", "log_loss", "auc_pr", "bss_climatology", "bss_climatology_lo",
           "bss_climatology_hi", "bss_persistence", "bss_persistence_lo", "bss_persistence_hi"]


def table(scores: pd.DataFrame) -> str:
    shown = scores[COLUMNS].copy()
    for ref in ("climatology", "persistence"):
        shown[f"bss_{ref}"] = [f"{v:+.3f} [{lo:+.2f}, {hi:+.2f}]" for v, lo, hi in
                               zip(shown[f"bss_{ref}"], shown[f"bss_{ref}_lo"], shown[f"bss_{ref}_hi"],
                                   strict=True)]
    shown = shown.drop(columns=[c for c in shown.columns if c.endswith(("_lo", "_hi"))])
    return shown.to_string(index=False, float_format=lambda v: f"{v:.3f}")


def main(quick: bool = False) -> None:
    pd.set_option("display.width", 200)
    with tempfile.TemporaryDirectory() as tmp:
        store = panmun.open_store(Path(tmp) / "bench.duckdb")
        for target in ("missile-launch", "provocation"):
            t0 = time.perf_counter()
            data = forecast_data(store, target, until=UNTIL)
            t1 = time.perf_counter()
            result = run_backtest(data, "2010-01")
            t2 = time.perf_counter()
            print(f"\n== {target}: {result.start}..{result.end}, {result.n_months} months, "
                  f"{result.n_positive} with the event (data {t1 - t0:.2f} s, backtest {t2 - t1:.2f} s)")
            print(table(result.scores))
            print("by record:")
            segments = result.segments[["coverage", "model", "months", "positive_months", "brier",
                                        "bss_climatology"]]
            print(segments.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
            cns = run_backtest(data, "2010-01", "2021-10")
            print(f"-- CNS months only, {cns.start}..{cns.end} ({cns.n_months} months, "
                  f"{cns.n_positive} with the event)")
            print(table(cns.scores))
            if quick:
                continue
            for label, end in (("all months", None), ("CNS months", "2021-10")):
                for window in (120, None):
                    r = run_backtest(data, "2010-01", end, ForecastSettings(window=window), logistic=ABLATION)
                    ablation = r.scores[r.scores["model"].isin([*ABLATION, "climatology", "markov"])]
                    print(f"-- ablation, {label}, window {window or 'expanding'}")
                    ablation = ablation[["model", "brier", "log_loss", "auc_pr", "bss_climatology",
                                         "bss_persistence"]]
                    print(ablation.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        print(f"\nkb check: {result.kb_check}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
