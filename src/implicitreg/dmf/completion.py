"""Matrix completion by deep matrix factorization (THEORY.md section 9, A19, C22): problems and end-point measures.

A completion *problem* is a target ``M`` (``n x n``, rank ``R``) and a mask of exactly ``m`` observed entries drawn
uniformly without replacement. The runs of every depth and the minimum nuclear-norm baseline of one
(experiment, ``n``, ``R``, ``m``, seed) share it: its random streams are keyed by ``problem_id``, not by the run.
"""

from __future__ import annotations

import numpy as np

from implicitreg.data import seeds
from implicitreg.dmf import model as dmf


def degrees_of_freedom(n: int, rank: int) -> int:
    """``R (2n - R)``: the dimension of the rank-``R`` ``n x n`` matrices (THEORY.md section 9)."""
    return rank * (2 * n - rank)


def mask_of_count(n: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """An ``n x n`` 0/1 mask with exactly ``count`` ones, drawn uniformly without replacement."""
    if not 1 <= count <= n * n:
        raise ValueError(f"observed entries must lie in [1, {n * n}], got {count}")
    mask = np.zeros(n * n)
    mask[rng.choice(n * n, count, replace=False)] = 1.0
    return mask.reshape(n, n)


def problem_id(experiment: str, n: int, rank: int, observed_entries: int, seed: int) -> str:
    """The name of one completion problem: shared by every depth and by the nuclear-norm baseline."""
    return f"{experiment}-n{n}-R{rank}-m{observed_entries}-s{seed}"


def problem(run, singular_values, config_seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Target ``M`` and mask of DMF run ``run`` (``config.grid.DMFRun``).

    With ``run.observed_entries > 0`` both come from the streams of its ``problem_id`` (mask of exactly that many
    entries); otherwise from the run's own streams (mask by the fraction ``run.observed``).
    """
    if run.observed_entries:
        key = problem_id(run.experiment, run.n, run.rank, run.observed_entries, run.seed)
        M = dmf.make_target(run.n, singular_values, seeds.rng(config_seed, key, "target"))
        return M, mask_of_count(run.n, run.observed_entries, seeds.rng(config_seed, key, "mask"))
    M = dmf.make_target(run.n, singular_values, seeds.rng(config_seed, run.run_id, "target"))
    return M, dmf.make_mask(run.n, run.observed, seeds.rng(config_seed, run.run_id, "mask"))


def relative_error(W: np.ndarray, M: np.ndarray, where: np.ndarray | None = None) -> float:
    """``||W - M||_F / ||M||_F``, over the entries where ``where`` is nonzero when it is given."""
    sel = np.ones(M.shape, bool) if where is None else np.asarray(where, bool)
    return float(np.linalg.norm((W - M)[sel]) / np.linalg.norm(M[sel]))


def effective_rank(W: np.ndarray) -> float:
    """``erank(W) = exp(-sum_i p_i ln p_i)``, ``p = s / sum(s)`` over the nonzero singular values ``s`` (Roy and
    Vetterli 2007; THEORY.md section 9): ``R`` for ``R`` equal singular values, between 1 and ``rank W``."""
    s = np.linalg.svd(W, compute_uv=False)
    p = s[s > 0] / s.sum()
    return float(np.exp(-np.sum(p * np.log(p))))


def end_point(W: np.ndarray, M: np.ndarray, mask: np.ndarray) -> dict:
    """The measures of an end point ``W`` of problem ``(M, mask)``: relative error on all entries and on the
    unobserved ones, effective rank and nuclear norm."""
    return {"error": relative_error(W, M), "error_unobserved": relative_error(W, M, mask == 0),
            "erank": effective_rank(W), "nuclear_norm": float(np.linalg.svd(W, compute_uv=False).sum())}  # fmt: skip


def plateau_rule(exp: dict, targets, n_sv: int) -> dmf.Plateau | None:
    """The plateau rule of a run of experiment ``exp`` with target singular values ``targets`` (``dmf.Plateau``):
    ``exp["plateau"]``'s ``fit`` and ``every``, over the top ``n_sv`` singular values, each allowed to move by
    ``still s_R`` between two tests; ``None`` when the experiment states no rule."""
    if "plateau" not in exp:
        return None
    p = exp["plateau"]
    return dmf.Plateau(p["fit"], p["every"], p["still"] * float(targets[-1]), n_sv)


def end_state(status: str) -> str:
    """Where a run ended: ``converged`` (gradient tolerance), ``plateau`` (the plateau rule, ``plateau_rule``) or
    ``stopped`` (at ``max_steps`` before either) and ``diverged``: no end point."""
    return {"converged": "converged", "plateau": "plateau", "max_steps": "stopped", "diverged": "diverged"}[status]
