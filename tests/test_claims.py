"""Each claim metric on small tables with a known answer, passing and failing."""

import numpy as np
import pandas as pd

from implicitreg.claims import sequential as claims


def runs_table(rows):
    cols = ["run_id", "experiment", "dataset", "model", "init", "eta", "delta"]
    return pd.DataFrame(rows, columns=cols)


def transitions_table(run_id, ks, sigma=(2.0, 1.0, 0.5), k_pred=None):
    k_pred = ks if k_pred is None else k_pred
    return pd.DataFrame(
        {"run_id": run_id, "component": [1, 2, 3], "sigma": sigma, "lambda": 1.0, "k_measured": ks,
         "k_predicted": k_pred, "rel_error": np.abs(np.array(ks) - k_pred) / np.array(k_pred)}
    )  # fmt: skip


def test_permode_claim_fails_above_tolerance():
    ok = claims.claim_permode(pd.DataFrame({"max_rel_deviation": [1e-15, 3e-14]}), 1e-10)
    bad = claims.claim_permode(pd.DataFrame({"max_rel_deviation": [1e-15, 3e-9]}), 1e-10)
    assert ok["passed"] and ok["measured"] == 3e-14
    assert not bad["passed"] and bad["measured"] == 3e-9


def test_order_claim_counts_runs_out_of_order():
    runs = runs_table(
        [("a", "e", "d", "two_layer", "aligned", 0.1, 10), ("b", "e", "d", "two_layer", "aligned", 0.1, 10)]
    )
    t = pd.concat([transitions_table("a", [10, 20, 40]), transitions_table("b", [10, 50, 40])])
    row = claims.claim_order(t, runs, {"d": 3})
    assert row["measured"] == 0.5 and not row["passed"]
    row = claims.claim_order(t[t["run_id"] == "a"], runs.iloc[:1], {"d": 3})
    assert row["measured"] == 1.0 and row["passed"]
    missing = claims.claim_order(t[(t["run_id"] == "a") & (t["component"] < 3)], runs.iloc[:1], {"d": 3})
    assert missing["measured"] == 0.0


def test_transition_error_claim_uses_the_median_within_the_step_size_range():
    runs = runs_table([("a", "e", "d", "two_layer", "aligned", 0.05, 10)])
    t = transitions_table("a", [101, 206, 500], k_pred=np.array([100.0, 200.0, 400.0]))
    row = claims.claim_transition_error(t, runs, "e", 0.1, 0.02)  # eta sigma = 0.1, 0.05, 0.025: all included
    assert np.isclose(row["measured"], 0.03) and not row["passed"]
    row = claims.claim_transition_error(t, runs, "e", 0.06, 0.02)  # first excluded: median of 0.03, 0.25
    assert np.isclose(row["measured"], 0.14)


def test_linear_delta_claim_measures_spread_minus_allowance():
    runs = runs_table([(f"r{d}", "e", "d", "linear", "aligned", 0.1, d) for d in (10, 20, 30)])
    t = pd.concat([transitions_table(f"r{d}", [100, 200, 300 + d // 10]) for d in (10, 20, 30)])
    row = claims.claim_linear_delta(t, runs, "e", 1.0, 0.02)
    # spread - 0.02 median: component 1: 0 - 2 = -2; component 2: 0 - 4; component 3: 2 - 6.04
    assert np.isclose(row["measured"], -2.0) and row["passed"]
    t.loc[(t["run_id"] == "r30") & (t["component"] == 1), "k_measured"] = 110
    row = claims.claim_linear_delta(t, runs, "e", 1.0, 0.02)
    assert np.isclose(row["measured"], 10 - 2.0) and not row["passed"]


def test_staircase_claim_reads_the_trace_norm_between_transitions():
    sigma = np.array([1.0, 0.5])
    runs = runs_table([("s", "f1", "ae", "two_layer", "aligned", 0.01, 30.0)])
    steps = np.arange(0, 3001, 10)
    t = steps * 0.01 / 30.0  # transitions at t = 0.5 and 1
    w = 1.0 / (1.0 + np.expm1(30.0) * np.exp(-2 * sigma[None] * 30.0 * t[:, None]))
    comps = pd.DataFrame({"run_id": "s", "step": np.repeat(steps, 2), "component": np.tile([1, 2], steps.size),
                          "value": w.ravel(), "target": 1.0})  # fmt: skip
    trans = transitions_table("s", [1500, 3000, 9000], sigma=(1.0, 0.5, 0.25)).iloc[:2]
    row = claims.claim_staircase(comps, trans, runs, "f1", 0.05)
    assert row["passed"] and row["measured"] < 0.01
    comps["value"] += 0.1
    assert not claims.claim_staircase(comps, trans, runs, "f1", 0.05)["passed"]
