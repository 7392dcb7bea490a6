"""Shards: a run's shard is a pure function of its run id; adding runs never moves old ones."""

from dataclasses import dataclass

import pytest

from implicitreg.io import shards


@dataclass(frozen=True)
class Run:
    experiment: str
    seed: int

    @property
    def run_id(self) -> str:
        return f"{self.experiment}-s{self.seed}"


def test_shard_count_is_the_fewest_powers_of_two_within_the_size():
    assert [shards.shard_bits(n, 100) for n in (1, 100, 101, 200, 201, 400, 401)] == [0, 0, 1, 1, 2, 2, 3]
    assert shards.shard_bits(10_000, 2000) == 3  # 10,000 / 8 = 1,250 <= 2,000 < 10,000 / 4


def test_shard_is_the_top_bits_of_the_run_ids_hash():
    h = shards.run_hash("sweep-s7")
    assert shards.run_hash("sweep-s7") == int.from_bytes(__import__("hashlib").sha256(b"sweep-s7").digest()[:4])
    assert [shards.shard_of("sweep-s7", b) for b in (0, 1, 3)] == [0, h >> 31, h >> 29]


def test_adding_runs_keeps_old_ones_in_place_and_doubling_splits_each_shard():
    old = [Run("sweep", s) for s in range(1000)]
    more = old + [Run("sweep", s) for s in range(1000, 1500)]
    a, b = shards.split(old, 400), shards.split(more, 400)  # both 4 shards
    where = {r.run_id: key for key, runs in a.items() for r in runs}
    assert all(where[r.run_id] == key for key, runs in b.items() for r in runs if r.run_id in where)
    c = shards.split(more, 100)  # 16 shards: shard k of 4 splits into 4k .. 4k + 3 of 16
    assert all(k // 4 == where[r.run_id][0] for (k, K), runs in c.items() for r in runs if r.run_id in where)
    assert {K for _, K in a} == {K for _, K in b} == {4} and {K for _, K in c} == {16}


def test_split_keeps_the_experiments_order_and_every_run_once():
    runs = [Run("e", s) for s in range(50)]
    parts = shards.split(runs, 10)
    assert sorted(r.seed for rs in parts.values() for r in rs) == list(range(50))
    assert all([r.seed for r in rs] == sorted(r.seed for r in rs) for rs in parts.values())
    assert list(parts) == sorted(parts) and 5 <= len(parts) <= 8 and all(K == 8 for _, K in parts)


def test_check_shard_refuses_a_run_of_another_shard():
    parts = shards.split([Run("e", s) for s in range(40)], 10)
    (k, K), runs = next(iter(parts.items()))
    shards.check_shard(f"results/runs/e/shard-{k}-of-{K}.parquet", runs)
    other = next(rs for key, rs in parts.items() if key != (k, K))
    with pytest.raises(ValueError, match="does not belong to shard"):
        shards.check_shard(f"results/runs/e/shard-{k}-of-{K}.parquet", runs + other[:1])
    with pytest.raises(ValueError, match="is not a shard file"):
        shards.check_shard("results/runs/e/e-s0.npz", runs)
