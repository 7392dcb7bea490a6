"""Distances of a path to the RRR solutions and top-k-by-sigma maps, plateaus and T2 (F5, claims 7 and 8)."""

import numpy as np
import pandas as pd
import pytest

from implicitreg.claims import path as claims_path
from implicitreg.claims.rows import holds
from implicitreg.data import seeds, spectra
from implicitreg.data.spectra import orders_agree
from implicitreg.linear import metrics, rrr, theory
from implicitreg.tables import rrr_distances as rrr_path

MISMATCH = (np.array([4.0, 1.0, 0.5, 0.1]), np.array([3.0, 2.0, 1.0, 0.5]))  # (lam, sigma), THEORY.md section 6
AGREE = (np.array([2.0, 1.0, 0.6, 0.4]), np.array([2.0, 1.0, 0.5, 0.25]))


def problem(lam, sigma, name="p"):
    rng = seeds.rng(9, name)
    U, V = spectra.haar_orthogonal(4, rng), spectra.haar_orthogonal(4, rng)
    Sx, Sxy = spectra.covariances(U, V, lam, sigma)
    W_rrr, _ = rrr.rrr_solutions(Sx, Sxy)
    return U, V, W_rrr, rrr_path.top_sigma_maps(U, V, lam, sigma)


def test_orders_agree():
    assert orders_agree(*AGREE)
    assert not orders_agree(*MISMATCH)


def test_top_sigma_maps_keep_the_largest_sigma():
    lam, sigma = MISMATCH
    U, V, W_rrr, top = problem(lam, sigma)
    w = metrics.components(top, U, V, 4)
    np.testing.assert_allclose(w[1], [0.75, 0, 0, 0], atol=1e-12)
    np.testing.assert_allclose(w[3], [0.75, 2, 2, 0], atol=1e-12)
    np.testing.assert_allclose(w[4], sigma / lam, atol=1e-12)
    # the mismatch dataset's rank-1 RRR keeps component 2, not component 1
    np.testing.assert_allclose(metrics.components(W_rrr[1], U, V, 4), [0, 2, 0, 0], atol=1e-10)
    differ = rrr_path.relative_distances(top[1:], W_rrr[1:]).diagonal()
    assert np.all(differ[:3] > 0.5) and differ[3] < 1e-12


def test_top_sigma_maps_are_the_rrr_solutions_when_orders_agree():
    _, _, W_rrr, top = problem(*AGREE)
    np.testing.assert_allclose(top, W_rrr, atol=1e-12)


def test_distance_of_a_path_through_a_solution_is_zero_there():
    U, V, W_rrr, top = problem(*MISMATCH)
    path = np.stack([0.5 * W_rrr[2], W_rrr[2], 2.0 * W_rrr[2]])
    d = rrr_path.relative_distances(path, W_rrr[1:])
    assert d[1, 1] == 0.0
    np.testing.assert_allclose(d[[0, 2], 1], [0.5, 1.0])  # ||c W - W|| / ||W|| = |c - 1|
    t2 = rrr_path.t2_rows("ds", "r", np.array([0, 10, 20]), path, np.array([-1, -1, -1, -1]), W_rrr, top)
    row = t2.set_index("rank").loc[2]
    assert row["rrr_min_distance"] == 0.0 and row["rrr_argmin_step"] == 10
    assert row["rrr_argmin_plateau"] == 0  # no component crossed in this synthetic path


def test_plateaus_are_the_slowest_logged_steps_between_transitions():
    steps = np.arange(0, 30)
    W = np.cumsum(np.ones((30, 2, 2)), axis=0)  # unit speed everywhere ...
    W[15:] -= 1.0  # ... except a pause from step 14 to 15
    W[25:] -= 1.0  # and one from 24 to 25
    idx = rrr_path.plateau_steps(steps, W, k_cross=np.array([20, 10, -1, 28]))
    np.testing.assert_array_equal(idx, [14, 24, 29])  # between 10 and 20, between 20 and 28, the end
    assert rrr_path.components_learned(20, [20, 10, -1, 28]) == 2


