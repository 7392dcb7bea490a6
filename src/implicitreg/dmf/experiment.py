"""Simulate DMF runs (``implicitreg.config.grid.DMFRun``): trajectory, stages and Hessian curvature.

``simulate_dmf_runs`` runs a shard, its trajectories in batches of the compiled kernel (``dmf.simulate_batch``);
``simulate_dmf`` runs one run through the reference per-iteration path (``dmf.simulate``); both write the same
arrays (``run_arrays``).

A DMF experiment is a grid ``rank x (depth, alpha) x seeds`` on ``n x n`` targets with singular values
``singular_values[:rank]``; each ``settings`` entry fixes one depth with its step size, iteration budget and
initialization scales. ``observed < 1`` makes it a completion task (mask drawn per run).
"""

from __future__ import annotations

import sys
import time
from dataclasses import asdict

import numpy as np

from implicitreg.config.grid import DMFRun
from implicitreg.data import seeds
from implicitreg.dmf import completion
from implicitreg.dmf import model as dmf
from implicitreg.dmf import stages as dmf_stages


class ProgressLog:
    """Progress lines of one run on ``stream`` (a job's log): at most one every ``interval`` seconds, then a summary.

    Called as ``progress(k, loss)`` by ``dmf.simulate`` at every iteration and through ``point`` after every
    curvature point; writes ``{label}: iteration k/total, loss ..., t s`` or ``{label}: curvature at ...`` only when
    ``interval`` seconds have passed since the last line. ``done`` always writes. The clock only paces the log.
    """

    def __init__(self, label: str, total: int, stream=None, interval: float = 10.0, clock=time.monotonic):
        self.label, self.total, self.interval, self.clock = label, total, interval, clock
        self.stream = sys.stderr if stream is None else stream
        self.start = self.last = clock()

    def _write(self, text: str, force: bool = False) -> None:
        now = self.clock()
        if force or now - self.last >= self.interval:
            self.last = now
            print(f"{self.label}: {text}, {now - self.start:.1f} s", file=self.stream, flush=True)

    def __call__(self, k: int, loss: float) -> None:
        self._write(f"iteration {k}/{self.total}, loss {loss:.6g}")

    def point(self, point: str, step: int, lam_min: float, lam_max: float) -> None:
        self._write(f"curvature at {point} (iteration {step}): lambda_min {lam_min:.6g}, lambda_max {lam_max:.6g}")

    def done(self, text: str) -> None:
        self._write(text, force=True)


def curvature(
    run: DMFRun,
    traj: dmf.DMFTrajectory,
    stages: dmf_stages.Stages,
    M,
    mask,
    config_seed: int,
    resolution,
    progress: ProgressLog | None = None,
):
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
        if progress is not None:
            progress.point(point, step, lo, hi)
    return rows


def problem(run: DMFRun, exp: dict, config_seed: int):
    """``(s, M, mask, factors0)`` of a run: its target singular values, target and observed mask
    (``completion.problem``: shared by every depth of a completion problem) and initial factors, each drawn from its
    own stream (``seeds.rng(config_seed, key, name)``)."""
    s = np.asarray(exp["singular_values"][: run.rank], float)
    M, mask = completion.problem(run, s, config_seed)
    F0 = dmf.init_factors(run.n, run.depth, run.alpha, seeds.rng(config_seed, run.run_id, "init"))
    return s, M, mask, F0


def trajectories(runs: list[DMFRun], problems: list, exp: dict, n_log: int, stream=None) -> list[dmf.DMFTrajectory]:
    """The GD trajectory of every run, in order: runs of equal ``(n, depth, max_steps)`` in one batch of the
    compiled kernel (``dmf.simulate_batch``), so a run's trajectory does not depend on the other runs. A line on
    ``stream`` (default ``sys.stderr``) announces each batch and one reports its time."""
    groups: dict[tuple[int, int, int], list[int]] = {}
    for i, run in enumerate(runs):
        groups.setdefault((run.n, run.depth, run.max_steps), []).append(i)
    out: list = [None] * len(runs)
    for (n, depth, max_steps), idx in groups.items():
        log = ProgressLog(f"batch n={n} depth={depth}", max_steps, stream)
        log.done(f"{len(idx)} runs of {max_steps} iterations at most")
        batch = [(problems[i][1], problems[i][2], problems[i][3], runs[i].eta) for i in idx]
        n_sv = max(exp["rank"]) + 1
        plateaus = [completion.plateau_rule(exp, problems[i][0], n_sv) for i in idx] if "plateau" in exp else None
        trajs = dmf.simulate_batch(batch, max_steps=max_steps, n_log=n_log, n_sv=n_sv, tol=exp["tol"],
                                   plateaus=plateaus)  # fmt: skip
        log.done("done")
        for i, traj in zip(idx, trajs):
            out[i] = traj
    return out


def simulate_dmf_runs(
    runs: list[DMFRun],
    exp: dict,
    config_seed: int,
    n_log: int,
    rule: dict,
    resolution: float,
    stream=None,
) -> list[dict]:
    """Simulate the runs (one shard); returns the arrays of each run file, in order (``run_arrays``).

    Progress lines (each batch, curvature points, one summary per run) go to ``stream`` (default ``sys.stderr``);
    the arrays do not depend on them.
    """
    problems = [problem(run, exp, config_seed) for run in runs]
    trajs = trajectories(runs, problems, exp, n_log, stream)
    results = []
    for run, prob, traj in zip(runs, problems, trajs):
        progress = ProgressLog(run.run_id, run.max_steps, stream)
        arrays = run_arrays(run, prob, traj, config_seed, rule, resolution, progress)
        progress.done(f"{arrays['status']} after {arrays['n_steps']} iterations, {arrays['n_stages']} stages")
        results.append(arrays)
    return results


def simulate_dmf(
    run: DMFRun,
    exp: dict,
    config_seed: int,
    n_log: int,
    rule: dict,
    resolution: float,
    progress: ProgressLog | None = None,
) -> dict:
    """Simulate one run with the reference per-iteration path ``dmf.simulate``; returns the arrays of its run
    file (``run_arrays``). ``progress`` (optional) reports iterations and curvature points to the job's log."""
    prob = problem(run, exp, config_seed)
    _, M, mask, F0 = prob
    n_sv = max(exp["rank"]) + 1
    traj = dmf.simulate(M, mask, F0, run.eta, max_steps=run.max_steps, n_log=n_log, n_sv=n_sv, tol=exp["tol"],
                        plateau=completion.plateau_rule(exp, prob[0], n_sv), progress=progress)  # fmt: skip
    return run_arrays(run, prob, traj, config_seed, rule, resolution, progress)


def run_arrays(
    run: DMFRun,
    prob: tuple,
    traj: dmf.DMFTrajectory,
    config_seed: int,
    rule: dict,
    resolution: float,
    progress: ProgressLog | None = None,
) -> dict:
    """The arrays of a run file from its problem ``(s, M, mask, factors0)`` and trajectory: stages, Hessian
    curvature (rows under ``curvature``) and the factors at every curvature point."""
    s, M, mask, F0 = prob
    stages = dmf_stages.detect_stages(traj.steps, traj.sv, s, **rule)
    curv = curvature(run, traj, stages, M, mask, config_seed, resolution, progress)
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
