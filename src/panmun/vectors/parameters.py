"""The three-vector model's names: stocks, drivers and parameters, with units and defaults.

Every parameter has a meaning, a unit, a default and a plausible range. The defaults are
**judgement, not data**: round values chosen so that the model's uncalibrated run is of
the right order (progress within a few years when every driver is favourable, decay
within a few years when all are hostile). ``panmun vectors calibrate`` replaces some of
them with estimates from the implementation record; the ranges bound the calibration and
the sensitivity analysis.

Units: time in months; stocks and drivers are dimensionless fractions in [0, 1]; a
"drive" is a dimensionless push (positive: progress, negative: regress); rates are per
month; shock rates are expected events per month.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The model's stocks, in the order of the state arrays, named as in the XMILE export.
STOCKS: tuple[str, ...] = ("denuclearization", "peace_regime", "arms_control", "trust")
#: The three progress vectors (the first three stocks) and their short symbols.
VECTORS: tuple[str, ...] = STOCKS[:3]
SYMBOLS: dict[str, str] = {"denuclearization": "D", "peace_regime": "P", "arms_control": "A",
                           "trust": "T"}

#: External drivers: monthly series in [0, 1], given by a scenario (or the record).
DRIVERS: dict[str, str] = {
    "rivalry": "US-China strategic competition (0 none, 1 intense)",
    "sanctions": "sanctions pressure on the DPRK (0 none, 1 full UN and unilateral regime enforced)",
    "border_closure": "DPRK pandemic border closure in force (fraction of the month)",
    "leadership_change": "a change of leader or government in the ROK, the US or the DPRK (1 in its month)",
    "summits": "summit diplomacy (1 = a leaders' summit in the month; fractions for lower-level talks)",
    "exercises": "major combined military exercises (0 suspended, 1 full-scale)",
    "exchange": "inter-Korean exchange and cooperation E (0 none, 1 the 2018 agreements' exchanges in full)",
}


@dataclass(frozen=True)
class Parameter:
    """One parameter: its symbol in the docs, meaning, unit, default and plausible range."""

    name: str
    symbol: str
    meaning: str
    unit: str
    default: float
    low: float
    high: float


def _p(name: str, symbol: str, meaning: str, unit: str, default: float, low: float, high: float) -> Parameter:
    return Parameter(name, symbol, meaning, unit, default, low, high)


_ONE = "1 (dimensionless)"
_PER_MONTH = "1/month"
_DRIVE = "drive per unit of the input (dimensionless)"

PARAMETERS: tuple[Parameter, ...] = (
    # how fast each vector moves for a unit drive
    _p("speed_D", "r_D", "speed of denuclearization steps for a unit drive", _PER_MONTH, 0.04, 0.0, 0.3),
    _p("speed_P", "r_P", "speed of peace-regime steps for a unit drive", _PER_MONTH, 0.06, 0.0, 0.3),
    _p("speed_A", "r_A", "speed of arms-control steps for a unit drive", _PER_MONTH, 0.08, 0.0, 0.3),
    # the drive of each vector without any input (negative: it erodes by itself)
    _p("base_D", "b_D", "drive of denuclearization with every input at zero", _ONE, -0.4, -2.0, 2.0),
    _p("base_P", "b_P", "drive of the peace regime with every input at zero", _ONE, -0.3, -2.0, 2.0),
    _p("base_A", "b_A", "drive of arms control with every input at zero", _ONE, -0.3, -2.0, 2.0),
    # the interaction matrix W: drive on row vector per unit of column vector's progress
    _p("w_DP", "W_DP", "push of peace-regime progress on denuclearization", _DRIVE, 0.8, -2.0, 2.0),
    _p("w_DA", "W_DA", "push of arms-control progress on denuclearization", _DRIVE, 0.4, -2.0, 2.0),
    _p("w_PD", "W_PD", "push of denuclearization progress on the peace regime", _DRIVE, 0.8, -2.0, 2.0),
    _p("w_PA", "W_PA", "push of arms-control progress on the peace regime", _DRIVE, 0.6, -2.0, 2.0),
    _p("w_AD", "W_AD", "push of denuclearization progress on arms control", _DRIVE, 0.4, -2.0, 2.0),
    _p("w_AP", "W_AP", "push of peace-regime progress on arms control", _DRIVE, 0.6, -2.0, 2.0),
    # drivers' pushes (shared by the three vectors, except sanctions)
    _p("g_trust", "g_T", "push of trust above 0.5 on every vector", _DRIVE, 1.2, 0.0, 4.0),
    _p("g_summits", "g_M", "push of summit diplomacy", _DRIVE, 1.0, 0.0, 4.0),
    _p("g_exchange", "g_E", "push of inter-Korean exchange", _DRIVE, 0.5, 0.0, 4.0),
    _p("g_rivalry", "g_R", "drag of US-China competition", _DRIVE, 0.4, 0.0, 4.0),
    _p("g_exercises", "g_X", "drag of major exercises", _DRIVE, 0.3, 0.0, 4.0),
    _p("g_border", "g_B", "drag of the pandemic border closure", _DRIVE, 0.5, 0.0, 4.0),
    _p("g_leadership", "g_L", "drag of a leadership change (in its month)", _DRIVE, 0.5, 0.0, 4.0),
    _p("g_sanctions_D", "g_SD", "push of sanctions pressure on denuclearization (signed)",
       _DRIVE, 0.0, -2.0, 2.0),
    _p("g_sanctions_P", "g_SP", "push of sanctions pressure on the peace regime (signed)",
       _DRIVE, -0.2, -2.0, 2.0),
    _p("g_sanctions_A", "g_SA", "push of sanctions pressure on arms control (signed)",
       _DRIVE, -0.1, -2.0, 2.0),
    # trust
    _p("t_reciprocity", "k_up", "trust gained per unit of vector progress per month", "1 per unit progress",
       3.0, 0.0, 20.0),
    _p("t_summits", "k_M", "trust gained per month of summit diplomacy", _PER_MONTH, 0.10, 0.0, 1.0),
    _p("t_exchange", "k_E", "trust gained per month of full exchange", _PER_MONTH, 0.03, 0.0, 1.0),
    _p("t_reversal", "k_rev", "trust lost per unit of vector regress per month", "1 per unit regress",
       6.0, 0.0, 40.0),
    _p("t_exercises", "k_X", "trust lost per month of full-scale exercises", _PER_MONTH, 0.02, 0.0, 1.0),
    # stochastic shocks: rates (expected events per month) and effects
    _p("provocation_rate", "lambda_p0", "provocations per month at trust 0.5, no exercises, no rivalry",
       _PER_MONTH, 0.4, 0.0, 3.0),
    _p("provocation_trust", "theta_T", "log-rate increase of provocations per unit of distrust",
       _ONE, 2.0, 0.0, 6.0),
    _p("provocation_exercises", "theta_X", "log-rate increase of provocations with full-scale exercises",
       _ONE, 0.7, 0.0, 3.0),
    _p("provocation_rivalry", "theta_R", "log-rate increase of provocations with intense rivalry",
       _ONE, 0.5, 0.0, 3.0),
    _p("provocation_effect", "delta_p", "fraction of trust one provocation destroys", _ONE, 0.08, 0.0, 0.5),
    _p("incident_rate", "lambda_c0", "accidental clashes per month with no arms control and no exercises",
       _PER_MONTH, 0.15, 0.0, 2.0),
    _p("incident_trust", "delta_c", "fraction of trust one accidental clash destroys", _ONE, 0.10, 0.0, 0.5),
    _p("incident_arms_control", "epsilon_c", "fraction of arms-control progress one clash undoes",
       _ONE, 0.10, 0.0, 0.5),
    _p("breakthrough_rate", "lambda_b0", "breakthroughs per month at full trust without summits",
       _PER_MONTH, 0.02, 0.0, 0.5),
    _p("breakthrough_effect", "eta", "fraction of the remaining distance a breakthrough closes", _ONE,
       0.15, 0.0, 0.6),
)

PARAMETER_NAMES: tuple[str, ...] = tuple(p.name for p in PARAMETERS)
BY_NAME: dict[str, Parameter] = {p.name: p for p in PARAMETERS}
#: The interaction matrix's parameters: INTERACTIONS[i][j] pushes vector i by vector j.
INTERACTIONS: dict[tuple[str, str], str] = {
    ("D", "P"): "w_DP", ("D", "A"): "w_DA", ("P", "D"): "w_PD",
    ("P", "A"): "w_PA", ("A", "D"): "w_AD", ("A", "P"): "w_AP",
}


def defaults() -> dict[str, float]:
    """Every parameter at its default (judgement) value."""
    return {p.name: p.default for p in PARAMETERS}
