"""The compiled DMF gradient descent behind ``model.simulate_batch`` (THEORY.md section 8).

Per run and per iteration ``k``, with square ``n x n`` factors ``W1..WN`` (``F[j] = W{j+1}``), the partial
products ``B_j = W{j-1} ... W1`` and ``A_j = WN ... W{j+1}`` (``None``, the identity, when empty):

- ``W = WN B_N``, ``R = P * (W - M)``, ``G = c R`` with ``c = n^2 / |Omega|``;
- the loss ``L = c/2 sum R^2`` and ``||grad||_F = sqrt(sum_j sum (dL/dWj)^2)``;
- ``dL/dWj = (A_j^T G) B_j^T`` and ``Wj <- Wj - eta dL/dWj``.

Every product is the same BLAS ``dgemm`` with the same operands, in the same order, as ``model.loss_and_gradients``
(``B_{j+1} = Wj B_j`` up the chain, ``A_{j-1}^T G = Wj^T (A_j^T G)`` down it: ``3N - 3`` products an iteration), so
a run's trajectory equals the reference ``model.simulate`` bit for bit where both call the same BLAS (sums of
squares are added in numpy's pairwise order, ``_sum_sq``).
One call runs every run of a batch of equal ``n``, depth and ``max_steps``, one after the other, with no Python
per iteration; each run stops on its own: ``converged`` when ``||grad||_F <= tol ||M||_F``, ``diverged`` when
the loss is not finite, ``plateau`` by the plateau rule (``model.Plateau``: tested every ``every``
iterations), ``max_steps`` at ``k = max_steps``. Logged iterations (``log_mask``, the
stopping iteration) keep the loss, the gradient norm and the factors.
"""

from __future__ import annotations

import numpy as np
from numba import njit

CONVERGED, MAX_STEPS, DIVERGED, PLATEAU = 0, 1, 2, 3
STATUS_NAMES = ("converged", "max_steps", "diverged", "plateau")


