"""F6 cells: the observed step-size regime of each two-layer run against the prediction of THEORY.md section 5
(``implicitreg.linear.stability``).

With aligned, balanced initialization each component follows ``x <- x (1 + c (1 - x))^2`` in units
of its target, ``x = w_i / (sigma_i / lam_i)``, with ``c = eta sigma_i``: ``lam_i`` only scales the
target, so the regime of a component depends on ``eta sigma_i`` alone. The map increases
monotonically to ``x = 1`` iff ``c <= 1/2`` and its fixed point is stable iff ``c < 1`` (derivative
``1 - 2c``). The whole network needs every component to do so, and ``sigma_1`` is the largest:

- ``eta sigma_1 <= 1/2``: every component increases monotonically to its target (``monotone``);
- ``1/2 < eta sigma_1 < 1``: converges, component 1 overshoots (``oscillating``);
- ``eta sigma_1 >= 1``: component 1 does not converge (``failed``: cycles, chaos, converges
  elsewhere or hits ``max_steps``; or ``diverged``).

Within the aligned subspace the prediction depends neither on ``delta`` nor on ``lam``. The whole
network is more fragile [derived]: at the balanced aligned minimum (``a_i^2 = b_i^2 = t_i = sigma_i/lam_i``)
the loss Hessian couples input mode ``i`` with hidden unit ``k`` with curvature ``lam_i (t_i + t_k)``,
so gradient descent keeps the aligned minimum stable against perturbations out of the aligned
subspace (rounding supplies them) only if ``eta max_{i,k} lam_i (t_i + t_k) < 2``. For ``lam``
constant this is ``eta sigma_1 < 1`` again; otherwise it can be much smaller
(``network_stability_bound``).
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
