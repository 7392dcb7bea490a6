"""Stages of deep matrix factorization (THEORY.md section 8): a singular value rises over ``[k_lo, k_hi]`` when it
goes from ``lo`` to ``hi`` times its target; overlapping rises form one stage, and the gaps are plateaus."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from implicitreg.data.trajectory import crossing_step


@dataclass
class Stages:
    """Stages (each a list of singular-value indices, 1-based, with its ``[start, end]`` iterations) and plateaus.

    ``plateaus[i] = (start, end, mid)`` is the gap before stage ``i`` (the last one follows the last stage).
    """

    stages: list[tuple[list[int], float, float]]
    plateaus: list[tuple[int, int, int]]

    @property
    def n_stages(self) -> int:
        return len(self.stages)


def rise_interval(steps, values, ref: float, lo: float, hi: float) -> tuple[float, float] | None:
    """``[k_lo, k_hi]``: first (interpolated) iterations where ``values`` reach ``lo * ref`` and ``hi * ref``."""
    k_lo, k_hi = crossing_step(steps, values, lo * ref), crossing_step(steps, values, hi * ref)
    return None if np.isnan(k_lo) or np.isnan(k_hi) else (k_lo, k_hi)


def detect_stages(steps, sv, targets, *, lo: float, hi: float) -> Stages:
    """Stages and plateaus of a logged trajectory of the top singular values ``sv`` (``T x K``) of ``W``.

    Rule: singular value ``r`` *rises* over ``[k_lo, k_hi]``, the first iterations at which ``sigma_r(W(k))``
    reaches ``lo`` and ``hi`` times its reference: the target ``s_r`` for ``r <= R`` and the smallest target
    ``s_R`` beyond (a spurious ``(R+1)``-th value growing to the scale of ``s_R`` is a stage too). A *stage* is a
    connected component of the union of the rise intervals (overlapping rises are one stage); a *plateau* is
    a gap between consecutive stages, before the first or after the last, over logged iterations ``k >= 1``.
    A plateau's midpoint is the logged step nearest the geometric mean of its ends. Exactly ``R`` stages with
    one new singular value each means the ``R`` rises are ordered and disjoint (C22's saddle-to-saddle path).
    """
    steps, sv = np.asarray(steps), np.asarray(sv)
    targets = np.asarray(targets, float)
    refs = np.concatenate([targets, np.full(sv.shape[1] - targets.size, targets[-1])])
    rises = []
    for r in range(sv.shape[1]):
        interval = rise_interval(steps, sv[:, r], refs[r], lo, hi)
        if interval is not None:
            rises.append((interval[0], interval[1], r + 1))
    stages: list[tuple[list[int], float, float]] = []
    for a, b, r in sorted(rises):
        if stages and a <= stages[-1][2]:
            stages[-1] = (stages[-1][0] + [r], stages[-1][1], max(stages[-1][2], b))
        else:
            stages.append(([r], a, b))
    edges = [1.0] + [x for _, a, b in stages for x in (a, b)] + [float(steps[-1])]
    logged = steps[steps >= 1]
    plateaus = []
    for start, end in zip(edges[::2], edges[1::2]):
        start, end = max(start, 1.0), max(end, 1.0)
        mid = int(logged[np.argmin(np.abs(np.log(logged) - 0.5 * (np.log(start) + np.log(end))))])
        plateaus.append((int(np.ceil(start)), int(np.floor(end)), mid))
    return Stages(stages, plateaus)


def one_new_value_per_stage(stages: Stages, rank: int) -> bool:
    """Exactly ``rank`` stages, stage ``r`` bringing exactly singular value ``r`` (all ``R`` learned, in order)."""
    return [s[0] for s in stages.stages] == [[r] for r in range(1, rank + 1)]
