"""The minimum nuclear-norm completion, the baseline of F12 and claims 16-17b (THEORY.md section 9, A19):

    min ||X||_*   subject to   X_ij = M_ij  for every observed (i, j),

a semidefinite program, solved with cvxpy's ``normNuc`` and the interior-point solver Clarabel at ``tol`` (its
absolute and relative gap and feasibility tolerances).
"""

from __future__ import annotations

import numpy as np

from implicitreg.dmf import completion

SOLVER = "CLARABEL"  # config/check.py checks before any job that cvxpy and clarabel are installed


def min_nuclear_norm(M: np.ndarray, mask: np.ndarray, tol: float, name: str) -> tuple[np.ndarray, str]:
    """The minimum nuclear-norm completion ``X`` of ``M`` observed on ``mask`` and the solver's status.

    Raises ``RuntimeError`` naming problem ``name`` when the solver does not report ``optimal``.
    """
    import cvxpy as cp

    rows, cols = np.nonzero(mask)
    X = cp.Variable(M.shape)
    prob = cp.Problem(cp.Minimize(cp.normNuc(X)), [X[rows, cols] == M[rows, cols]])
    try:
        prob.solve(solver=SOLVER, tol_gap_abs=tol, tol_gap_rel=tol, tol_feas=tol)
    except cp.error.SolverError as err:
        raise RuntimeError(f"{SOLVER} failed on the completion problem {name} (target and mask): {err}") from err
    if prob.status != cp.OPTIMAL:
        raise RuntimeError(f"{SOLVER} returned status {prob.status} on the completion problem {name} (target and mask)")
    return np.asarray(X.value), prob.status


def solve_problems(runs, experiment: dict, config_seed: int) -> list[dict]:
    """One row per distinct completion problem among ``runs`` (``config.grid.DMFRun``, first run of each problem):
    the solver's status, the largest violation ``max |X_ij - M_ij|`` on the observed entries and the end-point
    measures of the completion ``X`` (``completion.end_point``)."""
    rows, seen = [], set()
    s = experiment["singular_values"]
    for run in runs:
        pid = completion.problem_id(run.experiment, run.n, run.rank, run.observed_entries, run.seed)
        if pid in seen:
            continue
        seen.add(pid)
        M, mask = completion.problem(run, s[: run.rank], config_seed)
        X, status = min_nuclear_norm(M, mask, experiment["nuclear_tol"], pid)
        violation = float(np.abs(X - M)[mask > 0].max())
        rows.append({"problem_id": pid, "experiment": run.experiment, "n": run.n, "rank": run.rank,
                     "observed_entries": run.observed_entries, "seed": run.seed, "status": status,
                     "max_violation": violation, **completion.end_point(X, M, mask)})  # fmt: skip
    return rows
