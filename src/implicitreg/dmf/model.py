"""Deep matrix factorization (DMF) of a rank-R target by plain gradient descent (THEORY.md section 8, C22).

Target ``M = U_R diag(s_1..s_R) V_R^T`` (``n x n``, Haar ``U``, ``V``); model ``W = WN ... W1`` with square
``n x n`` factors (``factors[0] = W1``); Gaussian initialization with entries of standard deviation
``alpha^{1/N} / sqrt(n)`` (end-to-end size about ``alpha``). With an observed mask ``P`` (``|Omega|`` ones)
the loss is

    L(W1..WN) = (n^2 / (2 |Omega|)) ||P * (W - M)||_F^2,

``n^2 / 2`` times the mean squared error over the observed entries: the full mask gives the reconstruction
loss ``1/2 ||W - M||_F^2``, so one step size serves both tasks. With ``G = (n^2/|Omega|) P * (W - M)``,
``A_j = WN ... W{j+1}`` and ``B_j = W{j-1} ... W1`` (identity when empty), the factor gradients are

    dL/dWj = A_j^T G B_j^T,

and all factors move at once: ``Wj <- Wj - eta dL/dWj``.

Hessian-vector products [derived]: in a direction ``V = (V1..VN)``, ``dW = sum_i A_i Vi B_i`` and

    (H V)_j = dA_j^T G B_j^T + A_j^T dG B_j^T + A_j^T G dB_j^T,
    dG   = (n^2/|Omega|) P * dW,
    dA_j = sum_{i > j} (WN ... W{i+1}) Vi (W{i-1} ... W{j+1}),
    dB_j = sum_{i < j} (W{j-1} ... W{i+1}) Vi (W{i-1} ... W1).

The extreme eigenvalues of ``H`` come from plain Lanczos on these products (``extreme_eigenvalues``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.linalg import eigh_tridiagonal

from implicitreg.data.spectra import haar_orthogonal
from implicitreg.data.trajectory import log_grid
from implicitreg.dmf import kernel


def make_target(n: int, singular_values, rng: np.random.Generator) -> np.ndarray:
    """``M = U_R diag(s) V_R^T`` with Haar-distributed ``U``, ``V`` and ``R = len(singular_values)``."""
    s = np.asarray(singular_values, float)
    U, V = haar_orthogonal(n, rng), haar_orthogonal(n, rng)
    return (U[:, : s.size] * s) @ V[:, : s.size].T


def make_mask(n: int, observed: float, rng: np.random.Generator) -> np.ndarray:
    """Observed entries: each one independently with probability ``observed`` (all of them when ``observed = 1``)."""
    if observed >= 1.0:
        return np.ones((n, n))
    return (rng.random((n, n)) < observed).astype(float)


def init_factors(n: int, depth: int, alpha: float, rng: np.random.Generator) -> list[np.ndarray]:
    """``N`` square Gaussian factors, entries of standard deviation ``alpha^{1/N} / sqrt(n)``."""
    scale = alpha ** (1.0 / depth) / np.sqrt(n)
    return [scale * rng.standard_normal((n, n)) for _ in range(depth)]


def chain(factors: list[np.ndarray], lo: int, hi: int) -> np.ndarray | None:
    """``W{hi} ... W{lo}`` in 0-based factor indices (``None``, the identity, when ``lo > hi``)."""
    if lo > hi:
        return None
    out = factors[lo]
    for f in factors[lo + 1 : hi + 1]:
        out = f @ out
    return out


def mul(*mats):
    """Matrix product skipping ``None`` (identity) operands."""
    out = None
    for m in mats:
        if m is not None:
            out = m if out is None else out @ m
    return out


def product(factors: list[np.ndarray]) -> np.ndarray:
    """End-to-end ``W = WN ... W1``."""
    return chain(factors, 0, len(factors) - 1)


def weight(mask: np.ndarray) -> float:
    """``n^2 / |Omega|``: the factor that makes the masked loss ``n^2/2`` times the observed mean squared error."""
    return mask.size / mask.sum()


def loss(factors, M, mask) -> float:
    """``L = (n^2 / (2 |Omega|)) ||P * (W - M)||_F^2``."""
    return 0.5 * weight(mask) * float(np.sum((mask * (product(factors) - M)) ** 2))


def loss_and_gradients(factors, M, mask) -> tuple[float, list[np.ndarray]]:
    """The loss and ``dL/dWj = (A_j^T G) B_j^T``, ``G = (n^2/|Omega|) P * (W - M)`` (module docstring), with
    ``B_{j+1} = Wj B_j`` up the chain and ``A_{j-1}^T G = Wj^T (A_j^T G)`` down it: ``3N - 3`` products."""
    N = len(factors)
    below = [None]  # below[j] = B_j = W{j-1} ... W1
    for f in factors[:-1]:
        below.append(f if below[-1] is None else f @ below[-1])
    c = weight(mask)
    R = mask * (mul(factors[-1], below[-1]) - M)
    G = c * R
    grads = [None] * N
    AtG = G  # A_j^T G, from j = N - 1 down
    for j in range(N - 1, -1, -1):
        grads[j] = mul(AtG, None if below[j] is None else below[j].T)
        if j > 0:
            AtG = factors[j].T @ AtG
    return 0.5 * c * float(np.sum(R**2)), grads


def gradients(factors, M, mask) -> list[np.ndarray]:
    """``dL/dWj`` for every ``j`` (see ``loss_and_gradients``)."""
    return loss_and_gradients(factors, M, mask)[1]


class Hessian:
    """Exact Hessian-vector products of the factor loss at fixed factors (module docstring).

    One product costs ``8N - 10`` matrix multiplications (``N >= 2``): the directional derivatives of the partial
    products follow the recurrences ``dB_{j+1} = Vj B_j + Wj dB_j`` (``dB_1 = 0``) and
    ``dA_{j-1} = A_j Vj + dA_j Wj`` (``dA_N = 0``), ``dW = dB_{N+1}``, and ``G B_j^T``, ``A_j^T G`` are formed once.
    """

    def __init__(self, factors, M, mask):
        self.F = [np.asarray(f, float) for f in factors]
        self.N, self.n = len(factors), factors[0].shape[0]
        self.c = weight(mask)
        self.mask = mask
        N = self.N
        self.B = [None] + [chain(self.F, 0, j - 1) for j in range(1, N)]  # B[j] = W{j-1} ... W1
        self.A = [chain(self.F, j + 1, N - 1) for j in range(N - 1)] + [None]  # A[j] = WN ... W{j+1}
        self.G = self.c * mask * (mul(self.F[-1], self.B[-1]) - M)
        self.GBt = [mul(self.G, None if b is None else b.T) for b in self.B]
        self.AtG = [mul(None if a is None else a.T, self.G) for a in self.A]
        eye = np.eye(self.n)  # stands for the unused identity entries of the stacks
        self.stacks = tuple(np.array([eye if m is None else m for m in ms]) for ms in (self.A, self.B))
        self.stacks += (np.array(self.F), np.array(self.GBt), np.array(self.AtG), self.c * mask)
        self.work = (np.zeros((N + 1, self.n, self.n)), np.zeros((N, self.n, self.n)), np.zeros((self.n, self.n)),
                     np.zeros((self.n, self.n)))  # fmt: skip

    def matvec(self, v: np.ndarray) -> np.ndarray:
        """``H v`` by the compiled ``kernel.hessian_matvec``: ``matvec_reference``'s products in its order."""
        A, B, F, GBt, AtG, cmask = self.stacks
        out = np.empty((self.N, self.n, self.n))
        kernel.hessian_matvec(F, A, B, GBt, AtG, cmask, v.reshape(self.N, self.n, self.n), out, *self.work)
        return out.ravel()

    def matvec_reference(self, v: np.ndarray) -> np.ndarray:
        """``H v`` in numpy, by the recurrences of the class docstring."""
        N, n, F, A, B = self.N, self.n, self.F, self.A, self.B
        V = v.reshape(N, n, n)
        dB = [None] * (N + 1)  # dB[j] = d(W{j-1} ... W1); None is zero
        for j in range(N):
            step = mul(V[j], B[j])
            dB[j + 1] = step if dB[j] is None else step + F[j] @ dB[j]
        dA = [None] * N  # dA[j] = d(WN ... W{j+1})
        for j in range(N - 1, 0, -1):
            step = mul(A[j], V[j])
            dA[j - 1] = step if dA[j] is None else step + dA[j] @ F[j]
        dG = self.c * self.mask * dB[N]
        out = np.empty_like(V)
        for j in range(N):
            term = mul(None if A[j] is None else A[j].T, dG, None if B[j] is None else B[j].T)
            if dA[j] is not None:
                term = term + dA[j].T @ self.GBt[j]
            if dB[j] is not None:
                term = term + self.AtG[j] @ dB[j].T
            out[j] = term
        return out.ravel()


