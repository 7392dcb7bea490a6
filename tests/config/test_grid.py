"""Experiment options: step sizes given as eta sigma_1, and a per-experiment n_log."""

import numpy as np

from implicitreg.config import grid
from implicitreg.config.grid import expand_runs
from implicitreg.data import seeds, spectra
from implicitreg.linear.experiment import simulate_runs

SPEC = {"kind": "population", "basis": "random", "d": 2, "p": 2, "lam": [1.0, 0.5], "sigma": [2.0, 0.5]}


def test_eta_sigma1_sets_eta_per_dataset():
    exp = {"datasets": ["a"], "depth": [2], "eta_sigma1": [0.3, 1.2], "delta": [4], "max_steps": 10, "init": "aligned",
           "seeds": [0], "method": "full", "log": "W", "tol": 1e-10}  # fmt: skip
    runs = expand_runs("phase", exp, {"a": SPEC})
    assert [r.eta for r in runs] == [0.15, 0.6]
    assert runs[0].run_id == "phase-a-L2-w2-eta0.15-delta4-aligned-s0"


def test_n_log_override_logs_every_iteration():
    data = spectra.make_dataset(SPEC, seeds.rng(0, "a"))
    exp = {"datasets": ["a"], "depth": [2], "eta": [0.1], "delta": [4], "max_steps": 50, "n_log": 51, "init": "aligned",
           "seeds": [0], "method": "full", "log": "W", "tol": 1e-10}  # fmt: skip
    (out,) = simulate_runs(expand_runs("e", exp, {"a": SPEC}), {"a": data}, exp, 0, n_log=5).values()
    np.testing.assert_array_equal(out["steps"], np.arange(out["n_steps"].item() + 1))
    coarse = simulate_runs(expand_runs("e", exp, {"a": SPEC}), {"a": data}, exp | {"n_log": 5}, 0, n_log=5)
    assert next(iter(coarse.values()))["steps"].size < out["steps"].size


def test_experiment_runs_of_a_config():
    exp = {"datasets": ["a"], "depth": [1, 2], "eta": [0.1], "delta": [4], "max_steps": 10, "init": "aligned",
           "seeds": [0, 1], "method": "full", "log": "W", "tol": 1e-10}  # fmt: skip
    config = {"datasets": {"a": SPEC}, "experiments": {"first": exp, "second": exp | {"depth": [2]}}}
    runs = grid.experiment_runs(config)
    assert list(runs) == ["first", "second"] and [len(r) for r in runs.values()] == [4, 2]
    assert runs["second"] == expand_runs("second", config["experiments"]["second"], {"a": SPEC})


def test_dmf_experiment_runs_at_each_size():
    exp = {"n": 10, "rank": [1], "observed": 1.0, "seeds": [0, 1],
           "settings": [{"depth": 2, "alpha": [1e-3], "eta": 0.1, "max_steps": 100}]}  # fmt: skip
    config = {"dmf_experiments": {"d": exp}, "dmf_size": "default", "dmf_large": {"n": 100, "seeds": [0]}}
    (default,) = grid.dmf_experiment_runs(config).values()
    (large,) = grid.dmf_experiment_runs(config | {"dmf_size": "large"}).values()
    assert [(r.n, r.seed) for r in default] == [(10, 0), (10, 1)] and [(r.n, r.seed) for r in large] == [(100, 0)]
    assert grid.dmf_experiment_runs({"dmf_size": "default"}) == {}


def test_a_dataset_with_draws_runs_every_member():
    exp = {"datasets": ["t", "a"], "depth": [1, 2], "eta": [0.1], "delta": [4], "init": "random", "seeds": [0, 1]}
    runs = expand_runs("g", exp, {"t": SPEC | {"draws": 3}, "a": SPEC})
    assert len(runs) == 2 * 3 * 2 + 2 * 2
    assert [r.dataset for r in runs[:7]] == ["t.0", "t.0", "t.1", "t.1", "t.2", "t.2", "t.0"]
    assert runs[2].run_id == "g-t.1-L1-w2-eta0.1-delta4-random-s0"
    assert len({r.run_id for r in runs}) == len(runs)


def test_eta_observed_fixes_the_step_on_the_observed_entries():
    """``eta = eta_observed |Omega| / n^2``: ``eta n^2 / |Omega|``, the step on the observed entries, is the same at
    every count; a setting with ``eta`` keeps it at every count."""
    exp = {"n": 10, "rank": [1], "seeds": [0], "observed_entries": [20, 50],
           "settings": [{"depth": 2, "alpha": [1e-3], "eta_observed": 0.5, "max_steps": 100},
                        {"depth": 3, "alpha": [1e-3], "eta": 0.1, "max_steps": 100}]}  # fmt: skip
    runs = grid.expand_dmf_runs("c", exp)
    assert [(r.depth, r.observed_entries, r.eta) for r in runs] == [(2, 20, 0.1), (2, 50, 0.25), (3, 20, 0.1),
                                                                     (3, 50, 0.1)]  # fmt: skip
    assert {r.eta * r.n**2 / r.observed_entries for r in runs if r.depth == 2} == {0.5}
