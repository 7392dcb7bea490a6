"""Step-size regimes of the two-layer network (THEORY.md section 5), observed and predicted.

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

MONOTONE_BOUND = 0.5  # eta sigma_1 <= this: monotone
STABLE_BOUND = 1.0  # eta sigma_1 < this: converges
OBSERVED = ("monotone", "oscillating", "failed", "diverged")
NO_CONVERGENCE = ("failed", "diverged")
PHASE_COLUMNS = [
    "run_id", "dataset", "eta", "delta", "eta_sigma1", "status", "n_steps", "overshoot", "max_decrease",
    "final_error", "observed", "predicted", "agrees", "network_bound", "aligned_deviation",
]  # fmt: skip


def predicted_regime(eta_sigma1) -> np.ndarray:
    """``monotone`` (``eta sigma_1 <= 1/2``), ``oscillating`` (``< 1``) or ``no convergence``."""
    x = np.asarray(eta_sigma1, float)
    return np.where(x <= MONOTONE_BOUND, "monotone", np.where(x < STABLE_BOUND, "oscillating", "no convergence"))


def agrees(observed, predicted) -> np.ndarray:
    """The observed class lies on the predicted side (``failed`` and ``diverged`` both mean no convergence)."""
    observed, predicted = np.asarray(observed), np.asarray(predicted)
    return np.where(predicted == "no convergence", np.isin(observed, NO_CONVERGENCE), observed == predicted)


def network_stability_bound(lam, sigma) -> float:
    """``eta sigma_1`` at which the balanced aligned minimum of the two-layer network loses stability.

    ``2 sigma_1 / max_{i,k} lam_i (t_i + t_k)`` with ``t_i = sigma_i / lam_i`` (``t_i = 0`` for input
    modes ``i > m``, which have no hidden unit), ``k`` over the ``m`` learned components: the largest
    Hessian eigenvalue at the minimum is ``max_{i,k} lam_i (t_i + t_k)`` and GD is stable below ``2/eta``.
    """
    lam, sigma = np.asarray(lam, float), np.asarray(sigma, float)
    m = sigma.size
    t = np.zeros(lam.size)
    t[:m] = sigma / lam[:m]
    curvature = lam[:, None] * (t[:, None] + t[None, :m])
    return float(2.0 * sigma.max() / curvature.max())


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
    """``diverged`` (status), ``failed`` (not converged, or converged away from the targets), else
    ``monotone`` if no component overshoots or decreases by more than ``rtol`` (in units of its target),
    else ``oscillating``."""
    if status == "diverged":
        return "diverged"
    if status != "converged" or measures["final_error"] > final_tol:
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


def below_bound(runs: pd.DataFrame, sigma_1: dict, bound: float, inclusive: bool) -> pd.Series:
    """Runs with ``eta sigma_1 <= bound`` (``inclusive``) or ``< bound``: inside a regime of section 5."""
    x = runs["eta"] * runs["dataset"].map(sigma_1)
    return x <= bound if inclusive else x < bound
