"""Export the deterministic three-vector model as an XMILE 1.0 system-dynamics file.

The file holds the **mean-field** run of :func:`panmun.vectors.model.simulate` (the shocks'
expected effects in the flows, no random jumps) for one :class:`~panmun.vectors.model.Setup`:

- four stocks named as :data:`~panmun.vectors.parameters.STOCKS`, with the setup's
  initial values, each with one bi-directional flow ``change_X`` (1/month);
- every parameter as a named constant (an ``aux`` named as the parameter);
- the seven drivers as graphical functions of the month (one point per month, the
  setup's values): ``month = INT(TIME + euler_step/2)``, so every Euler step from month
  *k* to *k* + 1 reads driver row *k* exactly, as the model does;
- the drives, shock rates, capped up/down rates (``MIN(..., 1/euler_step)``) and
  trust flows as auxiliaries, one equation of the model's docstring each;
- interventions as ``IF ABS(TIME - (k - euler_step)) < euler_step/2 THEN
  (value - stock)/euler_step ELSE net_flow``: the last Euler step before month *k*
  lands the stock on the set value, ignoring that step's own flows for that stock
  (the other stocks, and trust's gains and losses, still see the normal flows).

Simulation specs: start 0, stop = the horizon (months), dt = ``setup.dt``, Euler.
``euler_step`` is a constant equal to the sim specs' dt: PySD's XMILE reader does not
know the ``DT`` builtin, so the step is written out as a number.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from panmun.vectors.model import DRIVER_NAMES, Setup, full_parameters
from panmun.vectors.parameters import BY_NAME, DRIVERS, STOCKS, SYMBOLS

#: The XMILE 1.0 namespace.
XMILE_NS = "http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"
#: The three progress vectors: symbol, stock name, and the other two vectors' interaction terms.
_VECTORS: tuple[tuple[str, str, tuple[str, str]], ...] = (
    ("D", "denuclearization", ("w_DP*peace_regime", "w_DA*arms_control")),
    ("P", "peace_regime", ("w_PD*denuclearization", "w_PA*arms_control")),
    ("A", "arms_control", ("w_AD*denuclearization", "w_AP*peace_regime")),
)


@dataclass(frozen=True)
class _Var:
    """One XMILE variable: ``kind`` is stock, flow or aux; ``ypts`` makes it a graphical function."""

    kind: str
    name: str
    eqn: str
    doc: str
    units: str = ""
    inflow: str = ""
    ypts: tuple[float, ...] = ()


def _num(value: float | np.ndarray) -> str:
    """A float (or a one-value array) written so that it reads back exactly (shortest round-trip repr)."""
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"cannot write {value!r} to XMILE")
    return repr(x)


def _scalar_params(params: Mapping[str, float] | None) -> dict[str, float]:
    """Every parameter as one float (defaults filled in); arrays of one value are accepted."""
    out: dict[str, float] = {}
    for key, value in full_parameters(params).items():
        arr = np.asarray(value, dtype=float)
        if arr.size != 1:
            raise ValueError(f"parameter {key!r} has {arr.size} values; XMILE needs one")
        out[key] = float(arr.reshape(()))
    return out


def _parameter_vars(p: Mapping[str, float]) -> list[_Var]:
    return [_Var("aux", k, _num(v), f"{BY_NAME[k].meaning} [{BY_NAME[k].unit}]") for k, v in p.items()]


def _time_vars(setup: Setup) -> list[_Var]:
    return [
        _Var("aux", "euler_step", _num(setup.dt), "Euler step in months (equals sim_specs dt)", "months"),
        _Var("aux", "month", "INT(TIME + euler_step/2)",
             "the month k whose drivers the step from TIME in [k, k+1) uses", "months"),
    ]


def _driver_vars(setup: Setup) -> list[_Var]:
    drivers = np.asarray(setup.drivers, dtype=float)
    if drivers.ndim != 2 or drivers.shape[1] != len(DRIVER_NAMES):
        raise ValueError(f"drivers must have shape (months, {len(DRIVER_NAMES)}), not {drivers.shape}")
    return [_Var("aux", name, "month", f"driver (graphical function of the month): {DRIVERS[name]}",
                 ypts=tuple(float(v) for v in drivers[:, j]))
            for j, name in enumerate(DRIVER_NAMES)]


def _drive_vars() -> list[_Var]:
    common = ("g_trust*(trust - 0.5) + g_summits*summits + g_exchange*exchange - g_rivalry*rivalry"
              " - g_exercises*exercises - g_border*border_closure - g_leadership*leadership_change")
    out = [_Var("aux", "common_drive", common, "the part of the drive shared by the three vectors")]
    for sym, stock, terms in _VECTORS:
        eqn = f"base_{sym} + {terms[0]} + {terms[1]} + common_drive + g_sanctions_{sym}*sanctions"
        out.append(_Var("aux", f"drive_{sym}", eqn, f"drive u_{sym} of {stock} (positive: progress)"))
    return out


def _shock_vars() -> list[_Var]:
    provocations = ("provocation_rate*EXP(provocation_trust*(0.5 - trust)"
                    " + provocation_exercises*exercises + provocation_rivalry*rivalry)")
    return [
        _Var("aux", "provocations", provocations, "expected provocations per month (lambda_p)", "1/months"),
        _Var("aux", "clashes", "incident_rate*(1 - arms_control)*(1 + exercises)",
             "expected accidental clashes per month (lambda_c)", "1/months"),
        _Var("aux", "breakthroughs", "breakthrough_rate*trust*(1 + summits)",
             "expected breakthroughs per month (lambda_b)", "1/months"),
    ]


def _interventions_by_stock(setup: Setup) -> dict[str, dict[int, float]]:
    """Set values per stock and month; a later intervention on the same month wins, as in the model."""
    out: dict[str, dict[int, float]] = {s: {} for s in STOCKS}
    for iv in setup.interventions:
        if iv.kind != "set":
            raise ValueError(f"the XMILE export writes only 'set' interventions, not {iv.kind!r} "
                             f"(month {iv.month}, {iv.stock})")
        if iv.stock not in out:
            raise ValueError(f"intervention on unknown stock {iv.stock!r}")
        out[iv.stock][iv.month] = iv.value
    return out


def _change_eqn(stock: str, net: str, settings: Mapping[int, float]) -> str:
    """The stock's net flow, replaced in the last step before month k by the jump to the set value."""
    eqn = net
    for month, value in sorted(settings.items(), reverse=True):
        cond = f"ABS(TIME - ({month} - euler_step)) < euler_step/2"
        eqn = f"IF {cond} THEN ({_num(value)} - {stock})/euler_step ELSE ({eqn})"
    return eqn


