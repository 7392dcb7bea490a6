"""Each claim metric on small tables with a known answer, passing and failing, with the selection of runs that
the claim's premise makes (step-size bounds of THEORY.md section 5, the analysis's experiment)."""

import numpy as np
import pandas as pd

from implicitreg.claims import sequential

DATASETS = {"d": {"lam": [1.0, 1.0, 1.0], "sigma": [2.0, 1.0, 0.5]}}


def config(analyses=None, **claims):
    return {"claims": claims, "analyses": analyses or {}, "datasets": DATASETS}


def runs_table(rows):
    cols = ["run_id", "experiment", "dataset", "model", "init", "eta", "delta"]
    return pd.DataFrame(rows, columns=cols)


def transitions_table(run_id, ks, sigma=(2.0, 1.0, 0.5), k_pred=None):
    k_pred = ks if k_pred is None else k_pred
    return pd.DataFrame(
        {"run_id": run_id, "component": [1, 2, 3], "sigma": sigma, "lambda": 1.0, "k_measured": ks,
         "k_predicted": k_pred, "rel_error": np.abs(np.array(ks) - k_pred) / np.array(k_pred)}
    )  # fmt: skip


def test_permode_claim_fails_above_tolerance_and_counts_stable_runs_only():
    # lam constant: the whole-network bound is eta sigma_1 < 1, i.e. eta < 0.5 here
    runs = runs_table(
        [(rid, "e", "d", "two_layer", "aligned", eta, 10) for rid, eta in (("a", 0.1), ("b", 0.1), ("c", 0.6))]
    )
    cfg = config(permode_max_rel_deviation=1e-10)
    ok = sequential.claim_permode(
        {"runs": runs, "permode": pd.DataFrame({"run_id": ["a", "b", "c"], "max_rel_deviation": [1e-15, 3e-14, 1.0]})},
        cfg,
    )
    assert ok["passed"] and ok["measured"] == 3e-14 and "over 2 aligned runs" in ok["metric"]
    bad = sequential.claim_permode(
        {"runs": runs, "permode": pd.DataFrame({"run_id": ["a", "b"], "max_rel_deviation": [1e-15, 3e-9]})}, cfg
    )
    assert not bad["passed"] and bad["measured"] == 3e-9


def test_order_claim_counts_runs_out_of_order_in_the_monotone_regime():
    runs = runs_table(
        [(rid, "e", "d", "two_layer", "aligned", eta, 10) for rid, eta in (("a", 0.1), ("b", 0.1), ("c", 0.3))]
    )
    t = pd.concat([transitions_table("a", [10, 20, 40]), transitions_table("b", [10, 50, 40]),
                   transitions_table("c", [10, 50, 40])])  # fmt: skip
    row = sequential.claim_order({"runs": runs, "transitions": t}, config())
    assert row["measured"] == 0.5 and not row["passed"]  # c: eta sigma_1 = 0.6 > 1/2 is not counted
    row = sequential.claim_order({"runs": runs.iloc[:1], "transitions": t[t["run_id"] == "a"]}, config())
    assert row["measured"] == 1.0 and row["passed"]
    missing = t[(t["run_id"] == "a") & (t["component"] < 3)]
    assert sequential.claim_order({"runs": runs.iloc[:1], "transitions": missing}, config())["measured"] == 0.0


def test_transition_error_claim_uses_the_median_within_the_step_size_range():
    runs = runs_table(
        [("a", "e", "d", "two_layer", "aligned", 0.05, 10), ("z", "other", "d", "two_layer", "aligned", 0.05, 10)]
    )
    t = pd.concat([transitions_table("a", [101, 206, 500], k_pred=np.array([100.0, 200.0, 400.0])),
                   transitions_table("z", [500, 500, 500], k_pred=np.array([100.0, 200.0, 400.0]))])  # fmt: skip
    analyses = {"transitions": {"experiment": "e"}}
    row = sequential.claim_transition_error(
        {"runs": runs, "transitions": t},
        config(analyses, transition_eta_sigma_max=0.1, transition_median_rel_error=0.02),
    )  # eta sigma = 0.1, 0.05, 0.025: all included; run z belongs to another experiment
    assert np.isclose(row["measured"], 0.03) and not row["passed"]
    row = sequential.claim_transition_error(
        {"runs": runs, "transitions": t},
        config(analyses, transition_eta_sigma_max=0.06, transition_median_rel_error=0.02),
    )  # first excluded: median of 0.03, 0.25
    assert np.isclose(row["measured"], 0.14)


def test_linear_delta_claim_measures_spread_minus_allowance():
    runs = runs_table([(f"r{d}", "e", "d", "linear", "aligned", 0.1, d) for d in (10, 20, 30)])
    t = pd.concat([transitions_table(f"r{d}", [100, 200, 300 + d // 10]) for d in (10, 20, 30)])
    cfg = config({"transitions": {"experiment": "e"}}, linear_spread_iterations=1.0, linear_spread_fraction=0.02)
    row = sequential.claim_linear_delta({"runs": runs, "transitions": t}, cfg)
    # spread - 0.02 median: component 1: 0 - 2 = -2; component 2: 0 - 4; component 3: 2 - 6.04
    assert np.isclose(row["measured"], -2.0) and row["passed"]
    t.loc[(t["run_id"] == "r30") & (t["component"] == 1), "k_measured"] = 110
    row = sequential.claim_linear_delta({"runs": runs, "transitions": t}, cfg)
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
    cfg = config({"staircase": {"experiment": "f1"}}, staircase_integer_distance=0.05)
    row = sequential.claim_staircase({"runs": runs, "components": comps, "transitions": trans}, cfg)
    assert row["passed"] and row["measured"] < 0.01
    comps["value"] += 0.1
    assert not sequential.claim_staircase({"runs": runs, "components": comps, "transitions": trans}, cfg)["passed"]
