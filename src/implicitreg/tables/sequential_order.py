"""``sequential_order.csv`` (F11, claims 10 and 10b): how many small random initializations learn in ``sigma`` order.

Per ``(dataset, eta, delta)`` cell of the population experiment: the two-layer runs, those whose components all
cross half their targets at strictly increasing iterations as ``sigma_i`` decreases (``claims.rows.in_sigma_order``),
their fraction with its exact 95% interval (THEORY.md section 10), the runs with a component that never crossed, and
the latest predicted transition ``max_i k_i`` of the cell (THEORY.md section 4) beside the latest measured one.
"""

from __future__ import annotations

import pandas as pd

from implicitreg.claims.rows import clopper_pearson, in_sigma_order_by_run
from implicitreg.io.contract import TABLES
from implicitreg.linear.theory import last_transition

COLUMNS = list(TABLES["sequential_order"].columns)
CELL = ["dataset", "eta", "delta"]


def run_order(runs: pd.DataFrame, transitions: pd.DataFrame, datasets: dict) -> pd.DataFrame:
    """Each run of ``runs`` (indexed by ``run_id``) with its cell, ``in_order``, ``uncrossed`` (a component with
    ``sigma_i > 0`` never crossed half its target) and ``k_last`` (its latest measured transition, NaN for none)."""
    m_of = {ds: sum(s > 0 for s in spec["sigma"]) for ds, spec in datasets.items()}
    out = runs.set_index("run_id")[CELL]
    m = out["dataset"].map(m_of)
    mine = transitions[transitions["run_id"].isin(out.index)]
    per_run = mine.groupby("run_id")["k_measured"]
    out = out.assign(
        in_order=in_sigma_order_by_run(mine, m).reindex(out.index, fill_value=False).astype(bool),
        uncrossed=per_run.size().reindex(out.index, fill_value=0) < m,
        k_last=per_run.max().reindex(out.index),
    )
    return out


def sequential_order(runs: pd.DataFrame, transitions: pd.DataFrame, datasets: dict) -> pd.DataFrame:
    """``sequential_order.csv`` from the two-layer random-initialization runs of ``runs`` (one experiment's) and their
    transitions; ``datasets`` are the dataset specs of the config. Cells in ``(dataset, eta, delta)`` order."""
    sel = runs[(runs["model"] == "two_layer") & (runs["init"] == "random")]
    cells = (
        run_order(sel, transitions, datasets)
        .groupby(CELL)
        .agg(
            runs=("in_order", "size"),
            in_order=("in_order", "sum"),
            uncrossed=("uncrossed", "sum"),
            k_measured_last=("k_last", "max"),
        )  # fmt: skip
        .reset_index()
    )
    cells["fraction"] = cells["in_order"] / cells["runs"]
    cells["ci_low"], cells["ci_high"] = zip(*(clopper_pearson(k, n) for k, n in zip(cells["in_order"], cells["runs"])))
    cells["k_predicted_last"] = [last_transition(datasets[ds]["lam"], datasets[ds]["sigma"], eta, delta)
                                 for ds, eta, delta in cells[CELL].itertuples(index=False)]  # fmt: skip
    return cells[COLUMNS]
