"""Depth and the transition iterations of deep linear networks (THEORY.md section 4).

Per mode, with balanced aligned factors ``a_i = w_i^{1/L}``, gradient flow reads
``da/dt = a^{L-1} (sigma - lam a^L)`` from ``a(0) = e^{-delta/L}``. For ``L >= 3`` the time at which
``w`` reaches half its target ``sigma / lam`` (the half-crossing) is, exactly [derived],

    t_half = (a0^{2-L} - ah^{2-L}) / ((L - 2) sigma) + (lam / sigma) int_{a0}^{ah} a / (sigma - lam a^L) da,

with ``ah = (sigma / (2 lam))^{1/L}``: split ``1 / (a^{L-1} (sigma - lam a^L))`` into
``1 / (sigma a^{L-1}) + lam a / (sigma (sigma - lam a^L))``. The first term gives the polynomial law
``t ~ e^{delta (1 - 2/L)} / ((L - 2) sigma)`` of section 4 as ``delta -> infinity``; the rest is a
``delta``-independent offset, bounded as ``a0 -> 0``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from implicitreg.data.trajectory import crossing_step
from implicitreg.io.contract import TABLES
from implicitreg.linear import theory
from implicitreg.linear.theory import flow_transition


def log_slope(delta, k) -> float:
    """Least-squares slope of ``ln k`` on ``delta``: ``1 - 2/L`` under the polynomial law, 0 for a logarithmic one."""
    return float(np.polyfit(np.asarray(delta, float), np.log(np.asarray(k, float)), 1)[0])


def stage_width(steps, ratio) -> float:
    """Sharpness of one stage: ``ln(k_90 / k_10)``, where ``ratio = w_i / target_i`` first reaches 0.9 and 0.1.

    Dimensionless; smaller is sharper. For the two-layer flow it is ``ln(1 + ln 81 / (delta + ln(sigma/lam)))``
    to first order (the logistic of section 3); deeper networks escape faster than exponentially.
    """
    k10, k90 = crossing_step(steps, ratio, 0.1), crossing_step(steps, ratio, 0.9)
    return float(np.log(k90 / k10)) if k10 > 0 else float("nan")


DEPTH_COLUMNS = list(TABLES["depth_transitions"].columns)


def flow_prediction(depth: int, lam, sigma, eta: float, delta: float) -> np.ndarray:
    """Exact flow half-crossing over ``eta``: the two-layer flow time (section 4) or ``flow_transition``."""
    if depth == 2:
        return theory.two_layer_flow_transition(lam, sigma, delta) / eta
    return flow_transition(depth, lam, sigma, eta, delta)


def transition_table(runs: pd.DataFrame, transitions: pd.DataFrame, components: pd.DataFrame) -> pd.DataFrame:
    """One row per (run, crossed component) of the networks with ``depth >= 2`` in ``runs``.

    ``k_predicted`` is section 4's law (logarithmic for ``L = 2``, polynomial for ``L >= 3``), ``k_flow`` the exact
    flow half-crossing over ``eta``, ``stage_width`` the sharpness ``ln(k_90 / k_10)`` from the logged components.
    """
    t = transitions.merge(runs[runs["depth"] >= 2], on="run_id")
    rows = []
    for _, r in t.iterrows():
        c = components[(components["run_id"] == r["run_id"]) & (components["component"] == r["component"])]
        k_flow = flow_prediction(int(r["depth"]), [r["lambda"]], [r["sigma"]], r["eta"], r["delta"])[0]
        rows.append({**{k: r[k] for k in ["run_id", "dataset", "depth", "eta", "delta", "component", "sigma",
                                          "lambda", "k_measured", "k_predicted"]},
                     "k_flow": k_flow, "rel_error_flow": abs(r["k_measured"] - k_flow) / k_flow,
                     "stage_width": stage_width(c["step"], c["value"] / c["target"])})  # fmt: skip
    return pd.DataFrame(rows, columns=DEPTH_COLUMNS)


def slopes(table: pd.DataFrame) -> pd.DataFrame:
    """Least-squares slope of ``ln k_measured`` on ``delta`` per (dataset, depth, eta, component) and ``1 - 2/L``."""
    rows = []
    for (ds, L, eta, comp), g in table.groupby(["dataset", "depth", "eta", "component"]):
        if g["delta"].nunique() > 1:
            expected = 1.0 - 2.0 / L if L >= 3 else 0.0
            rows.append({"dataset": ds, "depth": L, "eta": eta, "component": comp,
                         "slope": log_slope(g["delta"], g["k_measured"]), "expected": expected})  # fmt: skip
    return pd.DataFrame(rows, columns=["dataset", "depth", "eta", "component", "slope", "expected"])


def tabulate_depth(runs: pd.DataFrame, transitions: pd.DataFrame, components: pd.DataFrame, experiment: str):
    """``depth_transitions.csv`` for the runs of ``experiment`` (``transition_table``)."""
    runs = runs[runs["experiment"] == experiment]
    return transition_table(runs, transitions, components[components["run_id"].isin(runs["run_id"])])
