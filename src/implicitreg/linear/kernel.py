"""The compiled discrete-GD kernel behind ``simulate.simulate`` (THEORY.md section 1).

Per run and per iteration ``k``, with ``W = W1 ... WL``:

- ``G = Sigma_x W - Sigma_xy`` (end-to-end gradient) and ``||G||_F``;
- the excess loss ``1/2 tr((W - W_*)^T Sigma_x (W - W_*)) = 1/2 <W - W_*, G>`` (as ``Sigma_x W_* = Sigma_xy``);
- the monitored components ``u_i^T W v_i = sum_a U[a, i] (W V)[a, i]``;
- the update ``Wj <- Wj - eta P_{j-1}^T G S_{j+1}^T`` with prefixes ``P_j = W1 ... Wj`` and suffixes
  ``S_j = Wj ... WL``, computed as ``H_1 = W1^T G``, ``H_j = Wj^T H_{j-1}`` and ``grad_j = H_{j-1} S_{j+1}^T``.

**Slots and lanes.** The kernel keeps ``nl`` runs in flight, one per slot, and steps them together: a
matrix ``X`` (rows x cols) of every slot lives in one flat buffer, element ``(i, j)`` of slot ``s`` at
``(i cols + j) nl + s``. Small shapes use ``nl = LANES`` slots (``simd.LANES``, 8), so every arithmetic operation
is one SIMD instruction across ``LANES`` runs (explicit LLVM vectors, ``simd``); larger shapes use ``nl = 1``,
where the buffer is a plain C-ordered matrix and products go to BLAS. When a run stops, its slot takes the
next run of the batch, so the slots stay busy until the batch is done. Each lane computes its run with
the same operations in the same order whatever the other lanes hold, so a run's bytes do not depend on
which runs share its batch; ``nl`` depends on the shape alone (``lanes_for``).

**Fused multiply-add.** Products and sums of squares accumulate with ``vfma``; the ``fma`` argument
(``simd.FUSED`` or ``simd.PORTABLE``, see ``simd.choose_fma``) says whether each multiply-add is rounded once
or twice. It is fixed at compile time: each choice is its own compiled kernel.

A run stops ``converged`` when ``||G||_F <= conv_threshold``, ``diverged`` when ``W`` or the loss is not
finite or the loss exceeds ``blowup (1 + L(0))``, ``max_steps`` at ``k = max_steps``. Logged rows go to
preallocated buffers of ``capacity`` rows per run (the log grid, two rows per component crossing, the
last iteration): memory is bounded by the number of logged steps, not of iterations.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from implicitreg.linear.simd import LANES, vfma, vload, vmul, vsplat, vstore, vsub

LANE_MAX_DIM = 28  # shapes up to this size run LANES per SIMD instruction, larger ones one by one on BLAS

CONVERGED, MAX_STEPS, DIVERGED = 0, 1, 2
STATUS_NAMES = ("converged", "max_steps", "diverged")


def lanes_for(d: int, p: int, width: int) -> int:
    """Slots in flight for runs of this shape: ``LANES`` if every dimension is at most ``LANE_MAX_DIM``, else 1."""
    return LANES if max(d, p, width) <= LANE_MAX_DIM else 1


# ---------------------------------------------------------------------------------------------------------------
# Block buffers: ``rows x cols`` for every slot, padded to whole vectors.


@njit(cache=True)
def _buffer(rows, cols, nl):
    """Zeroed buffer for a ``rows x cols`` matrix of ``nl`` slots, padded to whole vectors and aligned to one."""
    size = -(-(rows * cols * nl) // LANES) * LANES
    raw = np.zeros(size + LANES)
    start = (-(raw.ctypes.data // raw.itemsize)) % LANES
    return raw[start : start + size]


@njit(cache=True)
def _put(buf, s, nl, M):
    """Slot ``s`` of ``buf`` := ``M``."""
    rows, cols = M.shape
    for i in range(rows):
        for j in range(cols):
            buf[(i * cols + j) * nl + s] = M[i, j]


@njit(cache=True)
def _get(buf, s, nl, out):
    """``out`` := slot ``s`` of ``buf``."""
    rows, cols = out.shape
    for i in range(rows):
        for j in range(cols):
            out[i, j] = buf[(i * cols + j) * nl + s]


# ---------------------------------------------------------------------------------------------------------------
# Products ``C = A B`` of every slot, with ``A[i, l] = A[i a_rs + l a_cs]`` and ``B[l, j] = B[l b_rs + j b_cs]``
# (element strides), so transposes cost nothing.


@njit(cache=True)
def _mm_lanes(A, B, C, n, q, m, a_rs, a_cs, b_rs, b_cs, fma):
    """``LANES`` slots at once: register tiles of 2 x 4 output vectors, each the sum over ``l`` in order."""
    V = LANES
    i = 0
    while i < n:
        two = i + 1 < n
        i1 = i + 1 if two else i
        j = 0
        while j + 4 <= m:
            c0 = c1 = c2 = c3 = d0 = d1 = d2 = d3 = vsplat(0.0)
            for l in range(q):
                a = vload(A, (i * a_rs + l * a_cs) * V)
                e = vload(A, (i1 * a_rs + l * a_cs) * V)
                o = l * b_rs + j * b_cs
                b0 = vload(B, o * V)
                b1 = vload(B, (o + b_cs) * V)
                b2 = vload(B, (o + 2 * b_cs) * V)
                b3 = vload(B, (o + 3 * b_cs) * V)
                c0, c1, c2, c3 = vfma(a, b0, c0, fma), vfma(a, b1, c1, fma), vfma(a, b2, c2, fma), vfma(a, b3, c3, fma)
                d0, d1, d2, d3 = vfma(e, b0, d0, fma), vfma(e, b1, d1, fma), vfma(e, b2, d2, fma), vfma(e, b3, d3, fma)
            o = (i * m + j) * V
            vstore(C, o, c0)
            vstore(C, o + V, c1)
            vstore(C, o + 2 * V, c2)
            vstore(C, o + 3 * V, c3)
            if two:
                o = (i1 * m + j) * V
                vstore(C, o, d0)
                vstore(C, o + V, d1)
                vstore(C, o + 2 * V, d2)
                vstore(C, o + 3 * V, d3)
            j += 4
        while j < m:
            c0 = d0 = vsplat(0.0)
            for l in range(q):
                b0 = vload(B, (l * b_rs + j * b_cs) * V)
                c0 = vfma(vload(A, (i * a_rs + l * a_cs) * V), b0, c0, fma)
                d0 = vfma(vload(A, (i1 * a_rs + l * a_cs) * V), b0, d0, fma)
            vstore(C, (i * m + j) * V, c0)
            if two:
                vstore(C, (i1 * m + j) * V, d0)
            j += 1
        i += 2


@njit(cache=True)
def _mat(X, rows, cols):
    """The ``rows x cols`` C-ordered matrix held in the one-slot buffer ``X``."""
    return X[: rows * cols].reshape((rows, cols))


@njit(cache=True)
def mm_nn(A, B, C, n, q, m, nl, fma):
    """``C = A B``, ``A`` stored ``n x q``, ``B`` stored ``q x m``: SIMD lanes, or BLAS for one slot."""
    if nl == LANES:
        _mm_lanes(A, B, C, n, q, m, q, 1, m, 1, fma)
    else:
        np.dot(_mat(A, n, q), _mat(B, q, m), _mat(C, n, m))


@njit(cache=True)
def mm_tn(A, B, C, n, q, m, nl, fma):
    """``C = A^T B``, ``A`` stored ``q x n``, ``B`` stored ``q x m``."""
    if nl == LANES:
        _mm_lanes(A, B, C, n, q, m, 1, n, m, 1, fma)
    else:
        np.dot(_mat(A, q, n).T, _mat(B, q, m), _mat(C, n, m))


@njit(cache=True)
def mm_nt(A, B, C, n, q, m, nl, fma):
    """``C = A B^T``, ``A`` stored ``n x q``, ``B`` stored ``m x q``."""
    if nl == LANES:
        _mm_lanes(A, B, C, n, q, m, q, 1, 1, q, fma)
    else:
        np.dot(_mat(A, n, q), _mat(B, m, q).T, _mat(C, n, m))


# ---------------------------------------------------------------------------------------------------------------
# Elementwise passes over whole buffers, one vector at a time (the same code for LANES slots or one).


@njit(cache=True)
def _slot_sums(acc, nl, out, scale):
    """Per-slot totals of a vector accumulator: its lanes (``nl = LANES``), or their sum as a balanced tree,
    ``((t0 + t1) + (t2 + t3)) + ((t4 + t5) + (t6 + t7))`` for eight lanes."""
    tmp = np.empty(LANES)
    vstore(tmp, 0, acc)
    if nl == LANES:
        for s in range(LANES):
            out[s] = scale * tmp[s]
    else:
        half = LANES // 2
        while half >= 1:  # tmp[:half] := sums of adjacent pairs of tmp[:2 half]
            for i in range(half):
                tmp[i] = tmp[2 * i] + tmp[2 * i + 1]
            half //= 2
        out[0] = scale * tmp[0]


@njit(cache=True)
def residual(G, Sxy, W, W_star, nl, fma, loss, gsq, bad):
    """``G <- G - Sigma_xy``; per slot ``loss = 1/2 <W - W_*, G>``, ``gsq = ||G||_F^2`` and ``bad``, NaN iff ``W``
    is not finite (``sum (W - W_*) 0``)."""
    acc_loss = acc_gsq = acc_bad = zero = vsplat(0.0)
    for o in range(0, G.size, LANES):
        g = vsub(vload(G, o), vload(Sxy, o))
        vstore(G, o, g)
        e = vsub(vload(W, o), vload(W_star, o))
        acc_loss = vfma(e, g, acc_loss, fma)
        acc_gsq = vfma(g, g, acc_gsq, fma)
        acc_bad = vfma(e, zero, acc_bad, fma)
    _slot_sums(acc_loss, nl, loss, 0.5)
    _slot_sums(acc_gsq, nl, gsq, 1.0)
    _slot_sums(acc_bad, nl, bad, 1.0)


@njit(cache=True)
def step_down(F, grad, eta_slots, nl):
    """``F <- F - eta grad`` with each slot's own ``eta`` (0 leaves a finite slot unchanged)."""
    ev = vload(eta_slots, 0) if nl == LANES else vsplat(eta_slots[0])
    for o in range(0, F.size, LANES):
        vstore(F, o, vsub(vload(F, o), vmul(ev, vload(grad, o))))


