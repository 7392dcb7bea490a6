"""The minimum nuclear-norm completion, the baseline of F12 and claims 16-17b (THEORY.md section 9, A19):

    min ||X||_*   subject to   X_ij = M_ij  for every observed (i, j),

a semidefinite program, solved with cvxpy's ``normNuc`` by the experiment's ``nuclear_solver`` (``SOLVERS``) at its
``nuclear_tol``: the interior-point solver Clarabel (``tol`` its absolute and relative gap and feasibility
tolerances; memory grows fast with ``n``: at ``n = 100`` it needed over 20 GB) or the first-order splitting solver
SCS, A19's (``tol`` its absolute and relative residual and gap tolerances; memory linear in the problem's size).
"""

from __future__ import annotations

import numpy as np

from implicitreg.dmf import completion
from implicitreg.io.dispatch import choose

# config key nuclear_solver: cvxpy's solver name and its options at tolerance tol (config/check.py checks before any
# job that cvxpy and the solvers are installed)
SOLVERS = {
    "clarabel": ("CLARABEL", lambda tol: {"tol_gap_abs": tol, "tol_gap_rel": tol, "tol_feas": tol}),
    "scs": ("SCS", lambda tol: {"eps_abs": tol, "eps_rel": tol, "max_iters": 1_000_000}),
}
ACCEPTED = ("optimal", "optimal_inaccurate")  # a solver's statuses with a solution (recorded in the table)


def min_nuclear_norm(M: np.ndarray, mask: np.ndarray, solver: str, tol: float, name: str) -> tuple[np.ndarray, str]:
    """The minimum nuclear-norm completion ``X`` of ``M`` observed on ``mask`` by ``solver`` (``SOLVERS``) at
    ``tol``, and the solver's status.

    Raises ``RuntimeError`` naming problem ``name`` when the solver fails or reports no solution (``ACCEPTED``).
    """
    import cvxpy as cp

    cvxpy_name, options = choose(SOLVERS, "nuclear_solver", solver)
    rows, cols = np.nonzero(mask)
    X = cp.Variable(M.shape)
    prob = cp.Problem(cp.Minimize(cp.normNuc(X)), [X[rows, cols] == M[rows, cols]])
    try:
        prob.solve(solver=cvxpy_name, **options(tol))
    except cp.error.SolverError as err:
        raise RuntimeError(f"{cvxpy_name} failed on the completion problem {name} (target and mask): {err}") from err
    if prob.status not in ACCEPTED:
        raise RuntimeError(f"{cvxpy_name} returned status {prob.status} on the completion problem {name} (target and "
                           "mask)")  # fmt: skip
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
        X, status = min_nuclear_norm(M, mask, experiment["nuclear_solver"], experiment["nuclear_tol"], pid)
        violation = float(np.abs(X - M)[mask > 0].max())
        rows.append({"problem_id": pid, "experiment": run.experiment, "n": run.n, "rank": run.rank,
                     "observed_entries": run.observed_entries, "seed": run.seed, "status": status,
                     "max_violation": violation, **completion.end_point(X, M, mask)})  # fmt: skip
    return rows
