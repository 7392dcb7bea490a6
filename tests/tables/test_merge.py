"""Merging run tables from parts gives the bytes of writing every row at once, whatever the parts and windows."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
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


@pytest.mark.parametrize("window,batch_bytes", [(1, 1), (2, 60), (1000, 1 << 20)])
def test_csv_merge_in_run_order_equals_writing_at_once(tmp_path, monkeypatch, window, batch_bytes):
    """Also where a part's ``width`` is all empty and another's all integers."""
    monkeypatch.setattr(merge, "WINDOW", window)
    monkeypatch.setattr(merge, "BATCH_BYTES", batch_bytes)
    runs = pd.DataFrame({c: range(6) for c in contract.TABLES["runs"].columns})
    runs["final_loss"] = [0.5, 1e-300, np.nan, 3.25, np.inf, 1 / 3]
    runs["run_id"] = [f"e-r{i}" for i in range(6)]
    runs["width"] = pd.array([3, pd.NA, 3, 3, pd.NA, 3], "Int64")
    positions = {r: i for i, r in enumerate(runs["run_id"])}
    parts = [tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "empty.csv"]
    contract.write_table("runs", runs.iloc[[1, 4]], parts[0])
    contract.write_table("runs", runs.iloc[[0, 2, 3, 5]], parts[1])
    contract.write_table("runs", runs.iloc[[]], parts[2])
    merge.merge("runs", parts, tmp_path / "merged.csv", positions)
    contract.write_table("runs", runs, tmp_path / "whole.csv")
    assert (tmp_path / "merged.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    merge.merge("runs", [tmp_path / "whole.csv", parts[2]], tmp_path / "concat.csv")
    assert (tmp_path / "concat.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()


def test_csv_merge_refuses_a_quoted_field_and_leaves_no_output(tmp_path):
    runs = pd.DataFrame({c: [1] for c in contract.TABLES["runs"].columns})
    runs["run_id"], runs["init"] = ["e-r0"], ["a,b"]
    contract.write_table("runs", runs, tmp_path / "a.csv")
    with pytest.raises(ValueError, match="a.csv: a quoted field"):
        merge.merge("runs", [tmp_path / "a.csv"], tmp_path / "merged.csv", {"e-r0": 0})
    assert list(tmp_path.iterdir()) == [tmp_path / "a.csv"]


def test_parquet_bytes_do_not_depend_on_how_the_rows_were_chunked(tmp_path):
    """Enough distinct run ids (2.4 MB) that the run_id dictionary spills past Parquet's 1 MB dictionary page,
    where the encoder's boundaries would follow the Arrow chunks if they were kept."""
    n = 100_000
    ids = [f"experiment-run-{i:08d}" for i in range(n)]
    df = pd.DataFrame({"run_id": ids, "step": np.arange(n), "component": np.ones(n, np.int64),
                       "value": np.sin(np.arange(n)), "target": np.ones(n)})  # fmt: skip
    files.save_parquet(tmp_path / "whole.parquet", df)
    chunked = pd.concat([df.iloc[:33_333], df.iloc[33_333:70_001], df.iloc[70_001:]], ignore_index=True)
    files.save_parquet(tmp_path / "chunked.parquet", chunked)
    assert (tmp_path / "chunked.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes()
    with files.parquet_stream(tmp_path / "stream.parquet", pq.read_schema(tmp_path / "whole.parquet")) as write:
        for lo in range(0, n, 7_000):
            write(pa.Table.from_pandas(df.iloc[lo : lo + 7_000], preserve_index=False))
    assert (tmp_path / "stream.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes()