def recursion_path(lam, sigma, delta=30.0, eta=0.01, name="p"):
    U, V, W_rrr, top = problem(lam, sigma, name)
    n = int(1.5 * delta / (2 * np.log1p(eta * sigma.min())) / 1.0 + 3000)
    w = theory.per_mode(lam, sigma, eta, np.exp(-delta), 2, n)
    k_cross = np.argmax(w >= sigma / lam / 2, axis=0)
    steps = np.unique(np.concatenate([np.arange(0, n + 1, 5), k_cross, k_cross - 1]))
    return steps, metrics.aligned_map(w[steps], U, V), k_cross, W_rrr, top


def test_recursion_plateaus_are_the_top_sigma_maps_on_the_mismatch_dataset():
    steps, W, k_cross, W_rrr, top = recursion_path(*MISMATCH)
    t2 = rrr_path.t2_rows("mismatch", "r", steps, W, k_cross, W_rrr, top)
    assert t2["plateau_nearest"].tolist() == ["top_sigma", "top_sigma", "top_sigma", "both"]
    assert t2["plateau_to_top_sigma"].max() < 0.01
    assert t2.loc[:2, "rrr_min_distance"].min() > 0.3
    row = claim(claims_path.claim_rrr_mismatch, t2, MISMATCH)
    assert row["passed"] and row["measured"] == 1.0


def test_recursion_visits_every_rrr_solution_when_orders_agree():
    steps, W, k_cross, W_rrr, top = recursion_path(*AGREE)
    t2 = rrr_path.t2_rows("agree", "r", steps, W, k_cross, W_rrr, top)
    assert t2["plateau_nearest"].tolist() == ["both"] * 4
    assert t2["rrr_argmin_plateau"].tolist() == [1, 2, 3, 4]
    row = claim(claims_path.claim_rrr_agree, t2, AGREE)
    assert row["passed"] and row["measured"] < 1e-3


def claim(measure, t2, spectrum, tol=0.05):
    """Claim 7 or 8 on table T2, every dataset of which has ``spectrum = (lam, sigma)``."""
    datasets = {ds: {"lam": list(spectrum[0]), "sigma": list(spectrum[1])} for ds in t2["dataset"].unique()}
    m = measure({"T2": t2}, {"claims": {"rrr_path_distance": tol}, "datasets": datasets})
    return {"measured": m.measured, "passed": holds(m.criterion.text, m.measured)}


def t2_table(**overrides):
    base = {"dataset": "m", "path_run_id": "r", "rank": [1, 2], "rrr_min_distance": [0.4, 0.0],
            "rrr_argmin_step": [5, 9], "rrr_argmin_plateau": [2, 2], "top_sigma_min_distance": [0.01, 0.0],
            "top_sigma_argmin_step": [3, 9], "plateau_step": [3, 9], "plateau_to_rrr": [1.0, 0.0],
            "plateau_to_top_sigma": [0.01, 0.0], "plateau_nearest": ["top_sigma", "both"],
            "top_sigma_equals_rrr": [False, True]}  # fmt: skip
    return pd.DataFrame(base | overrides)


@pytest.mark.parametrize(
    "overrides,measured",
    [
        ({}, 1.0),
        ({"rrr_min_distance": [0.01, 0.0]}, 0.5),  # the path also visits the differing RRR solution
        ({"plateau_to_top_sigma": [0.2, 0.0]}, 0.5),  # plateau 1 not at P_1
        ({"plateau_to_rrr": [0.005, 0.0]}, 0.5),  # plateau 1 nearer W_1 than P_1
    ],
)
def test_mismatch_claim_counts_each_condition(overrides, measured):
    row = claim(claims_path.claim_rrr_mismatch, t2_table(**overrides), MISMATCH)
    assert row["measured"] == measured and row["passed"] == (measured == 1.0)


def test_agree_claim_fails_when_one_solution_is_missed():
    t2 = t2_table(rrr_min_distance=[0.01, 0.06])
    row = claim(claims_path.claim_rrr_agree, t2, AGREE)
    assert row["measured"] == 0.06 and not row["passed"]


def test_path_minima_take_the_first_step_of_the_minimum():
    path = pd.DataFrame({"dataset": "d", "run_id": "r", "step": [0, 1, 2, 3], "rank": 1, "solution": "rrr",
                         "distance": [1.0, 0.1, 0.1, 0.5]})  # fmt: skip
    m = rrr_path.path_minima(path)
    assert m[["path_min_distance", "path_argmin_step"]].values.tolist() == [[0.1, 1]]
