"""Claim 9 and boundary 9b: the step-size regimes of THEORY.md section 5 against the F6 cells.

Below the whole-network bound ``2 sigma_1 / max_{i,k} lam_i (t_i + t_k)`` the per-mode boundaries ``eta sigma_1 =
1/2`` (monotone) and ``1`` (convergence) describe the network and the run stays on the aligned path; between that
bound and 1 they no longer do (the aligned minimum is unstable for the whole network).
"""

from __future__ import annotations

import numpy as np

from implicitreg.claims.rows import Measurement, counted, equals
from implicitreg.linear.stability import STABLE_BOUND


def claim_phase(tables: dict, config: dict) -> Measurement:
    """Claim 9: fraction of the cells below the whole-network bound or at ``eta sigma_1 >= 1`` whose observed
    regime is the predicted one, those below the bound also staying on the aligned path."""
    phase, tol = tables["phase"], config["claims"]["permode_max_rel_deviation"]
    below = phase[phase["eta_sigma1"] < phase["network_bound"]]
    beyond = phase[phase["eta_sigma1"] >= STABLE_BOUND]
    ok_below = below["agrees"] & (below["aligned_deviation"] <= tol)
    ok = np.concatenate([ok_below.to_numpy(bool), beyond["agrees"].to_numpy(bool)])
    bad = [*below[~ok_below].itertuples(), *beyond[~beyond["agrees"]].itertuples()]
    cells = "; ".join(f"{r.dataset} eta_sigma1={r.eta_sigma1:.3g} delta={r.delta:g}: {r.observed}" for r in bad)
    measured, text = counted(ok)
    metric = (f"cells in the predicted regime (below the bound also with deviation from the aligned path <= {tol:g}): "
              f"{text}; {len(below)} below the whole-network bound, {len(beyond)} at eta sigma_1 >= "
              f"{STABLE_BOUND:g}; disagreeing: {cells or 'none'}")  # fmt: skip
    return Measurement(measured, metric, equals(1))


def claim_phase_boundary(tables: dict, config: dict) -> Measurement:
    """Boundary 9b: fraction of the cells between the whole-network bound and ``eta sigma_1 = 1`` whose run leaves
    the aligned path (deviation above ``phase_left_path_deviation``)."""
    phase, left = tables["phase"], config["claims"]["phase_left_path_deviation"]
    between = phase[(phase["eta_sigma1"] >= phase["network_bound"]) & (phase["eta_sigma1"] < STABLE_BOUND)]
    leaves = between["aligned_deviation"] > left
    outcomes = ", ".join(f"{k} {v}" for k, v in between.loc[leaves, "observed"].value_counts().sort_index().items())
    bounds = ", ".join(f"{b:.3g}" for b in sorted(between["network_bound"].unique()))
    measured, text = counted(leaves)
    metric = (f"cells with bound ({bounds}) <= eta sigma_1 < {STABLE_BOUND:g} whose deviation from the aligned path "
              f"exceeds {left:g}: {text} (min deviation {between['aligned_deviation'].min():.3g}); then: "
              f"{outcomes or 'none'}")  # fmt: skip
    return Measurement(measured, metric, equals(1))
