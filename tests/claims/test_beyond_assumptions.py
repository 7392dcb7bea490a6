"""Claims 9-12 and boundaries 9b, 11b computed from small synthetic tables: they pass and fail when they should."""

import numpy as np
import pandas as pd
import pytest

from implicitreg.claims import generalization, rotation, step_size
from implicitreg.claims.rows import holds

CLAIMS = {
    "permode_max_rel_deviation": 1e-10,
    "phase_left_path_deviation": 1e-3,
    "rotation_epsilon_max": 0.3,
    "rotation_transition_rel_shift": 0.05,
    "rotation_transition_abs_shift": 1,
    "rotation_slope_tolerance": 0.2,
    "generalization_rel_gap": 0.05,
    "generalization_min_holding": 0.9,
}


def config():
    return {
        "claims": CLAIMS,
        "analyses": {"random_init": {"experiment": "rand", "aligned": "al"}},
        "datasets": {"ds": {"sigma": [2.0, 1.0]}},
    }


def passed(m) -> bool:
    return holds(m.criterion.text, m.measured)


def phase_cells():
    # white (bound 1) and coloured (bound 0.444) cells; the coloured 0.7 cell lies between its bound and 1
    return pd.DataFrame(
        {
            "dataset": ["w", "w", "w", "c", "c", "c"],
            "delta": 4.0,
            "eta_sigma1": [0.3, 0.7, 1.2, 0.3, 0.7, 1.2],
            "network_bound": [1.0] * 3 + [0.444] * 3,
            "observed": ["monotone", "oscillating", "failed", "monotone", "oscillating", "diverged"],
            "agrees": True,
            "aligned_deviation": [1e-15, 1e-14, 1e5, 1e-15, 0.2, 1e9],
        }
    )


def test_claim_phase_counts_cells_below_the_network_bound_or_beyond_one():
    cells = phase_cells()
    m = step_size.claim_phase({"phase": cells}, config())
    assert m.measured == 1.0 and passed(m) and "5 of 5 (95% CI [" in m.metric  # the coloured 0.7 cell is left to 9b
    cells.loc[1, "aligned_deviation"] = 1e-6  # a white cell below its bound leaves the aligned path
    cells.loc[5, "agrees"] = False
    m = step_size.claim_phase({"phase": cells}, config())
    assert m.measured == 3 / 5 and not passed(m) and "eta_sigma1=0.7 delta=4: oscillating" in m.metric


def test_claim_phase_boundary_needs_every_cell_between_bound_and_one_to_leave_the_path():
    cells = phase_cells()
    assert passed(step_size.claim_phase_boundary({"phase": cells}, config()))
    cells.loc[4, "aligned_deviation"] = 1e-5
    m = step_size.claim_phase_boundary({"phase": cells}, config())
    assert m.measured == 0.0 and not passed(m)
    assert np.isnan(step_size.claim_phase_boundary({"phase": cells.iloc[:3]}, config()).measured)  # none: no pass


def rotation_tables(shift_at_03=0.0, shift_at_07=0.1, exponent=1.0, base=(100.0, 200.0)):
    eps = [0.0, 0.01, 0.1, 0.3, 0.7]
    commutator = [0.0, 0.003, 0.03, 0.09, 0.2]
    rot = pd.DataFrame(
        {
            "run_id": [f"r{e}" for e in eps],
            "model": "two_layer",
            "epsilon": eps,
            "commutator": commutator,
            "deviation": [1e-15, *(np.array(commutator[1:]) ** exponent)],
        }
    )
    base = np.array(base)
    shift = {0.3: shift_at_03, 0.7: shift_at_07}
    trans = pd.concat(
        [
            pd.DataFrame({"run_id": f"r{e}", "component": [1, 2], "k_measured": base * (1 + shift.get(e, 0))})
            for e in eps
        ]
    )
    return {"rotation": rot, "transitions": trans}


def test_claim_rotation_and_its_boundary():
    tables = rotation_tables()
    m = rotation.claim_rotation(tables, config())
    assert m.measured == 1.0 and passed(m) and "two_layer 1" in m.metric  # slope 1 exactly
    b = rotation.claim_rotation_boundary(tables, config())
    assert b.measured == 0.7 and passed(b) and "first fails at epsilon = 0.7" in b.metric
    bad = rotation_tables(shift_at_03=0.06)
    assert rotation.claim_rotation(bad, config()).measured == 0.75  # 3 of 4 checks: eps 0.3 moved by 6%
    assert not passed(rotation.claim_rotation_boundary(bad, config()))  # fails at 0.3, within the claim's range
    assert not passed(rotation.claim_rotation(rotation_tables(exponent=2.0), config()))  # quadratic growth
    never = rotation.claim_rotation_boundary(rotation_tables(shift_at_07=0.0), config())
    assert never.measured == 0.7 and passed(never) and "never fails" in never.metric


def test_a_transition_moved_only_by_more_than_five_percent_and_more_than_one_iteration():
    # transitions at 8 iterations: a 12.5% move is 1 iteration, below the resolution; 25% at 0.7 is 2 iterations
    short = rotation_tables(shift_at_03=0.125, shift_at_07=0.25, base=(8.0, 8.0))
    m = rotation.claim_rotation(short, config())
    assert m.measured == 1.0 and passed(m) and "4 of 4 (95% CI [" in m.metric
    assert "max shift 0.125 relative, 1 iterations" in m.metric
    b = rotation.claim_rotation_boundary(short, config())
    assert b.measured == 0.7 and "shift 0.25 (2 iterations)" in b.metric
    far = rotation_tables(shift_at_03=0.04, base=(100.0, 200.0))  # 4 and 8 iterations, but within 5%
    assert rotation.claim_rotation(far, config()).measured == 1.0


def best_risk(two_layer, rrr, linear, n_other=0):
    """Teacher t.0 with the given best risks, then t.1 and ``n_other`` more with two-layer 11 (below RRR)."""
    values = {
        "two_layer": two_layer,
        "rrr": rrr,
        "linear": linear,
        "ridge": 14.0,
        "rr_ridge": 12.0,
        "least_squares": 20.0,
        "teacher": 10.0,
    }
    others = [{"dataset": f"t.{i}", **values, "two_layer": 11.0} for i in range(1, 2 + n_other)]
    return {"best_risk": pd.DataFrame([{"dataset": "t.0", **values}, *others])}


def test_claim_generalization_counts_teachers_one_sided_and_bounds_the_fraction():
    m = generalization.claim_generalization(best_risk(12.5, 12.0, 15.0), config())
    assert m.measured == pytest.approx(0.025**0.5) and not passed(m)  # 2 of 2: lower bound (0.025)^(1/2)
    assert m.metric.startswith("2 of 2 (95% CI [0.158, 1])")
    m = generalization.claim_generalization(best_risk(12.5, 12.0, 15.0, n_other=98), config())
    assert m.measured == pytest.approx(0.025 ** (1 / 100)) and passed(m)  # 100 of 100: 0.9638 >= 0.9
    m = generalization.claim_generalization(best_risk(12.7, 12.0, 15.0, n_other=98), config())  # t.0 5.8% above
    assert m.metric.startswith("99 of 100") and m.measured == pytest.approx(0.9455, abs=1e-4) and passed(m)
    m = generalization.claim_generalization(best_risk(12.2, 12.0, 12.1), config())  # t.0: linear better
    assert m.metric.startswith("1 of 2")
