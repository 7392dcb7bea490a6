"""One row of ``results/tables/claims.csv`` and the selections that several claims share."""

from __future__ import annotations

import numpy as np
import pandas as pd

from implicitreg.io.contract import TABLES

COLUMNS = list(TABLES["claims"].columns)


def row(claim_id, source, statement, metric, measured, expected, tolerance, passed, evidence) -> dict:
    """The claims.csv row, with ``measured`` a float and ``passed`` a bool."""
    return dict(zip(COLUMNS, (claim_id, source, statement, metric, float(measured), expected, tolerance,
                              bool(passed), evidence)))  # fmt: skip


def with_runs(df: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """``df`` joined with the run table on ``run_id``."""
    return df.merge(runs, on="run_id", how="inner")


def of_experiment(runs: pd.DataFrame, config: dict, analysis: str, key: str = "experiment") -> pd.DataFrame:
    """The runs of the experiment that ``analyses.{analysis}.{key}`` names."""
    return runs[runs["experiment"] == config["analyses"][analysis][key]]


def in_sigma_order(group: pd.DataFrame, m: int) -> bool:
    """All ``m`` components crossed, at strictly increasing ``k`` as ``sigma`` decreases."""
    k = group.sort_values("sigma", ascending=False)["k_measured"].to_numpy()
    return len(group) == m and bool(np.all(np.diff(k) > 0))


def eta_sigma1(runs: pd.DataFrame, datasets: dict) -> pd.Series:
    """``eta sigma_1`` of each run, ``sigma_1 = max(sigma)`` of its dataset (THEORY.md section 5)."""
    sigma_1 = {name: max(spec["sigma"]) for name, spec in datasets.items()}
    return runs["eta"] * runs["dataset"].map(sigma_1)
