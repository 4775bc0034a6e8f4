"""Scenario files: the built-in ones run; bad files name the file, line and field."""

from __future__ import annotations

import json

import numpy as np
import pytest

from panmun.vectors.parameters import STOCKS
from panmun.vectors.runs import deterministic
from panmun.vectors.scenarios import BUILTIN, ScenarioError, builtin_path, load_scenario, read_scenario


def _write(tmp_path, text: str):
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _baseline_text() -> str:
    return builtin_path("baseline").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_scenarios_load_and_stay_in_bounds(name):
    sc = load_scenario(name)
    assert sc.name == name
    frame = deterministic(sc, 360)
    assert len(frame) == 361 and list(frame.columns[2:]) == list(STOCKS)
    values = frame[list(STOCKS)].to_numpy()
    assert np.all((values >= 0) & (values <= 1))


def test_changes_and_interventions_become_driver_rows_and_set_values():
    sc = load_scenario("end-of-war-declaration")
    setup = sc.setup(36)
    summits = setup.drivers[:, 4]
    # 2027-06 is month 6 after the 2026-12 start, then every 12 months
    assert list(np.flatnonzero(summits)) == [6, 18, 30]
    assert setup.drivers[5, 6] == pytest.approx(0.067) and setup.drivers[6, 6] == pytest.approx(0.3)
    frame = deterministic(sc, 36)
    assert frame.loc[6, "peace_regime"] == pytest.approx(0.2)     # the intervention's value at its month
    assert sc.month_label(6) == "2027-06"


def test_a_one_month_change_lasts_one_month():
    setup = load_scenario("baseline").setup(48)
    leadership = setup.drivers[:, 3]
    assert list(np.flatnonzero(leadership)) == [25]                 # 2029-01 only


@pytest.mark.parametrize("old, new, marker, field, words", [
    ("  rivalry: 0.8", "  rivalry: 0.8\n  oil_price: 0.3", "oil_price", "drivers.oil_price",
     "unknown driver"),
    ("  sanctions: 0.9", "  sanctions: 1.4", "sanctions: 1.4", "drivers.sanctions", "out of range"),
    ("to: 2029-01, driver: leadership", "to: 2028-12, driver: leadership", "to: 2028-12", "changes[0].to",
     "dates out of order"),
    ("leadership_change, value: 1.0}", "leadership_change, value: 1.0}\n"
     "  - {from: 2027-03, driver: rivalry, value: 0.5}", "from: 2027-03", "changes[1].from",
     "dates out of order"),
    ("driver: leadership_change", "driver: fog", "driver: fog", "changes[0].driver", "unknown driver"),
    ("start: 2026-12", "start: 2026-13", "start: 2026-13", "start", "not a month"),
])
def test_bad_scenario_files_name_the_file_line_and_field(tmp_path, old, new, marker, field, words):
    text = _baseline_text()
    assert old in text
    edited = text.replace(old, new, 1)
    line = next(i for i, row in enumerate(edited.splitlines(), 1) if marker in row)
    path = _write(tmp_path, edited)
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    problems = info.value.problems
    assert [(p.file, p.line, p.field) for p in problems if words in p.message] == [(str(path), line, field)]


def test_bad_parameter_and_unknown_key(tmp_path):
    text = _baseline_text() + "parameters:\n  g_summits: 9.0\n  not_a_parameter: 1\nweather: sunny\n"
    with pytest.raises(ScenarioError) as info:
        read_scenario(_write(tmp_path, text))
    fields = {p.field: p for p in info.value.problems}
    assert "out of range" in fields["parameters.g_summits"].message
    assert "unknown parameter" in fields["parameters.not_a_parameter"].message
    assert fields["weather"].line == text.count("\n")


def test_cli_simulate_deterministic_csv_has_one_row_per_month_and_the_stock_columns(cli):
    result = cli("vectors", "simulate", "baseline", "--deterministic", "--horizon", "24", "--format", "csv")
    assert result.code == 0, result.err
    lines = result.out.strip().splitlines()
    assert lines[0] == "month,date," + ",".join(STOCKS)
    assert len(lines) == 1 + 25 and lines[1].startswith("0,2026-12,")


