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
    assert data.samples["Sigma_x_test"].shape == (5, 5) and data.samples["Sigma_xy_test"].shape == (5, 4)


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


def test_draws_are_members_each_from_its_own_stream():
    """A dataset with draws: N is N datasets, member name.i made exactly as a dataset named name.i would be."""
    drawn = spec("sampled", n=8, noise=0.5, n_test=6, draws=3)
    made = spectra.make_members("teacher", drawn, 7)
    assert list(made) == spectra.members("teacher", drawn) == ["teacher.0", "teacher.1", "teacher.2"]
    alone = spectra.make_dataset(drawn, seeds.rng(7, "dataset", "teacher.1"))
    for key, value in alone.arrays().items():
        np.testing.assert_array_equal(made["teacher.1"].arrays()[key], value)
    assert not np.allclose(made["teacher.0"].samples["X"], made["teacher.1"].samples["X"])  # independent draws
    assert spectra.members("whitened", spec("exact_sample", n=8)) == ["whitened"]
    assert spectra.entry("teacher.12") == "teacher" and spectra.entry("whitened") == "whitened"


def test_a_file_of_draws_stacks_them_and_unstacks_to_the_members(tmp_path):
    from implicitreg.io import files

    drawn = spec("sampled", n=8, noise=0.5, n_test=6, draws=2)
    arrays = spectra.dataset_file("teacher", drawn, 7)
    assert arrays["X"].shape == (2, 8, 5) and list(arrays["draw"]) == [0, 1]
    files.save_npz(tmp_path / "teacher.npz", **arrays)
    single = spectra.dataset_file("coloured", spec("exact_sample", n=8), 7)
    files.save_npz(tmp_path / "coloured.npz", **single)
    loaded = spectra.load_members([tmp_path / "teacher.npz", tmp_path / "coloured.npz"])
    assert list(loaded) == ["teacher.0", "teacher.1", "coloured"]
    made = spectra.make_members("teacher", drawn, 7)["teacher.1"]
    np.testing.assert_array_equal(loaded["teacher.1"].Sigma_xy, made.Sigma_xy)
    # a function of one dataset, mapped over every draw, stacked as the file is
    traces = spectra.map_members(lambda a: {"trace": np.trace(a["Sigma_x"])}, arrays)
    assert list(traces["draw"]) == [0, 1]
    np.testing.assert_allclose(
        traces["trace"], [np.trace(m.Sigma_x) for m in spectra.make_members("teacher", drawn, 7).values()]
    )
    assert spectra.map_members(lambda a: {"n": a["X"].shape[0]}, single) == {"n": 8}
