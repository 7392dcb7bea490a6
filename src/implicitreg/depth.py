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
from scipy.integrate import quad

from . import claims, theory


def flow_half_crossing(lam: float, sigma: float, delta: float, depth: int) -> float:
    """Exact half-crossing time ``t_half`` of the depth-``L`` per-mode flow (``L >= 3``), see the module docstring."""
    if depth < 3:
        raise ValueError(f"flow_half_crossing needs depth >= 3, got {depth}")
    L = depth
    a0 = np.exp(-delta / L)
    ah = (sigma / (2.0 * lam)) ** (1.0 / L)
    if a0 >= ah:
        return 0.0
    head = (a0 ** (2 - L) - ah ** (2 - L)) / ((L - 2) * sigma)
    tail, _ = quad(lambda a: a / (sigma - lam * a**L), a0, ah, epsabs=0.0, epsrel=1e-12)
    return float(head + lam / sigma * tail)


def flow_transition(depth: int, lam, sigma, eta: float, delta: float) -> np.ndarray:
    """Refined prediction of the transition iteration for ``L >= 3``: ``k_i ~= t_half(lam_i, sigma_i) / eta``."""
    return np.array([flow_half_crossing(lm, s, delta, depth) / eta for lm, s in zip(lam, sigma)])


def log_slope(delta, k) -> float:
    """Least-squares slope of ``ln k`` on ``delta``: ``1 - 2/L`` under the polynomial law, 0 for a logarithmic one."""
    return float(np.polyfit(np.asarray(delta, float), np.log(np.asarray(k, float)), 1)[0])


def crossing_step(steps, values, level: float) -> float:
    """First iteration where ``values`` reaches ``level``, linearly interpolated between logged steps (NaN if never)."""
    steps, values = np.asarray(steps, float), np.asarray(values, float)
    hit = np.flatnonzero(values >= level)
    if hit.size == 0:
        return float("nan")
    j = hit[0]
    if j == 0:
        return float(steps[0])
    v0, v1 = values[j - 1], values[j]
    return float(steps[j - 1] + (level - v0) / (v1 - v0) * (steps[j] - steps[j - 1]))


def stage_width(steps, ratio) -> float:
    """Sharpness of one stage: ``ln(k_90 / k_10)``, where ``ratio = w_i / target_i`` first reaches 0.9 and 0.1.

    Dimensionless; smaller is sharper. For the two-layer flow it is ``ln(1 + ln 81 / (delta + ln(sigma/lam)))``
    to first order (the logistic of section 3); deeper networks escape faster than exponentially.
    """
    k10, k90 = crossing_step(steps, ratio, 0.1), crossing_step(steps, ratio, 0.9)
    return float(np.log(k90 / k10)) if k10 > 0 else float("nan")


DEPTH_COLUMNS = [
    "run_id", "dataset", "depth", "eta", "delta", "component", "sigma", "lambda",
    "k_measured", "k_predicted", "k_flow", "rel_error_flow", "stage_width",
]  # fmt: skip


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


def claim_polynomial_law(table: pd.DataFrame, tol: float) -> dict:
    """Claim 13: for ``L >= 3`` the slope of ``ln k`` on ``delta`` is ``1 - 2/L`` within relative ``tol``."""
    s = slopes(table)
    s = s[s["depth"] >= 3]
    dev = (s["slope"] / s["expected"] - 1.0).abs()
    measured = dev.max() if len(s) else np.nan
    median_flow = table.loc[table["depth"] >= 3, "rel_error_flow"].median()
    metric = (f"max over {len(s)} (depth >= 3, component) of |slope of ln k_measured on delta / (1 - 2/L) - 1| "
              f"over {table['delta'].nunique()} delta; median rel_error against the exact flow half-crossing "
              f"{median_flow:.3g}")  # fmt: skip
    statement = "Transition iterations of depth L >= 3 grow like e^{delta (1 - 2/L)} (polynomial law, section 4)"
    passed = bool(measured <= tol)
    return claims.row(13, "beyond", statement, metric, measured, 0.0, tol, passed, "F9, depth_transitions.csv")
