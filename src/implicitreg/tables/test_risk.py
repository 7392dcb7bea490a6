"""Generalization on finite noisy samples (EXPERIMENTS.md F8, T3): test risk of GD paths and of the
explicit regularizers, reduced-rank regression and ridge, all fitted on the training covariances."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from implicitreg.data import spectra
from implicitreg.io import files
from implicitreg.io.contract import TABLES
from implicitreg.linear.rrr import reduced_rank_ridge

METHODS = ("two_layer", "linear", "rrr", "ridge", "rr_ridge")
T3_METHODS = [*METHODS, "least_squares", "teacher"]
BEST_COLUMNS = list(TABLES["best_risk"].columns)
T3_COLUMNS = list(TABLES["T3"].columns)


def test_risk(W, Sigma_x_test, Sigma_xy_test, y2_test) -> np.ndarray:
    """``1/(2 n_test) ||Y_test - X_test W||_F^2``, batched over the leading axes of ``W``, from the test set's
    moments (``spectra.test_moments``): ``1/2 (||Y||^2/n - 2 <W, X^T Y/n> + <W, (X^T X/n) W>)``."""
    W = np.asarray(W, float)
    return 0.5 * (y2_test + np.sum(W * (Sigma_x_test @ W - 2 * Sigma_xy_test), axis=(-2, -1)))


def ridge_path(Sigma_x, Sigma_xy, alphas) -> np.ndarray:
    """``W(alpha) = (Sigma_x + alpha I)^{-1} Sigma_xy`` for every ``alpha`` (shape ``(len(alphas), d, p)``).

    ``alpha -> 0``: the least-squares solution ``Sigma_x^{-1} Sigma_xy``; ``alpha -> inf``: ``Sigma_xy / alpha``.
    """
    Sigma_x, Sigma_xy = np.asarray(Sigma_x, float), np.asarray(Sigma_xy, float)
    eye = np.eye(Sigma_x.shape[0])
    return np.stack([np.linalg.solve(Sigma_x + a * eye, Sigma_xy) for a in alphas])


def log_grid(lo: float, hi: float, n: int) -> np.ndarray:
    """``n`` log-spaced values from ``lo`` to ``hi``."""
    return np.geomspace(lo, hi, int(n))


def best_rows(risk: pd.DataFrame) -> pd.DataFrame:
    """Per ``(dataset, method)``, the row of smallest ``test_risk`` (first one on ties)."""
    idx = risk.groupby(["dataset", "method"], sort=True)["test_risk"].idxmin()
    return risk.loc[idx.to_numpy()].reset_index(drop=True)


def best_risk_table(risk: pd.DataFrame) -> pd.DataFrame:
    """Best (oracle, on the test set) risk of each method per dataset, and where it is, datasets in their order.

    ``least_squares`` is RRR at full rank (no regularization), ``teacher`` the risk of the data's
    own teacher (the noise floor); ``rr_ridge`` reduced-rank ridge at its best rank and penalty; ``*_step``,
    ``*_rank``, ``*_alpha`` say where each best is.
    """
    best = best_rows(risk[risk["method"].isin(METHODS)])
    wide = best.pivot(index="dataset", columns="method", values="test_risk")
    at = best.pivot(index="dataset", columns="method", values="param")
    rrr = risk[risk["method"] == "rrr"]
    full = rrr.loc[rrr.groupby("dataset")["param"].idxmax().to_numpy()].set_index("dataset")["test_risk"]
    teacher = risk[risk["method"] == "teacher"].set_index("dataset")["test_risk"]
    rank = best.pivot(index="dataset", columns="method", values="rank")
    table = wide.assign(least_squares=full, teacher=teacher, two_layer_step=at["two_layer"], linear_step=at["linear"],
                        rrr_rank=at["rrr"], ridge_alpha=at["ridge"], rr_ridge_rank=rank["rr_ridge"],
                        rr_ridge_alpha=at["rr_ridge"]).reindex(risk["dataset"].unique())  # fmt: skip
    return table.rename_axis("dataset").reset_index()[BEST_COLUMNS]


def t3_table(best: pd.DataFrame) -> pd.DataFrame:
    """T3: per method, the median and the 5% and 95% quantiles (linear interpolation, ``numpy.quantile``'s
    default) of the best test risk over the datasets of ``best`` (``best_risk_table``): its spread over teachers."""
    values = best[T3_METHODS]
    return pd.DataFrame({"method": T3_METHODS, "median": values.median().to_numpy(),
                         "q05": values.quantile(0.05).to_numpy(), "q95": values.quantile(0.95).to_numpy(),
                         "n_datasets": len(best)})[T3_COLUMNS]  # fmt: skip


def risk_frame(dataset: str, samples: dict, paths: dict, rrr_W, alphas) -> pd.DataFrame:
    """Tidy ``dataset, method, param, rank, test_risk`` for one dataset.

    ``samples`` holds the test moments (``spectra.test_moments``) and the teacher ``W_teacher``;
    ``paths[model] = (steps, W)`` are logged GD paths (``param`` = iteration); ``rrr_W[k]`` the rank-``k`` RRR
    solutions (``param`` = ``rank`` = k); the ridge path (``param`` = alpha) and reduced-rank ridge (``param`` =
    alpha, ``rank``) over ``alphas`` are fitted on ``samples["Sigma_x"], ["Sigma_xy"]``.
    """
    Sx, Sxy = samples["Sigma_x"], samples["Sigma_xy"]
    ranks = np.arange(1, len(rrr_W))
    parts = [(model, steps, None, W) for model, (steps, W) in paths.items()]
    parts.append(("rrr", np.arange(len(rrr_W)), np.arange(len(rrr_W)), rrr_W))
    parts.append(("ridge", np.asarray(alphas), None, ridge_path(Sx, Sxy, alphas)))
    parts += [("rr_ridge", np.full(ranks.size, a), ranks, reduced_rank_ridge(Sx, Sxy, a, ranks)) for a in alphas]
    parts.append(("teacher", np.zeros(1), None, samples["W_teacher"][None]))
    sizes = [len(W) for *_, W in parts]
    return pd.DataFrame({
        "dataset": dataset,
        "method": np.repeat([m for m, *_ in parts], sizes),
        "param": np.concatenate([np.asarray(p, float) for _, p, _, _ in parts]),
        "rank": pd.array(np.concatenate([np.full(n, np.nan) if k is None else np.asarray(k, float)
                                         for (_, _, k, _), n in zip(parts, sizes)]), dtype="Int64"),
        "test_risk": test_risk(np.concatenate([W for *_, W in parts]), samples["Sigma_x_test"],
                               samples["Sigma_xy_test"], samples["y2_test"]),
    })  # fmt: skip


def tabulate_test_risk(runs, dataset_paths, rrr_paths, ridge_alpha) -> dict[str, pd.DataFrame]:
    """``test_risk`` (GD paths, RRR ranks, ridge path over ``log_grid(*ridge_alpha)``, teacher), ``best_risk`` and
    ``T3``, for every member of the datasets (each draw of a dataset with ``draws``: one teacher each).

    ``runs`` are dicts of arrays. Each member needs exactly one run per model (the GD paths compared with the
    explicit regularizers).
    """
    alphas = log_grid(*ridge_alpha)
    by_member: dict[str, list] = {}
    for r in runs:
        by_member.setdefault(str(r["dataset"].item()), []).append(r)
    frames = []
    for data_path, rrr_path in zip(dataset_paths, rrr_paths):
        name = Path(data_path).stem
        rrr = spectra.unstack(name, files.load_npz(rrr_path))
        for member, samples in spectra.unstack(name, files.load_npz(data_path)).items():
            samples["W_teacher"] = spectra.teacher(samples["U"], samples["V"], samples["lam"], samples["sigma"])
            own = by_member.get(member, [])
            models = [str(r["model"].item()) for r in own]
            if len(set(models)) != len(models):
                raise ValueError(f"dataset {member}: one run per model expected, got {models}")
            paths = {m: (r["steps"], r["W"]) for m, r in zip(models, own)}
            frames.append(risk_frame(member, samples, paths, rrr[member]["W"], alphas))
    risk = pd.concat(frames, ignore_index=True)
    best = best_risk_table(risk)
    return {"test_risk": risk, "best_risk": best, "T3": t3_table(best)}
