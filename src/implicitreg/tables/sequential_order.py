"""``sequential_order.csv`` (F11, claims 10 and 10b): how many small random initializations learn in ``sigma`` order.

Per ``(dataset, eta, delta)`` cell of the population experiment: the two-layer runs, those whose components all
cross half their targets at strictly increasing iterations as ``sigma_i`` decreases (``in_sigma_order_by_run``),
their fraction with its exact 95% interval (THEORY.md section 10), the runs with a component that never crossed, and
the latest predicted transition ``max_i k_i`` of the cell (THEORY.md section 4) beside the latest measured one.
"""

from __future__ import annotations

import pandas as pd

from implicitreg.data.spectra import last_transition
from implicitreg.io.contract import TABLES
from implicitreg.tables.intervals import clopper_pearson

COLUMNS = list(TABLES["sequential_order"].columns)
CELL = ["dataset", "eta", "delta"]


def in_sigma_order_by_run(transitions: pd.DataFrame, m) -> pd.Series:
    """Per run of ``transitions`` (indexed by ``run_id``): all its ``m`` components crossed half their targets, at
    strictly increasing ``k_measured`` as ``sigma`` decreases (THEORY.md section 4). ``m`` is the number of
    components (with ``sigma_i > 0``) of every run, or a Series of it by ``run_id``. A component that never crossed
    has no row, so its run has fewer than ``m`` rows and is not in order."""
    t = transitions.sort_values(["run_id", "sigma"], ascending=[True, False], kind="stable")
    step = t.groupby("run_id", sort=False)["k_measured"].diff()
    per_run = pd.DataFrame({"run_id": t["run_id"], "step": step}).groupby("run_id")
    crossed, smallest_step = per_run["step"].size(), per_run["step"].min()
    m = m.reindex(crossed.index) if isinstance(m, pd.Series) else m
    return (crossed == m) & ((smallest_step > 0) | (crossed == 1))


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
