"""The opt-in per-mode fast path against the full-matrix simulator, its config guard, and claim 1's input."""

import numpy as np
import pandas as pd
import pytest

from implicitreg.config.check import experiment_problems
from implicitreg.data import seeds, spectra
from implicitreg.linear import init, permode
from implicitreg.linear import simulate as dynamics

LAM = np.array([2.5, 0.5, 1.5, 0.2, 1.0])
SIGMA = np.array([2.0, 1.0, 0.5, 0.25])


@pytest.fixture(scope="module")
def data():
    rng = seeds.rng(17, "permode")
    U, V = spectra.haar_orthogonal(5, rng), spectra.haar_orthogonal(4, rng)
    Sx, Sxy = spectra.covariances(U, V, LAM, SIGMA)
    return U, V, Sx, Sxy


@pytest.mark.parametrize(
    "depth,width,eta,delta,max_steps",
    [(1, 4, 0.05, 5.0, 20000), (2, 4, 0.02, 10.0, 20000), (2, 3, 0.05, 8.0, 3000), (3, 4, 0.05, 5.0, 20000),
     (2, 4, 0.02, 12.0, 400), (2, 4, 1.2, 1.0, 2000)],
)  # fmt: skip
def test_per_mode_path_equals_the_full_matrix_path(data, depth, width, eta, delta, max_steps):
    U, V, Sx, Sxy = data
    f0 = init.aligned_init(U, V, depth, width, delta)
    kw = dict(max_steps=max_steps, tol=1e-10, n_log=40)
    (full,) = dynamics.simulate(Sx, Sxy, [f[None] for f in f0], eta, U=U, V=V, targets=SIGMA / LAM[:4], **kw)
    fast = permode.simulate_aligned(LAM, SIGMA, U, V, depth, width, eta, delta, **kw)
    assert fast.status == full.status and fast.n_steps == full.n_steps
    np.testing.assert_array_equal(fast.k_cross, full.k_cross)
    np.testing.assert_array_equal(fast.steps, full.steps)
    scale = np.max(np.abs(full.W), axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(fast.W / scale, full.W / scale, rtol=0, atol=1e-10)
    np.testing.assert_allclose(fast.loss, full.loss, rtol=1e-6, atol=1e-20)
    if full.status != "diverged":
        for a, b in zip(fast.factors, full.factors):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-10 * np.max(np.abs(b)))


def test_the_divergent_case_diverges(data):
    U, V, _, _ = data
    tr = permode.simulate_aligned(LAM, SIGMA, U, V, 2, 4, 1.2, 1.0, max_steps=2000, tol=1e-10, n_log=40)
    assert tr.status == "diverged" and tr.n_steps < 2000


def test_per_mode_is_refused_where_it_is_not_exact():
    datasets = {"s": {"kind": "sampled", "d": 2, "p": 2}, "e": {"kind": "exact_sample", "d": 2, "p": 2}}
    base = {"datasets": ["e"], "depth": [2], "eta": [0.1], "delta": [5], "max_steps": 10, "method": "per_mode",
            "init": "aligned", "seeds": [0]}  # fmt: skip
    assert list(experiment_problems("x", base, datasets)) == []
    assert list(experiment_problems("x", base | {"init": "random"}, datasets)) == [
        ("experiments.x.method", "per_mode is exact only for init: aligned")
    ]
    [(key, message)] = experiment_problems("x", base | {"datasets": ["s"]}, datasets)
    assert key == "experiments.x.method" and "does not commute" in message


def test_per_mode_runs_never_feed_claim_1(e2e_workdir):
    runs = pd.read_csv(e2e_workdir / "results/tables/runs.csv")
    permode_table = pd.read_csv(e2e_workdir / "results/tables/permode_deviation.csv")
    fast = runs.loc[runs["experiment"] == "fastpath", "run_id"]
    assert len(fast) > 0
    assert not set(fast) & set(permode_table["run_id"])
    assert len(permode_table) > 0
