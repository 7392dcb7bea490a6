"""F6 cells: the observed step-size regime of each two-layer run against the prediction of THEORY.md section 5
(``implicitreg.linear.stability``: monotone iff ``eta sigma_1 <= 1/2``, converging with oscillation below 1, no
convergence at or above 1, and the whole-network bound ``network_stability_bound``).

A run's regime is read from its every-iteration trajectory in units of the targets, ``x_i = w_i / (sigma_i/lam_i)``
(``trajectory_measures``, ``classify``); ``aligned_deviation`` says whether it left the aligned subspace.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from implicitreg.io.contract import TABLES
from implicitreg.linear.stability import network_stability_bound, predicted_regime

OBSERVED = ("monotone", "oscillating", "failed", "diverged")
NO_CONVERGENCE = ("failed", "diverged")
PHASE_COLUMNS = list(TABLES["phase"].columns)


def agrees(observed, predicted) -> np.ndarray:
    """The observed class lies on the predicted side (``failed`` and ``diverged`` both mean no convergence)."""
    observed, predicted = np.asarray(observed), np.asarray(predicted)
    return np.where(predicted == "no convergence", np.isin(observed, NO_CONVERGENCE), observed == predicted)


def trajectory_measures(steps, values, targets) -> dict:
    """Overshoot, largest decrease and final error of ``x_i(k) = values[k, i] / targets[i]``.

    ``overshoot = max_{k,i} (x_i(k) - 1)``, ``max_decrease = max_{k,i} (x_i(k) - x_i(k+1))`` and
    ``final_error = max_i |x_i(K) - 1|``. Needs every iteration logged (``steps = 0, 1, ..., K``):
    a decrease between two unlogged iterations would otherwise go unseen.
    """
    steps = np.asarray(steps)
    if steps[0] != 0 or np.any(np.diff(steps) != 1):
        raise ValueError("classification needs every iteration logged (set the experiment's n_log > max_steps)")
    x = np.asarray(values, float) / np.asarray(targets, float)
    decrease = np.max(x[:-1] - x[1:]) if len(x) > 1 else 0.0
    return {"overshoot": float(np.max(x - 1.0)), "max_decrease": float(decrease),
            "final_error": float(np.max(np.abs(x[-1] - 1.0)))}  # fmt: skip


def classify(status: str, measures: dict, rtol: float, final_tol: float = 1e-6) -> str:
    """``diverged`` (status), ``failed`` (ends farther than ``final_tol`` from a target, in units of it: cycles, chaos,
    a wrong limit), else ``monotone`` if no component overshoots or decreases by more than ``rtol``, else
    ``oscillating``. A run that ends at its targets has converged, whether it stopped on the gradient tolerance or
    ran on to ``max_steps`` (``tol: 0``, to see whether it leaves the aligned path)."""
    if status == "diverged":
        return "diverged"
    if measures["final_error"] > final_tol:
        return "failed"
    if measures["overshoot"] <= rtol and measures["max_decrease"] <= rtol:
        return "monotone"
    return "oscillating"


def phase_table(
    runs: pd.DataFrame, components: pd.DataFrame, permode: pd.DataFrame, spectra: dict, rtol: float
) -> pd.DataFrame:
    """One row per run: its measures, observed class, predicted class and whether they agree.

    ``runs`` are the rows of ``runs.csv`` to classify; ``components`` the tidy trajectories;
    ``permode`` the deviation from the per-mode recursion (``aligned_deviation``: did the run leave
    the aligned subspace?); ``spectra[dataset] = (lam, sigma)`` give ``eta_sigma1 = eta sigma_1`` and
    ``network_bound`` (``network_stability_bound``).
    """
    comps = components[components["run_id"].isin(runs["run_id"])]
    deviation = permode.set_index("run_id")["max_rel_deviation"]
    rows = []
    for run in runs.itertuples(index=False):
        c = comps[comps["run_id"] == run.run_id]
        wide = c.pivot(index="step", columns="component", values="value")
        targets = c.groupby("component")["target"].first().loc[wide.columns].to_numpy()
        measures = trajectory_measures(wide.index.to_numpy(), wide.to_numpy(), targets)
        lam, sigma = spectra[run.dataset]
        eta_sigma1 = run.eta * max(sigma)
        observed = classify(run.status, measures, rtol)
        predicted = str(predicted_regime(eta_sigma1))
        rows.append({"run_id": run.run_id, "dataset": run.dataset, "eta": run.eta, "delta": run.delta,
                     "eta_sigma1": eta_sigma1, "status": run.status, "n_steps": run.n_steps, **measures,
                     "observed": observed, "predicted": predicted,
                     "agrees": bool(agrees(observed, predicted)),
                     "network_bound": network_stability_bound(lam, sigma),
                     "aligned_deviation": deviation.get(run.run_id, np.nan)})  # fmt: skip
    return pd.DataFrame(rows, columns=PHASE_COLUMNS)


def tabulate_phase(runs: pd.DataFrame, components: pd.DataFrame, permode: pd.DataFrame, experiment: str,
                   datasets: dict, rtol: float) -> pd.DataFrame:  # fmt: skip
    """``phase_diagram.csv``: the two-layer runs of ``experiment`` classified (``phase_table``)."""
    runs = runs[(runs["experiment"] == experiment) & (runs["model"] == "two_layer")]
    components = components[components["run_id"].isin(runs["run_id"])].reset_index(drop=True)
    spectra = {name: (spec["lam"], spec["sigma"]) for name, spec in datasets.items()}
    return phase_table(runs, components, permode, spectra, rtol)
