"""The minimum nuclear-norm completion, the baseline of F12 and claims 16-17b (THEORY.md section 9, A19):

    min ||X||_*   subject to   X_ij = M_ij  for every observed (i, j),

a semidefinite program, solved by cvxpy in its dual form (``min_nuclear_norm``)

    max <M_Omega, Y>   subject to   [[I, Y], [Y^T, I]] >= 0  (||Y||_2 <= 1),   Y_ij = 0  off the mask,

whose multiplier ``Lambda >= 0`` of the semidefinite constraint holds the completion, ``X = -2 Lambda[:n, n:]``:
stationarity puts ``-M/2`` in ``Lambda``'s off-diagonal block on the mask, and ``tr Lambda = ||X||_*`` at the
optimum (the ``normNuc`` SDP ``[[W1, X], [X^T, W2]] >= 0`` conjugated by ``diag(I, -I)`` and halved). Any optimal
``Lambda`` gives a minimizer ``X``; where the minimizer is not unique (below recovery) the solver picks one. The
dual's semidefinite matrix is zero off the diagonal and the mask, so Clarabel decomposes it into its cliques
(chordal decomposition), far cheaper than ``normNuc``'s dense ``2n x 2n`` variable where few entries are observed
(``benchmarks/bench_nuclear.py``). The experiment's ``nuclear_solver`` (``SOLVERS``) solves it at ``nuclear_tol``:
the interior-point solver Clarabel (``tol`` its absolute and relative gap and feasibility tolerances; one thread;
cliques merged parent-child, as its default clique-graph merge panics on some masks; its memory grows fast with
``n``, benchmarks/README.md) or the first-order splitting solver SCS, A19's (``tol`` its absolute and relative
residual and gap tolerances; memory linear in the problem's size). The table records the largest violation
``max |X_ij - M_ij|`` on the mask, which the dual form does not hold at zero.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from implicitreg.dmf import completion
from implicitreg.io.dispatch import choose

# config key nuclear_solver: cvxpy's solver name and its options at tolerance tol (config/check.py checks before any
# job that cvxpy and the solvers are installed)
SOLVERS = {
    "clarabel": (
        "CLARABEL",
        lambda tol: {
            "tol_gap_abs": tol,
            "tol_gap_rel": tol,
            "tol_feas": tol,
            "max_threads": 1,
            "chordal_decomposition_merge_method": "parent_child",
        },
    ),
    "scs": ("SCS", lambda tol: {"eps_abs": tol, "eps_rel": tol, "max_iters": 1_000_000}),
}
ACCEPTED = ("optimal", "optimal_inaccurate")  # a solver's statuses with a solution (recorded in the table)


def min_nuclear_norm(M: np.ndarray, mask: np.ndarray, solver: str, tol: float, name: str) -> tuple[np.ndarray, str]:
    """The minimum nuclear-norm completion ``X`` of ``M`` observed on ``mask``, from the dual (module docstring)
    solved by ``solver`` (``SOLVERS``) at ``tol``, and the solver's status.

    Raises ``RuntimeError`` naming problem ``name`` when the solver fails or reports no solution (``ACCEPTED``).
    """
    import cvxpy as cp

    cvxpy_name, options = choose(SOLVERS, "nuclear_solver", solver)
    n = M.shape[0]
    rows, cols = np.nonzero(mask)
    y = cp.Variable(rows.size)  # Y on the mask, in row-major order
    place = sp.csr_matrix((np.ones(rows.size), (rows * n + cols, np.arange(rows.size))), shape=(n * n, rows.size))
    Y = cp.reshape(place @ y, (n, n), order="C")
    semidefinite = cp.bmat([[np.eye(n), Y], [Y.T, np.eye(n)]]) >> 0
    prob = cp.Problem(cp.Maximize(M[rows, cols] @ y), [semidefinite])
    try:
        prob.solve(solver=cvxpy_name, **options(tol))
    except cp.error.SolverError as err:
        raise RuntimeError(f"{cvxpy_name} failed on the completion problem {name} (target and mask): {err}") from err
    if prob.status not in ACCEPTED:
        raise RuntimeError(f"{cvxpy_name} returned status {prob.status} on the completion problem {name} (target and "
                           "mask)")  # fmt: skip
    return -2.0 * np.asarray(semidefinite.dual_value)[:n, n:], prob.status


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
