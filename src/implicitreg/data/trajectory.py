"""Trajectory helpers shared by every simulation and table: the logging grid and interpolated crossings."""

from __future__ import annotations

import numpy as np


def log_grid(max_steps: int, n_log: int) -> np.ndarray:
    """Boolean mask over ``0..max_steps``: ``n_log`` log-spaced and ``n_log`` evenly spaced iterations."""
    mask = np.zeros(max_steps + 1, bool)
    mask[np.unique(np.round(np.geomspace(1, max_steps, n_log)).astype(int))] = True
    mask[np.unique(np.round(np.linspace(0, max_steps, n_log)).astype(int))] = True
    mask[0] = True
    return mask


def crossing_step(steps, values, level: float) -> float:
    """First iteration where ``values`` reaches ``level``, linearly interpolated between logged steps (NaN if never)."""
    steps, values = np.asarray(steps, float), np.asarray(values, float)
    hit = np.flatnonzero(values >= level)
    if hit.size == 0:
        return float("nan")
    j = hit[0]
    if j == 0:
        return float(steps[0])
    v0, v1 = values[j - 1], values[j]
    return float(steps[j - 1] + (level - v0) / (v1 - v0) * (steps[j] - steps[j - 1]))
