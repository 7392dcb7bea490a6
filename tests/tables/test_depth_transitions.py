"""Depth: the exact flow half-crossing against an ODE solver and its polynomial limit; slopes and widths."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from implicitreg.linear import theory
from implicitreg.tables import depth_transitions as depth


@pytest.mark.parametrize("L", [3, 4, 5])
@pytest.mark.parametrize("lam,sigma", [(1.0, 2.0), (2.5, 0.5)])
def test_flow_half_crossing_against_solve_ivp(L, lam, sigma):
    delta = 7.0

    def half(_, a):
        return a[0] ** L - sigma / (2 * lam)

    half.terminal = True
    sol = solve_ivp(lambda _, a: a ** (L - 1) * (sigma - lam * a**L), (0, 1e6), [np.exp(-delta / L)],
                    events=half, rtol=1e-12, atol=1e-14, method="DOP853")  # fmt: skip
    np.testing.assert_allclose(theory.flow_half_crossing(lam, sigma, delta, L), sol.t_events[0][0], rtol=1e-7)


@pytest.mark.parametrize("L", [3, 4])
def test_flow_half_crossing_tends_to_the_polynomial_law(L):
    sigma, lam = 1.5, 0.7
    ratios = [theory.flow_half_crossing(lam, sigma, d, L) * (L - 2) * sigma / np.exp(d * (1 - 2 / L)) for d in (20, 60)]
    assert abs(ratios[1] - 1) < abs(ratios[0] - 1) < 0.05
    assert abs(ratios[1] - 1) < 1e-5


def test_flow_transition_predicts_the_small_step_recursion():
    lam, sigma, eta, delta, L = np.array([1.0, 1.0]), np.array([2.0, 1.0]), 1e-3, 9.0, 3
    w = theory.per_mode(lam, sigma, eta, np.exp(-delta), L, 40000)
    k_meas = np.argmax(w >= sigma / (2 * lam), axis=0)
    np.testing.assert_allclose(k_meas, depth.flow_transition(L, lam, sigma, eta, delta), rtol=5e-3)


def test_flow_half_crossing_refuses_depth_two():
    with pytest.raises(ValueError, match="depth >= 3"):
        theory.flow_half_crossing(1.0, 1.0, 5.0, 2)


def test_log_slope_recovers_an_exponent():
    d = np.array([4.0, 8.0, 12.0])
    assert depth.log_slope(d, 3.0 * np.exp(0.5 * d)) == pytest.approx(0.5, abs=1e-12)


def test_crossing_step_interpolates_and_reports_never():
    steps, values = np.array([0, 10, 20]), np.array([0.0, 0.2, 1.0])
    assert depth.crossing_step(steps, values, 0.6) == pytest.approx(15.0)
    assert np.isnan(depth.crossing_step(steps, values, 2.0))


def test_stage_width_of_a_logistic_is_ln_81_over_rate():
    k = np.arange(1, 20001)
    ratio = 1 / (1 + np.exp(-0.01 * (k - 10000)))  # k90 - k10 = ln(81) / 0.01 around k = 10000
    expected = np.log((10000 + np.log(9) / 0.01) / (10000 - np.log(9) / 0.01))
    assert depth.stage_width(k, ratio) == pytest.approx(expected, rel=1e-3)
