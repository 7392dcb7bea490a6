"""Test risk, ridge path and table T3 on cases with known answers."""

import numpy as np
import pandas as pd
import pytest

from implicitreg.data import seeds, spectra
from implicitreg.tables import test_risk as generalization


def test_test_risk_of_the_teacher_is_the_noise():
    rng = seeds.rng(3, "risk")
    X, W, E = rng.standard_normal((50, 4)), rng.standard_normal((4, 3)), rng.standard_normal((50, 3))
    moments = spectra.test_moments(X, X @ W + E)
    assert generalization.test_risk(W, **moments) == pytest.approx(0.5 * np.sum(E**2) / 50, rel=1e-13)
    batched = generalization.test_risk(np.stack([W, np.zeros_like(W)]), **moments)
    assert batched.shape == (2,) and batched[1] == pytest.approx(0.5 * np.sum((X @ W + E) ** 2) / 50)


def test_teacher_risk_on_sampled_data_approaches_p_noise2_over_2():
    spec = {"kind": "sampled", "basis": "random", "d": 6, "p": 5, "n": 20, "n_test": 200_000, "noise": 0.7,
            "lam": [1.0] * 6, "sigma": [3.0, 1.0, 0, 0, 0]}  # fmt: skip
    data = spectra.make_dataset(spec, seeds.rng(0, "teacher"))
    W = spectra.teacher(data.U, data.V, data.lam, data.sigma)
    risk = generalization.test_risk(W, *(data.samples[k] for k in ("Sigma_x_test", "Sigma_xy_test", "y2_test")))
    assert risk == pytest.approx(5 * 0.7**2 / 2, rel=0.01)
    assert np.linalg.matrix_rank(W) == 2


def test_ridge_path_limits_and_closed_form():
    rng = seeds.rng(4, "ridge")
    X = rng.standard_normal((30, 4))
    Sx, Sxy = X.T @ X / 30, X.T @ rng.standard_normal((30, 2)) / 30
    W = generalization.ridge_path(Sx, Sxy, [1e-12, 1.0, 1e12])
    np.testing.assert_allclose(W[0], np.linalg.solve(Sx, Sxy), rtol=1e-8)
    np.testing.assert_allclose(1e12 * W[2], Sxy, rtol=1e-9)
    diag = generalization.ridge_path(np.diag([1.0, 3.0]), np.diag([2.0, 6.0]), [1.0])[0]
    np.testing.assert_allclose(diag, np.diag([1.0, 1.5]))  # sigma_i / (lam_i + alpha)


def risk_rows(shifts) -> pd.DataFrame:
    rows = []
    for ds, shift in shifts:
        rows += [(ds, "two_layer", k, None, r + shift) for k, r in ((0, 5.0), (10, 2.0), (20, 3.0))]
        rows += [(ds, "linear", k, None, r + shift) for k, r in ((0, 5.0), (10, 4.0))]
        rows += [(ds, "rrr", k, k, r + shift) for k, r in ((0, 6.0), (1, 2.5), (2, 3.5))]
        rows += [(ds, "ridge", a, None, r + shift) for a, r in ((0.1, 3.0), (1.0, 2.8))]
        rows += [(ds, "rr_ridge", a, k, r + shift) for a, k, r in ((0.1, 1, 2.6), (0.1, 2, 2.4), (1.0, 1, 2.7))]
        rows += [(ds, "teacher", 0.0, None, 1.0 + shift)]
    risk = pd.DataFrame(rows, columns=["dataset", "method", "param", "rank", "test_risk"])
    risk["rank"] = risk["rank"].astype("Int64")
    return risk


def test_best_risk_picks_the_best_of_each_method_per_dataset_in_order():
    best = generalization.best_risk_table(risk_rows([("t.10", 1.0), ("t.2", 0.0)]))
    assert list(best.columns) == generalization.BEST_COLUMNS
    assert list(best["dataset"]) == ["t.10", "t.2"]  # the datasets' order, not sorted as strings
    best = best.set_index("dataset")
    assert best.loc["t.2", "two_layer"] == 2.0 and best.loc["t.2", "two_layer_step"] == 10
    assert best.loc["t.10", "rrr"] == 3.5 and best.loc["t.10", "rrr_rank"] == 1
    assert best.loc["t.2", "least_squares"] == 3.5  # RRR at full rank
    assert best.loc["t.2", "ridge_alpha"] == 1.0
    assert best.loc["t.2", "rr_ridge"] == 2.4 and best.loc["t.2", "rr_ridge_rank"] == 2
    assert best.loc["t.2", "rr_ridge_alpha"] == 0.1


def test_t3_is_the_spread_over_datasets():
    shifts = [(f"t.{i}", float(i)) for i in range(21)]  # best two-layer risk 2, 3, ..., 22
    t3 = generalization.t3_table(generalization.best_risk_table(risk_rows(shifts))).set_index("method")
    assert list(t3.index) == generalization.T3_METHODS and list(t3.columns) == generalization.T3_COLUMNS[1:]
    # 21 values 2..22: median the 11th; 5% and 95% quantiles at positions 1 and 19 of 0..20 (linear interpolation)
    assert t3.loc["two_layer", "median"] == 12.0
    assert t3.loc["two_layer", "q05"] == 3.0 and t3.loc["two_layer", "q95"] == 21.0
    assert t3.loc["teacher", "median"] == 11.0 and (t3["n_datasets"] == 21).all()
