"""Reduced-rank regression attains the rank-k optimum (THEORY.md section 6)."""

import numpy as np
import pytest

from implicitreg.data import seeds, spectra
from implicitreg.linear import rrr


@pytest.fixture(scope="module")
def general():
    """A general (non-commuting) positive-definite problem."""
    rng = seeds.rng(4, "rrr")
    A = rng.standard_normal((6, 6))
    return A @ A.T / 6 + 0.1 * np.eye(6), rng.standard_normal((6, 5)), rng


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_rrr_beats_other_rank_k_candidates(general, k):
    Sx, Sxy, rng = general
    Wk = rrr.rrr_solution(Sx, Sxy, k)
    assert np.linalg.matrix_rank(Wk) == k
    best = rrr.excess_loss(Wk, Sx, Sxy)
    W_star = np.linalg.solve(Sx, Sxy)
    u, s, vt = np.linalg.svd(W_star)
    candidates = [(u[:, :k] * s[:k]) @ vt[:k]]  # truncating W_* itself is not optimal unless Sigma_x ~ I
    for _ in range(200):  # random rank-k candidates, and small perturbations on the rank-k manifold
        candidates.append(rng.standard_normal((6, k)) @ rng.standard_normal((k, 5)))
        L, R = rng.standard_normal((6, k)), rng.standard_normal((k, 5))
        uk, sk, vk = np.linalg.svd(Wk)
        candidates.append((uk[:, :k] * sk[:k] + 1e-3 * L) @ (vk[:k] + 1e-3 * R))
    assert best <= min(rrr.excess_loss(np.stack(candidates), Sx, Sxy)) + 1e-12


def test_loss_matches_the_spectrum_formula(general):
    Sx, Sxy, _ = general
    Ws, loss = rrr.rrr_solutions(Sx, Sxy)
    np.testing.assert_allclose(rrr.excess_loss(Ws, Sx, Sxy), loss, rtol=1e-10, atol=1e-14)
    assert loss[-1] == 0.0 and np.all(np.diff(loss) < 0)


def test_commuting_case_keeps_largest_sigma_over_sqrt_lambda():
    """The order-mismatch dataset: GD plateau 1 is component 1, RRR rank 1 is component 2."""
    lam, sigma = np.array([4.0, 1.0, 0.5, 0.1]), np.array([3.0, 2.0, 1.0, 0.5])
    rng = seeds.rng(5, "mismatch")
    U, V = spectra.haar_orthogonal(4, rng), spectra.haar_orthogonal(4, rng)
    Sx, Sxy = spectra.covariances(U, V, lam, sigma)
    order = np.argsort(-sigma / np.sqrt(lam))  # sigma / sqrt(lam) = 1.5, 2, 1.41, 1.58
    for k in range(1, 5):
        w = np.diag(U.T @ rrr.rrr_solution(Sx, Sxy, k) @ V)
        expected = np.zeros(4)
        expected[order[:k]] = (sigma / lam)[order[:k]]
        np.testing.assert_allclose(w, expected, atol=1e-10)
    assert order[0] == 1


def test_not_positive_definite_is_refused():
    with pytest.raises(ValueError, match="positive-definite"):
        rrr.inv_sqrt(np.diag([1.0, 0.0]))
