"""Trajectory metrics: components, trace norms, transitions and deviations (THEORY.md sections 3-4)."""

from __future__ import annotations

import numpy as np


def components(W, U, V, m: int) -> np.ndarray:
    """``w_i = u_i^T W v_i`` for ``i < m``, batched over the leading axes of ``W``."""
    return np.einsum("di,...de,ei->...i", U[:, :m], W, V[:, :m])


def trace_norm(W) -> np.ndarray:
    """Nuclear (trace) norm ``||W||_* = sum of singular values``, batched."""
    return np.linalg.svd(W, compute_uv=False).sum(axis=-1)


def aligned_map(w, U, V) -> np.ndarray:
    """``U_m diag(w) V_m^T`` for per-mode values ``w`` (shape ``(..., m)``)."""
    m = w.shape[-1]
    return np.einsum("di,...i,ei->...de", U[:, :m], w, V[:, :m])


def relative_deviation(W, W_ref) -> np.ndarray:
    """``||W - W_ref||_F / ||W_ref||_F`` per leading index."""
    return np.linalg.norm(W - W_ref, axis=(-2, -1)) / np.linalg.norm(W_ref, axis=(-2, -1))


def first_crossing(steps, values, threshold) -> np.ndarray:
    """First logged step where ``values[:, i] >= threshold[i]`` (``-1`` if never), per component."""
    hit = np.asarray(values) >= np.asarray(threshold)
    first = np.argmax(hit, axis=0)
    return np.where(hit.any(axis=0), np.asarray(steps)[first], -1)
