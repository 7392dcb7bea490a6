"""Simulate one DMF run (``implicitreg.config.grid.DMFRun``): trajectory, stages and Hessian curvature.

A DMF experiment is a grid ``rank x (depth, alpha) x seeds`` on ``n x n`` targets with singular values
``singular_values[:rank]``; each ``settings`` entry fixes one depth with its step size, iteration budget and
initialization scales. ``observed < 1`` makes it a completion task (mask drawn per run).
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np

from implicitreg.config.grid import DMFRun
from implicitreg.data import seeds
from implicitreg.dmf import model as dmf
from implicitreg.dmf import stages as dmf_stages


def curvature(run: DMFRun, traj: dmf.DMFTrajectory, stages: dmf_stages.Stages, M, mask, config_seed: int, resolution):
    """Minimum and maximum Hessian eigenvalue at every plateau midpoint and at the end point.

    ``resolved`` is False when ``|lambda_min| <= resolution * lambda_max``: the sign is then not asserted.
    """
    points = [(f"plateau_{i}", mid) for i, (_, _, mid) in enumerate(stages.plateaus)]
    points.append(("end", int(traj.steps[-1])))
    v0 = seeds.rng(config_seed, run.run_id, "lanczos").standard_normal(run.depth * run.n * run.n)
    rows = []
    for point, step in points:
        j = int(np.flatnonzero(traj.steps == step)[0])
        lo, hi = dmf.extreme_eigenvalues(traj.factors[j], M, mask, tol=resolution / 10, seed_vector=v0)
        rows.append({"run_id": run.run_id, "point": point, "step": step, "loss": float(traj.loss[j]),
                     "lambda_min": lo, "lambda_max": hi, "resolved": abs(lo) > resolution * abs(hi)})  # fmt: skip
    return rows


def simulate_dmf(run: DMFRun, exp: dict, config_seed: int, n_log: int, rule: dict, resolution: float) -> dict:
    """Simulate one run; returns the arrays of its run file (curvature rows under ``curvature``)."""
    s = np.asarray(exp["singular_values"][: run.rank], float)
    M = dmf.make_target(run.n, s, seeds.rng(config_seed, run.run_id, "target"))
    mask = dmf.make_mask(run.n, run.observed, seeds.rng(config_seed, run.run_id, "mask"))
    F0 = dmf.init_factors(run.n, run.depth, run.alpha, seeds.rng(config_seed, run.run_id, "init"))
    traj = dmf.simulate(M, mask, F0, run.eta, max_steps=run.max_steps, n_log=n_log,
                        n_sv=max(exp["rank"]) + 1, tol=exp["tol"])  # fmt: skip
    stages = dmf_stages.detect_stages(traj.steps, traj.sv, s, **rule)
    curv = curvature(run, traj, stages, M, mask, config_seed, resolution)
    meta = asdict(run) | {"run_id": run.run_id, "model": "dmf", "task": run.task, "status": traj.status,
                          "n_steps": traj.n_steps}  # fmt: skip
    arrays = {k: np.asarray(v) for k, v in meta.items()}
    arrays |= {"M": M, "mask": mask, "singular_values": s, "steps": traj.steps, "loss": traj.loss,
               "grad_norm": traj.grad_norm, "sv": traj.sv,
               "plateaus": np.array(stages.plateaus, int).reshape(-1, 3),
               "stage_bounds": np.array([(a, b) for _, a, b in stages.stages], float).reshape(-1, 2),
               "stage_values": np.array([",".join(map(str, v)) for v, _, _ in stages.stages], dtype=str),
               "n_stages": np.asarray(stages.n_stages),
               "one_per_stage": np.asarray(dmf_stages.one_new_value_per_stage(stages, run.rank))}  # fmt: skip
    arrays |= {f"W0_{j}": f for j, f in enumerate(F0)} | {f"Wfinal_{j}": f for j, f in enumerate(traj.factors[-1])}
    for c in curv:
        j = int(np.flatnonzero(traj.steps == c["step"])[0])
        arrays |= {f"{c['point']}_W{i}": f for i, f in enumerate(traj.factors[j])}
    arrays["curvature"] = np.array([[c["step"], c["loss"], c["lambda_min"], c["lambda_max"]] for c in curv])
    arrays["curvature_points"] = np.array([c["point"] for c in curv])
    return arrays
