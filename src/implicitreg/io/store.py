"""The run store: the runs of one shard in one Parquet file, one row per run.

A run is a dict of NumPy arrays (the results contract's run keys). In the file, a key whose value is a scalar in
every run is one typed column (``run_id``, ``eta``, ``status``, ...); any other key is two columns, ``{key}`` with
the values flattened in C order and ``{key}.shape`` with the shape, so ``W`` of shape ``(T, d, p)`` comes back as
written. A key a run lacks is null there (the factors ``W0_j`` of a shallower network). Columns are in sorted
order, and the file's key-value metadata records the store version and how the shard was logged (``log``).

Why Parquet (pyarrow, already needed for the tables): it is columnar, so a table is built from the columns it needs
(``read_columns``) without decoding the trajectories; it is one self-describing file per shard that pandas, R,
DuckDB and Spark read; and pyarrow writes it byte-reproducibly (no timestamps; ``created_by`` names the pinned
version). The index from a run id to its data is the shard's ``run_id`` column, read alone; the shard itself is a
pure function of the run id (``io.shards``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from implicitreg.io import arrow, files
from implicitreg.io.contract import DMF_ROOT, RUNS_ROOT
from implicitreg.io.shards import shard_of

VERSION = "1"
ROW_GROUP_RUNS = 256  # runs per row group: reading one run decodes at most this many


def _arrow_type(values: list[np.ndarray]) -> pa.DataType:
    kinds = {v.dtype.kind for v in values}
    if kinds <= {"U", "S"}:
        return pa.string()
    if kinds == {"b"}:
        return pa.bool_()
    if kinds <= {"i", "u"}:
        return pa.int64()
    if kinds <= {"f", "i", "u"}:
        return pa.float64()
    raise TypeError(f"cannot store arrays of kinds {sorted(kinds)}")


def _list_column(sizes: list[int], values: pa.Array, missing: list[bool]) -> pa.Array:
    """A list column: row ``i`` holds the next ``sizes[i]`` of ``values``, or is null where ``missing[i]``."""
    offsets = arrow.from_numpy(np.concatenate([[0], np.cumsum(sizes)]), pa.int32())
    mask = arrow.from_numpy(np.array(missing), pa.bool_()) if any(missing) else None
    return pa.ListArray.from_arrays(offsets, values, mask=mask)


def to_table(runs: list[dict], log: str) -> pa.Table:
    """The runs as one Arrow table (columns in sorted key order), with the store's metadata."""
    keys = sorted({k for r in runs for k in r})
    columns = {}
    for key in keys:
        present = [np.asarray(r[key]) if key in r else None for r in runs]
        arrays = [v for v in present if v is not None]
        typ = _arrow_type(arrays)
        if len(arrays) == len(runs) and all(v.ndim == 0 for v in arrays):
            columns[key] = arrow.from_numpy([v.item() for v in arrays] if typ == pa.string() else np.array(arrays), typ)
            continue
        missing = [v is None for v in present]
        if typ == pa.string():
            values = arrow.from_numpy([x for v in arrays for x in v.ravel().tolist()], typ)
        else:
            values = arrow.from_numpy(np.concatenate(arrays, axis=None) if arrays else np.zeros(0), typ)
        columns[key] = _list_column([0 if v is None else v.size for v in present], values, missing)
        shapes = arrow.from_numpy(np.array([n for v in arrays for n in v.shape], np.int64), pa.int64())
        columns[f"{key}.shape"] = _list_column([0 if v is None else v.ndim for v in present], shapes, missing)
    table = pa.Table.from_arrays(list(columns.values()), names=list(columns))
    return table.replace_schema_metadata({"implicitreg.store": VERSION, "implicitreg.log": log})


def write_shard(path, runs: list[dict], log: str = "W") -> None:
    """Write ``runs`` (dicts of arrays, in order) to the Parquet file ``path``, atomically and byte-reproducibly."""
    table = to_table(runs, log)
    with files.atomic_path(path) as tmp:  # no dictionary pages: trajectories are floats that seldom repeat, and
        # trying them first doubles the write time and adds a fifth to the file (zstd alone packs repeated strings)
        pq.write_table(table, tmp, row_group_size=ROW_GROUP_RUNS, compression="zstd", use_dictionary=False)


