"""Claims 14 and 15 and boundary 14b (C22): stages and curvature of deep matrix factorization (THEORY.md section 8).

The small-initialization premise of C22: ``alpha <= dmf_small_init x s_R``, ``s_R`` the smallest target singular
value; at larger ``alpha`` consecutive stages may merge.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from implicitreg.claims.rows import Measurement, counted, equals, of_experiment
from implicitreg.data.trajectory import crossing_step


def _runs(tables: dict, config: dict) -> pd.DataFrame:
    """The dmf analysis's runs with ``s_R`` and whether they meet the small-initialization premise."""
    runs = of_experiment(tables["dmf_runs"], config, "dmf")
    s = config["dmf_experiments"][config["analyses"]["dmf"]["experiment"]]["singular_values"]
    s_R = runs["rank"].map(lambda r: s[r - 1])
    return runs.assign(s_R=s_R, small=runs["alpha"] <= config["claims"]["dmf_small_init"] * s_R)


def claim_stages(tables: dict, config: dict) -> Measurement:
    """Claim 14: fraction of runs under the small-initialization premise with exactly R stages, one new singular
    value per stage."""
    runs = _runs(tables, config)
    small = runs[runs["small"]]
    bad = small.loc[~small["one_per_stage"].astype(bool), "run_id"].tolist()
    measured, text = counted(small["one_per_stage"].astype(bool))
    metric = (f"runs with exactly R stages, stage r bringing singular value r: {text} of the runs with alpha <= "
              f"{config['claims']['dmf_small_init']:g} s_R ({len(runs)} runs in all)"
              + (f"; failing: {', '.join(bad)}" if bad else ""))  # fmt: skip
    return Measurement(measured, metric, equals(1))


def half_crossings_in_order(trajectory: pd.DataFrame, targets) -> bool:
    """Singular value ``r`` first reaches half its target ``s_r`` strictly after singular value ``r - 1``, for
    every ``r`` (linear interpolation between logged steps; a value that never does is out of order)."""
    k = [crossing_step(trajectory["step"], trajectory[f"sv_{r}"], s / 2) for r, s in enumerate(targets, 1)]
    return bool(np.all(np.isfinite(k)) and np.all(np.diff(k) > 0))


def claim_stages_boundary(tables: dict, config: dict) -> Measurement:
    """Boundary 14b: fraction of every run of the dmf analysis whose singular values cross half their targets in
    order; the runs outside the small-initialization premise where stages merge are named."""
    runs = _runs(tables, config)
    traj = tables["dmf_trajectories"]
    s = config["dmf_experiments"][config["analyses"]["dmf"]["experiment"]]["singular_values"]
    ok = [half_crossings_in_order(traj[traj["run_id"] == r.run_id], s[: r.rank]) for r in runs.itertuples()]
    merged = ", ".join(runs.loc[~runs["small"] & ~runs["one_per_stage"].astype(bool), "run_id"]) or "none"
    measured, text = counted(ok)
    metric = (f"runs whose singular values cross half their targets in order: {text}; outside the premise with "
              f"merged stages: {merged}")  # fmt: skip
    return Measurement(measured, metric, equals(1))


def claim_curvature(tables: dict, config: dict) -> Measurement:
    """Claim 15: fraction of runs whose resolved plateaus before the last have ``lambda_min < 0`` and whose end point
    has ``-lambda_min / lambda_max <= dmf_end_curvature``; the end point's gradient norm relative to its start and
    the runs' statuses are reported (a run stopped at ``max_steps`` has a stalled, not a critical, end point)."""
    c = config["claims"]
    runs = _runs(tables, config)
    curv = tables["dmf_curvature"]
    curv = curv[curv["run_id"].isin(runs["run_id"])]
    sad = curv[(curv["kind"] == "saddle_plateau") & curv["resolved"].astype(bool)]
    saddles_ok = (sad["lambda_min"] < 0).groupby(sad["run_id"]).all()
    end = curv[curv["kind"] == "end"].set_index("run_id")
    end_ratio = -end["lambda_min"] / end["lambda_max"]
    ok = [saddles_ok.get(r, True) and end_ratio.get(r, np.inf) <= c["dmf_end_curvature"] for r in runs["run_id"]]
    traj = tables["dmf_trajectories"]
    start = traj.sort_values("step").groupby("run_id")["grad_norm"].first()
    grad_ratio = runs.set_index("run_id")["final_grad_norm"] / start.reindex(runs["run_id"]).to_numpy()
    statuses = ", ".join(f"{k} {v}" for k, v in runs["status"].value_counts().sort_index().items())
    unresolved = int((curv["kind"] == "saddle_plateau").sum()) - len(sad)
    measured, text = counted(ok)
    metric = (f"runs with both: {text}; {int((sad['lambda_min'] < 0).sum())} of {len(sad)} resolved plateaus "
              f"before the last with lambda_min < 0 ({unresolved} below the resolution "
              f"{c['dmf_curvature_resolution']:g} lambda_max, not asserted); end point -lambda_min / lambda_max max "
              f"{end_ratio.max():.3g} against {c['dmf_end_curvature']:g}; end gradient norm / start "
              f"{grad_ratio.min():.2g} to {grad_ratio.max():.2g}; runs {statuses}")  # fmt: skip
    return Measurement(measured, metric, equals(1))
