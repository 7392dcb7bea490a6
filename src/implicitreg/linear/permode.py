"""Opt-in per-mode fast path (``method: per_mode``), exact for aligned runs on commuting covariances.

With ``Sigma_x = U diag(lam) U^T``, ``Sigma_xy = U_m diag(sigma) V_m^T`` and aligned balanced factors, the
end-to-end map stays ``W(k) = U_m diag(w(k)) V_m^T`` (THEORY.md section 3) and ``w`` follows
``theory.per_mode``. Everything ``simulate.simulate`` records follows from ``w``:

- ``G = Sigma_x W - Sigma_xy = U_m diag(lam w - sigma) V_m^T``, so ``||G||_F = ||lam w - sigma||_2``;
- excess loss ``1/2 tr((W - W_*)^T Sigma_x (W - W_*)) = 1/2 sum_i lam_i (w_i - sigma_i/lam_i)^2``;
- factors ``W1 = [U_k diag(a) 0]``, middle ``diag(a)``, ``WL = [diag(a) V_k^T; 0]`` with ``a = w^{1/L}``.

The same stopping (``converged``, ``diverged``, ``max_steps``), log grid and transition bracketing as the
full-matrix simulator. Never used for claim 1, which compares the full-matrix simulator with the recursion.
"""

from __future__ import annotations

import numpy as np

from implicitreg.data.trajectory import log_grid
from implicitreg.linear import metrics, theory
from implicitreg.linear.simulate import Trajectory


def aligned_factors(a: np.ndarray, U, V, depth: int, width: int) -> list[np.ndarray]:
    """Balanced aligned factors with per-mode values ``a_i = w_i^{1/L}`` (``W`` itself for ``L = 1``)."""
    d, p, m = U.shape[0], V.shape[0], a.size
    if depth == 1:
        return [metrics.aligned_map(a, U, V)]
    k = min(width, m)
    first = np.zeros((d, width))
    first[:, :k] = U[:, :k] * a[:k]
    last = np.zeros((width, p))
    last[:k] = a[:k, None] * V[:, :k].T
    middle = np.zeros((width, width))
    middle[np.arange(k), np.arange(k)] = a[:k]
    return [first] + [middle.copy() for _ in range(depth - 2)] + [last]


def simulate_aligned(
    lam, sigma, U, V, depth: int, width: int, eta: float, delta: float, *, max_steps: int, tol: float, n_log: int,
    blowup: float = 1e8,
) -> Trajectory:  # fmt: skip
    """One aligned run from ``W(0) = e^{-delta} U_k V_k^T`` through the per-mode recursion (see module doc)."""
    sigma = np.asarray(sigma, float)
    m = sigma.size
    lam = np.asarray(lam, float)[:m]
    k_init = m if depth == 1 else min(width, m)
    w0 = np.where(np.arange(m) < k_init, np.exp(-delta), 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        w = theory.per_mode(lam, sigma, eta, w0, depth, max_steps)
        loss = 0.5 * np.sum(lam * (w - sigma / lam) ** 2, axis=1)
        gnorm = np.linalg.norm(lam * w - sigma, axis=1)
    finite = np.isfinite(loss) & np.all(np.isfinite(w), axis=1)
    diverged = ~finite | (loss > blowup * (1.0 + loss[0]))
    converged = gnorm <= tol * np.linalg.norm(sigma)
    stops = np.flatnonzero(diverged | converged)
    n_steps = int(stops[0]) if stops.size else max_steps
    status = "diverged" if diverged[n_steps] else "converged" if converged[n_steps] else "max_steps"
    half = sigma / lam / 2
    hit = (w[: n_steps + 1] >= half) & finite[: n_steps + 1, None]
    k_cross = np.where(hit.any(axis=0), np.argmax(hit, axis=0), -1)
    logged = log_grid(max_steps, n_log)[: n_steps + 1].copy()
    logged[n_steps] = True
    for k in k_cross[k_cross >= 0]:
        logged[max(k - 1, 0) : k + 1] = True
    logged &= finite[: n_steps + 1]
    steps = np.flatnonzero(logged)
    a = np.abs(w[n_steps]) ** (1.0 / depth) * np.sign(w[n_steps]) if depth > 1 else w[n_steps]
    return Trajectory(
        steps=steps,
        W=metrics.aligned_map(w[steps], U, V),
        loss=loss[steps],
        factors=aligned_factors(a, U, V, depth, width),
        status=status,
        n_steps=n_steps,
        k_cross=k_cross.astype(int),
    )
