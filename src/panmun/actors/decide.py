r"""Stokman's "Decide" equal-gain exchange model, re-implemented after its published code.

Reference implementation followed: repository ``foarsitter/decide-exchange-model`` (the Python
"Decide" model of Stokman and Van Oosten 1994, as used by Dijkstra, Van Assen, Stokman et al.),
files ``decide/model/equalgain.py``, ``decide/model/base.py``, ``decide/model/calculations.py``
and ``decide/model/helpers/helpers.py`` at commit ``173dd58e60cc456d1d5d0ba36501c6e7a126031d``.
This module is written from the equations below, not from that code. The published tests of
that commit are reproduced in ``tests/test_actors_decide.py``.

Inputs (numpy arrays): ``position`` :math:`x_{ak}` (actors x issues, 0-100 scale),
``salience`` :math:`s_{ak} \in [0, 1]`, ``capability`` :math:`c_{ak} \ge 0` (one per actor, or
actors x issues; Decide calls it "power"). Weights :math:`w_{ak} = c_{ak} s_{ak}`,
:math:`W_k = \sum_a w_{ak}`. An actor with :math:`w_{ak} = 0` takes no part in issue *k*.

**Outcome** ("NBS" in Decide): :math:`O_k = \sum_a w_{ak} x_{ak} / W_k`. A move
:math:`\Delta x` of actor *a* shifts it by :math:`d = \Delta x\, w_{ak} / W_k` (Decide's
"exchange ratio"; scale points).

**Candidates.** For every pair of issues (p, q) (in input order) actors are grouped by the side
of the outcome they are on (``x < O`` is left). Two actors can trade when they are on opposite
sides on both issues. Roles: actor *i* is the one with the larger :math:`s_p / s_q`; *i*
receives on p and gives (moves its voting position) on q; *j* receives on q and gives on p.

**Equal gain.** *i* gains :math:`G_i = s_{ip} d_p - s_{iq} d_q`, *j* gains
:math:`G_j = s_{jq} d_q - s_{jp} d_p`. Equal gains fix the rate
:math:`d_q = d_p (s_{ip} + s_{jp}) / (s_{iq} + s_{jq})`, and then

.. math:: G = G_i = G_j = d_p \frac{s_{ip} s_{jq} - s_{iq} s_{jp}}{s_{iq} + s_{jq}} \ge 0.

**Size.** First *j* moves all the way to :math:`x_{ip}` and *i*'s move follows from the rate;
if that move is longer than :math:`|x_{jq} - x_{iq}|`, *i* moves all the way to :math:`x_{jq}`
instead and *j*'s move follows (the smaller of the two full moves). Then the outcome may not
pass the receiver's position: if moving *i* would carry :math:`O_q` past :math:`x_{jq}`, *i*'s
move is cut so that :math:`O_q = x_{jq}` and *j*'s follows; likewise for *j* on p.

**Validity.** Both moves are non-zero (> 1e-10), at most 100 and keep positions in [0, 100];
the gain is at least 1e-10; a recomputed exchange may not reverse a giver's direction.

**Round.** All candidates are evaluated at the round's start positions. The one with the
highest gain is made; every remaining exchange that it touches is recomputed: if one of its
givers has just moved on the issue it gives on, that giver starts from its new voting position;
if one of its receivers has just received on an issue, the exchange sees the giver's new
voting position when it checks the outcome cap on that issue. Exchanges that become invalid
are dropped; repeat until none is left. The round's outcome is :math:`O` over the voting
positions (each giver's last voting position). Next round, each giver starts from
:math:`x + \lambda (y - x)` with :math:`\lambda = 0.4 (1 - s) + 0.1` (*y* its voting
position, *s* its salience on the issue), everyone else from the same position.

Differences from the reference code (documented, small): exact ties in gain are broken by
candidate order here (Decide picks at random); when a receiver's view of a giver is updated
twice, the latest voting position is used; Decide's check that the recorded moves of a giver
sum to at most 100 is not reproduced; arithmetic is in floats (Decide uses ``Decimal``), with
a slack of ``RANGE_TOL`` on the [0, 100] bounds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from panmun.errors import InputError

SALIENCE_WEIGHT = 0.4  # Decide's weight of (1 - salience) in the next start position
FIXED_WEIGHT = 0.1  # Decide's fixed weight of the voting position in the next start position
EPS = 1e-10  # smallest move or gain that counts (Decide's threshold)
RANGE_TOL = 1e-9  # float slack on the [0, 100] bounds (Decide computes in Decimal)


@dataclass(frozen=True)
class Candidate:
    """A possible exchange: *i* receives on issue ``p`` and gives on ``q``; *j* the reverse."""

    i: int
    j: int
    p: int
    q: int


@dataclass(frozen=True)
class DecideExchange:
    """One evaluated exchange.

    ``start_i``/``move_i``: i's voting position on q before, and its signed move (scale points);
    ``start_j``/``move_j`` likewise for j on p. ``shift_p``/``shift_q``: the absolute outcome
    shifts (Decide's exchange ratios). ``gain``: each party's utility gain (salience x points).
    """

    i: int
    j: int
    p: int
    q: int
    start_i: float
    move_i: float
    start_j: float
    move_j: float
    shift_p: float
    shift_q: float
    gain: float
    valid: bool

    @property
    def y_i(self) -> float:
        """i's new voting position on q."""
        return self.start_i + self.move_i

    @property
    def y_j(self) -> float:
        """j's new voting position on p."""
        return self.start_j + self.move_j


@dataclass(frozen=True)
class RoundResult:
    """One round: the candidates, their first evaluation, the exchanges made, and positions."""

    candidates: list[Candidate]
    initial: list[DecideExchange]
    realized: list[DecideExchange]
    nbs_before: np.ndarray
    voting: np.ndarray
    nbs_after: np.ndarray
    next_position: np.ndarray


def weights(salience: np.ndarray, capability: np.ndarray) -> np.ndarray:
    """``w_ak = c_ak s_ak`` (capability given per actor or per actor and issue)."""
    cap = np.asarray(capability, dtype=float)
    if cap.ndim == 1:
        cap = cap[:, None]
    return np.asarray(salience, dtype=float) * cap


def nbs(position: np.ndarray, salience: np.ndarray, capability: np.ndarray) -> np.ndarray:
    """Decide's outcome per issue: the capability x salience weighted mean of positions."""
    w = weights(salience, capability)
    return (w * position).sum(axis=0) / w.sum(axis=0)


def check_inputs(position: np.ndarray, salience: np.ndarray, capability: np.ndarray) -> None:
    """Raise InputError for bad shapes, non-finite or out-of-range values."""
    position, salience = np.asarray(position, dtype=float), np.asarray(salience, dtype=float)
    capability = np.asarray(capability, dtype=float)
    if position.ndim != 2 or salience.shape != position.shape or capability.shape not in (
            position.shape, position.shape[:1]):
        raise InputError(f"shapes: position {position.shape}, salience {salience.shape}, "
                         f"capability {capability.shape}")
    for name, arr in (("position", position), ("salience", salience), ("capability", capability)):
        if not np.all(np.isfinite(arr)):
            raise InputError(f"{name}: contains a non-finite value")
    if np.any((position < 0) | (position > 100)):
        raise InputError("position: a value is outside [0, 100]")
    if np.any((salience < 0) | (salience > 1)):
        raise InputError("salience: a value is outside [0, 1]")
    if np.any(capability < 0):
        raise InputError("capability: a value is negative")
    if np.any(weights(salience, capability).sum(axis=0) <= 0):
        raise InputError("every actor has zero capability x salience on an issue: no outcome")


def candidate_pairs(position: np.ndarray, salience: np.ndarray,
                    capability: np.ndarray) -> list[Candidate]:
    """All candidate exchanges, in Decide's order (issue pairs, then the two opposite groups)."""
    w = weights(salience, capability)
    left = position < nbs(position, salience, capability)
    n_issues = position.shape[1]
    out = []
    for p in range(n_issues):
        for q in range(p + 1, n_issues):
            active = (w[:, p] > 0) & (w[:, q] > 0)
            group = left[:, p].astype(int) + 2 * left[:, q].astype(int)  # 0: right on both, 3: left
            for g_a, g_b in ((0, 3), (1, 2)):
                for a in np.flatnonzero(active & (group == g_a)):
                    for b in np.flatnonzero(active & (group == g_b)):
                        out.append(_roles(int(a), int(b), p, q, salience))
    return out


def _roles(a: int, b: int, p: int, q: int, salience: np.ndarray) -> Candidate:
    """The actor with the larger s_p / s_q receives on p (is *i*)."""
    if salience[a, p] * salience[b, q] < salience[b, p] * salience[a, q]:
        return Candidate(i=b, j=a, p=p, q=q)
    return Candidate(i=a, j=b, p=p, q=q)


def _move_ok(start: float, move: float, direction: float | None) -> bool:
    """Decide's move test: non-zero, at most 100, stays in [0, 100], keeps its direction."""
    if not EPS < abs(move) <= 100 + RANGE_TOL or not -RANGE_TOL <= start + move <= 100 + RANGE_TOL:
        return False
    return direction is None or np.sign(move) == direction


def _outcome_cap(view: np.ndarray, w: np.ndarray, giver: int, start: float, move: float,
                 target: float) -> float:
    """The giver's move, cut so that the outcome seen in ``view`` does not pass ``target``."""
    seen = view.copy()
    seen[giver] = start
    before = (w * seen).sum() / w.sum()
    after = before + w[giver] / w.sum() * move
    if (target >= before and target >= after) or (target <= before and target <= after):
        return move
    return (target - before) * w.sum() / w[giver]


@dataclass(frozen=True)
class _Context:
    """What an exchange sees: round-start positions, saliences, weights, outcome views."""

    position: np.ndarray
    salience: np.ndarray
    w: np.ndarray
    view_p: np.ndarray
    view_q: np.ndarray


def evaluate(c: Candidate, ctx: _Context, start_i: float, start_j: float,
             directions: tuple[float, float] | None = None) -> DecideExchange:
    """Size one equal-gain exchange from the givers' current voting positions (see module doc).

    Moves are carried as lengths ``m_i`` (i on q) and ``m_j`` (j on p); a move that goes "all
    the way" is set to the exact distance, as in Decide, so that boundaries are hit exactly.
    """
    s, w = ctx.salience, ctx.w
    wp, wq = w[:, c.p].sum(), w[:, c.q].sum()
    rate = (s[c.i, c.p] + s[c.j, c.p]) / (s[c.i, c.q] + s[c.j, c.q])  # d_q per unit d_p
    i_per_j = w[c.j, c.p] / wp * rate * wq / w[c.i, c.q]  # length of i's move per unit of j's
    target_i, target_j = ctx.position[c.j, c.q], ctx.position[c.i, c.p]
    sign_i, sign_j = (1.0 if target_i >= start_i else -1.0), (1.0 if target_j >= start_j else -1.0)

    def build(m_i: float, m_j: float, valid: bool) -> DecideExchange:
        d_p, d_q = m_j * w[c.j, c.p] / wp, m_i * w[c.i, c.q] / wq
        gain = abs(d_q * s[c.i, c.q] - d_p * s[c.i, c.p])
        return DecideExchange(c.i, c.j, c.p, c.q, float(start_i), float(sign_i * m_i), float(start_j),
                              float(sign_j * m_j), float(d_p), float(d_q), float(gain), bool(valid))

    def moves_ok(e: DecideExchange) -> bool:
        dir_i, dir_j = directions if directions is not None else (None, None)
        return _move_ok(start_i, e.move_i, dir_i) and _move_ok(start_j, e.move_j, dir_j)

    m_j = abs(target_j - start_j)  # j moves all the way ...
    m_i = m_j * i_per_j
    if m_i > abs(target_i - start_i):  # ... unless i would pass j's position: then i does
        m_i = abs(target_i - start_i)
        m_j = m_i / i_per_j
    e = build(m_i, m_j, True)
    if not moves_ok(e) or e.gain < EPS:
        return build(m_i, m_j, False)
    cut_i = _outcome_cap(ctx.view_q, w[:, c.q], c.i, start_i, e.move_i, target_i)
    if cut_i != e.move_i:
        m_i, m_j = abs(cut_i), abs(cut_i) / i_per_j
        e = build(m_i, m_j, True)
    cut_j = _outcome_cap(ctx.view_p, w[:, c.p], c.j, start_j, e.move_j, target_j)
    if cut_j != e.move_j:
        m_i, m_j = abs(cut_j) * i_per_j, abs(cut_j)
        e = build(m_i, m_j, True)
    return build(m_i, m_j, moves_ok(e))


class _State:
    """The mutable view one candidate keeps during a round (Decide's per-exchange updates)."""

    def __init__(self, c: Candidate, position: np.ndarray):
        self.c = c
        self.start_i = float(position[c.i, c.q])
        self.start_j = float(position[c.j, c.p])
        self.view = {c.p: position[:, c.p].copy(), c.q: position[:, c.q].copy()}
        self.directions: tuple[float, float] | None = None

    def absorb(self, r: DecideExchange) -> bool:
        """Take in a made exchange ``r``; True when this candidate must be recomputed."""
        c, touched = self.c, False
        made = {(r.i, r.q): r.y_i, (r.j, r.p): r.y_j}  # (giver, issue) -> new voting position
        if (c.i, c.q) in made:
            self.start_i, touched = made[(c.i, c.q)], True
        if (c.j, c.p) in made:
            self.start_j, touched = made[(c.j, c.p)], True
        receivers = {(c.i, c.p), (c.j, c.q)}
        if (r.j, r.q) in receivers:  # r's receiver j received on q again: see r's giver i there
            self.view[r.q][r.i], touched = r.y_i, True
        if (r.i, r.p) in receivers:
            self.view[r.p][r.j], touched = r.y_j, True
        return touched


def _context(state: _State, position: np.ndarray, salience: np.ndarray, w: np.ndarray) -> _Context:
    return _Context(position, salience, w, state.view[state.c.p], state.view[state.c.q])


def equal_gain_round(position: np.ndarray, salience: np.ndarray,
                     capability: np.ndarray) -> RoundResult:
    """One round of Decide's equal-gain model (see the module docstring for the rules)."""
    check_inputs(position, salience, capability)
    position = np.asarray(position, dtype=float)
    salience = np.asarray(salience, dtype=float)
    w = weights(salience, capability)
    candidates = candidate_pairs(position, salience, capability)
    states = [_State(c, position) for c in candidates]
    current = [evaluate(st.c, _context(st, position, salience, w), st.start_i, st.start_j)
               for st in states]
    initial = list(current)
    for st, e in zip(states, current, strict=True):
        st.directions = (np.sign(e.move_i), np.sign(e.move_j))
    pending = [k for k, e in enumerate(current) if e.valid]
    realized: list[DecideExchange] = []
    while pending:
        best = max(pending, key=lambda k: current[k].gain)  # first in order on exact ties
        r = current[best]
        realized.append(r)
        still = []
        for k in pending:
            if k == best:
                continue
            st = states[k]
            if st.absorb(r):
                current[k] = evaluate(st.c, _context(st, position, salience, w), st.start_i,
                                      st.start_j, st.directions)
            if current[k].valid:
                still.append(k)
        pending = still
    voting = voting_positions(position, realized)
    return RoundResult(candidates, initial, realized, nbs(position, salience, capability), voting,
                       nbs(voting, salience, capability), next_positions(position, salience, realized))


def voting_positions(position: np.ndarray, realized: list[DecideExchange]) -> np.ndarray:
    """Round-start positions with each giver's voting position (the last one made) put in."""
    voting = np.array(position, dtype=float)
    for r in realized:
        voting[r.i, r.q] = r.y_i
        voting[r.j, r.p] = r.y_j
    return voting


def next_positions(position: np.ndarray, salience: np.ndarray,
                   realized: list[DecideExchange]) -> np.ndarray:
    """Next round's start: ``x + lambda (y - x)``, ``lambda = 0.4 (1 - s) + 0.1``, for givers."""
    nxt = np.array(position, dtype=float)
    for r in realized:
        for actor, issue, y in ((r.i, r.q, r.y_i), (r.j, r.p, r.y_j)):
            lam = SALIENCE_WEIGHT * (1 - salience[actor, issue]) + FIXED_WEIGHT
            nxt[actor, issue] = position[actor, issue] + lam * (y - position[actor, issue])
    return nxt


def equal_gain_model(position: np.ndarray, salience: np.ndarray, capability: np.ndarray,
                     rounds: int = 10) -> list[RoundResult]:
    """``rounds`` rounds of the equal-gain model, each starting where the last one left off."""
    if rounds < 1:
        raise InputError(f"rounds: must be at least 1, got {rounds}")
    results = []
    for _ in range(rounds):
        results.append(equal_gain_round(position, salience, capability))
        position = results[-1].next_position
    return results
