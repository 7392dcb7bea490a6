"""Claims 1-4, 6, 10 and boundaries 2b, 3b on small tables with a known answer, passing and failing, with the
selection of runs that each premise makes (THEORY.md sections 4-5, the analysis's experiment)."""

import numpy as np
import pandas as pd

from implicitreg.claims import sequential
from implicitreg.claims.rows import holds

SPECTRUM = {"kind": "population", "lam": [1.0, 1.0, 1.0], "sigma": [2.0, 1.0, 0.5]}
DATASETS = {"d": SPECTRUM, "rot": SPECTRUM | {"epsilon": 0.1}}
CLAIMS = {"permode_max_rel_deviation": 1e-10, "order_min_predicted_gap": 1, "transition_eta_sigma_max": 0.1,
          "transition_median_rel_error": 0.02, "start_fraction_max": 0.01, "linear_spread_iterations": 1.0,
          "linear_spread_fraction": 0.02, "two_layer_spread_factor": 10,
          "staircase_integer_distance": 0.05}  # fmt: skip


def config(**analyses):
    return {"claims": CLAIMS, "analyses": {k: {"experiment": v} for k, v in analyses.items()}, "datasets": DATASETS}


def passed(m) -> bool:
    return holds(m.criterion.text, m.measured)


def runs_table(rows):
    return pd.DataFrame(rows, columns=["run_id", "experiment", "dataset", "model", "init", "eta", "delta"])


def transitions_table(run_id, ks, k_pred=None, sigma=(2.0, 1.0, 0.5), lam=1.0):
    lam = lam if np.isscalar(lam) else list(lam)[: len(ks)]
    k_pred = np.asarray(ks, float) if k_pred is None else np.asarray(k_pred, float)
    rel_error = np.abs(np.array(ks) - k_pred) / k_pred
    return pd.DataFrame({"run_id": run_id, "component": [1, 2, 3][: len(ks)], "sigma": sigma[: len(ks)],
                         "lambda": lam, "k_measured": ks, "k_predicted": k_pred, "rel_error": rel_error})  # fmt: skip


def two_layer(rid, eta=0.1, delta=10, dataset="d", experiment="e"):
    return (rid, experiment, dataset, "two_layer", "aligned", eta, delta)


def test_permode_claim_fails_above_tolerance_and_counts_stable_runs_only():
    # lam constant: the whole-network bound is eta sigma_1 < 1, i.e. eta < 0.5 here
    runs = runs_table([two_layer("a"), two_layer("b"), two_layer("c", eta=0.6)])
    ok = sequential.claim_permode(
        {"runs": runs, "permode": pd.DataFrame({"run_id": ["a", "b", "c"], "max_rel_deviation": [1e-15, 3e-14, 1.0]})},
        config(),
    )
    assert passed(ok) and ok.measured == 3e-14 and "over 2 aligned runs" in ok.metric
    assert ok.criterion.text == "measured <= 1e-10"
    bad = sequential.claim_permode(
        {"runs": runs, "permode": pd.DataFrame({"run_id": ["a", "b"], "max_rel_deviation": [1e-15, 3e-9]})}, config()
    )
    assert not passed(bad) and bad.measured == 3e-9


def test_order_claim_counts_the_vanishing_start_and_the_boundary_orders_by_the_corrected_crossing():
    # eta 0.1: a, b at delta 10 (every start below 1e-4 of its target: the premise of claim 2); f at delta 3 with
    # lam = (0.01, 1, 0.5): starts up to 0.05 of the targets and k^c = (22.8, 15.5, 30.2), so component 2 first;
    # g at delta 3 out of the k^c order; h at delta 1: the start of component 3 is 0.74 of its target (not in 2b)
    runs = runs_table([two_layer("a"), two_layer("b"), two_layer("c", eta=0.3), two_layer("r", dataset="rot"),
                       two_layer("f", delta=3), two_layer("g", delta=3), two_layer("h", delta=1)])  # fmt: skip
    t = pd.concat(
        [
            transitions_table("a", [10, 20, 40]),
            transitions_table("b", [10, 50, 40], k_pred=[10, 20, 40]),
            transitions_table("c", [10, 50, 40]),
            transitions_table("r", [10, 50, 40]),
            transitions_table("f", [30, 20, 60], k_pred=[30, 20, 60], lam=[0.01, 1.0, 0.5]),
            transitions_table("g", [10, 50, 40], k_pred=[10, 20, 40]),
            transitions_table("h", [20, 10, 40], k_pred=[10, 20, 40]),
        ]
    )
    tables = {"runs": runs, "transitions": t}
    # c: eta sigma_1 = 0.6 > 1/2 and r: a rotated dataset are outside both premises; f, g, h start too high for 2
    order = sequential.claim_order(tables, config())
    assert order.measured == 0.5 and not passed(order) and "1 of 2 (95% CI [" in order.metric
    assert "out of order: b" in order.metric
    boundary = sequential.claim_order_boundary(tables, config())  # a, b, f, g counted: b and g not in k^c order
    assert boundary.measured == 0.5 and not passed(boundary) and "2 of 4 (95% CI [" in boundary.metric
    keep = ~runs["run_id"].isin(["b", "g"])
    tables = {"runs": runs[keep], "transitions": t[t["run_id"].isin(runs.loc[keep, "run_id"])]}
    assert passed(sequential.claim_order(tables, config()))
    boundary = sequential.claim_order_boundary(tables, config())
    assert passed(boundary) and "2 of 2" in boundary.metric
    assert "1 of them out of sigma order, 1 of these explained by k^c: f;" in boundary.metric


