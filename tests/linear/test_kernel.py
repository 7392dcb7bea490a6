"""The compiled GD kernel against the numpy formulas, its independence of batch, slots and chunking, and its
fused and portable multiply-add paths."""

import hashlib

import numpy as np
import pytest

from implicitreg.data import seeds, spectra, trajectory
from implicitreg.linear import init, simd
from implicitreg.linear import kernel as gdkernel
from implicitreg.linear import simulate as dynamics


def problem(d, p, name):
    rng = seeds.rng(5, name)
    U, V = spectra.haar_orthogonal(d, rng), spectra.haar_orthogonal(p, rng)
    m = min(d, p)
    lam = np.linspace(2.0, 0.5, d)
    sigma = np.linspace(1.5, 0.2, m)
    Sx, Sxy = spectra.covariances(U, V, lam, sigma)
    return U, V, Sx, Sxy, sigma / lam[:m]


def compare_runs(got, want):
    """The two trajectories are the same bytes."""
    assert got.status == want.status and got.n_steps == want.n_steps
    np.testing.assert_array_equal(got.steps, want.steps)
    np.testing.assert_array_equal(got.W, want.W)
    np.testing.assert_array_equal(got.loss, want.loss)
    np.testing.assert_array_equal(got.k_cross, want.k_cross)
    for a, c in zip(got.factors, want.factors):
        np.testing.assert_array_equal(a, c)


def numpy_gd(Sx, Sxy, factors, eta, steps):
    """Reference: ``Wj <- Wj - eta dL/dWj`` with ``dynamics.factor_gradients`` (THEORY.md section 1)."""
    F = [f.copy() for f in factors]
    for _ in range(steps):
        G = Sx @ dynamics.end_to_end(F) - Sxy
        F = [f - eta * g for f, g in zip(F, dynamics.factor_gradients(F, G))]
    return F


@pytest.mark.parametrize(
    "d,p,depth,width",
    [(5, 4, 1, 4), (5, 4, 2, 3), (5, 4, 3, 6), (4, 6, 4, 2), (13, 9, 2, 11), (40, 36, 2, 40), (40, 36, 3, 33)],
)
def test_kernel_steps_equal_numpy_gradient_steps(d, p, depth, width):
    """Small shapes run across SIMD lanes, ``d = 40`` on BLAS; both equal the numpy update to rounding."""
    assert gdkernel.lanes_for(d, p, width) == (gdkernel.LANES if d < 40 else 1)
    U, V, Sx, Sxy, targets = problem(d, p, f"k{d}{p}{depth}")
    f0 = init.random_init(d, p, depth, width, 0.5, seeds.rng(1, "init", str(depth)))
    eta = 0.05
    (tr,) = dynamics.simulate(
        Sx, Sxy, [f[None] for f in f0], eta, max_steps=7, tol=0.0, n_log=3, U=U, V=V, targets=targets
    )
    assert tr.status == "max_steps" and tr.n_steps == 7
    ref = numpy_gd(Sx, Sxy, f0, eta, 7)
    for got, want in zip(tr.factors, ref):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_logged_loss_is_the_excess_loss():
    """``loss = 1/2 tr((W - W_*)^T Sigma_x (W - W_*))`` at every logged step, from the logged ``W``."""
    U, V, Sx, Sxy, targets = problem(5, 4, "loss")
    f0 = init.random_init(5, 4, 2, 4, 1.0, seeds.rng(2, "loss"))
    (tr,) = dynamics.simulate(Sx, Sxy, [f[None] for f in f0], 0.1, max_steps=300, tol=1e-12, n_log=20)
    E = tr.W - np.linalg.solve(Sx, Sxy)
    expected = 0.5 * np.einsum("tij,ik,tkj->t", E, Sx, E)
    np.testing.assert_allclose(tr.loss, expected, rtol=1e-9, atol=1e-15)
    assert tr.loss[0] > 10 * tr.loss[-1]


def test_a_run_does_not_depend_on_its_batch_or_chunk(monkeypatch):
    """Bytes of a run are the same alone, inside a batch, and with the batch split into chunks of one run."""
    U, V, Sx, Sxy, targets = problem(5, 4, "batch")
    etas, deltas = [0.01, 0.2, 0.05, 3.0], [3.0, 6.0, 9.0, 1.0]  # 3.0 diverges
    f0 = [init.aligned_init(U, V, 2, 4, delta) for delta in deltas]
    stacked = [np.stack(fs) for fs in zip(*f0)]
    kw = dict(max_steps=3000, tol=1e-9, n_log=30, U=U, V=V, targets=targets)
    batch = dynamics.simulate(Sx, Sxy, stacked, etas, **kw)
    monkeypatch.setattr(dynamics, "LOG_CHUNK_BYTES", 1)
    chunked = dynamics.simulate(Sx, Sxy, stacked, etas, **kw)
    assert {t.status for t in batch} == {"converged", "max_steps", "diverged"}
    for b, (eta, fs) in enumerate(zip(etas, f0)):
        (alone,) = dynamics.simulate(Sx, Sxy, [f[None] for f in fs], eta, **kw)
        for other in (batch[b], chunked[b]):
            compare_runs(other, alone)


