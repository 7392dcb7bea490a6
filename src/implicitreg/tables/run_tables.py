"""Rows of the results-contract tables, built from one run file and its dataset.

- ``runs.csv``: one row per run (``run_row``);
- ``components.parquet``: ``value = u_i^T W v_i`` and ``target = sigma_i / lam_i`` per logged step;
- ``transition_times.csv``: first ``k`` with ``value >= target / 2`` against THEORY.md section 4;
- ``T1_transition_errors.csv``: median and max ``rel_error`` per setting (``t1_table``);
- ``permode_deviation.csv``: ``max_k ||W(k) - U diag(w(k)) V^T||_F / ||U diag(w(k)) V^T||_F`` against the
  per-mode recursion (THEORY.md section 3), for aligned runs on exactly commuting datasets.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from implicitreg.data.spectra import Dataset
from implicitreg.io import files
from implicitreg.io.contract import TABLES
from implicitreg.linear import metrics, theory

RUN_COLUMNS = list(TABLES["runs"].columns)
COMPONENT_COLUMNS = list(TABLES["components"].columns)
TRANSITION_COLUMNS = list(TABLES["transitions"].columns)
PERMODE_COLUMNS = list(TABLES["permode"].columns)


def scalar(arrays: dict, key: str):
    return arrays[key].item()


def run_id(arrays: dict) -> str:
    return str(scalar(arrays, "run_id"))


def run_row(arrays: dict) -> dict:
    """One row of ``runs.csv``; ``width`` is empty for the linear model, which has no hidden layer."""
    row = {c: scalar(arrays, c) for c in RUN_COLUMNS if c in arrays}
    row["width"] = row["width"] if row["depth"] > 1 else pd.NA
    row["final_loss"] = float(arrays["loss"][-1]) if arrays["loss"].size else np.nan  # diverged before any log
    return {c: row[c] for c in RUN_COLUMNS}


def component_frame(arrays: dict, data: Dataset) -> pd.DataFrame:
    """Tidy ``(run_id, step, component, value, target)`` for every logged step and component."""
    m = data.sigma.size
    values = metrics.components(arrays["W"], data.U, data.V, m)
    steps = arrays["steps"]
    return pd.DataFrame(
        {
            "run_id": run_id(arrays),
            "step": np.repeat(steps, m),
            "component": np.tile(np.arange(1, m + 1), steps.size),
            "value": values.ravel(),
            "target": np.tile(data.sigma / data.lam[:m], steps.size),
        }
    )


def transition_frame(arrays: dict, data: Dataset) -> pd.DataFrame:
    """Measured (exact, from the simulation) and predicted transition iterations of every crossed component.

    Components with ``sigma_i = 0`` (a low-rank teacher) have no transition and no row.
    """
    m = data.sigma.size
    lam, sigma = data.lam[:m], data.sigma
    depth, eta, delta = scalar(arrays, "depth"), scalar(arrays, "eta"), scalar(arrays, "delta")
    with np.errstate(divide="ignore", invalid="ignore"):
        k_pred = theory.predicted_transition(depth, lam, sigma, eta, delta)
        k_meas = arrays["k_cross"].astype(float)
        rel_error = np.abs(k_meas - k_pred) / k_pred
    df = pd.DataFrame(
        {
            "run_id": run_id(arrays),
            "component": np.arange(1, m + 1),
            "sigma": sigma,
            "lambda": lam,
            "k_measured": arrays["k_cross"],
            "k_predicted": k_pred,
            "rel_error": rel_error,
        }
    )
    return df[(df["k_measured"] >= 0) & (df["sigma"] > 0)]


def permode_deviation(arrays: dict, data: Dataset) -> float:
    """Max relative deviation of the logged full-matrix ``W(k)`` from ``U diag(w(k)) V^T`` (per-mode recursion);
    NaN for a run that logged nothing (diverged at step 0)."""
    m = data.sigma.size
    depth, width = scalar(arrays, "depth"), scalar(arrays, "width")
    w0 = np.where(np.arange(m) < (m if depth == 1 else min(width, m)), np.exp(-scalar(arrays, "delta")), 0.0)
    steps = arrays["steps"]
    if steps.size == 0:  # diverged at step 0: nothing to compare
        return np.nan
    w = theory.per_mode(data.lam[:m], data.sigma, scalar(arrays, "eta"), w0, depth, int(steps[-1]))[steps]
    W_ref = metrics.aligned_map(w, data.U, data.V)
    return float(np.max(metrics.relative_deviation(arrays["W"], W_ref)))


def exactly_commuting(dataset_specs: dict) -> set[str]:
    """Datasets whose covariances commute exactly (THEORY.md section 3): not sampled, not rotated."""
    return {name for name, spec in dataset_specs.items() if spec["kind"] != "sampled" and not spec.get("epsilon")}


def tabulate_runs(run_paths, dataset_paths, dataset_specs: dict) -> dict[str, pd.DataFrame]:
    """``runs``, ``components``, ``transitions`` and ``permode`` from every run file.

    The per-mode check counts aligned full-matrix runs on exactly commuting datasets (claim 1 needs full-matrix
    runs: ``method: per_mode`` runs are the recursion itself).
    """
    datasets = {Path(f).stem: Dataset.from_arrays(files.load_npz(f)) for f in dataset_paths}
    exact = exactly_commuting(dataset_specs)
    runs, comps, trans, permode = [], [], [], []
    for path in run_paths:
        arrays = files.load_npz(path)
        data = datasets[scalar(arrays, "dataset")]
        runs.append(run_row(arrays))
        comps.append(component_frame(arrays, data))
        trans.append(transition_frame(arrays, data))
        per_mode = "method" in arrays and scalar(arrays, "method") == "per_mode"
        if scalar(arrays, "init") == "aligned" and scalar(arrays, "dataset") in exact and not per_mode:
            permode.append({"run_id": run_id(arrays), "max_rel_deviation": permode_deviation(arrays, data)})
    return {
        "runs": pd.DataFrame(runs, columns=RUN_COLUMNS),
        "components": pd.concat(comps, ignore_index=True),
        "transitions": pd.concat(trans, ignore_index=True)[TRANSITION_COLUMNS],
        "permode": pd.DataFrame(permode, columns=PERMODE_COLUMNS),
    }


def t1_table(runs: pd.DataFrame, transitions: pd.DataFrame, experiment: str) -> pd.DataFrame:
    """T1: ``rel_error`` median, max and count per (model, dataset, eta, delta) of ``experiment``."""
    t = transitions.merge(runs, on="run_id")
    t = t[t["experiment"] == experiment]
    return (
        t.groupby(["model", "dataset", "eta", "delta"])["rel_error"]
        .agg(median="median", max="max", n="count")
        .reset_index()
        .rename(columns={"median": "rel_error_median", "max": "rel_error_max", "n": "n_transitions"})
    )


def merge_run_tables(parts: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """The run tables of every experiment, concatenated in order (each experiment's from ``tabulate_runs``)."""
    columns = {"runs": RUN_COLUMNS, "components": COMPONENT_COLUMNS, "transitions": TRANSITION_COLUMNS,
               "permode": PERMODE_COLUMNS}  # fmt: skip
    merged = {}
    for name, cols in columns.items():
        frames = [p[name] for p in parts if len(p[name])]  # an empty part would turn its columns' dtypes to object
        merged[name] = pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)
    return merged
