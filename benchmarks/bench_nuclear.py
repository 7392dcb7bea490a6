"""The minimum nuclear-norm baseline: the dual form the pipeline solves against cvxpy's primal ``normNuc``.

    python benchmarks/bench_nuclear.py [--n 30] [--solver clarabel] [--tol 1e-8]

On the default completion grid of ``config.yaml`` at size ``--n`` (its ranks and counts, seed 0: one problem per
cell, target and mask as the pipeline draws them; one small solve of each form first, untimed), times
``dmf.nuclear.min_nuclear_norm`` (the dual form, with the solver options the pipeline uses) and the primal
``min ||X||_* s.t. X_Omega = M_Omega`` by the same solver at the same tolerance, each in CPU seconds on one BLAS
thread; prints per problem both times, their ratio and both relative errors ``||X - M||_F / ||M||_F`` (equal where
the minimizer is unique), then the totals.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import scipy.linalg.cython_blas  # noqa: F401  (the BLAS: loaded before limiting threads)
import yaml
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from implicitreg.config import grid  # noqa: E402
from implicitreg.dmf import completion, nuclear  # noqa: E402
from implicitreg.io.dispatch import choose  # noqa: E402


def primal(M, mask, solver: str, tol: float) -> np.ndarray:
    """The completion by cvxpy's ``normNuc`` with equality on the mask (the dense ``2n x 2n`` SDP)."""
    import cvxpy as cp

    name, options = choose(nuclear.SOLVERS, "nuclear_solver", solver)
    rows, cols = np.nonzero(mask)
    X = cp.Variable(M.shape)
    cp.Problem(cp.Minimize(cp.normNuc(X)), [X[rows, cols] == M[rows, cols]]).solve(solver=name, **options(tol))
    return X.value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--solver", default="clarabel")
    parser.add_argument("--tol", type=float, default=1e-8)
    args = parser.parse_args()
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    exp = config["dmf_experiments"]["completion"] | {"n": args.n, "seeds": [0]}
    runs = [r for r in grid.expand_dmf_runs("completion", exp) if r.depth == exp["settings"][0]["depth"]]
    totals = np.zeros(2)
    print(f"n = {args.n}, {args.solver} at {args.tol:g}: CPU s dual | primal | ratio | error dual | error primal")
    with threadpool_limits(1):
        nuclear.min_nuclear_norm(np.eye(3), np.ones((3, 3)), args.solver, args.tol, "warm-up")  # imports, not timed
        primal(np.eye(3), np.ones((3, 3)), args.solver, args.tol)
        for run in runs:
            M, mask = completion.problem(run, exp["singular_values"][: run.rank], config["seed"])
            t = time.process_time()
            X, _ = nuclear.min_nuclear_norm(M, mask, args.solver, args.tol, run.run_id)
            t_dual = time.process_time() - t
            t = time.process_time()
            P = primal(M, mask, args.solver, args.tol)
            t_primal = time.process_time() - t
            totals += (t_dual, t_primal)
            print(f"R={run.rank} m={run.observed_entries}: {t_dual:.2f} | {t_primal:.2f} | {t_primal / t_dual:.1f} | "
                  f"{completion.relative_error(X, M):.3g} | {completion.relative_error(P, M):.3g}")  # fmt: skip
    print(f"total: {totals[0]:.1f} | {totals[1]:.1f} | {totals[1] / totals[0]:.1f}")


if __name__ == "__main__":
    main()