def test_cli_simulate_ensemble_json_keys_and_reproducibility(cli):
    args = ("vectors", "simulate", "cma-restored", "--runs", "300", "--horizon", "24", "--seed", "7",
            "--format", "json")
    first, again = cli(*args), cli(*args)
    assert first.code == 0, first.err
    data = json.loads(first.out)
    assert {"scenario", "runs", "months", "quantiles"} <= set(data)
    assert data["runs"] == 300 and data["months"] == 25
    assert len(data["quantiles"]["arms_control"]["q50"]) == 25
    assert json.loads(again.out) == data


def test_cli_bad_scenario_file_exits_2_with_the_place(cli, tmp_path):
    text = _baseline_text().replace("  sanctions: 0.9", "  sanctions: -1", 1)
    line = text.splitlines().index("  sanctions: -1") + 1
    path = _write(tmp_path, text)
    result = cli("vectors", "simulate", str(path), "--deterministic")
    assert result.code == 2
    assert f"{path}:{line}: drivers.sanctions: out of range" in result.err


def test_paired_differences_are_zero_against_itself_and_isolate_an_intervention():
    from panmun.vectors.runs import compare

    base, cma = load_scenario("baseline"), load_scenario("cma-restored")
    frame = compare([base, cma], runs=400, horizon=24, seed=3, checkpoints=(1, 12)).set_index(
        ["stock", "month", "scenario"])
    same = frame.xs("baseline", level="scenario")
    assert (same[["diff_q05", "diff_q50", "diff_q95", "p_higher"]] == 0).all().all()
    # month 1 (2027-01): arms control is set to 0.576 in every run, from the baseline's ~0.06
    a1 = frame.loc[("arms_control", 1, "cma-restored")]
    base_a1 = frame.loc[("arms_control", 1, "baseline")]
    assert a1["q50"] == pytest.approx(0.576, abs=1e-3)
    assert a1["diff_q50"] == pytest.approx(0.576 - base_a1["q50"], abs=2e-3) and a1["p_higher"] == 1.0
    assert a1["p_reached_0.5"] == 1.0 and base_a1["p_reached_0.5"] == 0.0


def test_cli_thresholds_and_bad_values(cli):
    result = cli("vectors", "simulate", "cma-restored", "--runs", "200", "--horizon", "12",
                 "--threshold", "0.3", "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["thresholds"] == [0.3] and data["reached"]["arms_control"]["0.3"][1] == 1.0
    bad = cli("vectors", "simulate", "baseline", "--runs", "10", "--threshold", "1.5")
    assert bad.code == 2 and "--threshold" in bad.err
    assert cli("vectors", "simulate", "baseline", "--runs", "0").code == 2
    assert cli("vectors", "simulate", "no-such-scenario").code == 4


def test_cli_compare_and_its_chart(cli, tmp_path):
    chart = tmp_path / "compare.png"
    result = cli("vectors", "compare", "baseline", "end-of-war-declaration", "--runs", "200", "--horizon",
                 "24", "--chart", str(chart), "--format", "csv")
    assert result.code == 0, result.err
    header = result.out.splitlines()[0].split(",")
    wanted = {"stock", "month", "scenario", "q50", "diff_q05", "diff_q50", "diff_q95", "p_higher"}
    assert wanted <= set(header)
    assert chart.stat().st_size > 10_000 and chart.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_cli_export_interactions_and_sensitivity(cli, tmp_path):
    xmile = tmp_path / "model.xmile"
    assert cli("vectors", "export", "--xmile", str(xmile), "--scenario", "cma-restored",
               "--horizon", "24").code == 0
    text = xmile.read_text(encoding="utf-8")
    assert all(f'<stock name="{s}">' in text for s in STOCKS) and "<stop>24</stop>" in text

    heat = tmp_path / "w.png"
    result = cli("vectors", "interactions", "--quick", "--chart", str(heat), "--format", "csv",
                 "--table", "matrix")
    assert result.code == 0, result.err
    rows = result.out.strip().splitlines()
    assert rows[0].startswith("parameter,pull,default,estimate,low90,high90") and len(rows) == 7
    assert heat.read_bytes()[:4] == b"\x89PNG"

    result = cli("vectors", "sensitivity", "--method", "morris", "--samples", "4", "--format", "json")
    assert result.code == 0, result.err
    indices = json.loads(result.out)
    assert {r["output"] for r in indices} == {"denuclearization@120", "peace_regime@120"}
    assert any(r["parameter"] == "driver:summits" for r in indices)
    assert cli("vectors", "sensitivity", "--method", "sobol", "--samples", "100").code == 2   # not 2^k
