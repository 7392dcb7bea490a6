"""Beyond the commuting assumption (THEORY.md section 7): how far the covariances are from sharing a
basis, and how far gradient descent strays from the aligned per-mode prediction."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from implicitreg.data.spectra import Dataset
from implicitreg.io import files
from implicitreg.tables.run_tables import permode_deviation, run_id, scalar


def normalized_commutator(Sigma_x, Sigma_xy) -> float:
    """``||Sigma_x M - M Sigma_x||_F / (||Sigma_x||_F ||M||_F)`` with ``M = Sigma_xy Sigma_xy^T``.

    Zero exactly when ``Sigma_x`` and ``M`` commute, i.e. when the two covariances share the
    decomposition of THEORY.md section 2; at most 2.
    """
    Sigma_x, Sigma_xy = np.asarray(Sigma_x, float), np.asarray(Sigma_xy, float)
    M = Sigma_xy @ Sigma_xy.T
    return float(np.linalg.norm(Sigma_x @ M - M @ Sigma_x) / (np.linalg.norm(Sigma_x) * np.linalg.norm(M)))


def rotation_row(arrays: dict, data, epsilon: float) -> dict:
    """One row of ``rotation_deviation.csv`` for an aligned run on a dataset rotated by ``epsilon``.

    ``deviation = max_k ||W(k) - U diag(w(k)) V^T||_F / ||U diag(w(k)) V^T||_F`` where ``w(k)`` is the
    per-mode recursion of the unrotated spectra ``(lam, sigma)`` in the unrotated basis ``(U, V)``
    (THEORY.md section 3): the aligned prediction the paper's analysis gives.
    """
    return {
        "run_id": run_id(arrays),
        "dataset": scalar(arrays, "dataset"),
        "model": scalar(arrays, "model"),
        "epsilon": float(epsilon),
        "commutator": normalized_commutator(data.Sigma_x, data.Sigma_xy),
        "deviation": permode_deviation(arrays, data),
    }


def tabulate_rotation(runs, dataset_paths, dataset_specs: dict) -> pd.DataFrame:
    """``rotation_deviation.csv``: one row per run (dicts of arrays) on rotated covariances, sorted by model and
    ``epsilon``."""
    datasets = {Path(f).stem: Dataset.from_arrays(files.load_npz(f)) for f in dataset_paths}
    rows = []
    for arrays in runs:
        name = str(arrays["dataset"].item())
        rows.append(rotation_row(arrays, datasets[name], dataset_specs[name].get("epsilon", 0.0)))
    return pd.DataFrame(rows).sort_values(["model", "epsilon"], kind="stable")