def test_log_rows_are_bounded_by_the_grid_not_the_iterations():
    U, V, Sx, Sxy, targets = problem(5, 4, "cap")
    f0 = init.aligned_init(U, V, 2, 4, 12.0)
    (tr,) = dynamics.simulate(
        Sx, Sxy, [f[None] for f in f0], 0.001, max_steps=300000, tol=1e-10, n_log=40, U=U, V=V, targets=targets
    )
    assert tr.n_steps > 50000
    assert tr.steps.size <= dynamics.log_capacity(trajectory.log_grid(300000, 40), targets.size)
    assert tr.steps.size <= 2 * 40 + 2 * targets.size + 1
    assert (tr.k_cross >= 0).all()


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_slots_taken_over_by_later_runs_give_the_same_bytes(depth):
    """19 runs through 8 SIMD slots: runs that stop early (converged, diverged) hand their slot to the next run.

    Every run equals the run simulated alone, whichever slot and neighbours it had.
    """
    U, V, Sx, Sxy, targets = problem(5, 4, f"slots{depth}")
    rng = seeds.rng(3, "slots", str(depth))
    etas = rng.choice([0.005, 0.05, 0.2, 4.0], size=19)  # 4.0 diverges, 0.2 converges fast, 0.005 runs long
    f0 = [init.random_init(5, 4, depth, 4, delta, rng) for delta in rng.uniform(1.0, 6.0, size=19)]
    kw = dict(max_steps=4000, tol=1e-9, n_log=25, U=U, V=V, targets=targets)
    batch = dynamics.simulate(Sx, Sxy, [np.stack(fs) for fs in zip(*f0)], etas, **kw)
    assert {t.status for t in batch} == {"converged", "max_steps", "diverged"}
    assert len({t.n_steps for t in batch}) > 3
    for eta, fs, tb in zip(etas, f0, batch):
        (alone,) = dynamics.simulate(Sx, Sxy, [f[None] for f in fs], eta, **kw)
        compare_runs(tb, alone)


