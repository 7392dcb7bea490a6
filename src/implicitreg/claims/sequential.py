"""Claims 1-4 and 6 and boundaries 2b and 3b: the per-mode equality, sequential learning and its timing
(THEORY.md sections 3-5).

Each function reads results tables (``implicitreg.io.contract`` names) and the config, and returns a
``Measurement``; the registry states the claim and its premise. Tolerances come from the config's ``claims:``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from implicitreg.claims.rows import (
    Measurement,
    above,
    at_most,
    commuting,
    counted,
    equals,
    eta_sigma1,
    g,
    in_sigma_order,
    of_experiment,
    start_fraction,
    with_runs,
)
from implicitreg.linear.stability import MONOTONE_BOUND, network_stability_bound
from implicitreg.linear.theory import start_corrected_crossing


def claim_permode(tables: dict, config: dict) -> Measurement:
    """Claim 1: max relative deviation of full-matrix GD from the per-mode recursion, over aligned runs on exactly
    commuting datasets below the whole-network bound ``eta max_{i,k} lam_i (t_i + t_k) < 2`` (section 5)."""
    tol = config["claims"]["permode_max_rel_deviation"]
    runs, permode = tables["runs"], tables["permode"]
    bound = {name: network_stability_bound(spec["lam"], spec["sigma"])
             for name, spec in config["datasets"].items() if max(spec["sigma"]) > 0}  # fmt: skip
    stable = runs[eta_sigma1(runs, config["datasets"]) < runs["dataset"].map(bound)]
    permode = permode[permode["run_id"].isin(stable["run_id"])]
    measured = permode["max_rel_deviation"].max() if len(permode) else np.nan
    metric = (f"max over {len(permode)} aligned runs of max_k ||W(k) - U diag(w(k)) V^T||_F / ||U diag(w(k)) V^T||_F "
              f"(of {len(tables['permode'])} aligned runs on commuting datasets)")  # fmt: skip
    return Measurement(measured, metric, at_most(tol))


def order_runs(tables: dict, config: dict) -> pd.DataFrame:
    """Aligned two-layer runs on exactly commuting datasets in the monotone regime ``eta sigma_1 <= 1/2``, each with:

    - ``in_order``: components crossed in decreasing ``sigma``;
    - ``premise`` (claim 2): every start ``e^{-delta} lam_i / sigma_i`` at most ``start_fraction_max`` of its target
      and consecutive predicted transitions ``k_i`` (decreasing ``sigma``) at least ``order_min_predicted_gap`` apart;
    - ``corrected`` (boundary 2b): every start below half its target and the start-corrected half-crossings
      ``k_i^c`` (THEORY.md section 4), in their own order, at least ``order_min_predicted_gap`` apart;
    - ``in_corrected_order``: components crossed in the order of ``k_i^c``.
    """
    c = config["claims"]
    gap = c["order_min_predicted_gap"]
    runs, transitions = tables["runs"], tables["transitions"]
    m = {name: sum(s > 0 for s in spec["sigma"]) for name, spec in config["datasets"].items()}
    sel = runs[(runs["model"] == "two_layer") & (runs["init"] == "aligned")]
    sel = sel[sel["dataset"].isin(commuting(config["datasets"]))]
    sel = sel[eta_sigma1(sel, config["datasets"]) <= MONOTONE_BOUND]
    rows = []
    for rid, ds, eta, delta in zip(sel["run_id"], sel["dataset"], sel["eta"], sel["delta"]):
        t = transitions[transitions["run_id"] == rid].sort_values("sigma", ascending=False)
        complete = len(t) == m[ds]
        start = np.exp(-delta) * t["lambda"].to_numpy() / t["sigma"].to_numpy()
        k_c = start_corrected_crossing(t["lambda"], t["sigma"], eta, delta)
        by_kc = np.argsort(k_c, kind="stable")
        corrected = complete and bool(np.all(start < 0.5) and np.all(np.diff(k_c[by_kc]) >= gap))
        premise = complete and bool(np.all(start <= c["start_fraction_max"])
                                    and np.all(np.diff(t["k_predicted"].to_numpy()) >= gap))  # fmt: skip
        in_corrected_order = complete and bool(np.all(np.diff(t["k_measured"].to_numpy()[by_kc]) > 0))
        rows.append({"run_id": rid, "in_order": in_sigma_order(t, m[ds]), "premise": premise,
                     "corrected": corrected, "in_corrected_order": in_corrected_order})  # fmt: skip
    return pd.DataFrame(rows, columns=["run_id", "in_order", "premise", "corrected", "in_corrected_order"])


def claim_order(tables: dict, config: dict) -> Measurement:
    """Claim 2: fraction of the runs of ``order_runs`` under the vanishing-initialization premise learned in order."""
    runs = order_runs(tables, config)
    counted_runs = runs[runs["premise"]]
    measured, text = counted(counted_runs["in_order"])
    c = config["claims"]
    metric = (f"runs learned in decreasing sigma: {text}, of the {len(runs)} aligned two-layer runs with "
              f"eta sigma_1 <= 1/2 on commuting datasets, those with every start <= {c['start_fraction_max']:g} of "
              f"its target and predicted transitions >= {c['order_min_predicted_gap']:g} iteration apart; out of "
              f"order: {', '.join(counted_runs.loc[~counted_runs['in_order'], 'run_id']) or 'none'}")  # fmt: skip
    return Measurement(measured, metric, equals(1))


def claim_order_boundary(tables: dict, config: dict) -> Measurement:
    """Boundary 2b: fraction of the runs of ``order_runs`` with every start below half its target and separated
    start-corrected half-crossings ``k_i^c`` whose measured order is the order of ``k_i^c``; ``metric`` counts the
    runs among them out of ``sigma`` order (each then explained by ``k^c``)."""
    runs = order_runs(tables, config)
    sel = runs[runs["corrected"]]
    measured, text = counted(sel["in_corrected_order"])
    out = sel[~sel["in_order"]]
    explained = out[out["in_corrected_order"]]
    metric = (f"runs crossing in the order of k_i^c: {text}, of the {len(runs)} aligned two-layer runs with "
              f"eta sigma_1 <= 1/2 on commuting datasets, those with every start below half its target and k_i^c "
              f">= {config['claims']['order_min_predicted_gap']:g} iteration apart; {len(out)} of them out of sigma "
              f"order, {len(explained)} of these explained by k^c: {', '.join(explained['run_id']) or 'none'}; not in "
              f"k^c order: {', '.join(sel.loc[~sel['in_corrected_order'], 'run_id']) or 'none'}")  # fmt: skip
    return Measurement(measured, metric, equals(1))


def _two_layer_transitions(tables: dict, config: dict) -> pd.DataFrame:
    t = with_runs(tables["transitions"], of_experiment(tables["runs"], config, "transitions"))
    t = t[t["model"] == "two_layer"]
    return t.assign(start=start_fraction(t))


def claim_transition_error(tables: dict, config: dict) -> Measurement:
    """Claim 3: median ``rel_error`` of two-layer transitions with ``eta sigma_i <= transition_eta_sigma_max`` whose
    start is at most ``start_fraction_max`` of the target (the formula neglects the start)."""
    c = config["claims"]
    t = _two_layer_transitions(tables, config)
    t = t[(t["eta"] * t["sigma"] <= c["transition_eta_sigma_max"]) & (t["start"] <= c["start_fraction_max"])]
    measured = t["rel_error"].median() if len(t) else np.nan
    metric = (f"median rel_error over {len(t)} two-layer transitions (max {t['rel_error'].max():.3g}) with "
              f"eta sigma_i <= {c['transition_eta_sigma_max']:g} and start <= {c['start_fraction_max']:g}")  # fmt: skip
    return Measurement(measured, metric, at_most(c["transition_median_rel_error"]))


def claim_transition_boundary(tables: dict, config: dict) -> Measurement:
    """Boundary 3b: Spearman rank correlation of ``rel_error`` with the start fraction over every two-layer
    transition of the transitions analysis: the prediction degrades as the start approaches the target."""
    t = _two_layer_transitions(tables, config)
    t = t[np.isfinite(t["rel_error"])]
    from scipy.stats import spearmanr  # loads in half a second: not when the workflow only builds its DAG

    measured = spearmanr(t["start"], t["rel_error"]).statistic if len(t) > 2 else np.nan
    big = t[t["start"] > config["claims"]["start_fraction_max"]]
    metric = (f"Spearman correlation of rel_error with the start fraction e^-delta lam_i/sigma_i over {len(t)} "
              f"transitions (start from {t['start'].min():.2g} to {t['start'].max():.2g}); median rel_error "
              f"{big['rel_error'].median():.3g} over the {len(big)} with start > "
              f"{config['claims']['start_fraction_max']:g}")  # fmt: skip
    return Measurement(measured, metric, above(0))


def claim_linear_delta(tables: dict, config: dict) -> Measurement:
    """Claim 4: per (dataset, eta, component) over the ``delta`` with start <= ``start_fraction_max``: the linear
    spread is at most ``iterations + fraction x median`` and the two-layer spread at least ``factor`` times that."""
    c = config["claims"]
    t = with_runs(tables["transitions"], of_experiment(tables["runs"], config, "transitions"))
    t = t[t["model"].isin(["linear", "two_layer"])]
    t = t[start_fraction(t) <= c["start_fraction_max"]]
    spread = t.groupby(["model", "dataset", "eta", "component"])["k_measured"].agg(["max", "min", "median"])
    spread["spread"] = spread["max"] - spread["min"]
    if not {"linear", "two_layer"} <= set(spread.index.get_level_values("model")):
        return Measurement(np.nan, "needs linear and two-layer runs in the transitions analysis", equals(1))
    lin, two = spread.loc["linear"], spread.loc["two_layer"]
    lin = lin.join(two["spread"].rename("two_layer_spread"), how="inner")
    allowance = c["linear_spread_iterations"] + c["linear_spread_fraction"] * lin["median"]
    ok = (lin["spread"] <= allowance) & (lin["two_layer_spread"] >= c["two_layer_spread_factor"] * allowance)
    measured, text = counted(ok)
    measured = measured if t["delta"].nunique() > 1 else np.nan
    ratio = (lin["two_layer_spread"] / allowance).min()
    metric = (f"(dataset, eta, component) over delta = {g(sorted(t['delta'].unique()))}: {text} with "
              f"linear spread <= {c['linear_spread_iterations']:g} + {c['linear_spread_fraction']:g} x median "
              f"(max excess {(lin['spread'] - allowance).max():.3g} iterations) and two-layer spread >= "
              f"{c['two_layer_spread_factor']:g} x that bound (min ratio {ratio:.3g})")  # fmt: skip
    return Measurement(measured, metric, equals(1))


def claim_staircase(tables: dict, config: dict) -> Measurement:
    """Claim 6: the two-layer autoencoder trace norm is within tol of an integer between transitions.

    The largest-delta aligned two-layer run of the staircase analysis; its trace norm is ``sum_i |w_i|``
    (the map stays diagonal in the shared basis). Checked at every logged step whose rescaled time
    ``t = eta k / delta`` lies in the middle third of an interval between consecutive predicted
    transitions ``0 < 1/(2 sigma_(1)) < ... < 1/(2 sigma_(m))``.
    """
    components, transitions = tables["components"], tables["transitions"]
    sel = of_experiment(tables["runs"], config, "staircase")
    sel = sel[sel["model"] == "two_layer"]
    run = sel.loc[sel["delta"].idxmax()]
    c = components[components["run_id"] == run["run_id"]]
    norm = c.assign(a=c["value"].abs()).groupby("step")["a"].sum()
    t = norm.index.to_numpy() * run["eta"] / run["delta"]
    sigma = transitions.loc[transitions["run_id"] == run["run_id"], "sigma"].to_numpy()
    edges = np.concatenate([[0.0], np.sort(1.0 / (2.0 * sigma))])
    dist = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (t >= lo + (hi - lo) / 3) & (t <= hi - (hi - lo) / 3)
        dist.extend(np.abs(norm.to_numpy()[inside] - np.round(norm.to_numpy()[inside])))
    measured = max(dist) if dist else np.nan
    metric = f"max distance to an integer over {len(dist)} logged steps between transitions, delta = {run['delta']:g}"
    return Measurement(measured, metric, at_most(config["claims"]["staircase_integer_distance"]))
