"""The forecast models each against an independent reference: statsmodels' Kalman filter,
an exact Bayes filter on a grid, brute-force sums over hidden-state paths, scikit-learn,
scipy, statsmodels' HAC variance, and hand-worked cases."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import integrate
from scipy.special import expit
from scipy.stats import nbinom, norm, poisson
from sklearn.linear_model import LogisticRegression

from panmun.environment.forecast import baselines, counts, dynamic, metrics, regime, stacking
from panmun.environment.forecast.models import fit_logistic

# --- the dynamic (local-level) model -------------------------------------------------------


def test_grid_filter_with_a_gaussian_observation_matches_statsmodels_kalman_filter():
    """With a Gaussian observation the exact filter is the Kalman filter: statsmodels'
    UnobservedComponents('local level') with the same variances and the same known start.
    The grid filter matches it to its discretisation (steps of 0.05)."""
    sm = pytest.importorskip("statsmodels.api")
    obs = np.array([0.3, -0.1, 0.8, 1.4, 1.1, 0.2, -0.4, 0.5, 0.9, 1.6, 1.2, 0.7])
    q, r, m0, p0 = 0.15, 0.4, 0.1, 2.0
    densities = dynamic.filter_level(obs, q, dynamic.Family("gaussian", r), m0=m0, p0=p0)
    means, variances = dynamic.moments(densities)
    model = sm.tsa.UnobservedComponents(obs, "local level")
    model.ssm.initialize_known(np.array([m0]), np.array([[p0]]))
    res = model.filter(np.array([r, q]))
    # statsmodels' predicted state at t is x_t | obs_0..obs_{t-1}; its first is the start itself
    np.testing.assert_allclose(means, res.predicted_state[0], atol=1e-4)
    np.testing.assert_allclose(variances, res.predicted_state_cov[0, 0], atol=1e-3)


def _particle_filter(y: np.ndarray, q: float, m0: float, p0: float, n: int = 200_000) -> np.ndarray:
    """A bootstrap particle filter (sequential importance resampling) of the binary model:
    predictive P(y_t = 1 | y_0..y_{t-1}) for t = 0..len(y)."""
    rng = np.random.default_rng(0)
    x = rng.normal(m0, math.sqrt(p0), n)
    out = []
    for t in range(len(y) + 1):
        out.append(float(expit(x).mean()))
        if t < len(y):
            w = expit(x) if y[t] else expit(-x)
            x = x[rng.choice(n, n, p=w / w.sum())] + rng.normal(0, math.sqrt(q), n)
    return np.array(out)


@pytest.mark.slow
@pytest.mark.parametrize("q", [0.03, 0.3])
def test_binary_grid_filter_matches_a_particle_filter(q):
    """A quiet spell, a campaign, quiet again: the grid filter against 200,000 particles."""
    y = np.array([0] * 10 + [1, 1, 0, 1, 1, 1, 0, 1] + [0] * 10, dtype=float)
    exact = dynamic.predictive_probability(dynamic.filter_level(y, q, dynamic.BERNOULLI, m0=-1.5, p0=4.0))
    reference = _particle_filter(y, q, -1.5, 4.0)
    assert np.max(np.abs(exact - reference)) < 0.015      # Monte Carlo error of the particles
    assert exact[18] > 0.35 > exact[10] and exact[-1] < exact[18]   # the level follows the campaign


def test_one_update_and_forecast_match_numerical_integration():
    m0, p0, q = -1.5, 4.0, 0.3
    prior = lambda x: norm.pdf(x, m0, math.sqrt(p0))                   # noqa: E731
    post = lambda x: prior(x) * expit(-x)                               # noqa: E731 (y_0 = 0)
    z = integrate.quad(post, -30, 30)[0]
    nodes, weights = np.polynomial.hermite_e.hermegauss(60)     # E over η ~ N(0, q), inner
    p1 = integrate.quad(lambda u: post(u) / z * float(expit(u + math.sqrt(q) * nodes) @ weights)
                        / weights.sum(), -30, 30)[0]
    got = dynamic.predictive_probability(dynamic.filter_level(np.array([0.0]), q, dynamic.BERNOULLI,
                                                               m0=m0, p0=p0))
    assert got[0] == pytest.approx(integrate.quad(lambda x: expit(x) * prior(x), -30, 30)[0], abs=1e-5)
    assert got[1] == pytest.approx(p1, abs=1e-5)
    pmf = dynamic.predictive_pmf(dynamic.filter_level(np.zeros(0), q, dynamic.POISSON, m0=-0.5, p0=0.8))[0]
    for k in (0, 1, 3):
        exact = integrate.quad(lambda x, k=k: poisson.pmf(k, math.exp(x)) * norm.pdf(x, -0.5, math.sqrt(0.8)),
                               -20, 20)[0]
        assert pmf[k] == pytest.approx(exact, abs=1e-5)
    assert pmf.sum() == pytest.approx(1.0)


def test_bma_weights_over_q_use_only_the_window_before_each_position():
    loglik = np.array([[-1.0, -1.0, -5.0, np.nan], [-2.0, -2.0, -0.1, np.nan]])
    w = dynamic.window_weights(loglik, window=2)
    assert w[:, 0] == pytest.approx([0.5, 0.5])                       # no past: equal
    e1, e2 = math.exp(-2.0), math.exp(-4.0)                            # positions 0, 1
    assert w[0, 2] == pytest.approx(e1 / (e1 + e2))
    e1, e2 = math.exp(-6.0), math.exp(-2.1)                            # positions 1, 2 (window 2)
    assert w[0, 3] == pytest.approx(e1 / (e1 + e2))


def test_horizon_probability_of_the_dynamic_model_against_simulation():
    y = np.array([0, 0, 1, 1, 0, 1, 0, 0, 0, 1], dtype=float)
    paths, p = dynamic.binary_paths(y, (0.1, 0.5), None)
    pos = np.arange(len(y) + 1)
    np.testing.assert_allclose(dynamic.horizon_probability(paths, pos, 1), p, atol=1e-12)
    got = dynamic.horizon_probability(paths, np.array([10]), 3)[0]
    rng = np.random.default_rng(1)
    hits = 0.0
    for qi, q in enumerate(paths.qs):                # simulate each q's random walk and launches
        x = rng.choice(dynamic.GRID, 200_000, p=paths.densities[qi, 10])
        any_launch = np.zeros(len(x), dtype=bool)
        for _ in range(3):
            any_launch |= rng.random(len(x)) < expit(x)
            x = x + rng.normal(0, math.sqrt(q), len(x))
        hits += paths.weights[qi, 10] * any_launch.mean()
    assert got == pytest.approx(hits, abs=0.005)


# --- the regime (hidden Markov) model -----------------------------------------------------

def _brute_force(days: np.ndarray, params: regime.HmmParams) -> tuple[float, np.ndarray]:
    """Likelihood and P(s_n | d_0..d_{n-1}) by summing over every path of hidden states."""
    k, n = len(params.rates), len(days)
    total, last = 0.0, np.zeros(k)
    for path in itertools.product(range(k), repeat=n):
        prob = params.start[path[0]] * poisson.pmf(days[0], params.rates[path[0]])
        for t in range(1, n):
            prob *= params.trans[path[t - 1], path[t]] * poisson.pmf(days[t], params.rates[path[t]])
        total += prob
        last += prob * params.trans[path[-1]]
    return total, last / total


def _params() -> regime.HmmParams:
    return regime.HmmParams(np.array([0.7, 0.3]), np.array([[0.9, 0.1], [0.25, 0.75]]), np.array([0.05, 1.6]))


def test_hmm_forward_recursion_matches_the_sum_over_all_state_paths():
    days = np.array([0, 0, 2, 1, 0, 3, 0])
    params = _params()
    predicted, filtered, loglik = regime.forward(days, params)
    total, last = _brute_force(days, params)
    assert loglik == pytest.approx(math.log(total), rel=1e-12)
    np.testing.assert_allclose(predicted[-1], last, rtol=1e-12)
    assert regime.launch_probability(predicted[-1], params.rates)[0] == pytest.approx(
        float(last @ (1 - np.exp(-params.rates))))


def test_hmm_horizon_probability_matches_the_sum_over_state_paths():
    params = _params()
    pi = np.array([0.6, 0.4])
    h = 3
    none = 0.0
    for path in itertools.product(range(2), repeat=h):
        prob = pi[path[0]] * math.exp(-params.rates[path[0]])
        for t in range(1, h):
            prob *= params.trans[path[t - 1], path[t]] * math.exp(-params.rates[path[t]])
        none += prob
    assert regime.horizon_probability(pi, params, h)[0] == pytest.approx(1 - none, rel=1e-12)


def test_hmm_em_raises_the_likelihood_and_finds_the_campaigns():
    rng = np.random.default_rng(5)
    states = np.repeat([0, 1, 0, 1, 0], [60, 15, 50, 20, 40])
    days = rng.poisson(np.where(states == 1, 2.0, 0.03))
    start = regime.initial_params(days, 2)
    fit = regime.fit_hmm(days, 2)
    assert regime.forward(days, fit)[2] > regime.forward(days, start)[2]
    assert fit.rates[0] < 0.2 and 1.3 < fit.rates[1] < 2.8
    assert fit.trans[0, 0] > 0.9 and fit.trans[1, 1] > 0.8
    np.testing.assert_allclose(fit.trans.sum(axis=1), 1.0)


def test_regime_forecasts_use_fits_on_earlier_months_only():
    rng = np.random.default_rng(2)
    days = rng.poisson(0.4, size=80).astype(float)
    paths = regime.regime_paths(days, first_month=24000, lo=30, k=2)
    for refit, params in paths.fits.items():
        again = regime.fit_hmm(days[:refit], 2, init=paths.fits.get(max((r for r in paths.fits if r < refit),
                                                                         default=-1)))
        np.testing.assert_allclose(params.rates, again.rates)
    changed = days.copy()
    changed[50:] = 5
    other = regime.regime_paths(changed, first_month=24000, lo=30, k=2)
    np.testing.assert_array_equal(paths.predicted[:51 - 30], other.predicted[:51 - 30])


# --- baselines, counts, the combination -----------------------------------------------------

def test_moving_average_and_ewma_on_a_hand_worked_case():
    y = np.array([1, 0, 0, 1, 1], dtype=float)
    days = np.array([2, 0, 0, 1, 3], dtype=float)
    ma = baselines.moving_average_family(y, days, (3,))
    assert ma.binary()[0, 5] == pytest.approx((2 + 0.5) / 4)            # y_2..y_4 = 0, 1, 1
    ew = baselines.ewma_family(y, days, (0.5,))
    s = 1 + 0.5 * 1 + 0.25 * 0 + 0.125 * 0 + 0.0625 * 1                 # Σ λ^(i-1) y_{5-i}
    n = 1 + 0.5 + 0.25 + 0.125 + 0.0625
    assert ew.binary()[0, 5] == pytest.approx((s + 0.5) / (n + 1))
    pmf = ma.count_pmf(0)[5]
    assert pmf == pytest.approx(nbinom.pmf(counts.SUPPORT, 4 + 0.5, 3 / 4), abs=1e-12)


def test_per_origin_choice_uses_only_earlier_losses():
    loss = np.array([[0.0, 1.0, 1.0, 1.0, 0.0],
                     [1.0, 0.0, 0.0, 0.0, 9.0]])
    pick = baselines.pick_by_past_loss(loss, window=None)
    assert pick.tolist() == [0, 0, 0, 1, 1]             # at t, losses of 0..t-1 only
    assert baselines.pick_by_past_loss(loss, window=1).tolist() == [0, 0, 1, 1, 1]
    assert baselines.pick_by_past_loss(loss, window=None, resolve=3).tolist() == [0, 0, 0, 0, 0]


def test_beta_binomial_horizon_probability():
    s, n = np.array([3.0]), np.array([10.0])
    a, b = 3.5, 7.5
    assert baselines.beta_binomial_any(s, n, 1)[0] == pytest.approx(a / (a + b))
    exact = 1 - integrate.quad(lambda p: (1 - p) ** 4 * p ** (a - 1) * (1 - p) ** (b - 1), 0, 1)[0] / \
        integrate.quad(lambda p: p ** (a - 1) * (1 - p) ** (b - 1), 0, 1)[0]
    assert baselines.beta_binomial_any(s, n, 4)[0] == pytest.approx(exact, rel=1e-9)


def test_gamma_poisson_predictive_matches_its_integral():
    s, n = 4.0, 6.0
    pmf = counts.gamma_poisson_pmf(np.array([s]), np.array([n]))[0]
    from scipy.stats import gamma
    for k in (0, 1, 5):
        exact = integrate.quad(lambda lam, k=k: poisson.pmf(k, lam) * gamma.pdf(lam, s + 0.5, scale=1 / n),
                               0, 50)[0]
        assert pmf[k] == pytest.approx(exact, abs=1e-9)
    assert pmf.sum() == pytest.approx(1.0)


def test_crps_of_counts_hand_worked_and_as_expected_absolute_errors():
    pmf = np.zeros((1, counts.MAX_DAYS + 1))
    pmf[0, :3] = [0.5, 0.3, 0.2]
    # F = 0.5, 0.8, 1, 1, ...; observed 1: (0.5 - 0)² + (0.8 - 1)² = 0.29
    assert counts.crps(pmf, np.array([1]))[0] == pytest.approx(0.29)
    # CRPS = E|X - c| - ½ E|X - X'|
    x = np.arange(3)
    p = pmf[0, :3]
    alt = np.sum(p * np.abs(x - 1)) - 0.5 * np.sum(p[:, None] * p[None, :] * np.abs(x[:, None] - x[None, :]))
    assert counts.crps(pmf, np.array([1]))[0] == pytest.approx(alt)
    assert counts.log_score(pmf, np.array([2]))[0] == pytest.approx(-math.log(0.2))
    assert counts.quantile(pmf, 0.05)[0] == 0 and counts.quantile(pmf, 0.95)[0] == 2
    assert counts.mean(pmf)[0] == pytest.approx(0.7)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stacking_weights_match_the_em_iteration(seed):
    rng = np.random.default_rng(seed)
    p = np.clip(rng.beta(1, 3, size=(120, 5)), 0.01, 0.99)
    p[:, 1] = p[:, 0] * 0.9 + 0.05                       # two near-copies: a flat direction
    y = rng.random(120) < 0.3
    lik = np.where(y[:, None], p, 1 - p)
    fast, slow = stacking.pool_weights(lik), stacking.pool_weights_em(lik)
    score = lambda w: np.log(lik @ w).mean()              # noqa: E731
    assert score(fast) >= score(slow) - 1e-8
    np.testing.assert_allclose(fast, slow, atol=2e-3)
    assert fast.min() >= 0 and fast.sum() == pytest.approx(1.0)


def test_stacking_weights_are_equal_without_enough_history_and_ignore_later_months():
    lik = np.full((40, 2), 0.5)
    lik[:, 0] = 0.9
    w = stacking.rolling_weights(lik, window=None)
    assert w[10].tolist() == [0.5, 0.5]                  # fewer than 24 known months
    assert w[30, 0] > 0.99
    changed = lik.copy()
    changed[31:, 0] = 0.1
    np.testing.assert_array_equal(stacking.rolling_weights(changed, None)[:32], w[:32])


# --- scores and comparisons ----------------------------------------------------------------

def test_brier_decomposition_on_a_hand_worked_case():
    # forecasts constant within bins: BS = REL - RES + UNC exactly
    p = np.array([0.15, 0.15, 0.15, 0.15, 0.75, 0.75, 0.75, 0.75])
    y = np.array([0, 0, 0, 1, 1, 1, 1, 0])
    d = metrics.brier_decomposition(p, y)
    assert d["reliability"] == pytest.approx((4 * (0.15 - 0.25) ** 2 + 4 * (0.75 - 0.75) ** 2) / 8)
    assert d["resolution"] == pytest.approx((4 * 0.25 ** 2 + 4 * 0.25 ** 2) / 8)
    assert d["uncertainty"] == pytest.approx(0.25)
    assert d["residual"] == pytest.approx(0.0, abs=1e-12)
    assert metrics.brier_score(p, y) == pytest.approx(d["reliability"] - d["resolution"] + d["uncertainty"])


def test_diebold_mariano_variance_matches_statsmodels_hac():
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(11)
    e = rng.normal(size=200)
    d = 0.1 + e + 0.6 * np.r_[0, e[:-1]]                 # autocorrelated loss differences
    lag = metrics.newey_west_lag(len(d))
    fit = sm.OLS(d, np.ones(len(d))).fit(cov_type="HAC", cov_kwds={"maxlags": lag, "use_correction": False})
    se = math.sqrt(metrics.long_run_variance(d, lag) / len(d))
    assert se == pytest.approx(float(fit.bse[0]), rel=1e-10)
    stat, p = metrics.diebold_mariano(d, np.zeros_like(d))
    assert stat == pytest.approx(d.mean() / se)
    assert 0 < p < 1
    assert math.isnan(metrics.diebold_mariano(d, d)[0])


def test_newton_logistic_matches_scikit_learn():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(200, 3)) * [1, 3, 0.2]
    y = (rng.random(200) < expit(0.5 * x[:, 0] - 0.3 * x[:, 1])).astype(int)
    for c in (0.1, 1.0):
        fit = fit_logistic(x, y, ("a", "b", "c"), c)
        z = (x - x.mean(axis=0)) / x.std(axis=0)
        ref = LogisticRegression(C=c, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(z, y)
        np.testing.assert_allclose(fit.coef, ref.coef_[0], atol=1e-7)
        assert fit.intercept == pytest.approx(float(ref.intercept_[0]), abs=1e-7)
