"""Full-matrix discrete GD against the per-mode recursion, and the simulator's bookkeeping."""

import numpy as np
import pytest

from implicitreg.data import seeds, spectra
from implicitreg.linear import init, metrics, theory
from implicitreg.linear import simulate as dynamics

LAM = np.array([2.5, 0.5, 1.5, 0.2, 1.0])
SIGMA = np.array([2.0, 1.0, 0.5, 0.25])
TARGETS = SIGMA / LAM[:4]


@pytest.fixture(scope="module")
def data():
    rng = seeds.rng(11, "dynamics")
    U, V = spectra.haar_orthogonal(5, rng), spectra.haar_orthogonal(4, rng)
    Sx, Sxy = spectra.covariances(U, V, LAM, SIGMA)
    return U, V, Sx, Sxy


def run(data, depth, delta, eta, width=4, max_steps=100000, factors=None, **kw):
    U, V, Sx, Sxy = data
    f0 = factors or init.aligned_init(U, V, depth, width, delta)
    (tr,) = dynamics.simulate(
        Sx, Sxy, [f[None] for f in f0], eta, max_steps=max_steps, tol=1e-10, n_log=100, U=U, V=V, targets=TARGETS, **kw
    )
    return tr


@pytest.mark.parametrize("depth,delta", [(1, 10.0), (2, 10.0), (2, 30.0), (3, 6.0), (4, 8.0)])
def test_full_matrix_equals_per_mode(data, depth, delta):
    U, V, _, _ = data
    eta = 0.02
    tr = run(data, depth, delta, eta)
    assert tr.status == "converged"
    w = theory.per_mode(LAM[:4], SIGMA, eta, np.exp(-delta), depth, tr.n_steps)[tr.steps]
    dev = metrics.relative_deviation(tr.W, metrics.aligned_map(w, U, V))
    assert dev.max() <= 1e-10


def test_transitions_are_detected_exactly_and_bracketed(data):
    U, V, _, _ = data
    tr = run(data, 2, 12.0, 0.02)
    w = theory.per_mode(LAM[:4], SIGMA, 0.02, np.exp(-12.0), 2, tr.n_steps)
    expected = np.argmax(w >= TARGETS / 2, axis=0)
    np.testing.assert_array_equal(tr.k_cross, expected)
    for k in tr.k_cross:
        assert {k - 1, k} <= set(tr.steps.tolist())
    logged = metrics.components(tr.W, U, V, 4)
    np.testing.assert_array_equal(metrics.first_crossing(tr.steps, logged, TARGETS / 2), tr.k_cross)


def test_logging_is_bounded_by_the_log_grid(data):
    tr = run(data, 2, 12.0, 0.002, max_steps=200000)
    assert tr.n_steps > 10000
    assert len(tr.steps) <= 2 * 100 + 2 * 4 + 1
    assert tr.steps[0] == 0 and tr.steps[-1] == tr.n_steps
    assert np.all(np.diff(tr.steps) > 0)


def test_divergence_is_recorded_not_raised(data):
    tr = run(data, 2, 2.0, 3.0, max_steps=5000)
    assert tr.status == "diverged"
    assert tr.n_steps < 5000
    assert np.all(np.isfinite(tr.W)) and np.all(np.isfinite(tr.loss))


def test_max_steps_status(data):
    tr = run(data, 2, 20.0, 0.01, max_steps=50)
    assert tr.status == "max_steps" and tr.n_steps == 50


def test_batched_runs_equal_individual_runs(data):
    U, V, Sx, Sxy = data
    etas, deltas = [0.01, 0.03, 0.05], [8.0, 12.0, 5.0]
    f0 = [init.aligned_init(U, V, 2, 4, d) for d in deltas]
    batch = dynamics.simulate(
        Sx, Sxy, [np.stack(fs) for fs in zip(*f0)], etas, max_steps=40000, tol=1e-9, n_log=50,
        U=U, V=V, targets=TARGETS,
    )  # fmt: skip
    for eta, fs, tb in zip(etas, f0, batch):
        (ts,) = dynamics.simulate(
            Sx, Sxy, [f[None] for f in fs], eta, max_steps=40000, tol=1e-9, n_log=50, U=U, V=V, targets=TARGETS
        )
        assert tb.status == ts.status and tb.n_steps == ts.n_steps
        np.testing.assert_array_equal(tb.steps, ts.steps)
        np.testing.assert_allclose(tb.W, ts.W, rtol=1e-12, atol=1e-300)