def test_lanes_and_blas_paths_agree_to_rounding(monkeypatch):
    """The same runs on the SIMD lanes and, with the lanes switched off, one by one on BLAS."""
    U, V, Sx, Sxy, targets = problem(9, 7, "paths")
    f0 = [init.random_init(9, 7, 3, 8, delta, seeds.rng(4, "paths", str(delta))) for delta in (2.0, 4.0, 6.0)]
    stacked = [np.stack(fs) for fs in zip(*f0)]
    kw = dict(max_steps=3000, tol=1e-10, n_log=30, U=U, V=V, targets=targets)
    lanes = dynamics.simulate(Sx, Sxy, stacked, 0.05, **kw)
    monkeypatch.setattr(gdkernel, "LANE_MAX_DIM", 0)
    blas = dynamics.simulate(Sx, Sxy, stacked, 0.05, **kw)
    for a, b in zip(lanes, blas):
        assert a.status == b.status
        assert abs(a.n_steps - b.n_steps) <= 1 and np.abs(a.k_cross - b.k_cross).max() <= 1
        np.testing.assert_allclose(a.factors[-1], b.factors[-1], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "d,p,depth,width", [(5, 4, 1, 4), (5, 4, 2, 3), (6, 5, 3, 6), (4, 6, 4, 2), (13, 9, 2, 11), (40, 36, 3, 33)]
)
def test_portable_path_equals_the_fused_path_to_rounding(d, p, depth, width):
    """Multiply-adds rounded twice instead of once: the same runs to ``1e-12``, and on the lanes not the same bytes."""
    U, V, Sx, Sxy, targets = problem(d, p, f"fma{d}{p}{depth}")
    rng = seeds.rng(6, "fma", str(depth))
    f0 = [init.random_init(d, p, depth, width, delta, rng) for delta in (0.5, 1.5, 3.0)]
    stacked = [np.stack(fs) for fs in zip(*f0)]
    kw = dict(max_steps=30, tol=0.0, n_log=5, U=U, V=V, targets=targets)
    fused = dynamics.simulate(Sx, Sxy, stacked, [0.02, 0.05, 0.1], fma=True, **kw)
    portable = dynamics.simulate(Sx, Sxy, stacked, [0.02, 0.05, 0.1], fma=False, **kw)
    for a, b in zip(fused, portable):
        assert a.status == b.status == "max_steps" and a.n_steps == b.n_steps == 30
        np.testing.assert_array_equal(a.steps, b.steps)
        np.testing.assert_allclose(b.W, a.W, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(b.loss, a.loss, rtol=1e-12, atol=0)
        for fa, fb in zip(a.factors, b.factors):
            np.testing.assert_allclose(fb, fa, rtol=1e-12, atol=1e-14)
    if gdkernel.lanes_for(d, p, width) == gdkernel.LANES:
        assert any(a.W.tobytes() != b.W.tobytes() for a, b in zip(fused, portable))


def test_fma_choice_from_the_environment_and_the_cpu(monkeypatch):
    """``IMPLICITREG_FMA=0`` forces the portable path; ``1`` or unset uses FMA where the CPU has it."""
    monkeypatch.delenv(simd.FMA_ENV, raising=False)
    monkeypatch.setattr(simd.config, "CPU_FEATURES", "+avx2,-fma")
    assert not simd.host_has_fma() and simd.choose_fma() is simd.PORTABLE
    monkeypatch.setattr(simd.config, "CPU_FEATURES", "+avx2,+fma")
    assert simd.host_has_fma() and simd.choose_fma() is simd.FUSED
    monkeypatch.setenv(simd.FMA_ENV, "0")
    assert simd.choose_fma() is simd.PORTABLE and simd.choose_fma(True) is simd.FUSED
    monkeypatch.setenv(simd.FMA_ENV, "1")
    assert simd.choose_fma() is simd.FUSED and simd.choose_fma(False) is simd.PORTABLE
    monkeypatch.setenv(simd.FMA_ENV, "no")
    with pytest.raises(ValueError, match=simd.FMA_ENV):
        simd.choose_fma()


def test_the_environment_variable_reaches_the_kernel(monkeypatch):
    U, V, Sx, Sxy, targets = problem(5, 4, "env")
    f0 = [f[None] for f in init.random_init(5, 4, 2, 4, 1.0, seeds.rng(7, "env"))]
    kw = dict(max_steps=50, tol=0.0, n_log=5, U=U, V=V, targets=targets)
    (portable,) = dynamics.simulate(Sx, Sxy, f0, 0.05, fma=False, **kw)
    monkeypatch.setenv(simd.FMA_ENV, "0")
    (by_env,) = dynamics.simulate(Sx, Sxy, f0, 0.05, **kw)
    compare_runs(by_env, portable)


def exact_problem_runs():
    """Eleven three-layer runs through eight slots on inputs that are exact binary fractions (no BLAS or LAPACK
    rounding: ``Sigma_x`` is diagonal), so their bytes depend on the kernel alone."""
    d, p, depth, width, B = 5, 4, 3, 4, 11
    Sx = np.diag([2.0, 1.5, 1.25, 1.0, 0.75])
    Sxy = np.fromfunction(lambda i, j: ((3 * i + 5 * j) % 7 - 3) / 8, (d, p))
    f0 = [
        np.fromfunction(lambda b, i, j, k=k: ((7 * i + 3 * j + 5 * b + k) % 11 - 5) / 32, (B, r, c))
        for k, (r, c) in enumerate(init.factor_shapes(d, p, depth, width))
    ]
    etas = [(1 / 64, 1 / 8, 1 / 2, 4.0)[b % 4] for b in range(B)]
    targets = np.array([0.5, 0.25, 0.125, 0.0625])
    return dynamics.simulate(
        Sx, Sxy, f0, etas, max_steps=2000, tol=1e-6, n_log=20, U=np.eye(d), V=np.eye(p), targets=targets
    )


@pytest.mark.skipif(simd.choose_fma() is not simd.FUSED, reason="the default path here is the portable one")
def test_fused_lanes_give_the_recorded_bytes():
    """The default (fused) lanes path reproduces, bit for bit, the digest its runs had when first recorded: every
    IEEE operation of the lanes (add, multiply, fused multiply-add, square root) is exactly rounded, so any CPU
    with FMA gives these bytes."""
    runs = exact_problem_runs()
    assert {t.status for t in runs} == {"converged", "max_steps", "diverged"}
    h = hashlib.sha256()
    for tr in runs:
        for a in (tr.steps, tr.W, tr.loss, tr.k_cross, *tr.factors):
            h.update(np.ascontiguousarray(a).tobytes())
        h.update(f"{tr.status} {tr.n_steps}".encode())
    assert h.hexdigest() == "f3959aab93a48e6aff71a22fd972c32ffed73e47fa35483f2aea32a8f516c7a4"
