"""Claims 9-12 computed from small synthetic tables: they pass and fail when they should."""

import pandas as pd

from implicitreg.claims import generalization, rotation, sequential, step_size
from implicitreg.claims.rows import COLUMNS


def config(**claims):
    return {"claims": claims, "analyses": {"random_init": {"experiment": "rand", "aligned": "al"}},
            "datasets": {"ds": {"sigma": [2.0, 1.0]}}}  # fmt: skip


def test_claim_phase_lists_disagreeing_cells():
    phase = pd.DataFrame({"dataset": "ds", "eta_sigma1": [0.3, 0.7, 1.2], "delta": 4.0,
                          "observed": ["monotone", "diverged", "failed"], "agrees": [True, False, True]})  # fmt: skip
    cfg = config(phase_min_agreement=1.0)
    row = step_size.claim_phase({"phase": phase}, cfg)
    assert list(row) == COLUMNS
    assert row["claim_id"] == 9 and row["measured"] == 2 / 3 and not row["passed"]
    assert "eta_sigma1=0.7 delta=4: diverged" in row["metric"]
    assert step_size.claim_phase({"phase": phase[phase["agrees"]]}, cfg)["passed"]


def test_claim_random_order():
    runs = pd.DataFrame({"run_id": ["r0", "r1", "a0", "x0"], "experiment": ["rand", "rand", "rand", "other"],
                         "dataset": "ds", "init": ["random", "random", "aligned", "random"], "model": "two_layer",
                         "delta": 8.0})  # fmt: skip
    trans = pd.DataFrame({"run_id": ["r0", "r0", "r1", "r1", "a0", "a0", "x0", "x0"], "sigma": [2.0, 1.0] * 4,
                          "k_measured": [10, 20, 10, 20, 30, 20, 30, 20]})  # fmt: skip
    cfg = config(random_order_min_fraction=1.0)
    row = sequential.claim_random_order({"runs": runs, "transitions": trans}, cfg)
    assert row["measured"] == 1.0 and row["passed"]  # neither the aligned run a0 nor another experiment's x0
    trans.loc[3, "k_measured"] = 10  # r1: a tie is not an order
    row = sequential.claim_random_order({"runs": runs, "transitions": trans}, cfg)
    assert row["measured"] == 0.5 and not row["passed"]


def deviations(values):
    return {"rotation": pd.DataFrame({"model": "two_layer", "epsilon": [0.0, 0.01, 0.1], "deviation": values})}


def test_claim_rotation():
    cfg = config(rotation_zero_max_deviation=1e-10, rotation_smallest_max_deviation=0.05)
    row = rotation.claim_rotation(deviations([1e-15, 0.01, 0.1]), cfg)
    assert row["passed"] and row["measured"] == 0.01
    loose = config(rotation_zero_max_deviation=1e-10, rotation_smallest_max_deviation=0.5)
    assert not rotation.claim_rotation(deviations([1e-15, 0.2, 0.1]), loose)["passed"]  # not monotone
    assert not rotation.claim_rotation(deviations([1e-6, 0.01, 0.1]), cfg)["passed"]  # eps = 0 off
    assert not rotation.claim_rotation(deviations([1e-15, 0.06, 0.1]), cfg)["passed"]  # too large


def t3(two_layer, rrr, linear):
    values = {"two_layer": two_layer, "rrr": rrr, "linear": linear, "ridge": 14.0, "least_squares": 20.0,
              "teacher": 10.0}  # fmt: skip
    return {"T3": pd.DataFrame([{"dataset": "s0", **values}, {"dataset": "mean", **values}, {"dataset": "std"}])}


def test_claim_generalization():
    cfg = config(generalization_rel_gap=0.05)
    row = generalization.claim_generalization(t3(12.2, 12.0, 15.0), cfg)
    assert row["passed"] and abs(row["measured"] - 0.2 / 12) < 1e-12
    assert not generalization.claim_generalization(t3(11.0, 12.0, 15.0), cfg)["passed"]  # 8% apart
    assert not generalization.claim_generalization(t3(12.2, 12.0, 12.1), cfg)["passed"]  # linear better