@njit(cache=True)
def components(WV, U_b, d, m, nl, comp):
    """``comp[i] = sum_a U[a, i] (W V)[a, i]`` per slot, summed over ``a`` in order."""
    comp[:] = 0.0
    row = m * nl
    for a in range(d):
        for x in range(row):
            comp[x] += U_b[a * row + x] * WV[a * row + x]


# ---------------------------------------------------------------------------------------------------------------
# One GD evaluation and gradient for every slot.


@njit(cache=True)
def end_to_end(F, W, prefix, d, width, p, nl, fma):
    """``W = W1 ... WL``; ``prefix[j] = W1 ... W{j+1}`` (``prefix[0]`` is ``W1`` itself)."""
    L = len(F)
    if L == 1:
        W[:] = F[0]
        return
    for j in range(1, L - 1):
        mm_nn(prefix[j - 1], F[j], prefix[j], d, width, width, nl, fma)
    mm_nn(prefix[L - 2], F[L - 1], W, d, width, p, nl, fma)


@njit(cache=True)
def gradients(F, G, suffix, H, grads, d, width, p, nl, fma):
    """``grads[j] = dL/dWj = (W1 ... W{j-1})^T G (W{j+1} ... WL)^T`` for every factor (``grads[L-1]`` is ``H[L-2]``)."""
    L = len(F)
    if L == 1:
        return
    for j in range(L - 2, 0, -1):  # suffix[j] = W{j+1} ... WL, suffix[L-1] is WL itself
        mm_nn(F[j], suffix[j + 1], suffix[j], width, width, p, nl, fma)
    mm_nt(G, suffix[1], grads[0], d, p, width, nl, fma)
    mm_tn(F[0], G, H[0], width, d, p, nl, fma)
    for j in range(1, L - 1):
        mm_tn(F[j], H[j - 1], H[j], width, width, p, nl, fma)
        mm_nt(H[j - 1], suffix[j + 1], grads[j], width, p, width, nl, fma)