@njit(cache=True)
def _block_sq(x, lo, n):
    """``sum x[lo:lo+n]^2`` for ``n <= 128`` as numpy sums a block: in order below 8, else in eight interleaved
    partial sums ``r0..r7`` combined as ``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))``, then the rest."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += x[i] * x[i]
        return res
    r = np.empty(8)
    for j in range(8):
        r[j] = x[lo + j] * x[lo + j]
    i = 8
    while i < n - n % 8:
        for j in range(8):
            r[j] += x[lo + i + j] * x[lo + i + j]
        i += 8
    res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    while i < n:
        res += x[lo + i] * x[lo + i]
        i += 1
    return res


@njit(cache=True)
def _sum_sq(x):
    """``sum x^2`` in the order of numpy's pairwise summation (``np.sum``): a range longer than 128 splits at
    ``n2 = n // 2 - (n // 2) % 8`` into two halves summed alike, then added. Iterative (an explicit stack of
    ranges, each at stage 0: split, 1: right half next, 2: add the halves), as numba cannot cache recursion."""
    lo_s, n_s, stage = np.zeros(64, np.int64), np.zeros(64, np.int64), np.zeros(64, np.int64)
    vals = np.zeros(64)
    top, nv = 0, 0
    n_s[0] = x.size
    while top >= 0:
        lo, m = lo_s[top], n_s[top]
        n2 = m // 2 - (m // 2) % 8
        if m <= 128:
            vals[nv] = _block_sq(x, lo, m)
            nv += 1
            top -= 1
        elif stage[top] < 2:
            stage[top] += 1
            top += 1
            lo_s[top], n_s[top], stage[top] = (lo, n2, 0) if stage[top - 1] == 1 else (lo + n2, m - n2, 0)
        else:
            vals[nv - 2] += vals[nv - 1]
            nv -= 1
            top -= 1
    return vals[0]


@njit(cache=True)
def _gradients(F, M, mask, c, below, work, R, G, grads):
    """``grads[j] = dL/dWj`` of one run (``B_j`` in ``below[j]``; ``A_j^T G`` down the chain in ``work``); returns
    ``(L, sum g^2)``."""
    N = F.shape[0]
    for j in range(2, N):  # below[1] = W1 is F[0] itself
        np.dot(F[j - 1], below[j - 1] if j > 2 else F[0], below[j])
    if N == 1:
        R[:] = F[0]
    else:
        np.dot(F[N - 1], below[N - 1] if N > 2 else F[0], R)
    n = M.shape[0]
    for a in range(n):
        for b in range(n):
            R[a, b] = mask[a, b] * (R[a, b] - M[a, b])
            G[a, b] = c * R[a, b]
    lsum = _sum_sq(R.ravel())
    if N == 1:
        grads[0][:] = G
    for j in range(N - 1, 0, -1):  # A_{N-1}^T G = G; A_{j-1}^T G = Wj^T (A_j^T G), W_{j+1} = F[j]
        AtG = G if j == N - 1 else work[j % 2]
        np.dot(AtG, F[0].T if j == 1 else below[j].T, grads[j])
        np.dot(F[j].T, AtG, grads[0] if j == 1 else work[(j - 1) % 2])
    gsq = 0.0
    for j in range(N):
        gsq += _sum_sq(grads[j].ravel())
    return 0.5 * c * lsum, gsq


@njit(cache=True)
def _plateau_test(F, residual, fit, move, last, W, tmp):
    """``model.Plateau.test`` at factors ``F``: ``residual <= fit`` and every one of the top ``last.size`` singular
    values of ``W = WN ... W1`` (formed as ``model.product``) within ``move`` of ``last``, its value at the previous
    test (NaN before the first); ``last`` becomes the new values."""
    W[:] = F[0]
    for j in range(1, F.shape[0]):
        np.dot(F[j], W, tmp)
        W[:] = tmp
    sv = np.linalg.svd(W)[1]
    still = residual <= fit
    for i in range(last.size):
        still = still and abs(sv[i] - last[i]) <= move
        last[i] = sv[i]
    return still


@njit(cache=True)
def run_batch(factors0, M, mask, c, threshold, eta, max_steps, log_mask, log_steps, log_loss, log_gnorm, log_factors,
              n_logged, status, n_steps, every, fit, move, n_test):  # fmt: skip
    """GD for every run ``r`` of the batch (module docstring): ``factors0[r]`` is ``(N, n, n)``, ``M[r]``,
    ``mask[r]`` are ``n x n``, ``c[r] = n^2 / |Omega|``, ``threshold[r] = tol ||M||_F`` and ``eta[r]`` its step
    size; logged rows go to ``log_*[r, :n_logged[r]]``. Plateau rule (``every > 0``): at iterations ``k`` that are
    multiples of ``every``, the observed residual ``sqrt(2 L / c) <= fit[r]`` and the top ``n_test`` singular values
    moved by at most ``move[r]`` since the previous test (``_plateau_test``): the run ends as ``plateau``."""
    Bn, N, n = factors0.shape[0], factors0.shape[1], factors0.shape[2]
    below = np.zeros((max(N, 1), n, n))
    work = np.zeros((2, n, n))
    R, G = np.zeros((n, n)), np.zeros((n, n))
    W, tmp, last = np.zeros((n, n)), np.zeros((n, n)), np.zeros(n_test)
    grads = np.zeros((N, n, n))
    for r in range(Bn):
        F = factors0[r].copy()
        t = 0
        status[r] = MAX_STEPS
        last[:] = np.nan
        for k in range(max_steps + 1):
            value, gsq = _gradients(F, M[r], mask[r], c[r], below, work, R, G, grads)
            gnorm = np.sqrt(gsq)
            n_steps[r] = k
            if not np.isfinite(value):
                status[r] = DIVERGED
                break
            converged = gnorm <= threshold[r]
            ended = False
            if every > 0 and k % every == 0 and not converged:
                ended = _plateau_test(F, np.sqrt(2.0 * value / c[r]), fit[r], move[r], last, W, tmp)
            if log_mask[k] or converged or ended or k == max_steps:
                log_steps[r, t], log_loss[r, t], log_gnorm[r, t] = k, value, gnorm
                log_factors[r, t] = F
                t += 1
            if converged:
                status[r] = CONVERGED
                break
            if ended:
                status[r] = PLATEAU
                break
            if k < max_steps:
                F -= eta[r] * grads
        n_logged[r] = t


@njit(cache=True)
def hessian_matvec(F, A, B, GBt, AtG, cmask, V, out, dB, dA, step, tmp):
    """``out = H V`` by the recurrences of ``model.Hessian`` (same products, same order of additions).

    ``A[j] = WN ... W{j+1}`` (unused at ``j = N-1``, the identity), ``B[j] = W{j-1} ... W1`` (unused at ``j = 0``),
    ``GBt[j] = G B_j^T``, ``AtG[j] = A_j^T G`` and ``cmask = (n^2/|Omega|) P``; ``dB``, ``dA``, ``step`` and ``tmp``
    are work space. ``dB[j]`` (``j >= 1``) and ``dA[j]`` (``j <= N-2``) are the directional derivatives of
    ``B_j`` and ``A_j``; ``dB[0]`` and ``dA[N-1]`` are zero.
    """
    N = F.shape[0]
    dB[1] = V[0]
    for j in range(1, N):
        np.dot(V[j], B[j], step)
        np.dot(F[j], dB[j], tmp)
        dB[j + 1] = step + tmp
    if N > 1:
        dA[N - 2] = V[N - 1]
    for j in range(N - 2, 0, -1):
        np.dot(A[j], V[j], step)
        np.dot(dA[j], F[j], tmp)
        dA[j - 1] = step + tmp
    dG = cmask * dB[N]
    for j in range(N):
        if j == N - 1:
            step[:] = dG
        else:
            np.dot(A[j].T, dG, step)
        if j == 0:
            out[j] = step
        else:
            np.dot(step, B[j].T, out[j])
        if j < N - 1:
            np.dot(dA[j].T, GBt[j], tmp)
            out[j] += tmp
        if j > 0:
            np.dot(AtG[j], dB[j].T, tmp)
            out[j] += tmp