def lanczos_extremes(
    matvec, v0: np.ndarray, *, tol: float, check_every: int = 10, max_products: int | None = None
) -> tuple[float, float, int]:
    """``(theta_min, theta_max, products)``: extreme Ritz values of a symmetric operator by plain Lanczos.

    Three-term recurrence from ``q_1 = v0 / ||v0||``:

        beta_k q_{k+1} = H q_k - alpha_k q_k - beta_{k-1} q_{k-1},   alpha_k = q_k^T H q_k,

    and ``T_k = tridiag(beta, alpha, beta)``. With ``T_k s = theta s`` (``||s|| = 1``), the Ritz pair has
    ``||H y - theta y|| = beta_k |s_k|``: an eigenvalue of ``H`` lies within ``beta_k |s_k|`` of ``theta``. Every
    ``check_every`` products both extreme Ritz values are tested, and the run stops when, for each,

        beta_k |s_k| <= tol |theta_max|   and   |theta(k) - theta(k/2)| <= tol |theta_max|

    (``theta(k/2)``: the value at the last test at or before half the products), or at an invariant subspace
    (``beta_k = 0``, the Ritz values are then exact). The residual test alone is not enough when ``lambda_min`` is
    the edge of a dense cluster: a Ritz vector inside the cluster passes it while ``lambda_min`` lies lower. At a
    cluster edge ``theta(k) - lambda ~ C / k^2``, so the change over the second half of the run is about three
    times the remaining error. No restarts and no reorthogonalization: only Ritz values are needed, the extreme
    ones converge in finite precision too (lost orthogonality only duplicates converged values), and memory is
    three vectors. As a Rayleigh quotient, ``theta_min >= lambda_min``: a negative ``theta_min`` is negative
    curvature of ``H``.
    """
    limit = max_products if max_products is not None else 10 * v0.size + 100
    q, q_prev, beta, scale = v0 / np.linalg.norm(v0), np.zeros_like(v0, dtype=float), 0.0, 0.0
    alphas, betas, history = [], [], []  # history: (k, theta_min, theta_max) at every test
    for k in range(1, limit + 1):
        w = matvec(q) - beta * q_prev
        alphas.append(float(q @ w))
        w -= alphas[-1] * q
        beta = float(np.linalg.norm(w))
        scale = max(scale, abs(alphas[-1]), beta)  # a lower bound on ||H||
        breakdown = beta <= np.finfo(float).eps * scale
        if breakdown or k % check_every == 0 or k == limit:
            thetas, bounds = [], []
            for i in (0, k - 1):  # smallest and largest eigenvalue of T_k
                theta, s = eigh_tridiagonal(np.array(alphas), np.array(betas), select="i", select_range=(i, i))
                thetas.append(float(theta[0]))
                bounds.append(beta * abs(s[-1, 0]))
            half = [h for h in history if h[0] <= k // 2]
            history.append((k, *thetas))
            settled = bool(half) and max(half[-1][1] - thetas[0], thetas[1] - half[-1][2]) <= tol * abs(thetas[1])
            if breakdown or (settled and max(bounds) <= tol * abs(thetas[1])):
                return thetas[0], thetas[1], k
        betas.append(beta)
        q_prev, q = q, w / beta
    raise RuntimeError(f"Lanczos: extreme Ritz values {thetas} not settled within tol = {tol:g} x |theta_max| after "
                       f"{limit} products (residual bounds {bounds})")  # fmt: skip


def extreme_eigenvalues(
    factors, M, mask, *, tol: float, seed_vector: np.ndarray, max_products: int | None = None
) -> tuple[float, float]:
    """``(lambda_min, lambda_max)`` of the Hessian, both to about ``tol * lambda_max``, from one Lanczos run.

    ``lanczos_extremes`` on the exact Hessian-vector products, started at ``seed_vector`` (deterministic).
    Why plain Lanczos: the spectrum is a few eigenvalues up to ``lambda_max`` and a huge cluster near 0. The
    rescaling symmetries (``W{j+1} A^{-1}, A Wj`` leave ``L`` unchanged) alone give ``(N - 1) n^2`` directions
    ``xi`` (``Vj = X Wj``, ``V{j+1} = -W{j+1} X``) with ``H xi = -(D xi)^T grad L``, zero at a critical point; the
    directions of the small singular values add more. Near a critical point ``lambda_min`` is the lower edge of
    that cluster, its neighbours about ``1e-6 lambda_max`` apart. Resolving a cluster edge needs the whole Krylov
    space: restarted Lanczos (ARPACK ``eigsh``, ``ncv = 40``, with ``lambda_min`` from ``H + lambda_max I``, the
    same Krylov space as ``lambda_max I - H``) keeps discarding it and needed up to 5 times more products at the
    end points for ``n = 100``. The stopping test is absolute (in units of ``theta_max``) at both ends, so no
    spectrum shift is needed, and both extremes come from the same Krylov space.
    """
    hess = Hessian(factors, M, mask)
    lam_min, lam_max, _ = lanczos_extremes(hess.matvec, np.asarray(seed_vector, float), tol=tol,
                                           max_products=max_products)  # fmt: skip
    return lam_min, lam_max


@dataclass(frozen=True)
class Plateau:
    """The plateau rule that ends a run at its end (THEORY.md section 9), tested every ``every`` iterations: the
    run fits the observed entries, ``||P * (W - M)||_F <= fit ||P * M||_F``, and none of the top ``n_test``
    singular values of ``W`` moved by more than ``move`` since the previous test. A run that passes has stood
    still on the observations for ``every`` iterations: it stops as ``plateau``."""

    fit: float
    every: int
    move: float
    n_test: int

    def test(self, factors, value: float, c: float, fit_threshold: float, last: np.ndarray) -> bool:
        """The test at ``factors`` with loss ``value`` (residual ``sqrt(2 value / c)``) against the singular values
        ``last`` of the previous test (NaN before the first), updated in place; as ``kernel._plateau_test``."""
        sv = np.linalg.svd(product(factors))[1][: self.n_test]
        still = np.sqrt(2.0 * value / c) <= fit_threshold and bool(np.all(np.abs(sv - last) <= self.move))
        last[:] = sv
        return still


@dataclass
class DMFTrajectory:
    """Logged ``steps``, ``loss``, ``grad_norm`` (over all factors), top singular values ``sv`` of ``W``, outcome."""

    steps: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    sv: np.ndarray  # (T, n_sv)
    factors: list[list[np.ndarray]]  # factors at every logged step
    status: str
    n_steps: int


def simulate(
    M,
    mask,
    factors0,
    eta: float,
    *,
    max_steps: int,
    n_log: int,
    n_sv: int,
    tol: float,
    plateau: Plateau | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> DMFTrajectory:
    """Full-batch GD ``Wj <- Wj - eta dL/dWj`` for ``max_steps`` iterations, logging at ``log_grid`` iterations.

    Stops early as ``converged`` when ``||grad||_F <= tol ||M||_F``, as ``diverged`` when the loss is not finite,
    as ``plateau`` by the rule ``plateau`` (``Plateau``; ``None``: no such rule).
    ``progress(k, loss)``, if given, is called at every iteration (for logging only; it cannot change the run).
    """
    F = [np.array(f, float) for f in factors0]
    mask_log = log_grid(max_steps, n_log)
    steps, losses, gnorms, svs, snaps = [], [], [], [], []
    status, k = "max_steps", 0
    scale = np.linalg.norm(M)
    fit_threshold = None if plateau is None else plateau.fit * np.linalg.norm(mask * M)
    last = None if plateau is None else np.full(plateau.n_test, np.nan)
    for k in range(max_steps + 1):
        value, grads = loss_and_gradients(F, M, mask)
        gnorm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
        if progress is not None:
            progress(k, value)
        if not np.isfinite(value):
            status = "diverged"
            break
        converged = gnorm <= tol * scale
        ended = False
        if plateau is not None and k % plateau.every == 0 and not converged:
            ended = plateau.test(F, value, weight(mask), fit_threshold, last)
        if mask_log[k] or converged or ended or k == max_steps:
            steps.append(k)
            losses.append(value)
            gnorms.append(gnorm)
            svs.append(np.linalg.svd(product(F), compute_uv=False)[:n_sv])
            snaps.append([f.copy() for f in F])
        if converged or ended:
            status = "converged" if converged else "plateau"
            break
        if k < max_steps:
            F = [f - eta * g for f, g in zip(F, grads)]
    return DMFTrajectory(np.array(steps), np.array(losses), np.array(gnorms), np.array(svs), snaps, status, k)


def simulate_batch(
    problems: list[tuple[np.ndarray, np.ndarray, list[np.ndarray], float]],
    *,
    max_steps: int,
    n_log: int,
    n_sv: int,
    tol: float,
    plateaus: list[Plateau] | None = None,
) -> list[DMFTrajectory]:
    """``simulate`` for every ``(M, mask, factors0, eta)`` of a batch of equal ``n`` and depth, in one call of the
    compiled kernel ``kernel.run_batch`` (no Python per iteration): the same trajectories as ``simulate`` run by
    run, to the last bit where the kernel's BLAS rounds as numpy's. The singular values are taken afterwards from
    the logged factors, as ``simulate`` takes them. ``plateaus``: each run's plateau rule, all with the same
    ``every`` and ``n_test`` (``None``: no such rule).
    """
    B = len(problems)
    F0 = np.array([np.asarray(f0, float) for _, _, f0, _ in problems])
    M = np.array([m for m, _, _, _ in problems], float)
    mask = np.array([p for _, p, _, _ in problems], float)
    c = np.array([weight(p) for p in mask])
    threshold = np.array([tol * np.linalg.norm(m) for m in M])
    eta = np.array([e for _, _, _, e in problems], float)
    log_mask = log_grid(max_steps, n_log)
    T = int(log_mask.sum()) + 1  # the logged grid and the stopping iteration
    steps, loss_, gnorm = np.zeros((B, T), np.int64), np.zeros((B, T)), np.zeros((B, T))
    snaps = np.zeros((B, T) + F0.shape[1:])
    n_logged, status, n_steps = np.zeros(B, np.int64), np.zeros(B, np.int64), np.zeros(B, np.int64)
    rules = {(p.every, p.n_test) for p in plateaus or []}
    if len(rules) > 1:
        raise ValueError(f"a batch's runs need one plateau test (every, n_test), got {sorted(rules)}")
    every, n_test = rules.pop() if rules else (0, 0)
    fit = np.array([p.fit * np.linalg.norm(P * m) for p, m, P in zip(plateaus, M, mask)] if plateaus else np.zeros(B))
    move = np.array([p.move for p in plateaus] if plateaus else np.zeros(B), float)
    kernel.run_batch(F0, M, mask, c, threshold, eta, max_steps, log_mask, steps, loss_, gnorm, snaps, n_logged,
                     status, n_steps, every, fit, move, n_test)  # fmt: skip
    out = []
    for b in range(B):
        t = n_logged[b]
        factors = [list(snaps[b, i]) for i in range(t)]
        sv = np.array([np.linalg.svd(product(f), compute_uv=False)[:n_sv] for f in factors])
        out.append(DMFTrajectory(steps[b, :t], loss_[b, :t], gnorm[b, :t], sv, factors,
                                 kernel.STATUS_NAMES[status[b]], int(n_steps[b])))  # fmt: skip
    return out


def compile_kernel() -> None:
    """Compile the DMF kernels into numba's cache (beside the code) with a depth-2 completion on a 4 x 4 target,
    with and without a plateau rule, and one Lanczos run on its end point: the simulation jobs then load them,
    instead of each compiling them at the same time on a fresh checkout."""
    M = np.diag([1.0, 0.5, 0.0, 0.0])
    mask = np.ones((4, 4))
    mask[0, 1] = 0.0
    problem = (M, mask, init_factors(4, 2, 1e-3, np.random.default_rng(0)), 0.1)
    for plateaus in (None, [Plateau(fit=1e-3, every=2, move=1e-5, n_test=2)]):
        (traj,) = simulate_batch([problem], max_steps=5, n_log=2, n_sv=2, tol=0.0, plateaus=plateaus)
    extreme_eigenvalues(traj.factors[-1], M, mask, tol=1e-6, seed_vector=np.ones(2 * 16))
