"""Step-size regimes of the two-layer network (THEORY.md section 5): the per-mode boundaries and the
whole-network bound.

With aligned, balanced initialization each component follows ``x <- x (1 + c (1 - x))^2`` in units
of its target, ``x = w_i / (sigma_i / lam_i)``, with ``c = eta sigma_i``: ``lam_i`` only scales the
target, so the regime of a component depends on ``eta sigma_i`` alone. The map increases
monotonically to ``x = 1`` iff ``c <= 1/2`` and its fixed point is stable iff ``c < 1`` (derivative
``1 - 2c``). The whole network needs every component to do so, and ``sigma_1`` is the largest:

- ``eta sigma_1 <= 1/2``: every component increases monotonically to its target (``monotone``);
- ``1/2 < eta sigma_1 < 1``: converges, component 1 overshoots (``oscillating``);
- ``eta sigma_1 >= 1``: component 1 does not converge (``failed``: cycles, chaos, converges
  elsewhere or hits ``max_steps``; or ``diverged``).

Within the aligned subspace the prediction depends neither on ``delta`` nor on ``lam``. The whole
network is more fragile [derived]: at the balanced aligned minimum (``a_i^2 = b_i^2 = t_i = sigma_i/lam_i``)
the loss Hessian couples input mode ``i`` with hidden unit ``k`` with curvature ``lam_i (t_i + t_k)``,
so gradient descent keeps the aligned minimum stable against perturbations out of the aligned
subspace (rounding supplies them) only if ``eta max_{i,k} lam_i (t_i + t_k) < 2``. For ``lam``
constant this is ``eta sigma_1 < 1`` again; otherwise it can be much smaller
(``network_stability_bound``).
"""

from __future__ import annotations

import numpy as np

MONOTONE_BOUND = 0.5  # eta sigma_1 <= this: monotone
STABLE_BOUND = 1.0  # eta sigma_1 < this: converges


def predicted_regime(eta_sigma1) -> np.ndarray:
    """``monotone`` (``eta sigma_1 <= 1/2``), ``oscillating`` (``< 1``) or ``no convergence``."""
    x = np.asarray(eta_sigma1, float)
    return np.where(x <= MONOTONE_BOUND, "monotone", np.where(x < STABLE_BOUND, "oscillating", "no convergence"))


def network_stability_bound(lam, sigma) -> float:
    """``eta sigma_1`` at which the balanced aligned minimum of the two-layer network loses stability.

    ``2 sigma_1 / max_{i,k} lam_i (t_i + t_k)`` with ``t_i = sigma_i / lam_i`` (``t_i = 0`` for input
    modes ``i > m``, which have no hidden unit), ``k`` over the ``m`` learned components: the largest
    Hessian eigenvalue at the minimum is ``max_{i,k} lam_i (t_i + t_k)`` and GD is stable below ``2/eta``.
    """
    lam, sigma = np.asarray(lam, float), np.asarray(sigma, float)
    m = sigma.size
    t = np.zeros(lam.size)
    t[:m] = sigma / lam[:m]
    curvature = lam[:, None] * (t[:, None] + t[None, :m])
    return float(2.0 * sigma.max() / curvature.max())
