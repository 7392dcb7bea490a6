"""Reduced-rank regression in closed form (THEORY.md section 6, Izenman 1975).

``min_{rank W <= k} L(W)`` for any positive-definite ``Sigma_x``: with
``T = Sigma_x^{-1/2} Sigma_xy`` and ``[T]_k`` its best rank-k approximation (truncated SVD),

    W_k = Sigma_x^{-1/2} [T]_k,     L(W_k) - L(W_*) = 1/2 sum_{i > k} s_i(T)^2.

Under the commuting assumption ``s_i(T) = sigma_i / sqrt(lam_i)``, so ``W_k`` keeps the ``k``
components with the largest ``sigma_i / sqrt(lam_i)``, each at ``sigma_i / lam_i``.
"""

from __future__ import annotations

import numpy as np

from implicitreg.linear import metrics


def inv_sqrt(Sigma_x) -> np.ndarray:
    """``Sigma_x^{-1/2}`` by the symmetric eigendecomposition; raises if not positive-definite."""
    evals, evecs = np.linalg.eigh(Sigma_x)
    if evals[0] <= 0:
        raise ValueError(f"Sigma_x is not positive-definite (smallest eigenvalue {evals[0]:.3g})")
    return (evecs / np.sqrt(evals)) @ evecs.T


def whitened_target(Sigma_x, Sigma_xy) -> np.ndarray:
    """``T = Sigma_x^{-1/2} Sigma_xy``."""
    return inv_sqrt(Sigma_x) @ Sigma_xy


def rrr_solution(Sigma_x, Sigma_xy, k: int) -> np.ndarray:
    """The rank-``k`` reduced-rank regression solution ``W_k = Sigma_x^{-1/2} [T]_k``."""
    S = inv_sqrt(Sigma_x)
    u, s, vt = np.linalg.svd(S @ Sigma_xy, full_matrices=False)
    return S @ (u[:, :k] * s[:k]) @ vt[:k]


def excess_loss(W, Sigma_x, Sigma_xy) -> np.ndarray:
    """``L(W) - L(W_*) = 1/2 tr((W - W_*)^T Sigma_x (W - W_*))`` (batched over leading axes)."""
    E = W - np.linalg.solve(Sigma_x, Sigma_xy)
    return 0.5 * np.einsum("...ij,ik,...kj->...", E, Sigma_x, E)


def rrr_solutions(Sigma_x, Sigma_xy) -> tuple[np.ndarray, np.ndarray]:
    """All RRR solutions ``W_0 = 0, W_1, ..., W_m`` (shape ``(m+1, d, p)``) and their spectrum-formula losses."""
    s = np.linalg.svd(whitened_target(Sigma_x, Sigma_xy), compute_uv=False)
    m = s.size
    Ws = np.stack([rrr_solution(Sigma_x, Sigma_xy, k) for k in range(m + 1)])
    tail = np.concatenate([np.cumsum((s**2)[::-1])[::-1], [0.0]])
    return Ws, 0.5 * tail


def rrr_arrays(dataset: dict) -> dict[str, np.ndarray]:
    """The arrays of ``results/baselines/rrr_{dataset}.npz``: ``W`` and ``loss`` of every rank (``rrr_solutions``),
    ``rank`` and ``nuclear_norm``, from the dataset's ``Sigma_x`` and ``Sigma_xy``."""
    W, loss = rrr_solutions(dataset["Sigma_x"], dataset["Sigma_xy"])
    return {"W": W, "rank": np.arange(W.shape[0]), "loss": loss, "nuclear_norm": metrics.trace_norm(W)}


def reduced_rank_ridge(Sigma_x, Sigma_xy, alpha: float, ranks) -> np.ndarray:
    """Reduced-rank ridge regression (Mukherjee and Zhu 2011: RRR on the ridge-augmented data) for every rank.

    ``W_k(alpha) = W_alpha V_k V_k^T`` with ``W_alpha = (Sigma_x + alpha I)^{-1} Sigma_xy`` and ``V_k`` the top-k
    eigenvectors of ``Sigma_xy^T (Sigma_x + alpha I)^{-1} Sigma_xy``; at ``alpha = 0`` it is RRR's ``W_k``.
    Returns shape ``(len(ranks), d, p)``.
    """
    Sigma_x, Sigma_xy = np.asarray(Sigma_x, float), np.asarray(Sigma_xy, float)
    W = np.linalg.solve(Sigma_x + alpha * np.eye(Sigma_x.shape[0]), Sigma_xy)
    evals, evecs = np.linalg.eigh(Sigma_xy.T @ W)
    V = evecs[:, ::-1]
    return np.stack([W @ V[:, :k] @ V[:, :k].T for k in ranks])
