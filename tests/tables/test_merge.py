"""Merging run tables from parts gives the bytes of writing every row at once, whatever the parts and windows."""

import numpy as np
import pandas as pd
import pytest

from implicitreg.io import contract, files
from implicitreg.tables import merge


def components(n_runs=40, seed=0):
    rng = np.random.default_rng(seed)
    rows = rng.integers(1, 9, n_runs)  # logged rows x components, different per run
    ids = np.repeat([f"e-r{i}" for i in range(n_runs)], rows)
    k = int(rows.sum())
    return pd.DataFrame({"run_id": ids, "step": np.arange(k), "component": np.ones(k, np.int64),
                         "value": rng.normal(size=k), "target": rng.normal(size=k)})  # fmt: skip


@pytest.mark.parametrize("window,batch,group", [(3, 5, 7), (1000, 1000, 10**6), (1, 1, 1)])
def test_parquet_merge_in_run_order_equals_writing_at_once(tmp_path, monkeypatch, window, batch, group):
    monkeypatch.setattr(merge, "WINDOW", window)
    monkeypatch.setattr(merge, "BATCH", batch)
    monkeypatch.setattr(files, "PARQUET_ROW_GROUP", group)
    df = components()
    positions = {r: i for i, r in enumerate(dict.fromkeys(df["run_id"]))}
    shard = df["run_id"].map(lambda r: hash(r) % 3)  # any split into parts, each in run order
    parts = []
    for k in range(3):
        parts.append(tmp_path / f"p{k}.parquet")
        files.save_parquet(parts[-1], df[shard == k])
    merge.merge("components", parts, tmp_path / "merged.parquet", positions)
    files.save_parquet(tmp_path / "whole.parquet", df)
    assert (tmp_path / "merged.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes()
    merge.merge("components", [tmp_path / "whole.parquet"], tmp_path / "concat.parquet")
    assert (tmp_path / "concat.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes()


@pytest.mark.parametrize("window,batch", [(1, 1), (2, 3), (1000, 1000)])
def test_csv_merge_in_run_order_equals_writing_at_once(tmp_path, monkeypatch, window, batch):
    """Also where a chunk's ``width`` is all empty (read back as floats) and another's all integers."""
    monkeypatch.setattr(merge, "WINDOW", window)
    monkeypatch.setattr(merge, "BATCH", batch)
    runs = pd.DataFrame({c: range(6) for c in contract.TABLES["runs"].columns})
    runs["final_loss"] = [0.5, 1e-300, np.nan, 3.25, np.inf, 1 / 3]
    runs["run_id"] = [f"e-r{i}" for i in range(6)]
    runs["width"] = pd.array([3, pd.NA, 3, 3, pd.NA, 3], "Int64")
    positions = {r: i for i, r in enumerate(runs["run_id"])}
    parts = [tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "empty.csv"]
    contract.write_table("runs", runs.iloc[[1, 4, 5]], parts[0])
    contract.write_table("runs", runs.iloc[[0, 2, 3]], parts[1])
    contract.write_table("runs", runs.iloc[[]], parts[2])
    merge.merge("runs", parts, tmp_path / "merged.csv", positions)
    contract.write_table("runs", runs, tmp_path / "whole.csv")
    assert (tmp_path / "merged.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
