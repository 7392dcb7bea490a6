"""Per-mode dynamics, closed forms and predicted transition iterations (THEORY.md sections 3-5).

Under aligned, balanced initialization on commuting covariances the end-to-end map stays
``W = U diag(w) V^T`` and each component ``w_i = u_i^T W v_i`` evolves alone. Every function here
is vectorized over components: ``lam`` and ``sigma`` are the first ``m = min(d, p)`` input
eigenvalues and input-output singular values.
"""

from __future__ import annotations

import numpy as np

from implicitreg.data.spectra import two_layer_transition


def per_mode(lam, sigma, eta: float, w0, depth: int, n_steps: int) -> np.ndarray:
    """Iterate the per-mode recursion, returning ``w_i(k)`` for ``k = 0..n_steps`` (shape ``(n_steps+1, m)``).

    With ``a_i = w_i^{1/L}`` (balanced factors), ``a_i <- a_i + eta a_i^{L-1} (sigma_i - lam_i a_i^L)``.
    For ``L = 1`` this is the linear model ``w <- w + eta (sigma - lam w)``; for ``L = 2`` it is
    ``w <- w (1 + eta (sigma - lam w))^2``.
    """
    lam, sigma = np.asarray(lam, float), np.asarray(sigma, float)
    a = np.broadcast_to(np.asarray(w0, float), sigma.shape) ** (1.0 / depth)
    out = np.empty((n_steps + 1, sigma.size))
    out[0] = a**depth
    for k in range(1, n_steps + 1):
        a = a + eta * a ** (depth - 1) * (sigma - lam * a**depth)
        out[k] = a**depth
    return out


def linear_closed_form(k, lam, sigma, eta: float, w0) -> np.ndarray:
    """Linear model, exact: ``w_i(k) = sigma_i/lam_i + (1 - eta lam_i)^k (w_i(0) - sigma_i/lam_i)``."""
    k = np.asarray(k, float)[..., None]
    target = np.asarray(sigma) / np.asarray(lam)
    return target + (1.0 - eta * np.asarray(lam)) ** k * (w0 - target)


def linear_flow(t, lam, sigma, w0) -> np.ndarray:
    """Linear gradient flow: ``w_i(t) = sigma_i/lam_i + e^{-lam_i t} (w_i(0) - sigma_i/lam_i)``."""
    t = np.asarray(t, float)[..., None]
    target = np.asarray(sigma) / np.asarray(lam)
    return target + np.exp(-np.asarray(lam) * t) * (w0 - target)


def two_layer_flow(t, lam, sigma, w0) -> np.ndarray:
    """Two-layer gradient flow: ``w_i(t) = (sigma_i/lam_i) / (1 + (sigma_i/(lam_i w_i(0)) - 1) e^{-2 sigma_i t})``."""
    t = np.asarray(t, float)[..., None]
    lam, sigma = np.asarray(lam), np.asarray(sigma)
    target = sigma / lam
    return target / (1.0 + (target / w0 - 1.0) * np.exp(-2.0 * sigma * t))


def autoencoder_trace_norm(t, sigma, delta: float, model: str) -> np.ndarray:
    """Trace norm of ``W(delta t)`` for the autoencoder ``Sigma_x = Sigma_xy = diag(sigma)``, ``W(0) = e^{-delta} I``.

    two_layer: ``sum_i 1 / (1 + (e^delta - 1) e^{-2 sigma_i delta t})``;
    linear:    ``sum_i [1 - (1 - e^{-delta}) e^{-sigma_i delta t}]`` (THEORY.md section 4).
    """
    t = np.asarray(t, float)[..., None]
    sigma = np.asarray(sigma, float)
    if model == "two_layer":
        return np.sum(1.0 / (1.0 + np.expm1(delta) * np.exp(-2.0 * sigma * delta * t)), axis=-1)
    if model == "linear":
        return np.sum(1.0 - (1.0 - np.exp(-delta)) * np.exp(-sigma * delta * t), axis=-1)
    raise ValueError(f"no closed form for model {model!r}")


def predicted_transition(depth: int, lam, sigma, eta: float, delta: float) -> np.ndarray:
    """Predicted transition iteration ``k_i`` (first ``k`` with ``w_i(k) >= sigma_i / (2 lam_i)``), section 4.

    - depth 1 (linear): ``k_i ~= ln 2 / (eta lam_i)``, independent of ``delta``;
    - depth 2: ``k_i ~= (delta + ln(sigma_i/lam_i)) / (2 ln(1 + eta sigma_i))``;
    - depth L >= 3 (flow escape time over ``eta``): ``k_i ~= e^{delta (1 - 2/L)} / ((L - 2) sigma_i eta)``.
    """
    lam, sigma = np.asarray(lam, float), np.asarray(sigma, float)
    if depth == 1:
        return np.log(2.0) / (eta * lam)
    if depth == 2:
        return two_layer_transition(lam, sigma, eta, delta)
    return np.exp(delta * (1.0 - 2.0 / depth)) / ((depth - 2) * sigma * eta)


def start_corrected_crossing(lam, sigma, eta: float, delta: float) -> np.ndarray:
    """Start-corrected two-layer half-crossing with the discrete rate (section 4, claim 2b):
    ``k_i^c = (delta + ln(sigma_i/lam_i - e^{-delta})) / (2 ln(1 + eta sigma_i))``.

    Defined where the start is below half the target (``e^{-delta} < sigma_i / (2 lam_i)``); NaN elsewhere.
    """
    lam, sigma = np.asarray(lam, float), np.asarray(sigma, float)
    below_half = np.exp(-delta) < sigma / (2.0 * lam)
    gap = np.where(below_half, sigma / lam - np.exp(-delta), np.nan)
    return (delta + np.log(gap)) / (2.0 * np.log1p(eta * sigma))


def two_layer_flow_transition(lam, sigma, delta: float) -> np.ndarray:
    """Two-layer flow transition time ``t_i = (delta + ln(sigma_i/lam_i - e^{-delta})) / (2 sigma_i)``."""
    lam, sigma = np.asarray(lam, float), np.asarray(sigma, float)
    return (delta + np.log(sigma / lam - np.exp(-delta))) / (2.0 * sigma)


def flow_half_crossing(lam: float, sigma: float, delta: float, depth: int) -> float:
    """Exact half-crossing time ``t_half`` of the depth-``L`` per-mode flow (``L >= 3``), see the module docstring."""
    if depth < 3:
        raise ValueError(f"flow_half_crossing needs depth >= 3, got {depth}")
    L = depth
    a0 = np.exp(-delta / L)
    ah = (sigma / (2.0 * lam)) ** (1.0 / L)
    if a0 >= ah:
        return 0.0
    head = (a0 ** (2 - L) - ah ** (2 - L)) / ((L - 2) * sigma)
    from scipy.integrate import quad  # 0.3 s to load: only when a depth-L flow is integrated

    tail, _ = quad(lambda a: a / (sigma - lam * a**L), a0, ah, epsabs=0.0, epsrel=1e-12)
    return float(head + lam / sigma * tail)


def flow_transition(depth: int, lam, sigma, eta: float, delta: float) -> np.ndarray:
    """Refined prediction of the transition iteration for ``L >= 3``: ``k_i ~= t_half(lam_i, sigma_i) / eta``."""
    return np.array([flow_half_crossing(lm, s, delta, depth) / eta for lm, s in zip(lam, sigma)])
