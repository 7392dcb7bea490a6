"""The run tables of one run-store shard, built column by column (no per-run frame), and T1.

- ``runs.csv``: one row per run (``run_row``);
- ``components.parquet``: ``value = u_i^T W v_i`` and ``target = sigma_i / lam_i`` per logged step;
- ``transition_times.csv``: first ``k`` with ``value >= target / 2`` against THEORY.md section 4;
- ``T1_transition_errors.csv``: median and max ``rel_error`` per setting (``t1_table``);
- ``permode_deviation.csv``: ``max_k ||W(k) - U diag(w(k)) V^T||_F / ||U diag(w(k)) V^T||_F`` against the
  per-mode recursion (THEORY.md section 3), for aligned runs on exactly commuting datasets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from implicitreg.data import spectra
from implicitreg.data.spectra import Dataset
from implicitreg.io import arrow, store
from implicitreg.io.contract import TABLES
from implicitreg.io.dispatch import choose
from implicitreg.linear import metrics, theory

RUN_COLUMNS = list(TABLES["runs"].columns)
COMPONENT_COLUMNS = list(TABLES["components"].columns)
TRANSITION_COLUMNS = list(TABLES["transitions"].columns)
PERMODE_COLUMNS = list(TABLES["permode"].columns)


def scalar(arrays: dict, key: str):
    return arrays[key].item()


def run_id(arrays: dict) -> str:
    return str(scalar(arrays, "run_id"))


def permode_deviation(arrays: dict, data: Dataset) -> float:
    """Max relative deviation of the logged full-matrix ``W(k)`` from ``U diag(w(k)) V^T`` (per-mode recursion);
    NaN for a run that logged nothing (diverged at step 0)."""
    m = data.sigma.size
    depth, width = scalar(arrays, "depth"), scalar(arrays, "width")
    w0 = np.where(np.arange(m) < (m if depth == 1 else min(width, m)), np.exp(-scalar(arrays, "delta")), 0.0)
    steps = arrays["steps"]
    if steps.size == 0:  # diverged at step 0: nothing to compare
        return np.nan
    w = theory.per_mode(data.lam[:m], data.sigma, scalar(arrays, "eta"), w0, depth, int(steps[-1]))[steps]
    W_ref = metrics.aligned_map(w, data.U, data.V)
    return float(np.max(metrics.relative_deviation(arrays["W"], W_ref)))


def exactly_commuting(dataset_specs: dict) -> set[str]:
    """Datasets whose covariances commute exactly (THEORY.md section 3): not sampled, not rotated."""
    return {name for name, spec in dataset_specs.items() if spec["kind"] != "sampled" and not spec.get("epsilon")}


SHARD_COLUMNS = [c for c in RUN_COLUMNS if c != "final_loss"] + ["method", "steps", "loss", "k_cross"]


def _strings(column, rows: np.ndarray) -> pd.Series:
    """Rows ``rows`` of a string column of a store table, as pandas' string dtype (gathered in Arrow: building the
    column from Python strings costs a conversion per row)."""
    return column.combine_chunks().take(arrow.from_numpy(rows, pa.int64())).to_pandas()


def _lists(table, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A list column of a store table as its flat values and per-run offsets."""
    col = table.column(name).combine_chunks()
    return col.values.to_numpy(zero_copy_only=False), col.offsets.to_numpy().astype(np.int64)


def _runs_frame(t, loss, loss_at) -> pd.DataFrame:
    """``runs.csv`` rows of a shard: its scalar columns, ``width`` empty for the linear model (no hidden layer) and
    ``final_loss`` the last logged loss (NaN for a run that diverged before its first log)."""
    cols = {c: t.column(c).to_numpy(zero_copy_only=False) for c in RUN_COLUMNS if c != "final_loss"}
    cols["width"] = pd.array(cols["width"], "Int64")
    cols["width"][cols["depth"] == 1] = pd.NA
    ends = loss_at[1:]
    cols["final_loss"] = np.where(ends > loss_at[:-1], loss[np.maximum(ends - 1, 0)] if loss.size else 0.0, np.nan)
    return pd.DataFrame(cols, columns=RUN_COLUMNS)


# The components u_i^T W v_i of a shard's logged steps (flat, every run of one dataset), by what it logged (config key
# experiments.*.log): computed from W, or read as logged.
COMPONENTS_OF = {
    "W": lambda flat, data, d, p, m: metrics.components(flat.reshape(-1, d, p), data.U, data.V, m),
    "components": lambda flat, data, d, p, m: flat.reshape(-1, m),
}


