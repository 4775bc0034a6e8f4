"""The largest numbers panmun accepts from a user, in one place.

Each bound keeps a computation within memory and a few minutes on a two-core machine; a
value past it is refused before any work starts (exit status 2 on the command line, 422
in the web API), with a message that names the bound.
"""

from __future__ import annotations

#: Runs of a three-vector ensemble (computed in chunks: memory is flat; about 5 s per
#: 100,000 runs of 360 months).
MAX_ENSEMBLE_RUNS = 1_000_000
#: Months a three-vector scenario may run (30 years).
MAX_HORIZON = 360
#: Seeds are non-negative and fit in 63 bits (DuckDB BIGINT, numpy's SeedSequence).
MAX_SEED = 2**63 - 1
#: Base samples of a sensitivity analysis (Sobol' N, or Morris trajectories).
MAX_SENSITIVITY_SAMPLES = 8192
#: Parameter draws of the clash-risk model.
MAX_RISK_RUNS = 1_000_000
#: Years per period of the clash-risk model.
MAX_RISK_YEARS = 50
#: Simulated years (packages x runs x sims x years) of the clash-risk model: about a minute.
MAX_SIMULATED_YEARS = 10**8
#: Packages compared at once.
MAX_PACKAGES = 20
#: Actors in a bargaining input file, and rounds of the expected-utility model.
MAX_ACTORS = 2000
MAX_ROUNDS = 1000
#: Runs of the three-vector model behind each roadmap plan.
MAX_PLAN_RUNS = 100_000
