"""Datasets have exactly the spectra they were asked for (THEORY.md section 2)."""

import numpy as np
import pytest

from implicitreg.data import seeds, spectra

LAM = np.array([2.5, 0.5, 1.5, 0.2, 1.0])
SIGMA = np.array([2.0, 1.0, 0.5, 0.25])


def spec(kind, **extra):
    return {"kind": kind, "basis": "random", "d": 5, "p": 4, "lam": LAM, "sigma": SIGMA} | extra


def test_haar_orthogonal_is_orthogonal():
    Q = spectra.haar_orthogonal(7, seeds.rng(0, "q"))
    np.testing.assert_allclose(Q.T @ Q, np.eye(7), atol=1e-14)


@pytest.mark.parametrize("kind", ["population", "exact_sample"])
def test_covariances_have_the_requested_spectra(kind):
    data = spectra.make_dataset(spec(kind, n=40), seeds.rng(1, "ds"))
    np.testing.assert_allclose(np.sort(np.linalg.eigvalsh(data.Sigma_x)), np.sort(LAM), rtol=1e-12)
    np.testing.assert_allclose(np.linalg.svd(data.Sigma_xy, compute_uv=False), np.sort(SIGMA)[::-1], rtol=1e-12)
    # the shared decomposition itself: U^T Sigma_x U = diag(lam), U^T Sigma_xy V = diag(sigma)
    np.testing.assert_allclose(data.U.T @ data.Sigma_x @ data.U, np.diag(LAM), atol=1e-12)
    np.testing.assert_allclose(data.U.T @ data.Sigma_xy @ data.V, spectra.rect_diag(SIGMA, 5, 4), atol=1e-12)


def test_exact_samples_reproduce_population_covariances():
    pop = spectra.make_dataset(spec("population"), seeds.rng(2, "ds"))
    ex = spectra.make_dataset(spec("exact_sample", n=30), seeds.rng(2, "ds"))
    X, Y = ex.samples["X"], ex.samples["Y"]
    np.testing.assert_allclose(X.T @ X / 30, pop.Sigma_x, atol=1e-12)
    np.testing.assert_allclose(X.T @ Y / 30, pop.Sigma_xy, atol=1e-12)


def test_sampled_data_are_close_but_not_exact():
    data = spectra.make_dataset(spec("sampled", n=20000, noise=0.1, n_test=50), seeds.rng(3, "ds"))
    pop_x, _ = spectra.covariances(data.U, data.V, LAM, SIGMA)
    err = np.linalg.norm(data.Sigma_x - pop_x) / np.linalg.norm(pop_x)
    assert 1e-4 < err < 0.05
    assert data.samples["X_test"].shape == (50, 5)


def test_identity_basis_and_autoencoder():
    s = [1.0, 0.5, 0.25]
    data = spectra.make_dataset({"kind": "population", "basis": "identity", "d": 3, "p": 3, "lam": s, "sigma": s}, None)
    np.testing.assert_array_equal(data.Sigma_x, np.diag(s))
    np.testing.assert_array_equal(data.Sigma_xy, data.Sigma_x)


def test_seeded_datasets_are_reproducible_and_distinct():
    a = spectra.make_dataset(spec("exact_sample", n=10), seeds.rng(5, "dataset", "a"))
    b = spectra.make_dataset(spec("exact_sample", n=10), seeds.rng(5, "dataset", "a"))
    c = spectra.make_dataset(spec("exact_sample", n=10), seeds.rng(5, "dataset", "c"))
    np.testing.assert_array_equal(a.samples["X"], b.samples["X"])
    assert not np.allclose(a.U, c.U)


def test_exact_sample_needs_enough_samples():
    with pytest.raises(ValueError, match="n >= d"):
        spectra.make_dataset(spec("exact_sample", n=3), seeds.rng(0, "x"))
