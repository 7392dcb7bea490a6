"""Initial factors of a linear network (THEORY.md section 1): aligned and balanced, or small and random."""

from __future__ import annotations

import numpy as np


def aligned_init(U, V, depth: int, width: int, delta: float) -> list[np.ndarray]:
    """Balanced factors aligned with ``(U, V)``, end-to-end ``W(0) = e^{-delta} U_k V_k^T``, ``k = min(width, d, p)``.

    Each factor carries ``e^{-delta/L}``: ``W1 = s [U_k 0]``, middle ``s I_width``, ``WL = s [V_k 0]^T``.
    The linear model (``depth = 1``) starts at ``e^{-delta} U_m V_m^T``.
    """
    d, p = U.shape[0], V.shape[0]
    if depth == 1:
        m = min(d, p)
        return [np.exp(-delta) * U[:, :m] @ V[:, :m].T]
    s = np.exp(-delta / depth)
    k = min(width, d, p)
    first = np.zeros((d, width))
    first[:, :k] = s * U[:, :k]
    last = np.zeros((width, p))
    last[:k] = s * V[:, :k].T
    return [first] + [s * np.eye(width) for _ in range(depth - 2)] + [last]


def factor_shapes(d: int, p: int, depth: int, width: int) -> list[tuple[int, int]]:
    """Shapes of ``W1..WL``: ``(d, width), (width, width), ..., (width, p)``; ``[(d, p)]`` for ``L = 1``."""
    if depth == 1:
        return [(d, p)]
    dims = [d] + [width] * (depth - 1) + [p]
    return list(zip(dims[:-1], dims[1:]))


def random_init(d: int, p: int, depth: int, width: int, delta: float, rng) -> list[np.ndarray]:
    """Gaussian factors ``e^{-delta/L} Z / sqrt(max(rows, cols))``: each of operator norm about ``e^{-delta/L}``."""
    s = np.exp(-delta / depth)
    return [s * rng.standard_normal(shape) / np.sqrt(max(shape)) for shape in factor_shapes(d, p, depth, width)]
