"""The two-layer GD path against reduced-rank regression (THEORY.md section 6; F5, T2, claims 7 and 8).

Along a logged path ``W(k)`` we measure the relative distance to each candidate map ``C_j``:

    dist_j(k) = ||W(k) - C_j||_F / ||C_j||_F,       j = 1..m,

for two families of candidates: the RRR solutions ``W_j = Sigma_x^{-1/2} [T]_j`` (``linear.rrr.rrr_solutions``) and the
top-j-by-sigma maps ``P_j = U diag(w^(j)) V^T`` with ``w^(j)_i = sigma_i/lam_i`` for the ``j`` largest
``sigma_i`` and 0 otherwise (what the GD plateaus keep, section 4). Under the commuting assumption the two
agree for every ``j`` iff the orders of ``sigma_i`` and ``sigma_i / sqrt(lam_i)`` agree.

Plateaus are found from the path alone, without reference to either family: with the measured transition
iterations sorted, ``c_(1) < ... < c_(m)``, plateau ``j < m`` is the logged step in ``[c_(j), c_(j+1))`` where the
path is slowest (smallest relative speed ``||W(s') - W(s)||_F / ((s' - s) ||W(s)||_F)`` to the next logged
step ``s'``) and plateau ``m`` is the last logged step.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from implicitreg.data import spectra
from implicitreg.io import files
from implicitreg.io.contract import TABLES
from implicitreg.linear import metrics
from implicitreg.tables.run_tables import run_id, scalar

SOLUTIONS = ("rrr", "top_sigma")
EQUAL_TOL = 1e-6  # ||P_j - W_j||_F / ||W_j||_F below this: the two candidates are the same map


def top_sigma_maps(U, V, lam, sigma) -> np.ndarray:
    """``P_0 = 0, P_1, ..., P_m`` (shape ``(m+1, d, p)``): the ``j`` largest ``sigma_i`` kept at ``sigma_i/lam_i``."""
    sigma = np.asarray(sigma, float)
    m = sigma.size
    target = sigma / np.asarray(lam, float)[:m]
    order = np.argsort(-sigma, kind="stable")
    w = np.zeros((m + 1, m))
    for j in range(1, m + 1):
        w[j, order[:j]] = target[order[:j]]
    return metrics.aligned_map(w, U, V)


def relative_distances(W, candidates) -> np.ndarray:
    """``||W(s) - C_j||_F / ||C_j||_F`` for every logged ``W(s)`` and candidate ``C_j``: shape ``(T, J)``."""
    diff = np.asarray(W)[:, None] - np.asarray(candidates)[None]
    return np.linalg.norm(diff, axis=(-2, -1)) / np.linalg.norm(candidates, axis=(-2, -1))[None]


def plateau_steps(steps, W, k_cross) -> np.ndarray:
    """Logged-step indices of plateaus ``1..c`` (``c`` = number of crossed components), see the module doc."""
    steps = np.asarray(steps)
    crossings = np.sort(np.asarray(k_cross)[np.asarray(k_cross) >= 0])
    norm = np.linalg.norm(W, axis=(-2, -1))
    speed = np.linalg.norm(np.diff(W, axis=0), axis=(-2, -1)) / (np.diff(steps) * np.maximum(norm[:-1], 1e-300))
    out = []
    for j, lo in enumerate(crossings):
        if j == crossings.size - 1:
            out.append(steps.size - 1)
            continue
        inside = np.flatnonzero((steps[:-1] >= lo) & (steps[1:] < crossings[j + 1]))
        if inside.size == 0:  # no logged pair strictly between the transitions: take the first step after c_(j)
            out.append(int(np.flatnonzero(steps >= lo)[0]))
            continue
        out.append(int(inside[np.argmin(speed[inside])]))
    return np.array(out, int)


def components_learned(step, k_cross) -> int:
    """Number of components crossed by ``step`` (the plateau the path is on): ``#{i : 0 <= k_i <= step}``."""
    k = np.asarray(k_cross)
    return int(np.sum((k >= 0) & (k <= step)))


PATH_COLUMNS = list(TABLES["rrr_path"].columns)


def path_frame(dataset: str, run_id: str, steps, W, rrr_W, top_W) -> pd.DataFrame:
    """Tidy distances of the path to ``W_j`` (``solution = rrr``) and ``P_j`` (``top_sigma``), ``j = 1..m``."""
    frames = []
    for solution, cands in zip(SOLUTIONS, (rrr_W, top_W)):
        d = relative_distances(W, cands[1:])
        T, J = d.shape
        frames.append(
            pd.DataFrame({"dataset": dataset, "run_id": run_id, "step": np.repeat(steps, J),
                          "rank": np.tile(np.arange(1, J + 1), T), "solution": solution, "distance": d.ravel()})
        )  # fmt: skip
    return pd.concat(frames, ignore_index=True)[PATH_COLUMNS]


