"""Matrix completion (THEORY.md section 9): degrees of freedom, masks by count, shared problems, effective rank,
end states, and the minimum nuclear-norm baseline."""

import numpy as np
import pytest

from implicitreg.config.grid import DMFRun
from implicitreg.data import seeds
from implicitreg.dmf import completion, nuclear
from implicitreg.dmf import model as dmf


def run(depth=2, rank=2, m=30, seed=0, n=8):
    return DMFRun("c", n, rank, depth, 1e-3, 0.1, m / n**2, seed, 100, m)


@pytest.mark.parametrize(("n", "rank"), [(5, 1), (6, 2), (7, 3)])
def test_degrees_of_freedom_is_the_dimension_of_the_rank_R_matrices(n, rank):
    """The Jacobian of ``(A, B) -> A B^T`` (``n x R`` factors) at a generic point has rank ``R (2n - R)``."""
    rng = np.random.default_rng(n)
    A, B = rng.standard_normal((n, rank)), rng.standard_normal((n, rank))
    cols = []
    for X, which in [(A, 0), (B, 1)]:
        for i in range(X.size):
            E = np.zeros(X.size)
            E[i] = 1.0
            E = E.reshape(X.shape)
            cols.append((E @ B.T if which == 0 else A @ E.T).ravel())
    assert np.linalg.matrix_rank(np.array(cols).T) == completion.degrees_of_freedom(n, rank)


def test_mask_of_count_has_exactly_that_many_entries_uniformly():
    n, count, draws = 5, 7, 4000
    rng = np.random.default_rng(1)
    masks = np.array([completion.mask_of_count(n, count, rng) for _ in range(draws)])
    assert set(masks.sum(axis=(1, 2))) == {count}
    freq = masks.mean(axis=0)  # each entry observed with probability count / n^2 = 0.28
    se = np.sqrt(0.28 * 0.72 / draws)
    assert np.all(np.abs(freq - count / n**2) < 5 * se)
    for bad in (0, n * n + 1):
        with pytest.raises(ValueError, match="observed entries"):
            completion.mask_of_count(n, bad, rng)


def test_every_depth_of_a_problem_shares_its_target_and_mask():
    s = [1.0, 0.5]
    M2, P2 = completion.problem(run(depth=2), s, 7)
    M4, P4 = completion.problem(run(depth=4), s, 7)
    assert np.array_equal(M2, M4) and np.array_equal(P2, P4) and P2.sum() == 30
    M_other, P_other = completion.problem(run(depth=2, seed=1), s, 7)
    assert not np.array_equal(M2, M_other) and not np.array_equal(P2, P_other)
    assert np.linalg.matrix_rank(M2) == 2


def test_fraction_runs_keep_their_own_streams():
    """Without observed_entries, target and mask come from the run's streams, as before the completion grid."""
    r = DMFRun("d", 6, 1, 2, 1e-3, 0.1, 0.6, 0, 100)
    M, P = completion.problem(r, [1.0], 3)
    assert np.array_equal(M, dmf.make_target(6, [1.0], seeds.rng(3, r.run_id, "target")))
    assert np.array_equal(P, dmf.make_mask(6, 0.6, seeds.rng(3, r.run_id, "mask")))
    assert "-m" not in r.run_id and "-m30-" in run().run_id


def test_effective_rank():
    rng = np.random.default_rng(2)
    U, V = np.linalg.qr(rng.standard_normal((6, 6)))[0], np.linalg.qr(rng.standard_normal((6, 6)))[0]
    equal3 = U[:, :3] @ V[:, :3].T
    assert completion.effective_rank(equal3) == pytest.approx(3.0)
    assert completion.effective_rank(5 * equal3) == pytest.approx(3.0)
    p = np.array([2.0, 1.0, 1.0]) / 4  # exp(-sum p ln p) by hand
    W = (U[:, :3] * [2.0, 1.0, 1.0]) @ V[:, :3].T
    assert completion.effective_rank(W) == pytest.approx(np.exp(-np.sum(p * np.log(p))))
    assert 1 < completion.effective_rank(W) < 3


def test_relative_error_on_a_subset():
    M = np.arange(1.0, 5.0).reshape(2, 2)
    W = M + np.array([[1.0, 0.0], [0.0, 0.0]])
    where = np.array([[1, 0], [0, 0]])
    assert completion.relative_error(W, M, where) == pytest.approx(1.0)
    assert completion.relative_error(W, M) == pytest.approx(1 / np.sqrt(30))


def test_end_state_names_runs_without_an_end_point():
    assert [completion.end_state(s) for s in ("converged", "plateau", "max_steps", "diverged")] == [
        "converged", "plateau", "stopped", "diverged"]  # fmt: skip
    with pytest.raises(KeyError):
        completion.end_state("paused")


def test_plateau_rule_scales_the_move_by_the_smallest_target_value():
    exp = {"plateau": {"fit": 1e-3, "every": 200, "still": 1e-4}}
    assert completion.plateau_rule(exp, [1.0, 0.25], 3) == dmf.Plateau(1e-3, 200, 0.25e-4, 3)
    assert completion.plateau_rule({}, [1.0], 2) is None


def test_nuclear_norm_completion_with_every_entry_observed_is_the_target():
    M = dmf.make_target(6, [1.0, 0.3], np.random.default_rng(4))
    X, status = nuclear.min_nuclear_norm(M, np.ones((6, 6)), "clarabel", 1e-8, "full")
    assert status == "optimal" and np.abs(X - M).max() < 1e-6