def _flow_vars(sym: str, stock: str, up: str, down: str, sets: Mapping[int, float]) -> list[_Var]:
    """Capped up/down rates, in/out flows, net flow and the stock's (intervened) change."""
    months = ", ".join(str(m) for m in sorted(sets))
    doc = "net flow of the stock" + (f"; set by interventions at months {months}" if sets else "")
    return [
        _Var("aux", f"up_rate_{sym}", f"MIN({up}, 1/euler_step)", f"up-rate of {stock}, capped at 1/dt",
             "1/months"),
        _Var("aux", f"down_rate_{sym}", f"MIN({down}, 1/euler_step)",
             f"down-rate of {stock}, capped at 1/dt", "1/months"),
        _Var("aux", f"inflow_{sym}", f"up_rate_{sym}*(1 - {stock})", f"progress flow of {stock}", "1/months"),
        _Var("aux", f"outflow_{sym}", f"down_rate_{sym}*{stock}", f"regress flow of {stock}", "1/months"),
        _Var("aux", f"net_flow_{sym}", f"inflow_{sym} - outflow_{sym}",
             f"net flow of {stock} without interventions", "1/months"),
        _Var("flow", f"change_{sym}", _change_eqn(stock, f"net_flow_{sym}", sets), doc, "1/months"),
    ]


def _vector_vars(setup: Setup) -> list[_Var]:
    sets = _interventions_by_stock(setup)
    out: list[_Var] = []
    for sym, stock, _ in _VECTORS:
        up = f"speed_{sym}*MAX(drive_{sym}, 0) + breakthrough_effect*breakthroughs"
        down = f"speed_{sym}*MAX(-drive_{sym}, 0)"
        if sym == "A":
            down += " + incident_arms_control*clashes"
        out += _flow_vars(sym, stock, up, down, sets[stock])
    return out