def path_minima(path: pd.DataFrame, solution: str = "rrr") -> pd.DataFrame:
    """Per ``(dataset, rank)``: the run, the minimum distance along the path and the first step reaching it."""
    p = path[path["solution"] == solution].sort_values(["dataset", "rank", "step"], kind="stable")
    idx = p.groupby(["dataset", "rank"], sort=True)["distance"].idxmin()
    out = p.loc[idx, ["dataset", "rank", "run_id", "distance", "step"]]
    return out.rename(columns={"run_id": "path_run_id", "distance": "path_min_distance", "step": "path_argmin_step"})


T2_COLUMNS = list(TABLES["T2"].columns)


def t2_rows(dataset: str, run_id: str, steps, W, k_cross, rrr_W, top_W) -> pd.DataFrame:
    """T2 for one path: for each rank ``j``, the minimum distance to ``W_j`` (and ``P_j``) along the path, the
    first step reaching it and the plateau the path is on there (components learned by then), and plateau ``j``'s
    distance to ``W_j`` and to ``P_j`` with the nearer of the two (``both`` where ``P_j = W_j``)."""
    steps = np.asarray(steps)
    d_rrr, d_top = relative_distances(W, rrr_W[1:]), relative_distances(W, top_W[1:])
    plateaus = plateau_steps(steps, W, k_cross)
    equal = relative_distances(top_W[1:], rrr_W[1:]).diagonal() <= EQUAL_TOL
    rows = []
    for j in range(d_rrr.shape[1]):
        a_rrr, a_top = int(np.argmin(d_rrr[:, j])), int(np.argmin(d_top[:, j]))
        row = {"dataset": dataset, "path_run_id": run_id, "rank": j + 1,
               "rrr_min_distance": d_rrr[a_rrr, j], "rrr_argmin_step": int(steps[a_rrr]),
               "rrr_argmin_plateau": components_learned(steps[a_rrr], k_cross),
               "top_sigma_min_distance": d_top[a_top, j], "top_sigma_argmin_step": int(steps[a_top]),
               "plateau_step": pd.NA, "plateau_to_rrr": np.nan, "plateau_to_top_sigma": np.nan,
               "plateau_nearest": "", "top_sigma_equals_rrr": bool(equal[j])}  # fmt: skip
        if j < plateaus.size:
            s = plateaus[j]
            near = "both" if equal[j] else ("top_sigma" if d_top[s, j] < d_rrr[s, j] else "rrr")
            row |= {"plateau_step": int(steps[s]), "plateau_to_rrr": d_rrr[s, j], "plateau_to_top_sigma": d_top[s, j],
                    "plateau_nearest": near}  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows, columns=T2_COLUMNS)


def tabulate_rrr_distances(runs, dataset_paths, rrr_paths) -> dict[str, pd.DataFrame]:
    """``rrr_path`` (every logged iterate against every ``W_j`` and ``P_j``) and ``T2``, one path per run (dicts of
    arrays, in order)."""
    datasets = {Path(f).stem: files.load_npz(f) for f in dataset_paths}
    baselines = {Path(f).stem.removeprefix("rrr_"): files.load_npz(f)["W"] for f in rrr_paths}
    paths, t2 = [], []
    for run in runs:
        ds, rid = scalar(run, "dataset"), run_id(run)
        data = datasets[ds]
        top = top_sigma_maps(data["U"], data["V"], data["lam"], data["sigma"])
        paths.append(path_frame(ds, rid, run["steps"], run["W"], baselines[ds], top))
        t2.append(t2_rows(ds, rid, run["steps"], run["W"], run["k_cross"], baselines[ds], top))
    return {"rrr_path": pd.concat(paths, ignore_index=True), "T2": pd.concat(t2, ignore_index=True)}


def tabulate_rrr(rrr_paths, path_tables) -> pd.DataFrame:
    """``rrr.csv``: loss and nuclear norm of every RRR solution of every dataset (each draw of one with ``draws``)
    and, where a GD path was measured (``path_tables``: ``rrr_path`` tables), its minimum distance to each and the
    first step reaching it."""
    frames = []
    for path in rrr_paths:
        for name, b in spectra.unstack(Path(path).stem.removeprefix("rrr_"), files.load_npz(path)).items():
            frames.append(
                pd.DataFrame({"dataset": name, "rank": b["rank"], "loss": b["loss"], "nuclear_norm": b["nuclear_norm"]})
            )
    table = pd.concat(frames, ignore_index=True)
    if path_tables:
        minima = pd.concat([path_minima(p) for p in path_tables], ignore_index=True)
    else:
        minima = pd.DataFrame({"dataset": pd.Series(dtype=str), "rank": pd.Series(dtype=int)})
    table = table.merge(minima, on=["dataset", "rank"], how="left")
    for col in ("path_run_id", "path_min_distance", "path_argmin_step"):
        table[col] = table[col] if col in table else pd.NA
    table["path_argmin_step"] = table["path_argmin_step"].astype("Int64")
    return table
