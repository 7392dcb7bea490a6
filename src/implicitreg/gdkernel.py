"""The compiled discrete-GD kernel behind ``dynamics.simulate`` (THEORY.md section 1).

One numba-compiled loop advances every run of a batch through all its iterations, so no Python runs
per iteration. Per run and per iteration ``k`` it computes, with ``W = W1 ... WL``:

- ``G = Sigma_x W - Sigma_xy`` (end-to-end gradient) and ``||G||_F``;
- the excess loss ``1/2 tr((W - W_*)^T Sigma_x (W - W_*)) = 1/2 <W - W_*, G>`` (as ``Sigma_x W_* = Sigma_xy``);
- the monitored components ``u_i^T W v_i = sum_a U[a, i] (W V)[a, i]``;
- the update ``Wj <- Wj - eta P_{j-1}^T G S_{j+1}^T`` with prefixes ``P_j = W1 ... Wj`` and suffixes
  ``S_j = Wj ... WL``, computed as ``H_2 = W1^T G``, ``H_{j+1} = Wj^T H_j`` and ``grad_j = H_j S_{j+1}^T``.

Each run is stepped on its own, in the same order of floating-point operations whatever the batch, so a
run's bytes do not depend on which other runs share its batch. Products of at least ``BLAS_MIN_FLOPS``
multiply-adds go to BLAS (``np.dot``), smaller ones to unrolled loops that stay in registers; the choice
depends on the shapes only.

Logged rows go to preallocated buffers of ``capacity`` rows per run (the log grid plus two rows per
component crossing plus the last iteration), so memory is bounded by the number of logged steps.
"""

from __future__ import annotations

import numpy as np
from numba import njit

BLAS_MIN_FLOPS = 32 * 32 * 32  # multiply-adds of one product from which BLAS beats the loops

CONVERGED, MAX_STEPS, DIVERGED = 0, 1, 2
STATUS_NAMES = ("converged", "max_steps", "diverged")


@njit(cache=True)
def _mm_nn(A, B, out):
    """``out = A @ B``."""
    n, q = A.shape
    m = B.shape[1]
    if n * q * m >= BLAS_MIN_FLOPS:
        np.dot(A, B, out)
        return
    for i in range(n):
        for j in range(m):
            out[i, j] = 0.0
        for l in range(q):
            a = A[i, l]
            for j in range(m):
                out[i, j] += a * B[l, j]


@njit(cache=True)
def _mm_tn(A, B, out):
    """``out = A^T @ B``."""
    q, n = A.shape
    m = B.shape[1]
    if n * q * m >= BLAS_MIN_FLOPS:
        np.dot(A.T, B, out)
        return
    for i in range(n):
        for j in range(m):
            out[i, j] = 0.0
    for l in range(q):
        for i in range(n):
            a = A[l, i]
            for j in range(m):
                out[i, j] += a * B[l, j]


@njit(cache=True)
def _mm_nt(A, B, out, BT):
    """``out = A @ B^T``; small products go through the copy ``BT = B^T`` so the loops run along rows."""
    n, q = A.shape
    m = B.shape[0]
    if n * q * m >= BLAS_MIN_FLOPS:
        np.dot(A, B.T, out)
        return
    for j in range(m):
        for l in range(q):
            BT[l, j] = B[j, l]
    _mm_nn(A, BT, out)


@njit(cache=True)
def _sub_scaled(X, a, Y):
    """``X -= a Y`` in place."""
    n, m = X.shape
    for i in range(n):
        for j in range(m):
            X[i, j] -= a * Y[i, j]


@njit(cache=True)
def _end_to_end(F, L, W, prefix):
    """``W = W1 ... WL``; ``prefix[j] = W1 ... W{j+1}`` for ``j < L - 1`` (``prefix`` rows ``(d, width)``)."""
    if L == 1:
        W[:, :] = F[0]
        return
    prefix[0][:, :] = F[0]
    for j in range(1, L - 1):
        _mm_nn(prefix[j - 1], F[j], prefix[j])
    _mm_nn(prefix[L - 2], F[L - 1], W)


