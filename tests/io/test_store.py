"""The run store: runs round-trip through a shard's Parquet file exactly, byte-reproducibly, one by one."""

import hashlib

import numpy as np
import pytest

from implicitreg.io import files, store


def runs():
    rng = np.random.default_rng(0)
    return [
        {"run_id": np.array("e-a-s0"), "eta": np.array(0.1), "depth": np.array(1), "status": np.array("converged"),
         "W": rng.normal(size=(5, 3, 2)), "W0_0": rng.normal(size=(3, 2)), "steps": np.arange(5),
         "k_cross": np.array([3, -1]), "flag": np.array(True), "stages": np.array(["a", "bb"])},
        {"run_id": np.array("e-b-s1"), "eta": np.array(0.25), "depth": np.array(2), "status": np.array("diverged"),
         "W": np.zeros((0, 3, 2)), "W0_0": rng.normal(size=(3, 4)), "W0_1": rng.normal(size=(4, 2)),
         "steps": np.zeros(0, np.int64), "k_cross": np.array([-1, -1]), "flag": np.array(False),
         "stages": np.array(["c"])},
    ]  # fmt: skip


def test_runs_round_trip_exactly_with_dtypes_shapes_and_absent_keys(tmp_path):
    path = tmp_path / "shard-0-of-1.parquet"
    store.write_shard(path, runs(), log="W")
    back = list(store.iter_runs(path))
    for a, b in zip(runs(), back, strict=True):
        assert list(b) == sorted(a)  # W0_1 absent from the first run
        for key in a:
            assert b[key].dtype == a[key].dtype and b[key].shape == a[key].shape, key
            np.testing.assert_array_equal(b[key], a[key])
    assert store.metadata(path) == {"implicitreg.store": store.VERSION, "implicitreg.log": "W"}
    assert store.run_ids(path) == ["e-a-s0", "e-b-s1"]


def test_writes_are_byte_reproducible(tmp_path):
    digests = set()
    for i in range(2):
        store.write_shard(tmp_path / f"{i}.parquet", runs())
        digests.add(hashlib.sha256((tmp_path / f"{i}.parquet").read_bytes()).hexdigest())
    assert len(digests) == 1


def test_one_run_by_id_across_row_groups(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "ROW_GROUP_RUNS", 2)
    many = [r | {"run_id": np.array(f"e-x-s{i}"), "eta": np.array(0.01 * i)} for i in range(7) for r in runs()[:1]]
    store.write_shard(tmp_path / "s.parquet", many)
    assert store.load_run(tmp_path / "s.parquet", "e-x-s5")["eta"] == 0.05
    ordered = store.load_runs([tmp_path / "s.parquet"], ["e-x-s6", "e-x-s0"])
    assert [str(r["run_id"]) for r in ordered] == ["e-x-s6", "e-x-s0"]
    with pytest.raises(KeyError, match="e-x-s9 is not in"):
        store.load_run(tmp_path / "s.parquet", "e-x-s9")


def test_shard_of_run_follows_the_hash(tmp_path):
    from implicitreg.io.shards import shard_of

    k = shard_of("e-x-s5", 2)
    store.write_shard(tmp_path / f"results/runs/e/shard-{k}-of-4.parquet", runs()[:1])
    assert store.shard_of_run("e-x-s5", tmp_path) == tmp_path / f"results/runs/e/shard-{k}-of-4.parquet"
    with pytest.raises(FileNotFoundError, match="holds f-x-s5"):
        store.shard_of_run("f-x-s5", tmp_path)


def test_a_truncated_shard_is_named(tmp_path):
    path = tmp_path / "shard-0-of-1.parquet"
    store.write_shard(path, runs())
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(files.UnreadableFileError, match="shard-0-of-1.parquet cannot be read"):
        store.run_ids(path)