# ---------------------------------------------------------------------------------------------------------------
# The driver: slots take runs from the batch until it is done.


@njit(cache=True)
def _load(F, factors0, shapes, r, s, nl):
    """Slot ``s`` := initial factors of run ``r`` (``r < 0``: zeros, an idle slot)."""
    for j in range(len(F)):
        rows, cols = shapes[j, 0], shapes[j, 1]
        for i in range(rows):
            for c in range(cols):
                F[j][(i * cols + c) * nl + s] = factors0[j, max(r, 0), i, c] if r >= 0 else 0.0


@njit(cache=True)
def run_batch(
    factors0,
    shapes,
    Sigma_x,
    Sigma_xy,
    W_star,
    data_of,
    eta,
    max_steps,
    conv_threshold,
    blowup,
    log_mask,
    Um,
    Vm,
    half_targets,
    nl,
    fma,
    factors_final,
    log_steps,
    log_W,
    log_loss,
    n_logged,
    status,
    n_steps,
    k_cross,
):
    """Discrete GD for every run ``r`` of the batch, ``nl`` runs in flight (see the module docstring).

    ``factors0`` and ``factors_final`` are arrays ``(L, B, rows, cols)`` holding factor ``j`` of run ``r`` in
    ``[j, r, :shapes[j, 0], :shapes[j, 1]]`` (one array type for every depth: one compiled kernel). A run
    logs iteration ``k`` when ``log_mask[k]``, when a component first reaches ``half_targets[i]`` (with
    ``k - 1`` too), and when it stops. ``fma`` is ``simd.FUSED`` or ``simd.PORTABLE`` (``simd.choose_fma``).
    Run ``r`` learns from data ``q = data_of[r]``: ``Sigma_x[q]``, ``Sigma_xy[q]``, ``W_star[q]``, its threshold
    ``conv_threshold[q]`` and monitored directions ``Um[q]``, ``Vm[q]`` (a slot loads them when its run's differ).
    """
    L, B = factors0.shape[0], factors0.shape[1]
    d, p = Sigma_xy.shape[1], Sigma_xy.shape[2]
    width = shapes[0, 1] if L > 1 else p
    m = half_targets.size
    F = [_buffer(shapes[j, 0], shapes[j, 1], nl) for j in range(L)]
    W, W_prev, G = _buffer(d, p, nl), _buffer(d, p, nl), _buffer(d, p, nl)
    prefix = [F[0]] + [_buffer(d, width, nl) for _ in range(L - 2)]
    suffix = [F[0]] + [_buffer(width, p, nl) for _ in range(L - 2)] + [F[L - 1]]
    H = [_buffer(width, p, nl) for _ in range(max(L - 1, 1))]
    if L == 1:
        grads = [G]
    else:
        grads = [_buffer(d, width, nl)] + [_buffer(width, width, nl) for _ in range(L - 2)] + [H[L - 2]]
    Sx_b, Sxy_b, W_star_b = _buffer(d, d, nl), _buffer(d, p, nl), _buffer(d, p, nl)
    Um_b, Vm_b, WV, comp = _buffer(d, m, nl), _buffer(p, m, nl), _buffer(d, m, nl), np.zeros(m * nl)
    data_in = np.full(nl, -1, np.int64)  # the data each slot holds
    loss, gsq, bad = np.zeros(nl), np.zeros(nl), np.zeros(nl)
    eta_slots = np.zeros(LANES)
    run_of = np.full(nl, -1, np.int64)
    k_of, t_of, n_crossed = np.zeros(nl, np.int64), np.zeros(nl, np.int64), np.zeros(nl, np.int64)
    loss0, loss_prev = np.zeros(nl), np.zeros(nl)
    crossed = np.zeros((nl, m), np.bool_)
    finished = np.ones(nl, np.bool_)  # empty slots take the first runs
    next_run = 0
    active = 0
    while True:
        for s in range(nl):
            if finished[s]:
                finished[s] = False
                r = next_run if next_run < B else -1
                _load(F, factors0, shapes, r, s, nl)
                run_of[s] = r
                if r >= 0:
                    next_run += 1
                    active += 1
                    k_of[s], t_of[s], n_crossed[s] = 0, 0, 0
                    crossed[s, :] = False
                    eta_slots[s] = eta[r]
                    q = data_of[r]
                    if data_in[s] != q:
                        data_in[s] = q
                        _put(Sx_b, s, nl, Sigma_x[q])
                        _put(Sxy_b, s, nl, Sigma_xy[q])
                        _put(W_star_b, s, nl, W_star[q])
                        _put(Um_b, s, nl, Um[q])
                        _put(Vm_b, s, nl, Vm[q])
        if active == 0:
            break
        end_to_end(F, W, prefix, d, width, p, nl, fma)
        mm_nn(Sx_b, W, G, d, d, p, nl, fma)
        residual(G, Sxy_b, W, W_star_b, nl, fma, loss, gsq, bad)
        monitor = False
        for s in range(nl):
            monitor = monitor or (run_of[s] >= 0 and n_crossed[s] < m)
        if monitor:
            mm_nn(W, Vm_b, WV, d, p, m, nl, fma)
            components(WV, Um_b, d, m, nl, comp)
        gradients(F, G, suffix, H, grads, d, width, p, nl, fma)
        for s in range(nl):
            r = run_of[s]
            if r < 0:
                continue
            k, lo = k_of[s], loss[s]
            finite = bad[s] == 0.0 and np.isfinite(lo)
            if k == 0:
                loss0[s] = lo
            diverged = (not finite) or lo > blowup * (1.0 + loss0[s])
            newly = False
            if n_crossed[s] < m and finite:  # once every component has crossed, monitoring has nothing to find
                for i in range(m):
                    if not crossed[s, i] and comp[i * nl + s] >= half_targets[i]:
                        crossed[s, i] = True
                        n_crossed[s] += 1
                        k_cross[r, i] = k
                        newly = True
            converged = np.sqrt(gsq[s]) <= conv_threshold[data_of[r]]
            done = diverged or converged or k == max_steps
            t = t_of[s]
            if newly and k > 0 and log_steps[r, t - 1] != k - 1:
                log_steps[r, t] = k - 1
                _get(W_prev, s, nl, log_W[r, t])
                log_loss[r, t] = loss_prev[s]
                t += 1
            if finite and (log_mask[k] or newly or done):
                log_steps[r, t] = k
                _get(W, s, nl, log_W[r, t])
                log_loss[r, t] = lo
                t += 1
            t_of[s] = t
            if done:
                status[r] = DIVERGED if diverged else CONVERGED if converged else MAX_STEPS
                n_steps[r], n_logged[r] = k, t
                for j in range(L):
                    _get(F[j], s, nl, factors_final[j, r, : shapes[j, 0], : shapes[j, 1]])
                eta_slots[s] = 0.0
                finished[s] = True
                active -= 1
            else:
                loss_prev[s] = lo
                k_of[s] = k + 1
        for j in range(L):
            step_down(F[j], grads[j], eta_slots, nl)
        W, W_prev = W_prev, W