def test_transition_error_claim_uses_the_median_within_the_step_size_and_start_range():
    runs = runs_table([two_layer("a", eta=0.05), two_layer("z", eta=0.05, experiment="other"),
                       two_layer("s", eta=0.05, delta=1)])  # fmt: skip
    t = pd.concat([transitions_table("a", [101, 206, 500], k_pred=[100.0, 200.0, 400.0]),
                   transitions_table("z", [500, 500, 500], k_pred=[100.0, 200.0, 400.0]),
                   transitions_table("s", [500, 500, 500], k_pred=[100.0, 200.0, 400.0])])  # fmt: skip
    tables = {"runs": runs, "transitions": t}
    m = sequential.claim_transition_error(tables, config(transitions="e"))
    # eta sigma = 0.1, 0.05, 0.025: all of a; z is another experiment; s starts at e^-1 (37%) of its targets
    assert np.isclose(m.measured, 0.03) and not passed(m)
    narrow = {"claims": CLAIMS | {"transition_eta_sigma_max": 0.06}} | {
        k: v for k, v in config(transitions="e").items() if k != "claims"
    }
    assert np.isclose(sequential.claim_transition_error(tables, narrow).measured, 0.14)  # median of 0.03, 0.25
    boundary = sequential.claim_transition_boundary(tables, config(transitions="e"))
    assert boundary.measured > 0 and passed(boundary)  # s: larger start, larger errors


def test_linear_delta_claim_needs_bounded_linear_and_growing_two_layer_transitions():
    deltas = (10, 20, 30)
    runs = runs_table([(f"l{d}", "e", "d", "linear", "aligned", 0.1, d) for d in deltas]
                      + [two_layer(f"t{d}", delta=d) for d in deltas])  # fmt: skip
    lin = [transitions_table(f"l{d}", [100, 200, 300 + d // 10]) for d in deltas]
    two = [transitions_table(f"t{d}", [10 * d, 20 * d, 40 * d]) for d in deltas]
    tables = {"runs": runs, "transitions": pd.concat(lin + two)}
    m = sequential.claim_linear_delta(tables, config(transitions="e"))
    # linear: spread - 0.02 median <= 1 in every component; two-layer spreads 200, 400, 800 >= 10 x (1 + 0.02 median)
    assert m.measured == 1.0 and passed(m)
    t = tables["transitions"]
    t.loc[(t["run_id"] == "l30") & (t["component"] == 1), "k_measured"] = 110  # component 1 spreads by 10
    m = sequential.claim_linear_delta(tables, config(transitions="e"))
    assert np.isclose(m.measured, 2 / 3) and not passed(m)
    t.loc[(t["run_id"] == "l30") & (t["component"] == 1), "k_measured"] = 100
    t.loc[t["run_id"].str.startswith("t"), "k_measured"] = 5  # two-layer no longer grows with delta
    assert sequential.claim_linear_delta(tables, config(transitions="e")).measured == 0.0


def test_staircase_claim_reads_the_trace_norm_between_transitions():
    sigma = np.array([1.0, 0.5])
    runs = runs_table([("s", "f1", "ae", "two_layer", "aligned", 0.01, 30.0)])
    steps = np.arange(0, 3001, 10)
    t = steps * 0.01 / 30.0  # transitions at t = 0.5 and 1
    w = 1.0 / (1.0 + np.expm1(30.0) * np.exp(-2 * sigma[None] * 30.0 * t[:, None]))
    comps = pd.DataFrame({"run_id": "s", "step": np.repeat(steps, 2), "component": np.tile([1, 2], steps.size),
                          "value": w.ravel(), "target": 1.0})  # fmt: skip
    trans = transitions_table("s", [1500, 3000, 9000], sigma=(1.0, 0.5, 0.25)).iloc[:2]
    m = sequential.claim_staircase({"runs": runs, "components": comps, "transitions": trans}, config(staircase="f1"))
    assert passed(m) and m.measured < 0.01
    comps["value"] += 0.1
    assert not passed(sequential.claim_staircase({"runs": runs, "components": comps, "transitions": trans},
                                                 config(staircase="f1")))  # fmt: skip
