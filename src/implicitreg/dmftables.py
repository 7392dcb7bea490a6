"""DMF results tables, table T4 and claims 14-15, built from DMF run files (THEORY.md section 8)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import claims

RUN_COLUMNS = [
    "run_id", "experiment", "model", "task", "n", "rank", "depth", "alpha", "eta", "observed", "seed",
    "n_steps", "status", "final_loss", "final_grad_norm", "n_stages", "one_per_stage",
]  # fmt: skip
CURVATURE_COLUMNS = ["run_id", "point", "kind", "step", "loss", "lambda_min", "lambda_max", "resolved"]


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


def claim_stages(runs: pd.DataFrame, experiment: str) -> dict:
    """Claim 14: every run of ``experiment`` passes exactly R stages, one new singular value per stage."""
    sel = runs[runs["experiment"] == experiment]
    measured = sel["one_per_stage"].mean() if len(sel) else np.nan
    bad = sel.loc[~sel["one_per_stage"].astype(bool), "run_id"].tolist()
    metric = (f"fraction of {len(sel)} runs ({experiment}: R x depth x alpha x seed) with exactly R stages, stage r "
              f"bringing singular value r" + (f"; failing: {', '.join(bad)}" if bad else ""))  # fmt: skip
    statement = "GD on a deep matrix factorization of a rank-R target passes R stages, one new singular value each"
    return claims.row(14, "C22", statement, metric, measured, 1.0, 0.0, bool(measured >= 1.0), "F10, T4")


def claim_curvature(curv: pd.DataFrame, runs: pd.DataFrame, experiment: str, end_tol: float, resolution: float):
    """Claim 15: resolved plateaus before the last: ``lambda_min < 0``; end: ``-lambda_min/lambda_max <= end_tol``."""
    c = curv[curv["run_id"].isin(runs.loc[runs["experiment"] == experiment, "run_id"])]
    sad = c[c["kind"] == "saddle_plateau"]
    res = sad[sad["resolved"]]
    n_neg = int((res["lambda_min"] < 0).sum())
    end = c[c["kind"] == "end"]
    measured = float((-end["lambda_min"] / end["lambda_max"]).max()) if len(end) else np.nan
    ok = len(res) > 0 and n_neg == len(res) and measured <= end_tol
    metric = (f"max over {len(end)} runs of -lambda_min / lambda_max at the end point; {n_neg} of {len(res)} resolved "
              f"plateaus before the last have lambda_min < 0 ({len(sad) - len(res)} below the resolution "
              f"|lambda_min| <= {resolution:g} lambda_max, not asserted); most negative plateau "
              f"lambda_min / lambda_max = {(sad['lambda_min'] / sad['lambda_max']).min():.3g}")  # fmt: skip
    statement = "Every plateau before the last is a saddle (lambda_min < 0); the end point has no negative curvature"
    return claims.row(15, "C22", statement, metric, measured, 0.0, end_tol, ok, "F10, dmf_curvature.csv")
