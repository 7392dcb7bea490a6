"""Claims 9-12 computed from small synthetic tables: they pass and fail when they should."""

import pandas as pd

from implicitreg.claims import sequential as claims
from implicitreg.claims import sequential as claims_beyond


def test_claim_phase_lists_disagreeing_cells():
    phase = pd.DataFrame({"dataset": "ds", "eta_sigma1": [0.3, 0.7, 1.2], "delta": 4.0,
                          "observed": ["monotone", "diverged", "failed"], "agrees": [True, False, True]})  # fmt: skip
    row = claims_beyond.claim_phase(phase, 1.0)
    assert list(row) == claims.COLUMNS
    assert row["claim_id"] == 9 and row["measured"] == 2 / 3 and not row["passed"]
    assert "eta_sigma1=0.7 delta=4: diverged" in row["metric"]
    assert claims_beyond.claim_phase(phase[phase["agrees"]], 1.0)["passed"]


def test_claim_random_order():
    runs = pd.DataFrame({"run_id": ["r0", "r1", "a0"], "experiment": ["rand", "rand", "rand"], "dataset": "ds",
                         "init": ["random", "random", "aligned"], "model": "two_layer", "delta": 8.0})  # fmt: skip
    trans = pd.DataFrame({"run_id": ["r0", "r0", "r1", "r1", "a0", "a0"], "sigma": [2.0, 1.0] * 3,
                          "k_measured": [10, 20, 10, 20, 30, 20]})  # fmt: skip
    row = claims_beyond.claim_random_order(trans, runs, "rand", {"ds": 2}, 1.0)
    assert row["measured"] == 1.0 and row["passed"]  # the aligned run a0 is not counted
    trans.loc[3, "k_measured"] = 10  # r1: a tie is not an order
    row = claims_beyond.claim_random_order(trans, runs, "rand", {"ds": 2}, 1.0)
    assert row["measured"] == 0.5 and not row["passed"]


def rotation(deviations):
    return pd.DataFrame({"model": "two_layer", "epsilon": [0.0, 0.01, 0.1], "deviation": deviations})


def test_claim_rotation():
    row = claims_beyond.claim_rotation(rotation([1e-15, 0.01, 0.1]), 1e-10, 0.05)
    assert row["passed"] and row["measured"] == 0.01
    assert not claims_beyond.claim_rotation(rotation([1e-15, 0.2, 0.1]), 1e-10, 0.5)["passed"]  # not monotone
    assert not claims_beyond.claim_rotation(rotation([1e-6, 0.01, 0.1]), 1e-10, 0.05)["passed"]  # eps = 0 off
    assert not claims_beyond.claim_rotation(rotation([1e-15, 0.06, 0.1]), 1e-10, 0.05)["passed"]  # too large


def t3(two_layer, rrr, linear):
    values = {"two_layer": two_layer, "rrr": rrr, "linear": linear, "ridge": 14.0, "least_squares": 20.0,
              "teacher": 10.0}  # fmt: skip
    return pd.DataFrame([{"dataset": "s0", **values}, {"dataset": "mean", **values}, {"dataset": "std"}])


def test_claim_generalization():
    row = claims_beyond.claim_generalization(t3(12.2, 12.0, 15.0), 0.05)
    assert row["passed"] and abs(row["measured"] - 0.2 / 12) < 1e-12
    assert not claims_beyond.claim_generalization(t3(11.0, 12.0, 15.0), 0.05)["passed"]  # 8% apart
    assert not claims_beyond.claim_generalization(t3(12.2, 12.0, 12.1), 0.05)["passed"]  # linear better
