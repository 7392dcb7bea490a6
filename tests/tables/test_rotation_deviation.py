"""Rotated covariances and the normalized commutator (THEORY.md section 7)."""

import numpy as np
import pytest
from scipy.linalg import expm

from implicitreg.data import seeds, spectra
from implicitreg.tables.rotation_deviation import normalized_commutator

SPEC = {"kind": "population", "basis": "random", "d": 4, "p": 3, "lam": [2.0, 0.5, 1.5, 1.0], "sigma": [2.0, 1.0, 0.5]}


def dataset(epsilon, lam=None):
    spec = SPEC | {"epsilon": epsilon} | ({"lam": lam} if lam else {})
    return spectra.make_dataset(spec, seeds.rng(1, "ds"), rotation_rng=seeds.rng(1, "rotation"))


def test_rotation_generator_is_antisymmetric_unit_norm():
    A = spectra.rotation_generator(5, seeds.rng(0, "A"))
    np.testing.assert_allclose(A, -A.T, atol=0)
    assert np.linalg.norm(A) == pytest.approx(1.0)
    R = expm(0.3 * A)
    np.testing.assert_allclose(R @ R.T, np.eye(5), atol=1e-14)


def test_commuting_covariances_have_zero_commutator():
    data = dataset(0.0)
    assert normalized_commutator(data.Sigma_x, data.Sigma_xy) < 1e-15
    plain = spectra.make_dataset(SPEC, seeds.rng(1, "ds"))
    np.testing.assert_array_equal(plain.Sigma_xy, data.Sigma_xy)


def test_rotation_keeps_singular_values_and_breaks_commutation():
    data = dataset(0.1)
    np.testing.assert_allclose(np.linalg.svd(data.Sigma_xy, compute_uv=False), SPEC["sigma"], rtol=1e-13)
    assert normalized_commutator(data.Sigma_x, data.Sigma_xy) > 1e-3


def test_constant_lam_commutes_with_any_rotation():
    data = dataset(0.3, lam=[1.5, 1.5, 1.5, 1.5])
    assert normalized_commutator(data.Sigma_x, data.Sigma_xy) < 1e-15


def test_commutator_is_linear_in_small_epsilon():
    c1, c2 = (normalized_commutator(dataset(e).Sigma_x, dataset(e).Sigma_xy) for e in (1e-4, 2e-4))
    assert c2 / c1 == pytest.approx(2.0, rel=1e-3)


def test_commutator_known_value():
    Sx = np.diag([1.0, 0.0])
    Sxy = np.array([[1.0, 0.0], [1.0, 0.0]])  # M = [[1, 1], [1, 1]]
    # Sx M - M Sx = [[0, 1], [-1, 0]]: norm sqrt(2); ||Sx|| = 1, ||M|| = 2
    assert normalized_commutator(Sx, Sxy) == pytest.approx(np.sqrt(2) / 2)