def _trust_vars(setup: Setup) -> list[_Var]:
    gains = "MAX(net_flow_D, 0) + MAX(net_flow_P, 0) + MAX(net_flow_A, 0)"
    losses = "MAX(-net_flow_D, 0) + MAX(-net_flow_P, 0) + MAX(-net_flow_A, 0)"
    up = ("t_reciprocity*progress_gains + t_summits*summits + t_exchange*exchange"
          " + breakthrough_effect*breakthroughs")
    down = ("t_reversal*progress_losses + t_exercises*exercises + provocation_effect*provocations"
            " + incident_trust*clashes")
    return [
        _Var("aux", "progress_gains", gains, "sum of the vectors' net progress (reciprocated steps)",
             "1/months"),
        _Var("aux", "progress_losses", losses, "sum of the vectors' net regress (reversals)", "1/months"),
        *_flow_vars("T", "trust", up, down, _interventions_by_stock(setup)["trust"]),
    ]


def _stock_vars(setup: Setup) -> list[_Var]:
    if len(setup.initial) != len(STOCKS):
        raise ValueError(f"initial must have {len(STOCKS)} values")
    return [_Var("stock", stock, _num(v), f"{stock} ({SYMBOLS[stock]}), a fraction in [0, 1]", "dmnl",
                  inflow=f"change_{SYMBOLS[stock]}")
            for stock, v in zip(STOCKS, setup.initial, strict=True)]


def _variables(setup: Setup, p: Mapping[str, float]) -> list[_Var]:
    return (_stock_vars(setup) + _parameter_vars(p) + _time_vars(setup) + _driver_vars(setup)
            + _drive_vars() + _shock_vars() + _vector_vars(setup) + _trust_vars(setup))


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrib)
    if text is not None:
        node.text = text
    return node


def _var_node(parent: ET.Element, var: _Var) -> None:
    node = _sub(parent, var.kind, name=var.name)
    _sub(node, "doc", var.doc)
    _sub(node, "eqn", var.eqn)
    if var.inflow:
        _sub(node, "inflow", var.inflow)
    if var.ypts:
        gf = _sub(node, "gf", type="continuous")
        _sub(gf, "xpts", ",".join(str(i) for i in range(len(var.ypts))))
        _sub(gf, "ypts", ",".join(_num(y) for y in var.ypts))
    if var.units:
        _sub(node, "units", var.units)


def _header(root: ET.Element, name: str) -> None:
    header = _sub(root, "header")
    _sub(header, "vendor", "panmun")
    _sub(header, "product", "panmun", version="0.1.0", lang="en")
    _sub(header, "name", name)


def _sim_specs(root: ET.Element, setup: Setup) -> None:
    specs = _sub(root, "sim_specs", method="Euler", time_units="months")
    _sub(specs, "start", "0")
    _sub(specs, "stop", str(setup.horizon))
    _sub(specs, "dt", _num(setup.dt))


def to_xmile(setup: Setup, params: Mapping[str, float] | None = None,
             name: str = "panmun three-vector model") -> str:
    """The deterministic (mean-field) model for ``setup`` and ``params`` as XMILE 1.0 text.

    Time in months; Euler integration with step ``setup.dt``; stocks named as
    :data:`~panmun.vectors.parameters.STOCKS`. Run to the horizon, the file reproduces
    :func:`panmun.vectors.model.simulate` ``(setup, params)`` at every month.
    """
    p = _scalar_params(params)
    root = ET.Element("xmile", {"version": "1.0", "xmlns": XMILE_NS})
    _header(root, name)
    _sim_specs(root, setup)
    variables = _sub(_sub(root, "model"), "variables")
    for var in _variables(setup, p):
        _var_node(variables, var)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_xmile(path: str | Path, setup: Setup, params: Mapping[str, float] | None = None,
                name: str = "panmun three-vector model") -> Path:
    """Write :func:`to_xmile` to ``path`` (UTF-8); returns the path."""
    out = Path(path)
    out.write_text(to_xmile(setup, params, name), encoding="utf-8")
    return out


__all__ = ["XMILE_NS", "to_xmile", "write_xmile"]