def _open(path) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path)
    except (OSError, pa.ArrowInvalid) as err:
        raise files.unreadable(path, err) from err


def read_columns(path, columns: list[str] | None = None) -> pa.Table:
    """Columns of a shard (all by default), as Arrow."""
    try:
        return _open(path).read(columns=columns)
    except (OSError, pa.ArrowInvalid) as err:
        raise files.unreadable(path, err) from err


def metadata(path) -> dict[str, str]:
    """The shard's store metadata (``implicitreg.store``, ``implicitreg.log``)."""
    meta = _open(path).schema_arrow.metadata or {}
    return {k.decode(): v.decode() for k, v in meta.items() if k.startswith(b"implicitreg.")}


def run_ids(path) -> list[str]:
    """The shard's index: its run ids in row order."""
    return read_columns(path, ["run_id"]).column("run_id").to_pylist()


def rows(table: pa.Table) -> Iterator[dict]:
    """Each row of a store table as the run's dict of arrays (absent keys left out)."""
    names = [n for n in table.column_names if not n.endswith(".shape")]
    scalars, lists = {}, {}
    for name in names:
        col = table.column(name).combine_chunks()
        if f"{name}.shape" not in table.column_names:
            scalars[name] = col.to_pylist()
            continue
        shapes = table.column(f"{name}.shape").to_pylist()
        kind = col.type.value_type
        values = col.values.to_pylist() if kind == pa.string() else col.values.to_numpy(zero_copy_only=False)
        offsets = col.offsets.to_numpy()
        lists[name] = (values, offsets, shapes, col.is_null().to_numpy(zero_copy_only=False), kind)
    for i in range(table.num_rows):
        run = {k: np.array(v[i]) for k, v in scalars.items() if v[i] is not None}
        for name, (values, offsets, shapes, null, kind) in lists.items():
            if not null[i]:
                part = values[offsets[i] : offsets[i + 1]]
                run[name] = np.array(part, dtype=str if kind == pa.string() else None).reshape(shapes[i])
        yield dict(sorted(run.items()))


def iter_runs(path, columns: list[str] | None = None) -> Iterator[dict]:
    """Every run of a shard, in order, one row group at a time (memory bounded by a row group)."""
    f = _open(path)
    cols = None if columns is None else [c for c in f.schema_arrow.names if c.removesuffix(".shape") in columns]
    for g in range(f.num_row_groups):
        yield from rows(f.read_row_group(g, columns=cols))


def load_run(path, run_id: str) -> dict:
    """One run of a shard, as the results contract gives it; ``KeyError`` naming the shard if it is not there."""
    ids = run_ids(path)
    if run_id not in ids:
        raise KeyError(f"{run_id} is not in {files.working_relative(path) or path}")
    i = ids.index(run_id)
    f = _open(path)
    group = i // ROW_GROUP_RUNS
    return next(rows(f.read_row_group(group).slice(i - group * ROW_GROUP_RUNS, 1)))


def shard_of_run(run_id: str, workdir=Path(".")) -> Path:
    """The shard file holding ``run_id``: under ``results/runs`` or ``results/dmf``, in the folder of the experiment
    that prefixes the run id, the shard ``io.shards.shard_of`` gives among that experiment's ``K`` shards."""
    for root in (RUNS_ROOT, DMF_ROOT):
        for folder in sorted((workdir / root).glob("*/")):
            shards = sorted(folder.glob("shard-*-of-*.parquet"))
            if not run_id.startswith(f"{folder.name}-") or not shards:
                continue
            count = int(shards[0].stem.rsplit("-", 1)[1])
            path = folder / f"shard-{shard_of(run_id, count.bit_length() - 1)}-of-{count}.parquet"
            if path.exists():
                return path
    raise FileNotFoundError(f"no shard under {workdir / RUNS_ROOT} or {workdir / DMF_ROOT} holds {run_id}")


def load_runs(paths, order: list[str]) -> list[dict]:
    """The runs named by ``order`` (run ids) from the shards ``paths``, in that order."""
    found = {str(run["run_id"]): run for path in paths for run in iter_runs(path)}
    missing = [r for r in order if r not in found]
    if missing:
        raise KeyError(f"{len(missing)} runs are in none of the shards {list(map(str, paths))}: {missing[:3]}")
    return [found[r] for r in order]
