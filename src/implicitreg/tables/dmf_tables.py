"""DMF results tables and table T4, built from DMF run files (THEORY.md section 8)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from implicitreg.io.contract import TABLES

RUN_COLUMNS = list(TABLES["dmf_runs"].columns)
CURVATURE_COLUMNS = list(TABLES["dmf_curvature"].columns)


def scalar(arrays: dict, key: str):
    return arrays[key].item()


def run_row(arrays: dict) -> dict:
    row = {c: scalar(arrays, c) for c in RUN_COLUMNS if c in arrays and arrays[c].ndim == 0}
    row |= {"final_loss": float(arrays["loss"][-1]), "final_grad_norm": float(arrays["grad_norm"][-1])}
    return {c: row[c] for c in RUN_COLUMNS}


def trajectory_frame(arrays: dict) -> pd.DataFrame:
    """``run_id, step, loss, grad_norm, sv_1 .. sv_K`` at every logged iteration."""
    df = pd.DataFrame({"run_id": scalar(arrays, "run_id"), "step": arrays["steps"], "loss": arrays["loss"],
                       "grad_norm": arrays["grad_norm"]})  # fmt: skip
    for r in range(arrays["sv"].shape[1]):
        df[f"sv_{r + 1}"] = arrays["sv"][:, r]
    return df


def stage_frame(arrays: dict) -> pd.DataFrame:
    """One row per detected stage: which singular values rose, and the iterations ``[k_start, k_end]``."""
    bounds = arrays["stage_bounds"]
    return pd.DataFrame({"run_id": scalar(arrays, "run_id"), "stage": np.arange(1, len(bounds) + 1),
                         "singular_values": arrays["stage_values"], "k_start": bounds[:, 0],
                         "k_end": bounds[:, 1]})  # fmt: skip


def curvature_frame(arrays: dict, resolution: float) -> pd.DataFrame:
    """Hessian extremes per point; ``kind``: ``saddle_plateau`` (all but the last plateau), ``final_plateau``, ``end``.

    ``resolved`` is ``|lambda_min| > resolution * lambda_max``: below it, the sign is not asserted.
    """
    points = [str(p) for p in arrays["curvature_points"]]
    n_plateaus = sum(p.startswith("plateau_") for p in points)
    kind = ["end" if p == "end" else "final_plateau" if p == f"plateau_{n_plateaus - 1}" else "saddle_plateau"
            for p in points]  # fmt: skip
    c = arrays["curvature"]
    return pd.DataFrame({"run_id": scalar(arrays, "run_id"), "point": points, "kind": kind, "step": c[:, 0].astype(int),
                         "loss": c[:, 1], "lambda_min": c[:, 2], "lambda_max": c[:, 3],
                         "resolved": np.abs(c[:, 2]) > resolution * np.abs(c[:, 3])})  # fmt: skip


def table_t4(runs: pd.DataFrame) -> pd.DataFrame:
    """T4: stages detected against ``rank`` for every (experiment, depth, alpha): range and exact fraction."""
    g = runs.groupby(["experiment", "task", "depth", "alpha", "rank"])
    t4 = g.agg(runs=("run_id", "count"), stages_min=("n_stages", "min"), stages_max=("n_stages", "max"),
               exact_fraction=("one_per_stage", "mean"))  # fmt: skip
    return t4.reset_index()


def tabulate_dmf(runs, resolution: float) -> dict[str, pd.DataFrame]:
    """``dmf_runs``, ``dmf_trajectories``, ``dmf_stages``, ``dmf_curvature`` and ``T4`` from every DMF run (dicts of
    arrays, in order)."""
    rows, trajectories, stages, curvature = [], [], [], []
    for arrays in runs:
        rows.append(run_row(arrays))
        trajectories.append(trajectory_frame(arrays))
        stages.append(stage_frame(arrays))
        curvature.append(curvature_frame(arrays, resolution))
    runs = pd.DataFrame(rows, columns=RUN_COLUMNS)
    return {
        "dmf_runs": runs,
        "dmf_trajectories": pd.concat(trajectories, ignore_index=True),
        "dmf_stages": pd.concat(stages, ignore_index=True),
        "dmf_curvature": pd.concat(curvature, ignore_index=True)[CURVATURE_COLUMNS],
        "T4": table_t4(runs),
    }
