"""The compiled DMF kernel (``dmf.simulate_batch``) against the reference per-iteration path ``dmf.simulate``."""

import io

import numpy as np
import pytest

from implicitreg.config import grid
from implicitreg.dmf import experiment as dmfruns
from implicitreg.dmf import kernel
from implicitreg.dmf import model as dmf

KW = dict(n_log=40, n_sv=4)


def problem(n, depth, rank, observed, alpha, seed):
    rng = np.random.default_rng(seed)
    M = dmf.make_target(n, [1.0, 0.5, 0.25][:rank], rng)
    return M, dmf.make_mask(n, observed, rng), dmf.init_factors(n, depth, alpha, rng)


def assert_same(got, want):
    """Same status, stopping and logged iterations; loss, gradient norm, singular values and factors to 1e-12."""
    assert (got.status, got.n_steps) == (want.status, want.n_steps)
    np.testing.assert_array_equal(got.steps, want.steps)
    for key in ("loss", "grad_norm", "sv"):
        np.testing.assert_allclose(getattr(got, key), getattr(want, key), rtol=1e-12, atol=0)
    for F, G in zip(got.factors, want.factors, strict=True):
        for f, g in zip(F, G, strict=True):
            np.testing.assert_allclose(f, g, rtol=0, atol=1e-12 * np.abs(g).max())


@pytest.mark.parametrize(
    "n,depth,observed,eta,alpha,steps,tol,status",
    [
        (6, 1, 1.0, 0.5, 1e-2, 300, 1e-7, "converged"),
        (7, 2, 1.0, 0.1, 1e-6, 2000, 1e-7, "converged"),  # stops early by tol
        (6, 3, 1.0, 0.2, 1e-3, 600, 1e-7, "max_steps"),
        (5, 4, 1.0, 0.2, 1e-3, 800, 1e-7, "max_steps"),
        (8, 3, 0.6, 0.2, 1e-3, 3000, 1e-3, "converged"),  # completion: loss weight n^2 / |Omega|
        (8, 2, 0.6, 0.1, 1e-3, 3000, 1e-4, "converged"),
        (6, 2, 0.6, 0.1, 1e-3, 500, 1e-7, "max_steps"),
        (6, 2, 1.0, 5.0, 1.0, 500, 1e-7, "diverged"),
    ],
)  # fmt: skip
@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_batch_reproduces_the_reference_trajectory(n, depth, observed, eta, alpha, steps, tol, status):
    M, mask, F0 = problem(n, depth, 2, observed, alpha, seed=10 * n + depth)
    want = dmf.simulate(M, mask, F0, eta, max_steps=steps, tol=tol, **KW)
    (got,) = dmf.simulate_batch([(M, mask, F0, eta)], max_steps=steps, tol=tol, **KW)
    assert want.status == status
    assert_same(got, want)


def test_a_run_does_not_depend_on_its_batch():
    """Runs of different masks, targets and step sizes in one batch: each equals its own run alone, bit for bit."""
    probs = [problem(6, 3, r, obs, 1e-3, seed) for r, obs, seed in ((1, 1.0, 1), (3, 0.7, 2), (2, 1.0, 3))]
    batch = [(M, mask, F0, eta) for (M, mask, F0), eta in zip(probs, (0.2, 0.1, 0.15))]
    together = dmf.simulate_batch(batch, max_steps=1500, tol=1e-7, **KW)
    for item, got in zip(batch, together):
        (alone,) = dmf.simulate_batch([item], max_steps=1500, tol=1e-7, **KW)
        for key in ("steps", "loss", "grad_norm", "sv"):
            np.testing.assert_array_equal(getattr(got, key), getattr(alone, key))
        assert_same(got, dmf.simulate(*item[:3], item[3], max_steps=1500, tol=1e-7, **KW))


