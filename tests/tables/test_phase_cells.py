"""Step-size regimes: classification of trajectories, predicted regimes and the whole-network bound."""

import numpy as np
import pandas as pd
import pytest

from implicitreg.linear import stability, theory
from implicitreg.tables import phase_cells as phase


def measures(x):
    x = np.asarray(x, float)[:, None]
    return phase.trajectory_measures(np.arange(len(x)), x, np.ones(1))


def test_predicted_regime_and_agreement():
    pred = stability.predicted_regime([0.1, 0.5, 0.51, 0.99, 1.0, 2.0])
    assert list(pred) == ["monotone", "monotone", "oscillating", "oscillating", "no convergence", "no convergence"]
    obs = ["monotone", "oscillating", "oscillating", "failed", "diverged", "failed"]
    assert list(phase.agrees(obs, pred)) == [True, False, True, False, True, True]


def test_classify_synthetic_sequences():
    k = np.arange(60)
    monotone = measures(1 - 0.5**k)
    assert monotone["overshoot"] <= 0 and monotone["max_decrease"] <= 0
    assert phase.classify("converged", monotone, 1e-9) == "monotone"
    ringing = measures(1 + 0.5 * (-0.5) ** k)
    assert ringing["overshoot"] == pytest.approx(0.5) and ringing["max_decrease"] == pytest.approx(0.75)
    assert phase.classify("converged", ringing, 1e-9) == "oscillating"
    cycle = measures(np.where(k % 2 == 0, 0.6, 1.3))
    assert phase.classify("max_steps", cycle, 1e-9) == "failed"
    elsewhere = measures(np.linspace(0, 0.5, 60))
    assert elsewhere["final_error"] == pytest.approx(0.5)
    assert phase.classify("converged", elsewhere, 1e-9) == "failed"
    assert phase.classify("diverged", monotone, 1e-9) == "diverged"


def test_classification_needs_every_iteration():
    with pytest.raises(ValueError, match="every iteration"):
        phase.trajectory_measures(np.array([0, 1, 3]), np.ones((3, 1)), np.ones(1))


@pytest.mark.parametrize("c,expected", [(0.2, "monotone"), (0.5, "monotone"), (0.7, "oscillating"),
                                        (0.95, "oscillating"), (1.2, "failed"), (1.8, "failed")])  # fmt: skip
def test_per_mode_map_follows_the_boundaries(c, expected):
    """The two-layer per-mode recursion x <- x (1 + c (1 - x))^2 (THEORY.md section 5) classified."""
    lam, sigma = np.array([2.0]), np.array([1.0])
    w = theory.per_mode(lam, sigma, c, np.exp(-8.0), 2, 3000)
    x = w[:, 0] / 0.5
    status = "converged" if abs(x[-1] - 1) < 1e-12 else "max_steps"
    assert phase.classify(status, measures(x), 1e-9) == expected
    assert stability.predicted_regime(c) == ("no convergence" if expected == "failed" else expected)


def loss_hessian(lam, t):
    """Finite-difference Hessian of 1/2 tr(E^T diag(lam) E), E = W1 W2 - diag(t), at W1 = W2 = diag(sqrt t)."""
    m = t.size
    a = np.sqrt(t)

    def loss(theta):
        W1, W2 = theta[: m * m].reshape(m, m), theta[m * m :].reshape(m, m)
        E = W1 @ W2 - np.diag(t)
        return 0.5 * np.sum(lam[:, None] * E**2)

    theta0 = np.concatenate([np.diag(a).ravel(), np.diag(a).ravel()])
    n, h = theta0.size, 1e-4
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            e_i, e_j = np.eye(n)[i] * h, np.eye(n)[j] * h
            H[i, j] = (loss(theta0 + e_i + e_j) - loss(theta0 + e_i - e_j) - loss(theta0 - e_i + e_j)
                       + loss(theta0 - e_i - e_j)) / (4 * h * h)  # fmt: skip
    return H


def test_network_stability_bound_matches_the_hessian():
    lam, sigma = np.array([0.5, 2.0, 1.0]), np.array([1.0, 0.5, 0.25])
    top = np.linalg.eigvalsh(loss_hessian(lam, sigma / lam))[-1]
    assert top == pytest.approx(4.5, rel=1e-6)  # lam_2 (t_2 + t_1) = 2 (0.25 + 2)
    assert stability.network_stability_bound(lam, sigma) == pytest.approx(2 * sigma[0] / top, rel=1e-6)


def test_network_stability_bound_is_one_for_constant_lam():
    assert stability.network_stability_bound([3.0, 3.0, 3.0, 3.0], [2.0, 1.0, 0.5]) == pytest.approx(1.0)


def test_phase_table_from_tidy_components():
    k = np.arange(40)
    comps = pd.concat(
        [pd.DataFrame({"run_id": rid, "step": k, "component": 1, "value": 2 * x, "target": 2.0})
         for rid, x in (("a", 1 - 0.5**k), ("b", 1 + 0.5 * (-0.5) ** k))]
    )  # fmt: skip
    runs = pd.DataFrame({"run_id": ["a", "b"], "dataset": "ds", "eta": [0.2, 0.3], "delta": 4.0,
                         "status": "converged", "n_steps": 39})  # fmt: skip
    permode = pd.DataFrame({"run_id": ["a", "b"], "max_rel_deviation": [1e-15, 0.2]})
    table = phase.phase_table(runs, comps, permode, {"ds": ([1.0], [2.0])}, 1e-9)
    assert list(table.columns) == phase.PHASE_COLUMNS
    assert list(table["observed"]) == ["monotone", "oscillating"]
    assert list(table["eta_sigma1"]) == [0.4, 0.6]
    assert list(table["agrees"]) == [True, True]
    assert list(table["aligned_deviation"]) == [1e-15, 0.2]
