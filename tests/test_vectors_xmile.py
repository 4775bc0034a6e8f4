"""The XMILE export: it is valid XMILE, and PySD runs it to panmun's own deterministic trajectory.

PySD is the independent second implementation: the exported file,
read by ``pysd.read_xmile`` and integrated by PySD, must agree with
:func:`panmun.vectors.model.simulate` to 1e-6 on every stock at every month.

PySD writes graphical-function points into its generated Python with numpy's print
options (8 significant digits by default), so with default options the drivers it uses
differ from ours in the ninth digit and the trajectories by ~1e-8. Read with
``np.printoptions(floatmode="unique")`` (shortest exact repr), the agreement is exact to
rounding; a test checks that too, as it would catch a mis-written term too small for 1e-6.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from panmun.vectors.model import Intervention, Setup, drives, full_parameters, simulate
from panmun.vectors.parameters import DRIVERS, PARAMETER_NAMES, STOCKS
from panmun.vectors.xmile import XMILE_NS, to_xmile, write_xmile

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pysd imports chardet's old API

NS = {"x": XMILE_NS}
HORIZON = 120
INTERVENTIONS = (Intervention(24, "arms_control", 0.9), Intervention(60, "trust", 0.1),
                 Intervention(61, "trust", 0.8), Intervention(90, "denuclearization", 0.05))
#: Non-default parameters: moderate speeds (rates below the cap).
MODERATE = {"speed_D": 0.1, "base_P": 0.2, "w_AD": -0.3, "provocation_rate": 0.7,
            "breakthrough_rate": 0.05, "t_reversal": 4.0, "g_sanctions_D": 0.3}
#: Fast vectors and trust: the up/down rates hit the 1/dt cap often.
FAST = {"speed_D": 2.0, "speed_P": 2.5, "speed_A": 3.0, "base_D": 0.3, "t_reciprocity": 20.0,
        "t_reversal": 40.0}


def _setup(dt: float = 1.0, horizon: int = HORIZON) -> Setup:
    """Drivers in [0, 1] that vary month to month, from a seeded generator; four interventions."""
    drivers = np.random.default_rng(4).uniform(0.0, 1.0, (horizon + 1, len(DRIVERS)))
    return Setup((0.2, 0.3, 0.25, 0.4), drivers, INTERVENTIONS, dt)


def _pysd_run(path: Path, horizon: int, exact_lookups: bool = False) -> np.ndarray:
    """Read the XMILE file with PySD and run it; the stocks at months 0..horizon, columns STOCKS."""
    import pysd

    floatmode = "unique" if exact_lookups else "maxprec"
    with np.printoptions(floatmode=floatmode):
        model = pysd.read_xmile(str(path))
    frame = model.run(return_timestamps=list(range(horizon + 1)), return_columns=list(STOCKS))
    assert list(frame.index) == list(range(horizon + 1))
    return frame[list(STOCKS)].to_numpy()


def _cap_hits(setup: Setup, params: dict[str, float]) -> int:
    """Steps (month, vector) in which a vector's drive term alone exceeds the cap 1/dt."""
    p = full_parameters(params)
    traj = simulate(setup, params)
    hits = 0
    for k in range(setup.horizon):
        u = drives(traj[k], setup.drivers[k], p)
        hits += sum(int(p[f"speed_{s}"] * abs(ui) > 1 / setup.dt) for s, ui in zip("DPA", u, strict=True))
    return hits


def test_xml_parses_and_holds_the_model():
    setup = _setup()
    root = ET.fromstring(to_xmile(setup, MODERATE, name="test model"))
    assert root.tag == f"{{{XMILE_NS}}}xmile" and root.get("version") == "1.0"
    assert root.findtext("x:header/x:name", namespaces=NS) == "test model"
    specs = root.find("x:sim_specs", NS)
    assert specs.get("method") == "Euler" and specs.get("time_units") == "months"
    assert [specs.findtext(f"x:{t}", namespaces=NS) for t in ("start", "stop", "dt")] == ["0", "120", "1.0"]
    variables = root.find("x:model/x:variables", NS)
    stocks = variables.findall("x:stock", NS)
    assert [s.get("name") for s in stocks] == list(STOCKS)
    assert [float(s.findtext("x:eqn", namespaces=NS)) for s in stocks] == list(setup.initial)
    auxes = {a.get("name"): a for a in variables.findall("x:aux", NS)}
    p = full_parameters(MODERATE)
    assert {name: float(auxes[name].findtext("x:eqn", namespaces=NS)) for name in PARAMETER_NAMES} == p
    for j, name in enumerate(DRIVERS):
        ypts = auxes[name].findtext("x:gf/x:ypts", namespaces=NS).split(",")
        assert np.array_equal(np.array(ypts, dtype=float), setup.drivers[:, j])   # exact round trip
    assert all(v.findtext("x:doc", namespaces=NS) for v in variables)
    trust_change = variables.find("x:flow[@name='change_T']", NS).findtext("x:eqn", namespaces=NS)
    assert trust_change.count("IF ") == 2 and "0.8" in trust_change and "0.1" in trust_change


@pytest.mark.slow
@pytest.mark.parametrize("params", [MODERATE, FAST], ids=["moderate", "capped"])
def test_pysd_reproduces_the_deterministic_run(tmp_path, params):
    setup = _setup()
    ours = simulate(setup, params)
    assert np.all(np.ptp(ours, axis=0) > 0.5)                       # every stock moves a lot
    assert ours[24, 2] == 0.9 and ours[61, 3] == 0.8 and ours[90, 0] == 0.05
    assert (_cap_hits(setup, params) > 0) == (params is FAST)
    theirs = _pysd_run(write_xmile(tmp_path / "model.xmile", setup, params), HORIZON)
    assert theirs.shape == ours.shape
    assert np.max(np.abs(theirs - ours)) < 1e-6


def test_pysd_agrees_to_rounding_with_exact_lookups(tmp_path):
    setup = _setup()
    ours = simulate(setup, MODERATE)
    theirs = _pysd_run(write_xmile(tmp_path / "model.xmile", setup, MODERATE), HORIZON, exact_lookups=True)
    assert np.max(np.abs(theirs - ours)) < 1e-12


def test_pysd_quarter_month_step(tmp_path):
    setup = _setup(dt=0.25)
    ours = simulate(setup, FAST)
    assert not np.allclose(ours, simulate(_setup(), FAST), atol=1e-3)    # the step size matters
    theirs = _pysd_run(write_xmile(tmp_path / "model.xmile", setup, FAST), HORIZON)
    assert np.max(np.abs(theirs - ours)) < 1e-6


def test_rejects_what_xmile_cannot_hold():
    setup = _setup()
    with pytest.raises(ValueError, match="speed_D"):
        to_xmile(setup, {"speed_D": np.array([0.1, 0.2])})
    with pytest.raises(ValueError, match="unknown stock"):
        to_xmile(Setup(setup.initial, setup.drivers, (Intervention(3, "morale", 0.5),)))
    with pytest.raises(ValueError, match="cannot write"):
        to_xmile(setup, {"base_D": float("nan")})
