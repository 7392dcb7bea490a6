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

The minimum eigenvalue of ``H`` comes from Lanczos (``scipy.sparse.linalg.eigsh``) on these products.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse.linalg import LinearOperator, eigsh

from implicitreg.data.spectra import haar_orthogonal
from implicitreg.data.trajectory import log_grid


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
    """The loss and ``dL/dWj = A_j^T G B_j^T``, ``G = (n^2/|Omega|) P * (W - M)`` (module docstring)."""
    N = len(factors)
    below = [None]  # below[j] = B_j = W{j-1} ... W1
    for f in factors[:-1]:
        below.append(f if below[-1] is None else f @ below[-1])
    above = [None]  # built backwards: above[j] = A_j = WN ... W{j+1}
    for f in factors[:0:-1]:
        above.append(f if above[-1] is None else above[-1] @ f)
    above = above[::-1]
    c = weight(mask)
    R = mask * (mul(factors[-1], below[-1]) - M)
    G = c * R
    grads = [mul(None if above[j] is None else above[j].T, G, None if below[j] is None else below[j].T)
             for j in range(N)]  # fmt: skip
    return 0.5 * c * float(np.sum(R**2)), grads


def gradients(factors, M, mask) -> list[np.ndarray]:
    """``dL/dWj`` for every ``j`` (see ``loss_and_gradients``)."""
    return loss_and_gradients(factors, M, mask)[1]


class Hessian:
    """Exact Hessian-vector products of the factor loss at fixed factors (module docstring)."""

    def __init__(self, factors, M, mask):
        self.F = [np.asarray(f, float) for f in factors]
        self.N, self.n = len(factors), factors[0].shape[0]
        self.c = weight(mask)
        self.mask = mask
        self.P = {(i, j): chain(self.F, i, j) for i in range(self.N) for j in range(i, self.N)}
        self.G = self.c * mask * (self.P[0, self.N - 1] - M)

    def ch(self, lo, hi):
        return self.P[lo, hi] if lo <= hi else None

    def matvec(self, v: np.ndarray) -> np.ndarray:
        N, n = self.N, self.n
        V = v.reshape(N, n, n)
        dW = sum(mul(self.ch(i + 1, N - 1), V[i], self.ch(0, i - 1)) for i in range(N))
        dG = self.c * self.mask * dW
        out = np.empty_like(V)
        for j in range(N):
            A, B = self.ch(j + 1, N - 1), self.ch(0, j - 1)
            At, Bt = (None if A is None else A.T), (None if B is None else B.T)
            term = mul(At, dG, Bt)
            for i in range(j + 1, N):  # dA_j
                dA = mul(self.ch(i + 1, N - 1), V[i], self.ch(j + 1, i - 1))
                term = term + mul(dA.T, self.G, Bt)
            for i in range(j):  # dB_j
                dB = mul(self.ch(i + 1, j - 1), V[i], self.ch(0, i - 1))
                term = term + mul(At, self.G, dB.T)
            out[j] = term
        return out.ravel()

    def operator(self) -> LinearOperator:
        dim = self.N * self.n * self.n
        return LinearOperator((dim, dim), matvec=self.matvec, dtype=float)


def extreme_eigenvalues(factors, M, mask, *, tol: float, seed_vector: np.ndarray) -> tuple[float, float]:
    """``(lambda_min, lambda_max)`` of the Hessian by Lanczos; ``seed_vector`` starts ARPACK deterministically.

    ARPACK's tolerance is relative to the eigenvalue sought, hopeless for a ``lambda_min`` near 0; so
    ``lambda_min`` is taken from ``H + lambda_max I`` (spectrum in ``[lambda_min + lambda_max, 2 lambda_max]``),
    which makes its accuracy about ``tol * lambda_max``, the scale the resolution is stated in.
    """
    hess = Hessian(factors, M, mask)
    op = hess.operator()
    kw = dict(k=1, tol=tol, v0=seed_vector, maxiter=20 * op.shape[0], ncv=min(op.shape[0], 40))
    lam_max = float(eigsh(op, which="LA", return_eigenvectors=False, **kw)[0])
    shift = abs(lam_max)
    shifted = LinearOperator(op.shape, matvec=lambda v: hess.matvec(v) + shift * v, dtype=float)
    lam_min = float(eigsh(shifted, which="SA", return_eigenvectors=False, **kw)[0]) - shift
    return lam_min, lam_max


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


def simulate(M, mask, factors0, eta: float, *, max_steps: int, n_log: int, n_sv: int, tol: float) -> DMFTrajectory:
    """Full-batch GD ``Wj <- Wj - eta dL/dWj`` for ``max_steps`` iterations, logging at ``log_grid`` iterations.

    Stops early as ``converged`` when ``||grad||_F <= tol ||M||_F``, as ``diverged`` when the loss is not finite.
    """
    F = [np.array(f, float) for f in factors0]
    mask_log = log_grid(max_steps, n_log)
    steps, losses, gnorms, svs, snaps = [], [], [], [], []
    status, k = "max_steps", 0
    scale = np.linalg.norm(M)
    for k in range(max_steps + 1):
        value, grads = loss_and_gradients(F, M, mask)
        gnorm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
        if not np.isfinite(value):
            status = "diverged"
            break
        converged = gnorm <= tol * scale
        if mask_log[k] or converged or k == max_steps:
            steps.append(k)
            losses.append(value)
            gnorms.append(gnorm)
            svs.append(np.linalg.svd(product(F), compute_uv=False)[:n_sv])
            snaps.append([f.copy() for f in F])
        if converged:
            status = "converged"
            break
        if k < max_steps:
            F = [f - eta * g for f, g in zip(F, grads)]
    return DMFTrajectory(np.array(steps), np.array(losses), np.array(gnorms), np.array(svs), snaps, status, k)
