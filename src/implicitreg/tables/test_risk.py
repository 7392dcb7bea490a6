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
T3_COLUMNS = list(TABLES["T3"].columns)


def test_risk(W, X_test, Y_test) -> np.ndarray:
    """``1/(2 n_test) ||Y_test - X_test W||_F^2``, batched over the leading axes of ``W``."""
    R = np.asarray(Y_test) - np.asarray(X_test) @ np.asarray(W)
    return 0.5 * np.sum(R**2, axis=(-2, -1)) / np.shape(X_test)[0]


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


def t3_table(risk: pd.DataFrame) -> pd.DataFrame:
    """T3: best (oracle, on the test set) risk of each method per dataset, then ``mean`` and ``std`` rows.

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
    t3 = wide.assign(least_squares=full, teacher=teacher, two_layer_step=at["two_layer"], linear_step=at["linear"],
                     rrr_rank=at["rrr"], ridge_alpha=at["ridge"], rr_ridge_rank=rank["rr_ridge"],
                     rr_ridge_alpha=at["rr_ridge"]).reset_index()  # fmt: skip
    values = ["two_layer", "linear", "rrr", "ridge", "rr_ridge", "least_squares", "teacher"]
    summary = pd.DataFrame(
        [{"dataset": "mean", **t3[values].mean().to_dict()}, {"dataset": "std", **t3[values].std(ddof=1).to_dict()}]
    )
    return pd.concat([t3, summary], ignore_index=True)[T3_COLUMNS]


def risk_frame(dataset: str, samples: dict, paths: dict, rrr_W, alphas) -> pd.DataFrame:
    """Tidy ``dataset, method, param, rank, test_risk`` for one dataset.

    ``samples`` holds ``X_test, Y_test`` and the teacher ``W_teacher``; ``paths[model] = (steps, W)``
    are logged GD paths (``param`` = iteration); ``rrr_W[k]`` the rank-``k`` RRR solutions (``param`` = ``rank``
    = k); the ridge path (``param`` = alpha) and reduced-rank ridge (``param`` = alpha, ``rank``) over ``alphas`` are
    fitted on ``samples["Sigma_x"], ["Sigma_xy"]``.
    """
    X, Y, Sx, Sxy = samples["X_test"], samples["Y_test"], samples["Sigma_x"], samples["Sigma_xy"]
    ranks = np.arange(1, len(rrr_W))
    parts = [(model, steps, None, test_risk(W, X, Y)) for model, (steps, W) in paths.items()]
    parts.append(("rrr", np.arange(len(rrr_W)), np.arange(len(rrr_W)), test_risk(rrr_W, X, Y)))
    parts.append(("ridge", np.asarray(alphas), None, test_risk(ridge_path(Sx, Sxy, alphas), X, Y)))
    parts += [("rr_ridge", np.full(ranks.size, a), ranks, test_risk(reduced_rank_ridge(Sx, Sxy, a, ranks), X, Y))
              for a in alphas]  # fmt: skip
    parts.append(("teacher", np.zeros(1), None, test_risk(samples["W_teacher"][None], X, Y)))
    frames = [pd.DataFrame({"dataset": dataset, "method": m, "param": np.asarray(p, float),
                            "rank": pd.array(np.full(len(r), pd.NA) if k is None else k, dtype="Int64"),
                            "test_risk": r})
              for m, p, k, r in parts]  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def tabulate_test_risk(runs, dataset_paths, rrr_paths, ridge_alpha) -> dict[str, pd.DataFrame]:
    """``test_risk`` (GD paths, RRR ranks, ridge path over ``log_grid(*ridge_alpha)``, teacher) and ``T3``.

    ``runs`` are dicts of arrays. Each dataset needs exactly one run per model (the GD paths compared with the
    explicit regularizers).
    """
    alphas = log_grid(*ridge_alpha)
    runs = list(runs)
    frames = []
    for data_path, rrr_path in zip(dataset_paths, rrr_paths):
        name = Path(data_path).stem
        samples = files.load_npz(data_path)
        samples["W_teacher"] = spectra.teacher(samples["U"], samples["V"], samples["lam"], samples["sigma"])
        own = [r for r in runs if r["dataset"].item() == name]
        models = [str(r["model"].item()) for r in own]
        if len(set(models)) != len(models):
            raise ValueError(f"dataset {name}: one run per model expected, got {models}")
        paths = {m: (r["steps"], r["W"]) for m, r in zip(models, own)}
        frames.append(risk_frame(name, samples, paths, files.load_npz(rrr_path)["W"], alphas))
    risk = pd.concat(frames, ignore_index=True)
    return {"test_risk": risk, "T3": t3_table(risk)}