@njit(cache=True)
def _update(F, L, G, eta, suffix, H, grad_first, grad_mid, scratch):
    """``Wj <- Wj - eta (W1...W{j-1})^T G (W{j+1}...WL)^T`` for all ``j`` at once (gradients first)."""
    if L == 1:
        _sub_scaled(F[0], eta, G)
        return
    # suffix[j] = W{j+1} ... WL (width x p), j = 1..L-1
    suffix[L - 1][:, :] = F[L - 1]
    for j in range(L - 2, 0, -1):
        _mm_nn(F[j], suffix[j + 1], suffix[j])
    # grad_1 = G S_2^T
    _mm_nt(G, suffix[1], grad_first, scratch)
    # H[j] = (W1...Wj)^T G (width x p): H[0] = W1^T G, H[j] = Wj+1^T H[j-1]
    _mm_tn(F[0], G, H[0])
    for j in range(1, L - 1):
        _mm_tn(F[j], H[j - 1], H[j])
        _mm_nt(H[j - 1], suffix[j + 1], grad_mid[j - 1], scratch)
    _sub_scaled(F[0], eta, grad_first)
    for j in range(1, L - 1):
        _sub_scaled(F[j], eta, grad_mid[j - 1])
    _sub_scaled(F[L - 1], eta, H[L - 2])


@njit(cache=True)
def run_batch(
    factors,
    Sigma_x,
    Sigma_xy,
    W_star,
    eta,
    max_steps,
    conv_threshold,
    blowup,
    log_mask,
    Um,
    Vm,
    half_targets,
    log_steps,
    log_W,
    log_loss,
    n_logged,
    status,
    n_steps,
    k_cross,
):
    """Discrete GD for every run ``b`` of the batch, in place.

    ``factors`` is a ``numba.typed.List`` of ``L`` arrays ``(B, rows_j, cols_j)``, overwritten by the final factors.
    A run stops ``converged`` when ``||G||_F <= conv_threshold``, ``diverged`` when the loss is not finite or
    exceeds ``blowup (1 + L(0))``, ``max_steps`` at ``k = max_steps``. It logs iteration ``k`` when
    ``log_mask[k]``, when a component first reaches ``half_targets[i]`` (with ``k - 1`` too), and when it stops.
    """
    L = len(factors)
    B = factors[0].shape[0]
    d = factors[0].shape[1]
    p = factors[L - 1].shape[2]
    width = factors[0].shape[2]
    m = half_targets.size
    W = np.empty((d, p))
    G = np.empty((d, p))
    WV = np.empty((d, m))
    W_prev = np.empty((d, p))
    prefix = [np.empty((d, width)) for _ in range(max(L - 1, 1))]
    suffix = [np.empty((width, p)) for _ in range(max(L, 2))]
    H = [np.empty((width, p)) for _ in range(max(L - 1, 1))]
    grad_first = np.empty((d, width))
    grad_mid = [np.empty((width, width)) for _ in range(max(L - 2, 1))]
    scratch = np.empty((p, width))
    crossed = np.zeros(m, np.bool_)
    for b in range(B):
        F = [factors[j][b] for j in range(L)]
        e = eta[b]
        loss0 = 0.0
        loss_prev = 0.0
        t = 0
        n_crossed = 0
        for i in range(m):
            crossed[i] = False
        for k in range(max_steps + 1):
            _end_to_end(F, L, W, prefix)
            _mm_nn(Sigma_x, W, G)
            loss = 0.0
            gsq = 0.0
            finite = True
            for a in range(d):
                for c in range(p):
                    g = G[a, c] - Sigma_xy[a, c]
                    G[a, c] = g
                    loss += (W[a, c] - W_star[a, c]) * g
                    gsq += g * g
                    if not np.isfinite(W[a, c]):
                        finite = False
            loss *= 0.5
            finite = finite and np.isfinite(loss)
            if k == 0:
                loss0 = loss
            diverged = (not finite) or loss > blowup * (1.0 + loss0)
            newly = False
            if n_crossed < m and finite:  # once every component has crossed, monitoring has nothing to find
                _mm_nn(W, Vm, WV)
                for i in range(m):
                    if not crossed[i]:
                        c_i = 0.0
                        for a in range(d):
                            c_i += Um[a, i] * WV[a, i]
                        if c_i >= half_targets[i]:
                            crossed[i] = True
                            n_crossed += 1
                            k_cross[b, i] = k
                            newly = True
            converged = np.sqrt(gsq) <= conv_threshold
            done = diverged or converged or k == max_steps
            if newly and k > 0 and log_steps[b, t - 1] != k - 1:
                log_steps[b, t] = k - 1
                log_W[b, t] = W_prev
                log_loss[b, t] = loss_prev
                t += 1
            if finite and (log_mask[k] or newly or done):
                log_steps[b, t] = k
                log_W[b, t] = W
                log_loss[b, t] = loss
                t += 1
            if done:
                status[b] = DIVERGED if diverged else CONVERGED if converged else MAX_STEPS
                n_steps[b] = k
                break
            if n_crossed < m:
                W_prev[:, :] = W
                loss_prev = loss
            _update(F, L, G, e, suffix, H, grad_first, grad_mid, scratch)
        n_logged[b] = t