def test_runs_on_different_datasets_share_a_batch_bit_for_bit():
    """Draws of one dataset in one batch (``data_of``): each run exactly as alone on its own dataset, whatever the
    slot it lands in, with fewer and more runs than SIMD lanes."""
    spec = {"kind": "sampled", "basis": "random", "n": 12, "n_test": 1, "noise": 0.3, "d": 5, "p": 4,
            "lam": [1.0] * 5, "sigma": [2.0, 1.0, 0.5, 0.25]}  # fmt: skip
    drawn = [spectra.make_dataset(spec, seeds.rng(5, "dataset", f"t.{q}")) for q in range(3)]
    data_of = [0, 2, 1, 1, 0, 2, 2, 0, 1, 0, 2]
    f0 = [init.random_init(5, 4, 2, 4, 6.0, seeds.rng(5, "init", str(r))) for r in range(len(data_of))]
    targets = np.array(spec["sigma"])
    stacked = [np.stack([getattr(d, k) for d in drawn]) for k in ("Sigma_x", "Sigma_xy", "U", "V")]
    batch = dynamics.simulate(
        stacked[0], stacked[1], [np.stack(fs) for fs in zip(*f0)], 0.05, max_steps=600, tol=1e-9, n_log=40,
        U=stacked[2], V=stacked[3], targets=targets, data_of=data_of,
    )  # fmt: skip
    for q, fs, tb in zip(data_of, f0, batch):
        d = drawn[q]
        (ts,) = dynamics.simulate(
            d.Sigma_x, d.Sigma_xy, [f[None] for f in fs], 0.05, max_steps=600, tol=1e-9, n_log=40, U=d.U, V=d.V,
            targets=targets,
        )  # fmt: skip
        assert tb.status == ts.status and tb.n_steps == ts.n_steps
        np.testing.assert_array_equal(tb.steps, ts.steps)
        np.testing.assert_array_equal(tb.k_cross, ts.k_cross)
        np.testing.assert_array_equal(tb.W, ts.W)


def test_factor_gradients_match_finite_differences(data):
    U, V, Sx, Sxy = data
    rng = seeds.rng(3, "fd")
    factors = init.random_init(5, 4, 3, 3, 0.0, rng)

    def loss(fs):
        W = dynamics.end_to_end(fs)
        return 0.5 * np.trace(W.T @ Sx @ W) - np.trace(W.T @ Sxy)

    grads = dynamics.factor_gradients(factors, Sx @ dynamics.end_to_end(factors) - Sxy)
    h = 1e-6
    for j, F in enumerate(factors):
        D = rng.standard_normal(F.shape)
        plus = [f + h * D if i == j else f for i, f in enumerate(factors)]
        minus = [f - h * D if i == j else f for i, f in enumerate(factors)]
        fd = (loss(plus) - loss(minus)) / (2 * h)
        assert fd == pytest.approx(np.sum(grads[j] * D), rel=1e-6)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_aligned_init_has_end_to_end_scale(data, depth):
    U, V, _, _ = data
    W = dynamics.end_to_end(init.aligned_init(U, V, depth, 4, 3.0))
    np.testing.assert_allclose(metrics.components(W, U, V, 4), np.exp(-3.0), rtol=1e-12)


def test_random_init_has_the_requested_scale():
    fs = init.random_init(50, 40, 2, 30, 4.0, seeds.rng(0, "r"))
    assert [f.shape for f in fs] == [(50, 30), (30, 40)]
    for f in fs:
        assert 0.5 * np.exp(-2.0) < np.linalg.norm(f, 2) < 2.5 * np.exp(-2.0)
