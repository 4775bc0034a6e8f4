"""`panmun actors bargain|roles` on a user's CSV; the CSV reader, marginal roles, coalitions, charts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from panmun.actors.inputs import ActorsFileError, read_actors_csv
from panmun.actors.roles import deciding_coalitions, marginal_roles

# Denuclearization scope, 0 = recognised nuclear state ... 100 = complete dismantlement.
CSV = """actor,position,salience,capability
ROK,70,0.9,100
DPRK,5,1.0,40
USA,90,0.8,100
CHN,30,0.6,80
JPN,95,0.7,60
RUS,25,0.4,50
UNSC,80,0.3,30
IAEA,100,0.5,10
"""
# weights c*s: 90, 40, 80, 48, 42, 20, 9, 5 (sum 334); sum w*x = 20850
MEAN = 20850 / 334
# sorted by position: DPRK 40, RUS 20, CHN 48 (cum 108), ROK 90 (cum 198 >= 167): median 70
MEDIAN = 70.0


@pytest.fixture
def run(cli):
    """``panmun actors ARGS`` through the real entry point (errors mapped to exit statuses)."""
    return lambda *args: cli("actors", *args)


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "denuclearization.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_compromise_is_the_weighted_mean(run, csv_file):
    result = run("bargain", "--input", str(csv_file), "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert {"model", "outcome", "rounds"} <= set(data)
    assert data["model"] == "compromise"
    assert data["outcome"] == pytest.approx(MEAN, abs=1e-12)
    assert data["rounds"] == [{"ROK": 70, "DPRK": 5, "USA": 90, "CHN": 30, "JPN": 95, "RUS": 25,
                               "UNSC": 80, "IAEA": 100}]


def test_median_is_the_weighted_median_and_nash_is_on_the_scale(run, csv_file):
    data = json.loads(run("bargain", "--input", str(csv_file), "--model", "median", "-f", "json").out)
    assert data["outcome"] == MEDIAN
    nash = json.loads(run("bargain", "--input", str(csv_file), "--model", "nash", "-f", "json").out)
    assert 5 < nash["outcome"] < 100 and len(nash["rounds"]) == 1


def test_expected_utility_has_rounds_plus_one_rows_and_perceived_offers(run, csv_file):
    result = run("bargain", "--input", str(csv_file), "--model", "expected-utility", "--rounds", "4",
                 "--offers", "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert len(data["rounds"]) == 5 and len(data["medians"]) == 5
    assert data["rounds"][0]["DPRK"] == 5
    assert data["outcome"] == pytest.approx(data["medians"][-1])
    offers = data["perceived_offers"]
    assert set(offers) == {"ROK", "DPRK", "USA", "CHN", "JPN", "RUS", "UNSC", "IAEA"}
    every = [o for rows in offers.values() for o in rows]
    assert every and all(o["kind"] in ("confrontation", "compromise", "capitulation") for o in every)
    assert all(1 <= o["round"] <= 4 and 0 <= o["position"] <= 100 for o in every)
    # a position that changed between rounds came from an accepted offer
    for actor, rows in offers.items():
        for t in range(1, 5):
            moved = data["rounds"][t][actor] != data["rounds"][t - 1][actor]
            taken = [o for o in rows if o["round"] == t and o["accepted"]]
            assert len(taken) <= 1
            if moved:
                assert taken and taken[0]["position"] == pytest.approx(data["rounds"][t][actor])


def test_table_and_csv_formats(run, csv_file):
    table = run("bargain", "--input", str(csv_file))
    assert table.code == 0 and "62.425" in table.out and "round 0" in table.out
    csv_out = run("bargain", "--input", str(csv_file), "--model", "expected-utility", "--rounds", "2",
                  "-f", "csv").out.strip().splitlines()
    assert csv_out[0] == "round,actor,position" and len(csv_out) == 1 + 3 * 8


def test_charts_are_png(run, csv_file, tmp_path):
    bargain_png, roles_png = tmp_path / "positions.png", tmp_path / "roles.png"
    assert run("bargain", "--input", str(csv_file), "--chart", str(bargain_png)).code == 0
    assert run("roles", "--input", str(csv_file), "--chart", str(roles_png)).code == 0
    assert bargain_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert roles_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compromise_roles_match_the_analytic_derivative(csv_file):
    frame = read_actors_csv(csv_file)
    roles = marginal_roles(frame, "compromise").set_index("actor")
    assert roles.attrs["outcome"] == pytest.approx(MEAN)
    # d x*/d x_i = w_i / W, linear, so a 10-point step gives exactly 10 w_i / W
    assert roles.loc["CHN", "toward"] == pytest.approx(10 * 48 / 334, abs=1e-12)   # 30 -> 40
    assert roles.loc["CHN", "away"] == pytest.approx(-10 * 48 / 334, abs=1e-12)    # 30 -> 20
    assert roles.loc["USA", "toward"] == pytest.approx(-10 * 80 / 334, abs=1e-12)  # 90 -> 80
    assert roles.loc["IAEA", "away"] == pytest.approx(0.0, abs=1e-12)               # at 100 already
    # weight step dw: exact change dw (x_i - x*) / (W + dw); derivative c_i (x_i - x*) / W times 0.1
    dw = 80 * 0.1
    assert roles.loc["CHN", "salience_up"] == pytest.approx(dw * (30 - MEAN) / (334 + dw), abs=1e-12)
    assert roles.loc["CHN", "salience_up"] == pytest.approx(80 * (30 - MEAN) / 334 * 0.1, rel=0.03)
    dw = 0.1 * 48
    assert roles.loc["CHN", "capability_up"] == pytest.approx(dw * (30 - MEAN) / (334 + dw), abs=1e-12)
    assert roles.loc["DPRK", "salience_up"] == 0.0  # salience already 1
    assert roles["weight_share"].sum() == pytest.approx(1.0)


def test_median_roles_only_the_pivot_moves_it(csv_file):
    roles = marginal_roles(read_actors_csv(csv_file), "median").set_index("actor")
    # ROK (70) is the pivot: moving it away (to 80) moves the median to 80; toward the outcome it is there
    assert roles.loc["ROK", "away"] == 10.0 and roles.loc["ROK", "toward"] == 0.0
    assert (roles.drop(index="ROK")[["toward", "away"]] == 0).all().all()


def test_deciding_coalitions_by_hand(csv_file):
    coalitions = deciding_coalitions(read_actors_csv(csv_file))
    # sorted weights 40 20 48 90 | 9 80 42 5, half 167: DPRK..ROK = 198, ROK..USA = 179
    assert [c for c in coalitions["actors"]] == [["DPRK", "RUS", "CHN", "ROK"], ["ROK", "UNSC", "USA"]]
    assert coalitions["weight_share"].tolist() == pytest.approx([198 / 334, 179 / 334])
    assert set(coalitions["pivot"]) == {"ROK"}


def test_roles_json_for_every_model(run, csv_file):
    for model in ("compromise", "median", "nash", "expected-utility"):
        result = run("roles", "--input", str(csv_file), "--model", model, "--rounds", "3", "-f", "json")
        assert result.code == 0, result.err
        data = json.loads(result.out)
        assert data["model"] == model and len(data["roles"]) == 8 and len(data["coalitions"]) == 2
        assert data["amounts"] == {"position_step": 10.0, "salience_step": 0.1, "capability_share": 0.1}
        assert all(np.isfinite(r["toward"]) for r in data["roles"])


BAD = {
    "missing column": ("actor,position,salience\nROK,70,0.9\n", 1, "capability"),
    "not a number": ("actor,position,salience,capability\nROK,70,0.9,100\nDPRK,five,1.0,40\n", 3, "position"),
    "salience > 1": ("actor,position,salience,capability\nROK,70,0.9,100\nDPRK,5,1.2,40\n", 3, "salience"),
    "negative capability": ("actor,position,salience,capability\nROK,70,0.9,-1\n", 2, "capability"),
    "position > 100": ("actor,position,salience,capability\nROK,120,0.9,100\n", 2, "position"),
    "duplicate actor": ("actor,position,salience,capability\nROK,70,0.9,100\nUSA,90,0.8,100\n"
                        "ROK,60,0.5,100\n", 4, "actor"),
    "empty actor": ("actor,position,salience,capability\n,70,0.9,100\n", 2, "actor"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_files_name_file_line_and_field(run, tmp_path, case):
    text, line, field = BAD[case]
    path = tmp_path / "actors.csv"
    path.write_text(text, encoding="utf-8")
    result = run("bargain", "--input", str(path))
    assert result.code == 2
    assert f"{path}:{line}: {field}:" in result.err
    with pytest.raises(ActorsFileError) as info:
        read_actors_csv(path)
    assert (info.value.problems[0].line, info.value.problems[0].field) == (line, field)


def test_empty_and_non_utf8_files(run, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    result = run("bargain", "--input", str(empty))
    assert result.code == 2 and str(empty) in result.err and "empty file" in result.err
    header_only = tmp_path / "header.csv"
    header_only.write_text("actor,position,salience,capability\n", encoding="utf-8")
    assert "no actors" in run("bargain", "--input", str(header_only)).err
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("actor,position,salience,capability\nCôte,50,0.5,1\n".encode("latin-1"))
    result = run("bargain", "--input", str(latin))
    assert result.code == 2 and str(latin) in result.err and "UTF-8" in result.err


def test_all_problems_are_listed_and_bom_is_accepted(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("actor,position,salience,capability\nA,-5,0.5,1\nB,50,2,-3\n", encoding="utf-8")
    with pytest.raises(ActorsFileError) as info:
        read_actors_csv(path)
    assert [(p.line, p.field) for p in info.value.problems] == [(2, "position"), (3, "salience"),
                                                                 (3, "capability")]
    bom = tmp_path / "bom.csv"
    bom.write_bytes(("\ufeff" + CSV).encode("utf-8"))
    assert read_actors_csv(bom)["actor"].tolist()[:2] == ["ROK", "DPRK"]


def test_bad_options(run, csv_file):
    assert run("bargain", "--input", str(csv_file), "--model", "voting").code == 2
    assert run("bargain", "--input", str(csv_file), "--rounds", "0").code == 2
    assert run("bargain").code == 2  # neither --input nor --issue
    assert run("roles", "--input", str(csv_file), "--issue", "denuclearization").code == 2


@pytest.mark.slow
def test_linkage_with_both_exchange_models(cli):
    import json

    for model in ("panmun", "decide"):
        result = cli("actors", "linkage", "--at", "2025-12-31", "--model", model, "--format", "json")
        assert result.code == 0, result.err
        data = json.loads(result.out)
        assert data["model"] == model and data["linkage"] and data["exchanges"]
        assert sum(row["exchanges"] for row in data["linkage"]) == len(data["exchanges"])
    result = cli("actors", "linkage", "--model", "stokman")
    assert result.code == 2 and "choose panmun or decide" in result.err
