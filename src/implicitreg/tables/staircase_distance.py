"""The vanishing-initialization limit in rescaled time (THEORY.md section 4; F4, claim 5).

Two-layer discrete GD at a fixed step size ``eta`` from ``w_i(0) = e^{-delta}``: early on
``w_i(k) ~= e^{-delta} (1 + eta sigma_i)^{2k}``, so component ``i`` rises at
``k_i ~= (delta + ln(sigma_i/lam_i)) / (2 ln(1 + eta sigma_i))``. In rescaled time ``t = eta k / delta``
this is ``t_i -> tau_i = eta / (2 ln(1 + eta sigma_i))`` as ``delta -> infinity``, and ``tau_i -> 1/(2 sigma_i)``
(the gradient-flow staircase) as ``eta -> 0``. For ``eta sigma_i <= 1/2`` the rise is monotone to the fixed
point ``sigma_i/lam_i`` (section 5), so the limit of ``w_i(k = delta t / eta)`` is the staircase

    S_i(t) = (sigma_i / lam_i) 1[t >= tau_i].

The distance of a rescaled trajectory to it (``staircase_distance``) is the mean absolute deviation of
the normalized components ``w_i / (sigma_i/lam_i)`` from ``1[t >= tau_i]`` over a fixed grid of
rescaled times on ``[0, t_max]`` and over the components: an L1 norm per unit time, 0 for an exact
staircase and at most 1 for trajectories that stay within ``[0, target]``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from implicitreg.io import files
from implicitreg.io.contract import TABLES


def staircase_times(sigma, eta: float) -> np.ndarray:
    """Rescaled step times ``tau_i = eta / (2 ln(1 + eta sigma_i))``; the flow's ``1/(2 sigma_i)`` for ``eta = 0``."""
    sigma = np.asarray(sigma, float)
    if eta == 0:
        return 1.0 / (2.0 * sigma)
    return eta / (2.0 * np.log1p(eta * sigma))


def staircase(t, sigma, eta: float) -> np.ndarray:
    """The normalized limit ``S_i(t) / (sigma_i/lam_i) = 1[t >= tau_i]``, shape ``(len(t), m)``."""
    return (np.asarray(t, float)[:, None] >= staircase_times(sigma, eta)[None, :]).astype(float)


def time_grid(t_max: float, n_grid: int) -> np.ndarray:
    """``n_grid`` evenly spaced rescaled times ``0 = t_0 < ... < t_{n_grid - 1} = t_max``."""
    return np.linspace(0.0, t_max, n_grid)


def rescaled_components(steps, values, eta: float, delta: float, t) -> np.ndarray:
    """``w_i`` at the (fractional) iteration ``k = delta t / eta``, shape ``(len(t), m)``.

    Linear interpolation between the logged iterations ``steps`` (``values`` has shape ``(len(steps), m)``);
    beyond the last logged iteration (a run that converged early) the last value is held.
    """
    k = np.asarray(t, float) * delta / eta
    values = np.asarray(values, float)
    return np.stack([np.interp(k, steps, values[:, i]) for i in range(values.shape[1])], axis=1)


def staircase_distance(steps, values, targets, sigma, eta: float, delta: float, t, limit_eta: float) -> float:
    """Distance of a rescaled two-layer trajectory to the staircase limit on the grid ``t``.

    ``D = 1/(m |t|) sum_i sum_g | w_i(delta t_g / eta) / (sigma_i/lam_i) - 1[t_g >= tau_i] |`` with
    ``tau_i = staircase_times(sigma, limit_eta)``: the discrete limit for ``limit_eta = eta``, the flow's
    staircase for ``limit_eta = 0``.
    """
    w = rescaled_components(steps, values, eta, delta, t) / np.asarray(targets, float)[None, :]
    return float(np.mean(np.abs(w - staircase(t, sigma, limit_eta))))


DISTANCE_COLUMNS = list(TABLES["staircase_limit"].columns)


def distance_table(runs: pd.DataFrame, components: pd.DataFrame, sigma: dict, t_max: float, n_grid: int):
    """One row per two-layer run: ``distance`` to the discrete limit (``tau_i`` at the run's ``eta``) and
    ``distance_flow`` to the flow staircase (``tau_i = 1/(2 sigma_i)``), both on ``time_grid(t_max, n_grid)``.

    ``runs`` is ``runs.csv`` (rows to measure), ``components`` is ``components.parquet`` and ``sigma`` maps each
    dataset to its singular values.
    """
    t = time_grid(t_max, n_grid)
    rows = []
    for run in runs[runs["model"] == "two_layer"].sort_values(["dataset", "delta"]).itertuples():
        c = components[components["run_id"] == run.run_id].pivot(index="step", columns="component")
        steps, values, targets = c.index.to_numpy(), c["value"].to_numpy(), c["target"].to_numpy()[0]
        args = (steps, values, targets, sigma[run.dataset], run.eta, run.delta, t)
        rows.append(
            {"run_id": run.run_id, "dataset": run.dataset, "eta": run.eta, "delta": run.delta, "t_max": t_max,
             "n_grid": n_grid, "distance": staircase_distance(*args, limit_eta=run.eta),
             "distance_flow": staircase_distance(*args, limit_eta=0.0)}
        )  # fmt: skip
    return pd.DataFrame(rows, columns=DISTANCE_COLUMNS)


def tabulate_staircase_distance(runs: pd.DataFrame, components: pd.DataFrame, dataset_paths, experiment: str,
                                t_max: float, n_grid: int) -> pd.DataFrame:  # fmt: skip
    """``staircase_limit.csv`` for the runs of ``experiment`` (``distance_table``), ``sigma`` from the datasets."""
    runs = runs[runs["experiment"] == experiment]
    sigma = {Path(f).stem: files.load_npz(f)["sigma"] for f in dataset_paths}
    return distance_table(runs, components, sigma, t_max, n_grid)
