"""Matrix-completion tables (THEORY.md section 9, EXPERIMENTS.md F12, T5): one row per completion run and per
minimum nuclear-norm baseline, their trajectories and stages, and table T5."""

from __future__ import annotations

import numpy as np
import pandas as pd

from implicitreg.dmf import completion
from implicitreg.io.contract import TABLES
from implicitreg.tables.dmf_tables import scalar, stage_frame, trajectory_frame

COLUMNS = list(TABLES["completion_runs"].columns)
NUCLEAR = "nuclear"


def method(depth) -> str:
    """The name of a method in T5 and F12: ``depth N`` for DMF of depth ``N``."""
    return f"depth {int(depth)}"


def run_row(arrays: dict) -> dict:
    """One completion run: its problem, end-point measures (``completion.end_point``), where it ended
    (``completion.end_state``) and its stages."""
    n, rank, m, depth = (int(scalar(arrays, k)) for k in ("n", "rank", "observed_entries", "depth"))
    W = np.asarray(arrays["Wfinal_0"])
    for j in range(1, depth):
        W = arrays[f"Wfinal_{j}"] @ W
    M, mask = arrays["M"], arrays["mask"]
    pid = completion.problem_id(scalar(arrays, "experiment"), n, rank, m, int(scalar(arrays, "seed")))
    return {"problem_id": pid, "method": method(depth), "depth": depth, "rank": rank, "observed_entries": m,
            "dof": completion.degrees_of_freedom(n, rank), "seed": int(scalar(arrays, "seed")),
            "alpha": float(scalar(arrays, "alpha")), "status": completion.end_state(scalar(arrays, "status")),
            "n_steps": int(scalar(arrays, "n_steps")), **completion.end_point(W, M, mask),
            "n_stages": int(scalar(arrays, "n_stages")), "one_per_stage": bool(scalar(arrays, "one_per_stage")),
            "run_id": scalar(arrays, "run_id")}  # fmt: skip


def nuclear_rows(nuclear: pd.DataFrame) -> pd.DataFrame:
    """The baseline's rows in the run table's columns (method ``nuclear``; no depth, alpha, steps or stages)."""
    df = nuclear.assign(method=NUCLEAR, dof=[completion.degrees_of_freedom(n, r) for n, r in
                                              zip(nuclear["n"], nuclear["rank"])])  # fmt: skip
    return df.reindex(columns=COLUMNS)


def table_t5(runs: pd.DataFrame) -> pd.DataFrame:
    """T5: per (R, observed entries, method) the runs, the median error and effective rank over seeds, and the
    stages detected (``min-max`` of ``n_stages``; empty for the nuclear norm)."""
    g = runs.groupby(["rank", "observed_entries", "dof", "method"], sort=True)
    t5 = g.agg(runs=("problem_id", "count"), error_median=("error", "median"), erank_median=("erank", "median"),
               lo=("n_stages", "min"), hi=("n_stages", "max")).reset_index()  # fmt: skip
    stages = [None if np.isnan(lo) else f"{int(lo)}" if lo == hi else f"{int(lo)}-{int(hi)}"
              for lo, hi in zip(t5["lo"], t5["hi"])]  # fmt: skip
    return t5.assign(stages=stages)[list(TABLES["T5"].columns)]


def tabulate_completion(runs, nuclear: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``completion_runs``, ``completion_trajectories``, ``completion_stages`` and ``T5`` from the completion runs
    (dicts of arrays, in order) and the nuclear-norm baseline table."""
    rows = pd.DataFrame([run_row(a) for a in runs], columns=COLUMNS)
    table = pd.concat([rows, nuclear_rows(nuclear)], ignore_index=True)
    return {
        "completion_runs": table,
        "completion_trajectories": pd.concat([trajectory_frame(a) for a in runs], ignore_index=True),
        "completion_stages": pd.concat([stage_frame(a) for a in runs], ignore_index=True),
        "T5": table_t5(table),
    }
