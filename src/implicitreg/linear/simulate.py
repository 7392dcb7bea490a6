"""Discrete gradient descent on linear networks (THEORY.md section 1).

The loss depends on the data only through ``(Sigma_x, Sigma_xy)``:
``L(W) = 1/2 tr(W^T Sigma_x W) - tr(W^T Sigma_xy) + const`` with end-to-end gradient
``G(W) = Sigma_x W - Sigma_xy``. For ``W = W1 W2 ... WL`` all factors move at once:

    Wj <- Wj - eta (W1 ... W{j-1})^T G (W{j+1} ... WL)^T.

The loss we log is the excess loss ``L(W) - L(W_*) = 1/2 tr((W - W_*)^T Sigma_x (W - W_*))`` with
``W_* = Sigma_x^{-1} Sigma_xy``; it needs no ``Y``.

``simulate`` advances a batch of runs of the same shape in one call of the compiled kernel
``kernel.run_batch`` (no Python per iteration; small shapes eight runs per SIMD instruction), with a
step size per run, and stops each run on its own: ``converged`` when ``||G(W)||_F <= tol ||Sigma_xy||_F``,
``diverged`` when ``W`` or the loss is not finite or the loss exceeds ``blowup * (1 + L(0))``,
``max_steps`` otherwise. It logs ``W`` at log-spaced iterations and at the iterations that bracket each
component's transition, so transitions are detected exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from implicitreg.data.trajectory import log_grid


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


def log_capacity(log_mask: np.ndarray, m: int) -> int:
    """Most rows one run can log: the grid, ``k - 1`` and ``k`` for each of ``m`` crossings, and the last step."""
    return int(log_mask.sum()) + 2 * m + 1


LOG_CHUNK_BYTES = 64 * 2**20  # log buffers of one chunk of runs: bounds memory whatever the batch size


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
    data_of=None,
    blowup: float = 1e8,
    fma: bool | None = None,
) -> list[Trajectory]:
    """Run discrete GD for a batch of ``B`` runs; ``factors0[j]`` has shape ``(B, rows_j, cols_j)``.

    One dataset (``Sigma_x`` ``d x d``, ``Sigma_xy`` ``d x p``, ``U``, ``V``) for every run, or ``Q`` of them
    stacked (``Q x d x d``, ...) with run ``r`` on dataset ``data_of[r]`` (datasets of one shape, e.g. the draws of
    one dataset, share the batch); ``targets`` are shared.

    ``eta`` is a scalar or one step size per run. Components ``u_i^T W v_i`` (``U``, ``V``) and
    their ``targets`` are monitored for transition detection when given. The iterations run in the
    compiled kernel ``kernel.run_batch``, chunks of runs at a time so that the log buffers stay
    under ``LOG_CHUNK_BYTES``; each run's result does not depend on the batch, its slot or the chunking.
    ``fma`` picks how the kernel's multiply-adds round: once (``True``, fused), twice (``False``, the portable
    path), or, by default, as ``simd.choose_fma`` decides from the CPU and ``IMPLICITREG_FMA``.
    """
    from implicitreg.linear import kernel as gdkernel  # compiled code loads only when a simulation runs
    from implicitreg.linear import simd

    B = factors0[0].shape[0]
    Sigma_x = np.ascontiguousarray(np.asarray(Sigma_x, float).reshape(-1, *np.shape(Sigma_x)[-2:]))
    Sigma_xy = np.ascontiguousarray(np.asarray(Sigma_xy, float).reshape(-1, *np.shape(Sigma_xy)[-2:]))
    d, p = Sigma_xy.shape[1:]
    data_of = np.zeros(B, np.int64) if data_of is None else np.ascontiguousarray(data_of, np.int64)
    eta = np.ascontiguousarray(np.broadcast_to(np.asarray(eta, float), (B,)))
    W_star = np.linalg.solve(Sigma_x, Sigma_xy)
    conv_threshold = tol * np.linalg.norm(Sigma_xy, axis=(1, 2))
    log_mask = log_grid(max_steps, n_log)
    m = np.size(targets) if targets is not None else 0
    if m:
        half_targets = 0.5 * np.asarray(targets, float).ravel()
        Um = np.ascontiguousarray(np.asarray(U, float).reshape(-1, d, np.shape(U)[-1])[:, :, :m])
        Vm = np.ascontiguousarray(np.asarray(V, float).reshape(-1, p, np.shape(V)[-1])[:, :, :m])
    else:
        half_targets, Um, Vm = np.zeros(0), np.zeros((1, d, 0)), np.zeros((1, p, 0))
    cap = log_capacity(log_mask, m)
    shapes = np.array([f.shape[1:] for f in factors0], np.int64)
    nl = gdkernel.lanes_for(d, p, factors0[0].shape[2] if len(factors0) > 1 else p)
    fma_choice = simd.choose_fma(fma)
    chunk = max(1, min(B, LOG_CHUNK_BYTES // (cap * d * p * 8)))
    results: list[Trajectory] = []
    for lo in range(0, B, chunk):
        hi = min(B, lo + chunk)
        n = hi - lo
        F0 = np.zeros((len(factors0), n, *shapes.max(axis=0)))  # factor j of run b in F0[j, b, :rows_j, :cols_j]
        for j, f in enumerate(factors0):
            F0[j, :, : f.shape[1], : f.shape[2]] = f[lo:hi]
        F = np.zeros_like(F0)
        log_steps = np.zeros((n, cap), np.int64)
        log_W = np.zeros((n, cap, d, p))
        log_loss = np.zeros((n, cap))
        n_logged = np.zeros(n, np.int64)
        status = np.zeros(n, np.int64)
        n_steps = np.zeros(n, np.int64)
        k_cross = np.full((n, m), -1, np.int64)
        gdkernel.run_batch(
            factors0=F0,
            shapes=shapes,
            Sigma_x=Sigma_x,
            Sigma_xy=Sigma_xy,
            W_star=W_star,
            data_of=data_of[lo:hi],
            eta=eta[lo:hi],
            max_steps=max_steps,
            conv_threshold=conv_threshold,
            blowup=blowup,
            log_mask=log_mask,
            Um=Um,
            Vm=Vm,
            half_targets=half_targets,
            nl=nl,
            fma=fma_choice,
            factors_final=F,
            log_steps=log_steps,
            log_W=log_W,
            log_loss=log_loss,
            n_logged=n_logged,
            status=status,
            n_steps=n_steps,
            k_cross=k_cross,
        )
        for b in range(n):
            t = n_logged[b]
            results.append(
                Trajectory(
                    steps=log_steps[b, :t].astype(int),
                    W=log_W[b, :t].copy(),
                    loss=log_loss[b, :t].copy(),
                    factors=[F[j, b, :rows, :cols].copy() for j, (rows, cols) in enumerate(shapes)],
                    status=gdkernel.STATUS_NAMES[status[b]],
                    n_steps=int(n_steps[b]),
                    k_cross=k_cross[b].astype(int),
                )
            )
    return results


def compile_kernel() -> None:
    """Compile the GD kernel into numba's cache (beside the code) with a two-layer run on a 3 x 3 problem: the
    simulation jobs then load it, instead of each compiling it at the same time on a fresh checkout."""
    factors = [np.full((1, 3, 3), 1e-3), np.full((1, 3, 3), 1e-3)]
    eye = np.eye(3)
    simulate(eye, eye, factors, 0.1, max_steps=5, tol=0.0, n_log=2, U=eye, V=eye, targets=np.ones(3))
