r"""Bueno de Mesquita's expected-utility (group decision) model, after Scholz et al. (2011).

Sources: Bueno de Mesquita (1994), "Political forecasting: an expected utility method",
in Bueno de Mesquita and Stokman (eds), *European Community Decision Making*, ch. 4;
Scholz, Calbert and Smith (2011), "Unravelling Bueno De Mesquita's group decision
model", *Journal of Theoretical Politics* 23(4): 510–531 (conference version ICAART 2011).

Actors :math:`i = 1..n` with position :math:`x_i`, salience :math:`s_i \in [0,1]`,
capability :math:`c_i \ge 0`; weight :math:`w_i = c_i s_i`; :math:`\Delta` the range of the
*initial* positions (fixed for the run). One round:

1. **Median** :math:`\mu` = weighted median of the current positions (the Condorcet winner of
   the votes below; see :func:`panmun.actors.models.weighted_median`).
2. **Votes and probability** that *i* prevails over *j* (``variant="paper"``)::

       v_k(i,j) = w_k (|x_k - x_j| - |x_k - x_i|) / Delta
       P(i,j)   = sum_k max(v_k(i,j), 0) / sum_k |v_k(i,j)|         (0.5 if the sum is 0)

   and :math:`P(i,j) = 0` when :math:`x_i = x_j` (no contest).
3. **Utilities** of *i* in a contest with *j*, with a risk exponent :math:`r`::

       Us = 2 - 4 (0.5 - 0.5 |x_i - x_j| / Delta)^r            success
       Uf = 2 - 4 (0.5 + 0.5 |x_i - x_j| / Delta)^r            failure
       Ub = 2 - 4 (0.5 - 0.25 (|x_i - mu| + |x_i - x_j|) / Delta)^r   status quo gets better
       Uw = 2 - 4 (0.5 + 0.25 (|x_i - mu| + |x_i - x_j|) / Delta)^r   status quo gets worse
       Usq = 2 - 4 (0.5)^r

4. **Expected utility** of *i* challenging *j* (the target resists with probability s_j)::

       EU(i,j) = s_j [P(i,j) Us + (1 - P(i,j)) Uf] + (1 - s_j) Us
                 - Q Usq - (1 - Q) [T Ub + (1 - T) Uw]

   with Q (probability the status quo holds) and T (probability it then improves), both 1 by
   default as in Scholz et al.
5. **Risk exponents.** With every r = 1, actor *j*'s danger is
   :math:`D_j = \sum_{i \ne j} EU(i,j)`;
   :math:`R_j = (2 D_j - \max D - \min D)/(\max D - \min D)` and
   :math:`r_j = (1 - R_j/3)/(1 + R_j/3) \in [0.5, 2]` (r = 1 for all if max D = min D).
6. **Perceived offers.** Actor *i* evaluates each dyad with its own :math:`r_i`:
   :math:`a = EU_i(i,j)`, :math:`b = EU_i(j,i)`. *j* makes *i* an offer when (x_j != x_i)

   * confrontation, *i* loses: b > a > 0 → *i* would move to :math:`x_j`;
   * compromise: b > 0 > a and b > |a| → :math:`x_i + (x_j - x_i) |a / b|`;
   * capitulation: b > 0 > a and b < |a| → :math:`x_j`.
7. **Update.** Every actor accepts, simultaneously, the offer that moves it least (ties: the
   lowest actor index); with no offer it stays.

The forecast is :math:`\mu` after the last round (Bueno de Mesquita 1994: the median
voter position once bargaining has run; Scholz et al. plot the same).

``variant="scholz_code"`` reproduces the published Python replication
jmckib/bdm-scholz-expected-utility-model (``bdm_scholz_model.py``, said there to follow
Scholz's own code): probabilities :math:`\sum_k \max(\tilde v_k(i,j), 0)` over the sum of
:math:`|\tilde v_k(a,b)|` over *all* voters and all actor pairs, with votes
:math:`\tilde v_k(i,j) = w_k ((|x_k - x_j|/\Delta)^{r_k} - (|x_k - x_i|/\Delta)^{r_k})`
using each voter's current exponent; confrontations are preferred to compromises, and
among compromises the one minimising :math:`(|a| x_i + |b| x_j)/(|a| + |b|)` is taken;
its capitulation test never fires (a typo there), and so it does not here. It is
:math:`O(n^3)` per round and meant for replication only. See docs/actors-models.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from panmun.actors.models import check_inputs, effective_weights, weighted_median
from panmun.errors import InputError

NO_OFFER, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3
VARIANTS = ("paper", "scholz_code")


@dataclass(frozen=True)
class EUResult:
    """One run of the expected-utility model (``rounds`` = R rounds, n actors).

    outcome: the forecast, weighted median after the last round (position scale).
    positions: (R + 1, n) positions, row 0 the input.
    medians, means: (R + 1,) weighted median and weighted mean per round.
    risk: (R, n) risk exponents r_i used in each round.
    offer_position: (R, n, n), [t, i, j] = where j's offer to i in round t would move i
        (NaN = no offer).
    offer_kind: (R, n, n) int8, NO_OFFER / CONFRONTATION / COMPROMISE / CAPITULATION.
    accepted: (R, n) index of the accepted offer's sender, -1 if none.
    """

    outcome: float
    positions: np.ndarray
    medians: np.ndarray
    means: np.ndarray
    risk: np.ndarray
    offer_position: np.ndarray
    offer_kind: np.ndarray
    accepted: np.ndarray


def win_probability(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """P[i, j]: probability that i prevails over j (variant "paper"), O(n^2 log n).

    Uses that v_k(i,j) is piecewise linear in x_k: with lo < hi the two positions and
    m = (lo + hi)/2, voters at or below lo give L = hi - lo to lo, voters in (lo, m] give
    lo + hi - 2 x_k, voters in (m, hi] give 2 x_k - lo - hi to hi, voters above hi give L.
    Sums over voters come from prefix sums of w and w x over the sorted positions; each
    unordered pair is computed once.
    """
    n = x.size
    order = np.argsort(x, kind="stable")
    xs = x[order]
    cw = np.concatenate(([0.0], np.cumsum(w[order])))
    cwx = np.concatenate(([0.0], np.cumsum(w[order] * xs)))
    at = np.searchsorted(xs, xs, side="right")  # voters at or below each sorted position
    a, b = np.triu_indices(n, k=1)  # sorted indices, xs[a] <= xs[b]
    lo, hi = xs[a], xs[b]
    k_mid = np.searchsorted(xs, 0.5 * (lo + hi), side="right")
    w_lo, w_mid, w_hi = cw[at[a]], cw[k_mid], cw[at[b]]
    s_lo, s_mid, s_hi = cwx[at[a]], cwx[k_mid], cwx[at[b]]
    length, both = hi - lo, lo + hi
    for_lo = length * w_lo + both * (w_mid - w_lo) - 2.0 * (s_mid - s_lo)
    for_hi = length * (cw[-1] - w_hi) + 2.0 * (s_hi - s_mid) - both * (w_hi - w_mid)
    total = for_lo + for_hi
    safe = np.where(total > 0, total, 1.0)
    contest = length > 0
    p = np.zeros((n, n))
    p[order[a], order[b]] = np.where(contest, np.where(total > 0, for_lo / safe, 0.5), 0.0)
    p[order[b], order[a]] = np.where(contest, np.where(total > 0, for_hi / safe, 0.5), 0.0)
    return p


def _win_probability_code(x: np.ndarray, w: np.ndarray, r: np.ndarray, delta: float) -> np.ndarray:
    """P[i, j] as in the jmckib/Scholz code: global denominator, voters' own exponents."""
    dist = (np.abs(x[:, None] - x[None, :]) / delta) ** r[:, None]  # [k, a]
    votes = w[:, None, None] * (dist[:, None, :] - dist[:, :, None])  # [k, i, j]
    denom = np.abs(votes).sum()
    p = np.maximum(votes, 0.0).sum(axis=0) / denom
    return np.where(x[:, None] == x[None, :], 0.0, p)


