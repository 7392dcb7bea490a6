"""NumPy to and from Arrow on buffers: the arrays ``pa.array`` and ``to_numpy`` give, without importing pandas."""

import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest

from implicitreg.io import arrow

CASES = [
    (np.array([1.5, -0.0, np.inf, np.nan, 2.0**-1074]), pa.float64()),
    (np.array([3, -1, 2**40]), pa.int64()),
    (np.array([0, 7, 9], np.int64), pa.int32()),
    (np.array([True, False, True, True, False, False, True, False, True]), pa.bool_()),
    (["e-a-s0", "", "é", b"raw"], pa.string()),
    (np.zeros(0), pa.float64()),
    ([], pa.string()),
]


@pytest.mark.parametrize(("values", "typ"), CASES, ids=lambda c: str(c)[:20])
def test_from_numpy_builds_the_array_pa_array_builds(values, typ):
    ours, theirs = arrow.from_numpy(values, typ), pa.array(values, typ)
    assert ours.type == theirs.type and len(ours) == len(theirs) and ours.null_count == 0
    if typ in (pa.float64(), pa.int64(), pa.int32()):  # bit for bit (NaN and -0.0 included)
        assert arrow.to_numpy(ours).tobytes() == np.asarray(values, arrow.NUMPY_TYPES[typ]).tobytes()
    assert ours.to_pylist() == theirs.to_pylist() or typ == pa.float64()
    ours.validate(full=True)


def test_to_numpy_is_a_view_of_the_values_of_a_slice():
    values = pa.array(np.arange(10, dtype=np.int64)).slice(3, 4)
    np.testing.assert_array_equal(arrow.to_numpy(values), [3, 4, 5, 6])
    assert arrow.to_numpy(arrow.from_numpy(np.array([0.5, 2.5]), pa.float64()).slice(1)).tolist() == [2.5]


def test_to_numpy_refuses_nulls():
    with pytest.raises(ValueError, match="1 nulls"):
        arrow.to_numpy(pa.array([1, None], pa.int64()))


NO_PANDAS = """
import sys
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from implicitreg.io import arrow, store
from implicitreg.tables.merge import merge_parquet

runs = [{"run_id": np.array(f"e-s{i}"), "eta": np.array(0.1 * i), "W": np.full((i, 2, 2), float(i)),
         "status": np.array("converged"), "flag": np.array(i % 2 == 0)} for i in range(4)]
store.write_shard("shard.parquet", runs, log="W")
for k in (0, 1):  # two parts of a table, run ids in run order within each
    ids = [f"e-s{i}" for i in range(k, 4, 2) for _ in range(3)]
    table = pa.table({"run_id": arrow.from_numpy(ids, pa.string()),
                      "value": arrow.from_numpy(np.arange(len(ids), dtype=float), pa.float64())})
    pq.write_table(table, f"part{k}.parquet")
merge_parquet(["part0.parquet", "part1.parquet"], "merged.parquet", {f"e-s{i}": i for i in range(4)})
print("pandas" in sys.modules)  # reading back may load it: checked after
assert [r["run_id"].item() for r in store.iter_runs("shard.parquet", ["run_id"])] == [f"e-s{i}" for i in range(4)]
assert pq.read_table("merged.parquet", columns=["run_id"]).column(0).to_pylist()[::3] == [f"e-s{i}" for i in range(4)]
"""


def test_a_shard_is_written_and_parts_merged_without_importing_pandas(tmp_path):
    """``pa.array(ndarray)`` and ``Array.to_numpy()`` import pandas (a fifth of a second): the run store and the
    merge build their arrays with ``io.arrow``, so a simulation job and a merge never load it."""
    done = subprocess.run([sys.executable, "-c", NO_PANDAS], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