def tabulate_shard(path, datasets: dict[str, Dataset], exact: set[str]) -> dict[str, pd.DataFrame]:
    """``runs``, ``components``, ``transitions`` and ``permode`` of one run-store shard, column by column.

    Component values ``u_i^T W v_i`` are computed for all logged steps of a dataset's runs at once (or read, for a
    shard logged with ``log: components``); transitions and the per-mode check follow THEORY.md sections 3-4. The
    per-mode check counts aligned full-matrix runs on exactly commuting datasets that logged ``W`` (claim 1 needs
    full-matrix runs: ``method: per_mode`` runs are the recursion itself).
    """
    logged = store.metadata(path).get("implicitreg.log", "W")
    components_of = choose(COMPONENTS_OF, "log", logged)
    value_key = logged  # the run store keeps each logged step under the name of what it logs
    t = store.read_columns(path, SHARD_COLUMNS + [value_key, f"{value_key}.shape"])
    n = t.num_rows
    ids = np.array(t.column("run_id").to_pylist(), dtype=object)
    ds_names = t.column("dataset").to_pylist()
    steps, step_at = _lists(t, "steps")
    loss, loss_at = _lists(t, "loss")
    k_cross, k_at = _lists(t, "k_cross")
    values, value_at = _lists(t, value_key)
    n_logged = np.diff(step_at)

    # components: one einsum per dataset over every logged step of its runs
    value_blocks: list[np.ndarray | None] = [None] * n
    for name in dict.fromkeys(ds_names):
        data = datasets[name]
        m, (d, p) = data.sigma.size, (data.U.shape[0], data.V.shape[0])
        members = [i for i in range(n) if ds_names[i] == name]
        flat = np.concatenate([values[value_at[i] : value_at[i + 1]] for i in members])
        comps = components_of(flat, data, d, p, m)
        for i, block in zip(members, np.split(comps, np.cumsum(n_logged[members])[:-1])):
            value_blocks[i] = block
    m_of = np.array([datasets[ds].sigma.size for ds in ds_names], np.int64)
    step_m = np.repeat(m_of, n_logged)  # components of each logged step, then one row per component
    component = np.arange(step_m.sum()) - np.repeat(np.cumsum(step_m) - step_m, step_m) + 1
    names = list(dict.fromkeys(ds_names))
    targets = np.zeros((len(names), max(m_of, default=0)))  # sigma_i / lam_i of each dataset, row by row
    for k, name in enumerate(names):
        targets[k, : datasets[name].sigma.size] = datasets[name].sigma / datasets[name].lam[: datasets[name].sigma.size]
    ds_of = np.array([names.index(ds) for ds in ds_names], np.int64)
    components = pd.DataFrame(
        {
            "run_id": _strings(t.column("run_id"), np.repeat(np.arange(n), n_logged * m_of)),
            "step": np.repeat(steps, step_m),
            "component": component,
            "value": np.concatenate([b.ravel() for b in value_blocks] or [[]]),
            "target": targets[np.repeat(np.repeat(ds_of, n_logged), step_m), component - 1],
        }
    )

    # transitions: measured crossing against THEORY.md section 4, for components with sigma_i > 0 that crossed
    depth, eta, delta = (t.column(c).to_numpy() for c in ("depth", "eta", "delta"))
    parts = []
    for i, ds in enumerate(ds_names):
        data = datasets[ds]
        m = data.sigma.size
        lam, sigma = data.lam[:m], data.sigma
        with np.errstate(divide="ignore", invalid="ignore"):
            k_pred = theory.predicted_transition(int(depth[i]), lam, sigma, float(eta[i]), float(delta[i]))
            k_meas = k_cross[k_at[i] : k_at[i + 1]]
            parts.append(
                (np.arange(1, m + 1), sigma, lam, k_meas, k_pred, np.abs(k_meas.astype(float) - k_pred) / k_pred)
            )
    columns = ("component", "sigma", "lambda", "k_measured", "k_predicted", "rel_error")
    cols = {c: np.concatenate([p[j] for p in parts]) for j, c in enumerate(columns)}
    keep = (cols["k_measured"] >= 0) & (cols["sigma"] > 0)
    transitions = pd.DataFrame(
        {"run_id": _strings(t.column("run_id"), np.repeat(np.arange(n), m_of)[keep])}
        | {c: v[keep] for c, v in cols.items()}
    )

    # the per-mode check, run by run (aligned full-matrix runs on exactly commuting datasets)
    method, init = t.column("method").to_pylist(), t.column("init").to_pylist()
    permode = []
    for i in range(n):
        if init[i] == "aligned" and ds_names[i] in exact and method[i] != "per_mode" and logged == "W":
            run = {c: np.asarray(t.column(c)[i].as_py()) for c in ("depth", "width", "delta", "eta")}
            run |= {"steps": steps[step_at[i] : step_at[i + 1]]}
            run["W"] = values[value_at[i] : value_at[i + 1]].reshape(-1, *datasets[ds_names[i]].Sigma_xy.shape)
            permode.append({"run_id": ids[i], "max_rel_deviation": permode_deviation(run, datasets[ds_names[i]])})
    return {
        "runs": _runs_frame(t, loss, loss_at),
        "components": components.astype({"step": np.int64, "component": np.int64}),
        "transitions": transitions[TRANSITION_COLUMNS],
        "permode": pd.DataFrame(permode, columns=PERMODE_COLUMNS),
    }


def tabulate_runs(shard_path, dataset_paths, dataset_specs: dict) -> dict[str, pd.DataFrame]:
    """``runs``, ``components``, ``transitions`` and ``permode`` of one run-store shard (``tabulate_shard``)."""
    datasets = spectra.load_members(dataset_paths)
    return tabulate_shard(shard_path, datasets, exactly_commuting(dataset_specs))


def t1_table(runs: pd.DataFrame, transitions: pd.DataFrame, experiment: str) -> pd.DataFrame:
    """T1: ``rel_error`` median, max and count per (model, dataset, eta, delta) of ``experiment``."""
    t = transitions.merge(runs, on="run_id")
    t = t[t["experiment"] == experiment]
    return (
        t.groupby(["model", "dataset", "eta", "delta"])["rel_error"]
        .agg(median="median", max="max", n="count")
        .reset_index()
        .rename(columns={"median": "rel_error_median", "max": "rel_error_max", "n": "n_transitions"})
    )