def _utility(gap: np.ndarray, r: np.ndarray | float) -> np.ndarray:
    """2 - 4 gap^r, the utility form shared by Us, Uf, Ub, Uw, Usq."""
    return 2.0 - 4.0 * gap**r


def challenge_eu(
    dist: np.ndarray, p: np.ndarray, s_target: np.ndarray, mu_dist: np.ndarray, r: np.ndarray | float,
    q: float, t: float, base: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """EU of challenger vs target (step 4); dist = |x_i - x_j|/Delta, mu_dist = |x_i - mu|/Delta.

    All arguments broadcast; r is the exponent of the actor whose perception is computed.
    ``base`` = (Us, Uf) if already computed for these dist and r.
    """
    us, uf = base if base is not None else (_utility(0.5 - 0.5 * dist, r), _utility(0.5 + 0.5 * dist, r))
    usq = _utility(np.asarray(0.5), np.asarray(r))
    eu = s_target * (p * (us - uf) + uf) + (1.0 - s_target) * us - q * usq
    if q < 1.0:
        ub = _utility(0.5 - 0.25 * (mu_dist + dist), r)
        uw = _utility(0.5 + 0.25 * (mu_dist + dist), r)
        eu = eu - (1.0 - q) * (t * ub + (1.0 - t) * uw)
    return eu


def risk_exponents(eu_neutral: np.ndarray) -> np.ndarray:
    """r_j from the risk-neutral EU matrix eu_neutral[i, j] = EU(i, j) with r = 1 (step 5)."""
    eu = eu_neutral.copy()
    np.fill_diagonal(eu, 0.0)
    danger = eu.sum(axis=0)
    spread = danger.max() - danger.min()
    if spread <= 0:
        return np.ones_like(danger)
    big_r = (2.0 * danger - danger.max() - danger.min()) / spread
    return (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)


def classify_offers(x: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offer kind and target position [i, j] from a = EU_i(i,j), b = EU_i(j,i) (step 6)."""
    differ = x[:, None] != x[None, :]
    conf = differ & (b > a) & (a > 0)
    comp = differ & (b > 0) & (a < 0) & (b > np.abs(a))
    capit = differ & (b > 0) & (a < 0) & (b < np.abs(a))
    kind = np.where(conf, CONFRONTATION, np.where(comp, COMPROMISE, np.where(capit, CAPITULATION, NO_OFFER)))
    with np.errstate(divide="ignore", invalid="ignore"):
        concession = x[:, None] + (x[None, :] - x[:, None]) * np.abs(a / b)
    where = np.where(kind == COMPROMISE, concession, np.broadcast_to(x[None, :], kind.shape))
    return kind.astype(np.int8), np.where(kind == NO_OFFER, np.nan, where)


def _choose_paper(x: np.ndarray, where: np.ndarray, *_: np.ndarray) -> np.ndarray:
    """Index of the offer that moves each actor least (-1 if none); argmin keeps the lowest j."""
    move = np.abs(where - x[:, None])
    move = np.where(np.isnan(move), np.inf, move)
    best = np.argmin(move, axis=1)
    return np.where(np.isfinite(move[np.arange(x.size), best]), best, -1)


def _choose_code(
    x: np.ndarray, where: np.ndarray, kind: np.ndarray, a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """jmckib/Scholz-code choice: nearest confrontation, else lowest compromise key."""
    move = np.where(kind == CONFRONTATION, np.abs(where - x[:, None]), np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        key = (np.abs(a) * x[:, None] + np.abs(b) * x[None, :]) / (np.abs(a) + np.abs(b))
    key = np.where(kind == COMPROMISE, key, np.inf)
    rows = np.arange(x.size)
    conf, comp = np.argmin(move, axis=1), np.argmin(key, axis=1)
    has_conf, has_comp = np.isfinite(move[rows, conf]), np.isfinite(key[rows, comp])
    return np.where(has_conf, conf, np.where(has_comp, comp, -1))


def _one_round(
    x: np.ndarray, s: np.ndarray, c: np.ndarray, delta: float, q: float, t: float, variant: str
) -> tuple[np.ndarray, ...]:
    """Risk exponents, offers and the accepted sender for one round at positions x."""
    w = c * s
    mu = weighted_median(x, s, c) if q < 1.0 else 0.0
    dist = np.abs(x[:, None] - x[None, :]) / delta
    mu_dist = np.abs(x - mu) / delta
    ones = np.ones_like(x)
    p = win_probability(x, w) if variant == "paper" else _win_probability_code(x, w, ones, delta)
    eu1 = challenge_eu(dist, p, s[None, :], mu_dist[:, None], 1.0, q, t, (2.0 * dist, -2.0 * dist))  # r = 1
    r = risk_exponents(eu1)
    if variant == "scholz_code":
        p = _win_probability_code(x, w, r, delta)
    rr = r[:, None]
    base = (_utility(0.5 - 0.5 * dist, rr), _utility(0.5 + 0.5 * dist, rr))  # dist symmetric
    a = challenge_eu(dist, p, s[None, :], mu_dist[:, None], rr, q, t, base)  # i on j, i's view
    b = challenge_eu(dist, p.T, s[:, None], mu_dist[None, :], rr, q, t, base)  # j on i, i's view
    kind, where = classify_offers(x, a, b)
    choose = _choose_paper if variant == "paper" else _choose_code
    accepted = choose(x, where, kind, a, b)
    return r, kind, where, accepted


#: Cells of the offer arrays (rounds x actors x actors) one run may hold: about 0.4 GB.
MAX_OFFER_CELLS = 4 * 10**7


def check_size(actors: int, rounds: int, runs: int = 1) -> None:
    """Refuse ``runs`` runs of the model whose offers (rounds x actors^2 each) exceed
    :data:`MAX_OFFER_CELLS` in all, naming the largest number of rounds accepted."""
    cells = runs * rounds * actors * actors
    if cells > MAX_OFFER_CELLS:
        largest = MAX_OFFER_CELLS // max(runs * actors * actors, 1)
        each = f"{runs:,} runs x " if runs > 1 else ""
        raise InputError(
            f"{each}{rounds:,} rounds x {actors:,}^2 actor pairs = {cells:,} offers, more than the limit of "
            f"{MAX_OFFER_CELLS:,}",
            hint=(f"With {actors:,} actors the largest accepted rounds is {largest:,}." if largest else
                  f"{actors:,} actors are too many for the expected-utility model here; give fewer."))


def expected_utility(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    rounds: int = 10,
    *,
    q: float = 1.0,
    t: float = 1.0,
    variant: str = "paper",
) -> EUResult:
    """Run the expected-utility model for ``rounds`` rounds (module docstring, steps 1–7).

    Vectorised over actors: O(n^2 log n) per round for ``variant="paper"``.
    """
    check_inputs(position, salience, capability)
    if variant not in VARIANTS:
        raise InputError(f"variant must be one of {VARIANTS}, not {variant!r}")
    if rounds < 0:
        raise InputError(f"rounds must be >= 0, not {rounds}")
    check_size(np.size(position), rounds)
    x = np.asarray(position, dtype=float).copy()
    s = np.asarray(salience, dtype=float)
    c = np.asarray(capability, dtype=float)
    w = effective_weights(s, c)
    n = x.size
    delta = float(x.max() - x.min())
    path, risk = [x.copy()], np.ones((rounds, n))
    kinds = np.zeros((rounds, n, n), dtype=np.int8)
    offers = np.full((rounds, n, n), np.nan)  # rows stay NaN in rounds without offers
    accepted = np.full((rounds, n), -1)
    for k in range(rounds):
        if delta > 0:
            risk[k], kinds[k], offers[k], accepted[k] = _one_round(x, s, c, delta, q, t, variant)
            take = accepted[k] >= 0
            x = np.where(take, offers[k][np.arange(n), np.maximum(accepted[k], 0)], x)
        path.append(x.copy())
    positions = np.array(path)
    medians = np.array([weighted_median(p, s, c) for p in positions])
    means = (positions * w).sum(axis=1) / w.sum()
    return EUResult(float(medians[-1]), positions, medians, means, risk, offers, kinds, accepted)


def _reference_positions(
    position: list[float], salience: list[float], capability: list[float], rounds: int
) -> list[list[float]]:
    """Straightforward pure-Python loops for variant "paper" with Q = T = 1 (tests, benchmark).

    Written from the equations in the module docstring, one actor pair (and voter) at a
    time, without numpy; returns the positions after each round, row 0 the input.
    """
    x = [float(v) for v in position]
    n = len(x)
    w = [c * s for c, s in zip(capability, salience, strict=True)]
    delta = max(x) - min(x)
    path = [list(x)]

    def prob(i: int, j: int) -> float:
        if x[i] == x[j]:
            return 0.0
        votes = [w[k] * (abs(x[k] - x[j]) - abs(x[k] - x[i])) for k in range(n)]
        total = sum(abs(v) for v in votes)
        return sum(v for v in votes if v > 0) / total if total > 0 else 0.5

    def eu(i: int, j: int, r: float) -> float:
        d = abs(x[i] - x[j]) / delta
        us, uf, usq = 2 - 4 * (0.5 - 0.5 * d) ** r, 2 - 4 * (0.5 + 0.5 * d) ** r, 2 - 4 * 0.5**r
        p = prob(i, j)
        return salience[j] * (p * us + (1 - p) * uf) + (1 - salience[j]) * us - usq

    for _ in range(rounds if delta > 0 else 0):
        danger = [sum(eu(i, j, 1.0) for i in range(n) if i != j) for j in range(n)]
        hi, lo = max(danger), min(danger)
        r = [1.0] * n
        if hi > lo:
            big = [(2 * dj - hi - lo) / (hi - lo) for dj in danger]
            r = [(1 - b / 3) / (1 + b / 3) for b in big]
        new = list(x)
        for i in range(n):
            best, best_move = None, float("inf")
            for j in range(n):
                if x[j] == x[i]:
                    continue
                a, b = eu(i, j, r[i]), eu(j, i, r[i])
                if b > a > 0 or (b > 0 > a and b < abs(a)):
                    target = x[j]
                elif b > 0 > a and b > abs(a):
                    target = x[i] + (x[j] - x[i]) * abs(a / b)
                else:
                    continue
                if abs(target - x[i]) < best_move:
                    best, best_move = target, abs(target - x[i])
            if best is not None:
                new[i] = best
        x = new
        path.append(list(x))
    return path
