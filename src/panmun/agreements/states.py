"""The Peace Accords Matrix implementation scale, extended with suspension and reversal.

Joshi, Quinn and Regan (2015), "Annualized implementation data on comprehensive
intrastate peace accords, 1989-2012", Journal of Peace Research 52(4): each provision
is scored 0 (not initiated), 1 (minimal), 2 (intermediate) or 3 (full), and an
agreement's implementation is the sum of its provisions' scores divided by the most
they could score, 3 x the number of provisions. panmun adds two dated states,
``suspended`` and ``reversed``, which score 0 and are listed separately.
"""

from __future__ import annotations

SCORE_LABELS: dict[int, str] = {0: "not-initiated", 1: "minimal", 2: "intermediate", 3: "full"}
SUSPENDED = "suspended"
REVERSED = "reversed"
UNTRACKED = "untracked"  # the agreement has no implementation history in the store
MAX_SCORE = 3


def state_label(score: int | None, state: str | None) -> str:
    """The name of a status: a score's label, or the suspended/reversed state."""
    if state is not None:
        return state
    return SCORE_LABELS[0 if score is None else int(score)]
