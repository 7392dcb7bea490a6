"""Discrete gradient descent on linear networks (THEORY.md section 1).

The loss depends on the data only through ``(Sigma_x, Sigma_xy)``:
``L(W) = 1/2 tr(W^T Sigma_x W) - tr(W^T Sigma_xy) + const`` with end-to-end gradient
``G(W) = Sigma_x W - Sigma_xy``. For ``W = W1 W2 ... WL`` all factors move at once:

    Wj <- Wj - eta (W1 ... W{j-1})^T G (W{j+1} ... WL)^T.

The loss we log is the excess loss ``L(W) - L(W_*) = 1/2 tr((W - W_*)^T Sigma_x (W - W_*))`` with
``W_* = Sigma_x^{-1} Sigma_xy``; it needs no ``Y``.

``simulate`` advances a batch of runs of the same shape together (a stacked array program)
with a step size per run, and stops each run on its own: ``converged`` when
``||G(W)||_F <= tol ||Sigma_xy||_F``, ``diverged`` when the loss is not finite or exceeds
``blowup * (1 + L(0))``, ``max_steps`` otherwise. It logs ``W`` at log-spaced iterations and at
the iterations that bracket each component's transition, so transitions are detected exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Trajectory:
    """One simulated run: logged iterations, end-to-end maps, losses and the outcome."""

    steps: np.ndarray  # (T,) logged iteration numbers, 0 first
    W: np.ndarray  # (T, d, p) end-to-end map at each logged step
    loss: np.ndarray  # (T,) excess loss at each logged step
    factors: list[np.ndarray]  # final factors W1..WL
    status: str  # converged | max_steps | diverged
    n_steps: int  # iterations performed
    k_cross: np.ndarray  # (m,) first k with u_i^T W v_i >= target_i / 2, -1 if never


def log_grid(max_steps: int, n_log: int) -> np.ndarray:
    """Boolean mask over ``0..max_steps``: ``n_log`` log-spaced and ``n_log`` evenly spaced iterations."""
    mask = np.zeros(max_steps + 1, bool)
    mask[np.unique(np.round(np.geomspace(1, max_steps, n_log)).astype(int))] = True
    mask[np.unique(np.round(np.linspace(0, max_steps, n_log)).astype(int))] = True
    mask[0] = True
    return mask


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


def end_to_end(factors: list[np.ndarray]) -> np.ndarray:
    """``W = W1 W2 ... WL`` (batched over the leading axis)."""
    W = factors[0]
    for F in factors[1:]:
        W = W @ F
    return W


def factor_gradients(factors: list[np.ndarray], G: np.ndarray) -> list[np.ndarray]:
    """``dL/dWj = (W1...W{j-1})^T G (W{j+1}...WL)^T`` for every ``j`` (batched)."""
    L = len(factors)
    if L == 1:
        return [G]
    prefix = [None] * L  # prefix[j] = W1...Wj
    prefix[0] = factors[0]
    for j in range(1, L - 1):
        prefix[j] = prefix[j - 1] @ factors[j]
    suffix = [None] * L  # suffix[j] = Wj...WL
    suffix[L - 1] = factors[L - 1]
    for j in range(L - 2, 0, -1):
        suffix[j] = factors[j] @ suffix[j + 1]
    grads = []
    for j in range(L):
        g = G if j == L - 1 else G @ np.swapaxes(suffix[j + 1], -1, -2)
        if j > 0:
            g = np.swapaxes(prefix[j - 1], -1, -2) @ g
        grads.append(g)
    return grads


def simulate(
    Sigma_x,
    Sigma_xy,
    factors0: list[np.ndarray],
    eta,
    *,
    max_steps: int,
    tol: float,
    n_log: int,
    U=None,
    V=None,
    targets=None,
    blowup: float = 1e8,
) -> list[Trajectory]:
    """Run discrete GD for a batch of ``B`` runs; ``factors0[j]`` has shape ``(B, rows_j, cols_j)``.

    ``eta`` is a scalar or one step size per run. Components ``u_i^T W v_i`` (``U``, ``V``) and
    their ``targets`` are monitored for transition detection when given.
    """
    Sigma_x, Sigma_xy = np.asarray(Sigma_x, float), np.asarray(Sigma_xy, float)
    B = factors0[0].shape[0]
    eta = np.broadcast_to(np.asarray(eta, float), (B,)).copy()
    W_star = np.linalg.solve(Sigma_x, Sigma_xy)
    g_scale = np.linalg.norm(Sigma_xy)
    log_mask = log_grid(max_steps, n_log)
    monitor = targets is not None
    m = np.size(targets) if monitor else 0
    if monitor:
        targets = np.asarray(targets, float)
        Um, Vm = np.asarray(U)[:, :m], np.asarray(V)[:, :m]

    idx = np.arange(B)  # original indices of the runs still active
    F = [np.array(f, float) for f in factors0]
    logs: list[list[tuple[int, np.ndarray, float]]] = [[] for _ in range(B)]
    k_cross = np.full((B, m), -1, int)
    results: list[Trajectory | None] = [None] * B
    loss0 = None
    prev = None  # (W, loss) at the previous iteration, for bracketing transitions

    for k in range(max_steps + 1):
        W = end_to_end(F)
        E = W - W_star
        loss = 0.5 * np.einsum("bij,ik,bkj->b", E, Sigma_x, E)
        G = Sigma_x @ W - Sigma_xy
        if loss0 is None:
            loss0 = loss.copy()
        finite = np.isfinite(loss) & np.all(np.isfinite(W), axis=(1, 2))
        diverged = ~finite | (loss > blowup * (1.0 + loss0))
        newly = np.zeros((idx.size, m), bool)
        if monitor:
            comps = np.einsum("di,bde,ei->bi", Um, W, Vm)
            newly = (comps >= 0.5 * targets) & (k_cross[idx] < 0) & finite[:, None]
            k_cross[idx] = np.where(newly, k, k_cross[idx])
        converged = np.linalg.norm(G, axis=(1, 2)) <= tol * g_scale
        done = diverged | converged | (k == max_steps)
        for b in range(idx.size):
            log = logs[idx[b]]
            if newly[b].any() and k > 0 and log[-1][0] != k - 1:
                log.append((k - 1, prev[0][b].copy(), float(prev[1][b])))
            if finite[b] and (log_mask[k] or newly[b].any() or done[b]):
                log.append((k, W[b].copy(), float(loss[b])))
        for b in np.flatnonzero(done):
            status = "diverged" if diverged[b] else "converged" if converged[b] else "max_steps"
            log = logs[idx[b]]
            results[idx[b]] = Trajectory(
                steps=np.array([s for s, _, _ in log], int),
                W=np.stack([w for _, w, _ in log]),
                loss=np.array([v for _, _, v in log]),
                factors=[f[b].copy() for f in F],
                status=status,
                n_steps=k,
                k_cross=k_cross[idx[b]].copy(),
            )
        keep = ~done
        if not keep.any():
            break
        if not keep.all():
            idx, F, W, G, loss, loss0 = idx[keep], [f[keep] for f in F], W[keep], G[keep], loss[keep], loss0[keep]
        eta_b = eta[idx][:, None, None]
        grads = factor_gradients(F, G)
        F = [f - eta_b * g for f, g in zip(F, grads)]
        prev = (W, loss)
    return results