@pytest.mark.parametrize("depth", [2, 3, 4])
def test_plateau_stop_reproduces_the_reference_path(depth):
    """A completion run ended by the plateau rule: the same stopping iteration and trajectory in the kernel and in
    ``dmf.simulate``. At its end the run fits the observations within ``fit``, and its top singular values moved by
    at most ``move`` since the test ``every`` iterations earlier, where the rule did not yet hold."""
    M, mask, F0 = problem(8, depth, 2, 0.8, 1e-3, seed=depth)
    rule = dmf.Plateau(fit=1e-3, every=50, move=1e-5, n_test=3)
    want = dmf.simulate(M, mask, F0, 0.2, max_steps=8000, tol=1e-12, plateau=rule, **KW)
    (got,) = dmf.simulate_batch([(M, mask, F0, 0.2)], max_steps=8000, tol=1e-12, plateaus=[rule], **KW)
    assert want.status == "plateau" and want.n_steps % rule.every == 0
    assert_same(got, want)
    P = mask > 0
    fit = rule.fit * np.linalg.norm(M[P])
    W = dmf.product(want.factors[-1])
    assert np.linalg.norm((W - M)[P]) <= fit
    before = [dmf.simulate(M, mask, F0, 0.2, max_steps=want.n_steps - j * rule.every, tol=1e-12, **KW).factors[-1]
              for j in (1, 2)]  # fmt: skip
    sv = [np.linalg.svd(dmf.product(F), compute_uv=False)[:3] for F in [want.factors[-1], *before]]
    assert np.abs(sv[0] - sv[1]).max() <= rule.move
    assert not (np.abs(sv[1] - sv[2]).max() <= rule.move and np.linalg.norm((dmf.product(before[0]) - M)[P]) <= fit)
    plain = dmf.simulate(M, mask, F0, 0.2, max_steps=want.n_steps, tol=1e-12, **KW)  # the rule only stops the run
    for f, g in zip(plain.factors[-1], want.factors[-1], strict=True):
        np.testing.assert_array_equal(f, g)


def test_a_batch_needs_one_plateau_test():
    M, mask, F0 = problem(6, 2, 1, 0.8, 1e-3, seed=1)
    rules = [dmf.Plateau(1e-3, every, 1e-5, 2) for every in (50, 60)]
    with pytest.raises(ValueError, match="one plateau test"):
        dmf.simulate_batch([(M, mask, F0, 0.2)] * 2, max_steps=100, tol=1e-12, plateaus=rules, **KW)


@pytest.mark.parametrize("size", [1, 7, 8, 13, 128, 129, 400, 1000, 10000])
def test_sum_of_squares_adds_in_numpy_pairwise_order(size):
    x = np.random.default_rng(size).standard_normal(size) * np.geomspace(1e-8, 1e8, size)
    assert kernel._sum_sq(x) == np.sum(x**2)


def test_a_shard_in_batches_equals_its_runs_through_the_reference_path():
    """``simulate_dmf_runs`` (batched by depth) writes what ``simulate_dmf`` (per iteration) writes, run by run."""
    exp = {"n": 8, "rank": [1, 2], "singular_values": [1.0, 0.25], "seeds": [0, 1], "tol": 1e-7, "observed": 0.8,
           "settings": [{"depth": 2, "eta": 0.1, "alpha": [1e-6], "max_steps": 1500},
                        {"depth": 3, "eta": 0.2, "alpha": [1e-3], "max_steps": 2000}]}  # fmt: skip
    runs = grid.expand_dmf_runs("t", exp)
    rule = {"lo": 0.1, "hi": 0.9}
    batched = dmfruns.simulate_dmf_runs(runs, exp, 3, 40, rule, 1e-4, stream=io.StringIO())
    for run, got in zip(runs, batched, strict=True):
        want = dmfruns.simulate_dmf(run, exp, 3, 40, rule, 1e-4)
        assert sorted(got) == sorted(want)
        for key, value in want.items():
            if value.dtype.kind == "f":
                np.testing.assert_allclose(got[key], value, rtol=1e-12, atol=1e-12 * np.abs(value).max(), err_msg=key)
            else:
                np.testing.assert_array_equal(got[key], value, err_msg=key)


@pytest.mark.parametrize("depth,observed", [(1, 1.0), (2, 1.0), (3, 1.0), (4, 1.0), (3, 0.6), (4, 0.6)])
def test_compiled_hessian_products_equal_the_numpy_recurrences(depth, observed):
    M, mask, F = problem(6, depth, 2, observed, 1.0, seed=depth)
    hess = dmf.Hessian(F, M, mask)
    for v in np.random.default_rng(depth).standard_normal((3, depth * 36)):
        want = hess.matvec_reference(v)
        np.testing.assert_allclose(hess.matvec(v), want, rtol=0, atol=1e-12 * np.abs(want).max())