@pytest.mark.parametrize(("solver", "tol"), [("clarabel", 1e-8), ("scs", 1e-7)])
def test_nuclear_norm_completion_is_feasible_and_no_larger_than_the_target(solver, tol):
    """``M`` itself is feasible, so the minimum is at most ``||M||_*``; a rank-1 target observed on well over
    ``2n - 1`` entries is recovered (A19's regime)."""
    rng = np.random.default_rng(5)
    n = 10
    M = dmf.make_target(n, [1.0], rng)
    mask = completion.mask_of_count(n, 60, rng)
    X, status = nuclear.min_nuclear_norm(M, mask, solver, tol, "rank1")
    assert status == "optimal" and np.abs(X - M)[mask > 0].max() < 1e-5
    assert np.linalg.svd(X, compute_uv=False).sum() <= np.linalg.svd(M, compute_uv=False).sum() + 1e-6
    assert completion.relative_error(X, M) < 1e-4


@pytest.mark.parametrize(("count", "recovered"), [(25, False), (90, True)])
def test_the_dual_form_gives_a_minimizer_of_the_primal_normnuc_problem(count, recovered):
    """cvxpy's ``normNuc`` with equality on the mask (the primal, solved as such) has the same minimum as the
    dual's completion ``X``, which is feasible; where the target is recovered both are the target."""
    import cvxpy as cp

    rng = np.random.default_rng(8)
    n = 10
    M = dmf.make_target(n, [1.0, 0.5], rng)
    mask = completion.mask_of_count(n, count, rng)
    X, _ = nuclear.min_nuclear_norm(M, mask, "clarabel", 1e-9, "dual")
    rows, cols = np.nonzero(mask)
    P = cp.Variable((n, n))
    primal = cp.Problem(cp.Minimize(cp.normNuc(P)), [P[rows, cols] == M[rows, cols]])
    primal.solve(solver="CLARABEL")
    assert np.abs(X - M)[mask > 0].max() < 1e-7
    assert np.linalg.svd(X, compute_uv=False).sum() == pytest.approx(primal.value, rel=1e-6)
    assert (completion.relative_error(X, M) < 1e-5) == recovered
    assert (completion.relative_error(P.value, M) < 1e-5) == recovered


# a 30 x 30 mask of 45 entries on which Clarabel 0.11.1's default chordal merge (clique graph) panics with an index
# out of bounds in merge_cliques; the parent-child merge of nuclear.SOLVERS solves it
PANIC_ROWS = [
    1,
    1,
    1,
    3,
    3,
    4,
    4,
    5,
    7,
    9,
    9,
    9,
    9,
    9,
    9,
    10,
    10,
    11,
    11,
    12,
    12,
    12,
    13,
    14,
    15,
    15,
    15,
    16,
    17,
    19,
    19,
    19,
    20,
    21,
    23,
    25,
    25,
    25,
    26,
    27,
    27,
    28,
    28,
    28,
    28,
]
PANIC_COLS = [
    14,
    18,
    26,
    14,
    24,
    0,
    27,
    13,
    3,
    1,
    3,
    11,
    12,
    16,
    22,
    4,
    13,
    4,
    27,
    10,
    12,
    23,
    10,
    23,
    14,
    23,
    27,
    4,
    16,
    13,
    23,
    27,
    19,
    1,
    16,
    17,
    23,
    24,
    18,
    13,
    21,
    8,
    20,
    21,
    29,
]


def test_the_clarabel_options_solve_a_mask_the_default_chordal_merge_panics_on():
    mask = np.zeros((30, 30))
    mask[PANIC_ROWS, PANIC_COLS] = 1.0
    M = dmf.make_target(30, [1.0, 0.5, 0.25], np.random.default_rng(2))
    X, status = nuclear.min_nuclear_norm(M, mask, "clarabel", 1e-8, "panic-mask")
    assert status == "optimal" and np.abs(X - M)[mask > 0].max() < 1e-6


def test_solver_failure_names_the_problem(monkeypatch):
    monkeypatch.setitem(nuclear.SOLVERS, "clarabel", ("NO_SUCH_SOLVER", lambda tol: {}))
    with pytest.raises(RuntimeError, match="problem c-n8-R2-m30-s0"):
        nuclear.min_nuclear_norm(np.eye(3), np.ones((3, 3)), "clarabel", 1e-8, "c-n8-R2-m30-s0")


def test_an_unknown_solver_is_an_error_naming_its_key():
    with pytest.raises(ValueError, match="nuclear_solver"):
        nuclear.min_nuclear_norm(np.eye(3), np.ones((3, 3)), "mosek", 1e-8, "p")


def test_solve_problems_solves_each_problem_once():
    runs = [run(depth=d, seed=s) for d in (1, 2, 3) for s in (0, 1)]
    spec = {"singular_values": [1.0, 0.5], "nuclear_solver": "clarabel", "nuclear_tol": 1e-8}
    rows = nuclear.solve_problems(runs, spec, 11)
    assert [r["problem_id"] for r in rows] == ["c-n8-R2-m30-s0", "c-n8-R2-m30-s1"]
    for r, spec in zip(rows, runs[:2]):
        M, mask = completion.problem(spec, [1.0, 0.5], 11)
        X, _ = nuclear.min_nuclear_norm(M, mask, "clarabel", 1e-8, "again")
        assert r["error"] == pytest.approx(completion.relative_error(X, M), rel=1e-6)
        assert r["max_violation"] < 1e-6 and r["status"] == "optimal"
