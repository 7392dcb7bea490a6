"""The DMF gradient descent: the reference per-run path against the compiled batched kernel, on the same runs.

    python benchmarks/bench_dmf.py [--seeds 0 1] [--experiment dmf_reconstruction]

Takes the runs of a DMF experiment of ``config.yaml`` (its settings, only the given seeds) and, per depth, times

- ``per run``: ``dmf.model.simulate``, one run at a time, one numpy iteration at a time (the reference path);
- ``batched``: ``dmf.model.simulate_batch`` on all runs of that depth in one call of the compiled kernel;

their ratio, and the largest difference between the two paths over every logged loss, gradient norm, singular
value and factor (relative to the largest entry of each), ``0`` when they are the same bits. It then times the rest
of a DMF job on the batched trajectories (``experiment.run_arrays``: stages, Hessian curvature at the plateau
midpoints and the end point) and the store write, so the shares of a job's time can be read off, and Lanczos at
every curvature point with the numpy Hessian-vector products (``Hessian.matvec_reference``) against the compiled
ones (``Hessian.matvec``). The first
kernel call (loading the compiled kernel from the cache beside the sources, or compiling it) is timed apart.
BLAS runs on one thread, as in the workflow.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.linalg.cython_blas  # noqa: F401  (the BLAS the compiled kernel calls: loaded before limiting threads)
import yaml
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from implicitreg.config import grid  # noqa: E402
from implicitreg.dmf import experiment as dmfruns  # noqa: E402
from implicitreg.dmf import model as dmf  # noqa: E402
from implicitreg.io import store  # noqa: E402


def largest_difference(a: dmf.DMFTrajectory, b: dmf.DMFTrajectory) -> float:
    """The largest ``|a - b| / max|b|`` over the logged arrays and factors (inf if the logged steps differ)."""
    if a.status != b.status or not np.array_equal(a.steps, b.steps):
        return float("inf")
    pairs = [(a.loss, b.loss), (a.grad_norm, b.grad_norm), (a.sv, b.sv)]
    pairs += [(x, y) for X, Y in zip(a.factors, b.factors) for x, y in zip(X, Y)]
    return max(float(np.max(np.abs(x - y)) / np.max(np.abs(y))) for x, y in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--experiment", default="dmf_reconstruction")
    args = parser.parse_args()
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    exp = config["dmf_experiments"][args.experiment]
    runs = [r for r in grid.expand_dmf_runs(args.experiment, exp) if r.seed in args.seeds]
    kw = dict(n_log=config["n_log"], n_sv=max(exp["rank"]) + 1, tol=exp["tol"])
    problems = [dmfruns.problem(run, exp, config["seed"]) for run in runs]
    t0 = time.perf_counter()
    first = runs[0]
    dmf.simulate_batch([(*problems[0][1:], first.eta)], max_steps=1, **kw)
    print(f"first kernel call (cache load or compile): {time.perf_counter() - t0:.2f} s")
    print(f"{len(runs)} runs of {args.experiment}, seeds {args.seeds}")
    print("| depth | runs | per run (s) | batched (s) | ratio | largest difference |")
    print("| --- | --- | --- | --- | --- | --- |")
    trajs: dict[int, dmf.DMFTrajectory] = {}
    total_old = total_new = 0.0
    for depth in sorted({r.depth for r in runs}):
        idx = [i for i, r in enumerate(runs) if r.depth == depth]
        max_steps = runs[idx[0]].max_steps
        t0 = time.perf_counter()
        old = [dmf.simulate(*problems[i][1:], runs[i].eta, max_steps=max_steps, **kw) for i in idx]
        t_old = time.perf_counter() - t0
        t0 = time.perf_counter()
        new = dmf.simulate_batch([(*problems[i][1:], runs[i].eta) for i in idx], max_steps=max_steps, **kw)
        t_new = time.perf_counter() - t0
        diff = max(largest_difference(b, a) for a, b in zip(old, new))
        trajs |= dict(zip(idx, new))
        total_old, total_new = total_old + t_old, total_new + t_new
        print(f"| {depth} | {len(idx)} | {t_old:.2f} | {t_new:.2f} | {t_old / t_new:.1f} | {diff:.1e} |")
    print(f"| all | {len(runs)} | {total_old:.2f} | {total_new:.2f} | **{total_old / total_new:.1f}** | |")
    rule, resolution = config["dmf_stage_rule"], config["claims"]["dmf_curvature_resolution"]
    t0 = time.perf_counter()
    arrays = [dmfruns.run_arrays(run, problems[i], trajs[i], config["seed"], rule, resolution,
                                 dmfruns.ProgressLog(run.run_id, run.max_steps, io.StringIO()))
              for i, run in enumerate(runs)]  # fmt: skip
    t_rest = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store.write_shard(str(Path(tmp) / "shard-0-of-1.parquet"), arrays)
        t_write = time.perf_counter() - t0
    lanczos = {"reference": 0.0, "compiled": 0.0}
    for i, (run, a) in enumerate(zip(runs, arrays)):
        v0 = np.random.default_rng(i).standard_normal(run.depth * run.n * run.n)
        for step in a["curvature"][:, 0]:
            j = int(np.flatnonzero(trajs[i].steps == step)[0])
            hess = dmf.Hessian(trajs[i].factors[j], problems[i][1], problems[i][2])
            for name, matvec in (("reference", hess.matvec_reference), ("compiled", hess.matvec)):
                t0 = time.perf_counter()
                dmf.lanczos_extremes(matvec, v0, tol=resolution / 10)
                lanczos[name] += time.perf_counter() - t0
    print(f"Lanczos at every curvature point: numpy products {lanczos['reference']:.2f} s, compiled "
          f"{lanczos['compiled']:.2f} s, ratio {lanczos['reference'] / lanczos['compiled']:.1f}")  # fmt: skip
    job = total_new + t_rest + t_write
    print(f"rest of the job: stages and curvature {t_rest:.2f} s, store write {t_write:.2f} s; "
          f"shares of a batched job: GD {total_new / job:.0%}, curvature {t_rest / job:.0%}, "
          f"write {t_write / job:.0%}")  # fmt: skip


if __name__ == "__main__":
    with threadpool_limits(1):
        main()
