"""The escalation-forecast backtest: every number in docs/forecast.md.

Runs the rolling-origin backtest on the shipped CNS copy and the built-in knowledge base
(in a fresh temporary store, so a user's ingested data does not change the numbers) under
the frozen configuration (src/panmun/environment/forecast/config/frozen.yaml) and prints,
for each period of the protocol (selection 1995-2015, check 2016-2021, after 2022):

- every model's Brier score, log loss, Brier decomposition and skill against the best
  baseline (with its 90% block-bootstrap interval and the Diebold-Mariano statistic);
- the launch-day forecasts' CRPS, log score and 90% coverage against the count baselines;
- the 3- and 6-month probabilities' Brier scores;

then the provocation target, the nuclear-test-within-12-months target with its reliability,
the reliability tables of the chosen model and the best baseline, the coming month's
forecast, the track record of the last 24 months, and the run times.

    python benchmarks/forecast_backtest.py            # everything (a few minutes)
    python benchmarks/forecast_backtest.py --quick    # missile-launch periods and next month (CI)
    python benchmarks/forecast_backtest.py --select   # also rerun the 1995-2015 selection and
                                                      # compare it with the frozen choices
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import panmun
from panmun.environment.forecast import forecast_data, predict_next, run_backtest
from panmun.environment.forecast.frozen import frozen_config, periods
from panmun.environment.forecast.metrics import brier_score
from panmun.environment.forecast.nuclear import run_nuclear_backtest

UNTIL = dt.date(2026, 11, 29)   # fixed so that reruns give the same numbers
PERIODS = {name: span for name, span in periods().items()}


def plain(value):
    """Tuples as lists, as the YAML file holds them."""
    return list(value) if isinstance(value, tuple) else value


def fmt(frame: pd.DataFrame) -> str:
    return frame.to_string(index=False, float_format=lambda v: f"{v:.3f}")


def binary_table(result) -> str:
    s = result.scores.copy()
    s["bss_best_90"] = [f"[{lo:+.2f}, {hi:+.2f}]" for lo, hi in
                        zip(s["bss_best_baseline_lo"], s["bss_best_baseline_hi"], strict=True)]
    s["dm_p"] = s["dm_p"].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    cols = ["model", "brier", "log_loss", "auc_pr", "reliability", "resolution", "uncertainty",
            "bss_best_baseline", "bss_best_90", "dm_best_baseline", "dm_p"]
    return fmt(s[cols])


def count_table(result) -> str:
    s = result.count_scores.copy()
    s["crpss_90"] = [f"[{lo:+.2f}, {hi:+.2f}]" for lo, hi in
                     zip(s["crpss_best_baseline_lo"], s["crpss_best_baseline_hi"], strict=True)]
    cols = ["model", "crps", "log_score", "mean_forecast", "mean_observed", "coverage90",
            "crpss_best_baseline", "crpss_90", "dm_best_baseline", "dm_p"]
    return fmt(s[cols])


def horizon_table(result) -> str:
    h = result.horizon_scores
    if h.empty:
        return "(no origin with all of its months known)"
    cols = ["horizon", "model", "months", "positive", "brier", "best_baseline", "bss_best_baseline",
            "dm_best_baseline", "dm_p"]
    return fmt(h[cols])


def period_runs(data, label: str, counts: bool = True) -> dict:
    results = {}
    for name, (lo, hi) in PERIODS.items():
        t0 = time.perf_counter()
        r = run_backtest(data, lo, hi)
        results[name] = r
        print(f"\n-- {label}, {name} period {r.start}..{r.end}: {r.n_months} months, {r.n_positive} with "
              f"the event ({time.perf_counter() - t0:.1f} s)")
        scores = r.scores.set_index("model")
        chosen, best = scores.loc[r.chosen], scores.loc[r.best_baseline]
        verdict = "below" if chosen["brier"] < best["brier"] else "NOT below"
        print(f"chosen model {r.chosen}: Brier {chosen['brier']:.4f}, {verdict} the best baseline "
              f"{r.best_baseline} ({best['brier']:.4f}; difference {chosen['brier'] - best['brier']:+.4f}, "
              f"DM {chosen['dm_best_baseline']:+.2f}, p {chosen['dm_p']:.2f})")
        print(binary_table(r))
        if counts:
            cs = r.count_scores.set_index("model")
            print(f"launch days: chosen {r.chosen_count} CRPS {cs.loc[r.chosen_count, 'crps']:.4f} against "
                  f"{r.count_best_baseline} {cs.loc[r.count_best_baseline, 'crps']:.4f}")
            print(count_table(r))
            print("within 3 and 6 months:")
            print(horizon_table(r))
    return results


def main(quick: bool = False, select: bool = False) -> None:
    pd.set_option("display.width", 220)
    config = frozen_config()
    print(f"frozen configuration: version {config['version']}, frozen {config['frozen']}; chosen "
          f"{config['settings']['chosen']} (binary), {config['settings']['chosen_count']} (launch days); "
          f"periods {PERIODS}")
    with tempfile.TemporaryDirectory() as tmp:
        store = panmun.open_store(Path(tmp) / "bench.duckdb")
        events = store.query("SELECT count(*) AS n FROM events")["n"].iloc[0]
        t0 = time.perf_counter()
        data = forecast_data(store, "missile-launch", until=UNTIL)
        frame = data.series.frame
        print(f"\n== missile-launch: data {frame['month'].iloc[0]}..{frame['month'].iloc[-1]} "
              f"({time.perf_counter() - t0:.2f} s); store events {events}; kb check {data.series.kb_check}")
        print(fmt(data.series.coverage))
        results = period_runs(data, "missile-launch")
        t0 = time.perf_counter()
        nxt = predict_next(data)
        print(f"\n-- the coming month ({time.perf_counter() - t0:.1f} s): {nxt.month}, data through "
              f"{nxt.data_through}")
        print(pd.Series(nxt.headline()).to_string())
        print(fmt(nxt.probabilities))
        print(fmt(nxt.launch_days))
        print(fmt(nxt.weights))
        print(fmt(nxt.contributions.head(5)))
        if quick:
            return
        whole = run_backtest(data, PERIODS["selection"][0])
        track = whole.track
        print(f"\n-- track record, last {len(track)} months (chosen {whole.chosen}, best baseline of "
              f"these months {track['best_baseline'].iloc[0]})")
        print(fmt(track))
        check = results["check"]
        for model in (check.chosen, check.best_baseline):
            rel = check.reliability[check.reliability["model"] == model]
            print(f"\n-- reliability, check period, {model}")
            print(fmt(rel[rel["n"] > 0][["lo", "hi", "n", "events", "mean_forecast", "observed",
                                         "observed_lo", "observed_hi"]]))
        print("\n-- by record, 1995..end")
        print(fmt(whole.segments[whole.segments["model"].isin([whole.chosen, "ewma", "moving-average",
                                                               "markov", "climatology"])]))
        prov = forecast_data(store, "provocation", until=UNTIL)
        print("\n== provocation")
        period_runs(prov, "provocation", counts=False)
        print("\n== nuclear-test-12m (a test within the next 12 months)")
        nuc = run_nuclear_backtest(data, store, UNTIL, PERIODS["selection"][0])
        print(f"{nuc.start}..{nuc.end}: {nuc.n_months} origins, {nuc.n_positive} with a test within "
              "12 months")
        print(binary_table(nuc))
        for model in ("climatology", "climatology-all"):
            rel = nuc.reliability[(nuc.reliability["model"] == model) & (nuc.reliability["n"] > 0)]
            print(f"reliability, {model}")
            print(fmt(rel[["lo", "hi", "n", "events", "mean_forecast", "observed", "observed_lo",
                           "observed_hi"]]))
        for name, (lo, hi) in PERIODS.items():
            f = nuc.forecasts[(nuc.forecasts["month"] >= lo) & (nuc.forecasts["month"] <= (hi or "9999"))]
            if len(f):
                print(f"{name}: {len(f)} origins, {int(f['y'].sum())} positive; Brier climatology "
                      f"{brier_score(f['climatology'], f['y']):.3f}, climatology-all "
                      f"{brier_score(f['climatology-all'], f['y']):.3f}")
        print("\n== the selection on 1995-2015 that froze the configuration (config/frozen.yaml)")
        trials = pd.DataFrame(config["selection"])
        print(trials.to_string(index=False))
        if select:
            from panmun.environment.forecast.protocol import select as run_selection

            t0 = time.perf_counter()
            chosen = run_selection(store).settings
            frozen = config["settings"]
            keys = ("window", "logistic_features", "c", "hmm_states", "stack_components", "chosen",
                    "chosen_count")
            same = all(plain(getattr(chosen, k)) == frozen[k] for k in keys)
            print(f"\n== selection rerun on 1995-2015 ({time.perf_counter() - t0:.0f} s): "
                  f"{'the frozen choices' if same else 'DIFFERENT choices from the frozen ones'}: "
                  + ", ".join(f"{k}={getattr(chosen, k)}" for k in keys))


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:], select="--select" in sys.argv[1:])
