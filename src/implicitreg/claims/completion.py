"""Claims 16 and 17 and boundary 17b: matrix completion by deep matrix factorization against the minimum
nuclear-norm completion (THEORY.md section 9; C22, A19).

A *cell* is one (R, observed entries); a method's error in a cell is its median relative error
``||W - M||_F / ||M||_F`` over the cell's seeds (table T5). DMF runs stopped at ``max_steps`` before their
end (``completion.end_state``: neither converged nor ended by the plateau rule) are named in ``metric``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from implicitreg.claims.rows import Measurement, counted, equals
from implicitreg.config.grid import resolve
from implicitreg.tables.completion import NUCLEAR, method

MIN_CELLS = 3  # claims 17 and 17b: a grid with fewer cells to count fails (EXPERIMENTS.md)


def _runs(tables: dict, config: dict) -> pd.DataFrame:
    """The completion runs and baselines, with ``s_R`` and the small-initialization premise ``alpha <= c s_R``."""
    runs = tables["completion_runs"]
    exp = config["dmf_experiments"][config["analyses"]["completion"]["experiment"]]
    s = resolve(exp, config["dmf_size"], config.get("dmf_large", {}))["singular_values"]  # at the run's size
    s_R = runs["rank"].map(lambda r: s[r - 1])
    return runs.assign(small=runs["alpha"] <= config["claims"]["dmf_small_init"] * s_R)


def _stopped(runs: pd.DataFrame) -> str:
    """How the DMF runs among ``runs`` ended (``completion.end_state``), naming those stopped before their end."""
    dmf = runs[runs["method"] != NUCLEAR]
    counts = ", ".join(f"{k} {v}" for k, v in dmf["status"].value_counts().sort_index().items())
    ids = dmf.loc[dmf["status"] == "stopped", "run_id"].tolist()
    named = f"; stopped at max_steps before their end (no end point): {', '.join(ids)}" if ids else ""
    return f"; runs ended {counts}{named}"


def cell_medians(runs: pd.DataFrame) -> pd.DataFrame:
    """Median error per cell (rows: ``rank, observed_entries, dof``) and method (columns)."""
    return runs.pivot_table(index=["rank", "observed_entries", "dof"], columns="method", values="error",
                            aggfunc="median").reset_index()  # fmt: skip


def _cells_text(cells: pd.DataFrame, methods) -> str:
    return "; ".join(f"R={c.rank} m={c.observed_entries} (dof {c.dof}): "
                     + ", ".join(f"{m} {getattr(c, m.replace(' ', '_')):.3g}" for m in methods)
                     for c in cells.rename(columns=lambda k: str(k).replace(" ", "_")).itertuples())  # fmt: skip


def claim_recovery(tables: dict, config: dict) -> Measurement:
    """Claim 16: on problems the nuclear norm recovers (error <= completion_recovered) and under small
    initialization, the fraction of DMF runs of depth >= 2 with exactly R stages, one new singular value each,
    ending within completion_dmf_error of ``M``."""
    c = config["claims"]
    runs = _runs(tables, config)
    nuc = runs[runs["method"] == NUCLEAR]
    recovered = set(nuc.loc[nuc["error"] <= c["completion_recovered"], "problem_id"])
    dmf = runs[(runs["depth"] >= 2) & runs["small"] & runs["problem_id"].isin(recovered)]
    ok = dmf["one_per_stage"].astype(bool) & (dmf["error"] <= c["completion_dmf_error"])
    value, text = counted(ok)
    bad = ", ".join(f"{r.run_id} ({r.n_stages:.0f} stages, error {r.error:.3g})" for r in dmf[~ok].itertuples())
    metric = (f"{text} runs of depth >= 2 on the {len(recovered)} of {len(nuc)} problems the nuclear norm recovers "
              f"within {c['completion_recovered']:g} with exactly R stages and error <= {c['completion_dmf_error']:g}"
              + (f"; failing: {bad}" if bad else "") + _stopped(dmf))  # fmt: skip
    return Measurement(value, metric, equals(1))


def claim_depth_beats_nuclear(tables: dict, config: dict) -> Measurement:
    """Claim 17 (A19): on every cell above the degrees of freedom where the nuclear norm fails (median error >
    completion_failed), depth 3's median error is below depth 2's and the nuclear norm's; fewer than ``MIN_CELLS``
    such cells is a failure (measured NaN)."""
    runs = _runs(tables, config)
    cells = cell_medians(runs)
    d2, d3 = method(2), method(3)
    pick = cells[(cells["observed_entries"] > cells["dof"]) & (cells[NUCLEAR] > config["claims"]["completion_failed"])]
    ok = (pick[d3] < pick[d2]) & (pick[d3] < pick[NUCLEAR])
    value, text = counted(ok)
    counted_cells = _cells_text(pick, [d2, d3, NUCLEAR]) or "none"
    too_few = f"; fewer than {MIN_CELLS} such cells: failed" if len(pick) < MIN_CELLS else ""
    cell_runs = runs.merge(pick[["rank", "observed_entries"]], on=["rank", "observed_entries"])
    metric = (f"{text} cells above R (2n - R) where the nuclear norm's median error exceeds "
              f"{config['claims']['completion_failed']:g} with depth 3 below depth 2 and the nuclear norm (median "
              f"errors; plain GD, not A19's RMSProp): {counted_cells}{too_few}"
              + _stopped(cell_runs[cell_runs["method"].isin([d2, d3])]))  # fmt: skip
    return Measurement(np.nan if too_few else value, metric, equals(1))


def claim_below_dof(tables: dict, config: dict) -> Measurement:
    """Boundary 17b: below the degrees of freedom no method recovers the target: the fraction of cells with
    ``observed_entries < R (2n - R)`` where every method's median error exceeds completion_failed; fewer than
    ``MIN_CELLS`` such cells is a failure (measured NaN)."""
    runs = _runs(tables, config)
    cells = cell_medians(runs)
    methods = [m for m in cells.columns if m not in ("rank", "observed_entries", "dof")]
    pick = cells[cells["observed_entries"] < cells["dof"]]
    ok = (pick[methods] > config["claims"]["completion_failed"]).all(axis=1)
    value, text = counted(ok)
    too_few = f"; fewer than {MIN_CELLS} such cells: failed" if len(pick) < MIN_CELLS else ""
    metric = (
        f"{text} cells below R (2n - R) where every method's median error exceeds "
        f"{config['claims']['completion_failed']:g}: {_cells_text(pick, methods) or 'none'}{too_few}"
        + _stopped(runs.merge(pick[["rank", "observed_entries"]], on=["rank", "observed_entries"]))
    )
    return Measurement(np.nan if too_few else value, metric, equals(1))
