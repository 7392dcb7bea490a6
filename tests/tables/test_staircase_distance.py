"""The staircase limit in rescaled time and the distance to it (F4, claim 5) on cases with a known answer."""

import numpy as np
import pandas as pd
import pytest

from implicitreg.claims import path as claims_path
from implicitreg.claims.rows import holds
from implicitreg.linear import theory
from implicitreg.tables import staircase_distance as vanishing

LAM = np.array([2.5, 0.5, 1.5, 0.2])
SIGMA = np.array([2.0, 1.0, 0.5, 0.25])
TARGETS = SIGMA / LAM


def test_staircase_times_tend_to_the_flow_as_eta_vanishes():
    np.testing.assert_array_equal(vanishing.staircase_times(SIGMA, 0.0), 1.0 / (2.0 * SIGMA))
    for eta in (1e-2, 1e-4):
        tau = vanishing.staircase_times(SIGMA, eta)
        assert np.all(tau > 1.0 / (2.0 * SIGMA))  # ln(1 + x) < x
        np.testing.assert_allclose(tau, 1.0 / (2.0 * SIGMA), rtol=eta * SIGMA.max())


@pytest.mark.parametrize("eta", [0.01, 0.05])
def test_rescaled_transitions_of_the_recursion_tend_to_the_discrete_limit(eta):
    """eta k_i / delta -> eta / (2 ln(1 + eta sigma_i)), with an error O(1/delta) (THEORY.md section 4)."""
    errors = []
    for delta in (50.0, 200.0):
        n = int(1.2 * delta * vanishing.staircase_times(SIGMA, eta).max() / eta)
        w = theory.per_mode(LAM, SIGMA, eta, np.exp(-delta), 2, n)
        k = np.argmax(w >= TARGETS / 2, axis=0)
        errors.append(np.max(np.abs(eta * k / delta - vanishing.staircase_times(SIGMA, eta))))
    assert errors[1] < 0.02 and errors[1] < errors[0] / 3


def grid_case(values_of_k, delta=1.0, eta=0.01, t_max=3.0):
    """A trajectory logged at every iteration with a grid landing on integer iterations (k = 100 t)."""
    steps = np.arange(0, int(t_max * delta / eta) + 1)
    t = vanishing.time_grid(t_max, steps.size)
    return steps, values_of_k(steps), t


def test_an_exact_staircase_is_at_distance_zero():
    eta, delta = 0.01, 1.0
    tau = vanishing.staircase_times(SIGMA, eta)
    steps, values, t = grid_case(lambda k: TARGETS * (k[:, None] * eta / delta >= tau))
    d = vanishing.staircase_distance(steps, values, TARGETS, SIGMA, eta, delta, t, limit_eta=eta)
    assert d == 0.0


def test_a_trajectory_learned_at_once_is_at_the_fraction_of_time_before_each_step():
    eta, delta = 0.01, 1.0
    steps, values, t = grid_case(lambda k: np.broadcast_to(TARGETS, (k.size, 4)))
    d = vanishing.staircase_distance(steps, values, TARGETS, SIGMA, eta, delta, t, limit_eta=0.0)
    expected = np.mean([np.mean(t < 1.0 / (2.0 * s)) for s in SIGMA])  # 0.25, 0.5, 1 and 2 out of 3
    assert d == pytest.approx(expected)
    assert d == pytest.approx((0.25 + 0.5 + 1 + 2) / 3 / 4, abs=1 / t.size)  # the continuous answer


def test_rescaled_components_interpolate_and_hold_the_last_value():
    steps = np.array([0, 10, 20])
    values = np.array([[0.0], [1.0], [3.0]])
    w = vanishing.rescaled_components(steps, values, eta=0.5, delta=2.0, t=np.array([0.0, 1.25, 3.75, 50.0]))
    np.testing.assert_allclose(w[:, 0], [0.0, 0.5, 2.0, 3.0])  # k = 0, 5, 15, 200


def test_distance_to_the_limit_shrinks_like_one_over_delta_for_the_recursion():
    eta, t = 0.01, vanishing.time_grid(3.0, 601)
    d = []
    for delta in (10.0, 20.0, 40.0):
        n = int(3.0 * delta / eta)
        w = theory.per_mode(LAM, SIGMA, eta, np.exp(-delta), 2, n)
        d.append(vanishing.staircase_distance(np.arange(n + 1), w, TARGETS, SIGMA, eta, delta, t, limit_eta=eta))
    ratios = np.array(d[1:]) / np.array(d[:-1])
    np.testing.assert_allclose(ratios, 0.5, atol=0.05)


def test_distance_table_reads_the_components_table():
    eta, delta = 0.01, 1.0
    tau = vanishing.staircase_times(SIGMA, eta)
    steps, values, _ = grid_case(lambda k: TARGETS * (k[:, None] * eta / delta >= tau))
    comps = pd.DataFrame({"run_id": "r", "step": np.repeat(steps, 4), "component": np.tile([1, 2, 3, 4], steps.size),
                          "value": values.ravel(), "target": np.tile(TARGETS, steps.size)})  # fmt: skip
    runs = pd.DataFrame({"run_id": ["r"], "dataset": ["d"], "model": ["two_layer"], "eta": [eta], "delta": [delta]})
    table = vanishing.distance_table(runs, comps, {"d": SIGMA}, 3.0, steps.size)
    assert table["distance"].tolist() == [0.0]
    assert table["distance_flow"].iloc[0] > 0  # the flow's steps come slightly earlier


def vanishing_claim(distances):
    m = claims_path.claim_vanishing({"staircase_limit": distances}, {"claims": {"staircase_slope_tolerance": 0.1}})
    return m.measured, holds(m.criterion.text, m.measured)


def test_vanishing_claim_needs_the_rate_one_over_delta():
    delta = np.array([2.0, 5.0, 10.0, 20.0, 40.0])
    frame = pd.DataFrame({"dataset": "d", "delta": delta, "distance": 0.5 / delta})
    measured, ok = vanishing_claim(frame)
    assert ok and measured == pytest.approx(-1.0)
    frame["distance"] = 0.5 / delta**0.7  # converges, but too slowly
    measured, ok = vanishing_claim(frame)
    assert not ok and measured == pytest.approx(-0.7)
    assert not vanishing_claim(frame.iloc[:2])[1]  # fewer than three delta: nothing measured
