"""Sharding: the tiny config with one to two runs per simulation job gives every table, figure and claim byte for
byte as the shared run with one job per experiment, and the same runs in its store."""

import re

import numpy as np
from helpers import tree_hashes

from implicitreg.io import store

STORES = ("results/runs/", "results/dmf/")
# Files that name the shards: the store itself, and the manifest and crate that list it with its parameters.
LAYOUT = ("results/MANIFEST.tsv",)


def stored_runs(workdir):
    return {
        str(run["run_id"]): run
        for root in STORES
        for path in sorted((workdir / root).glob("*/shard-*.parquet"))
        for run in store.iter_runs(path)
    }


def test_results_do_not_depend_on_the_shard_size(e2e_workdir, sharded_workdir):
    wd, proc = sharded_workdir
    jobs = re.findall(r"rule (\w+):", proc.stderr)
    single = {p.parent.name for p in (e2e_workdir / "results/runs").glob("*/shard-0-of-1.parquet")}
    assert jobs.count("simulate_gd") > len(single) and "merge_shards" in jobs, "the run was not sharded"
    assert len(list((wd / "results/runs/transitions").glob("shard-*.parquet"))) > 1
    a, b = tree_hashes(e2e_workdir), tree_hashes(wd)
    same = [f for f in a if not f.startswith(STORES) and f not in LAYOUT]
    assert len(same) >= 60 and all(f in b for f in same)
    assert [f for f in same if a[f] != b[f]] == []
    assert not [f for f in b if f.startswith("results/tables/experiments/") and "/shard-" in f], "temp tables kept"


def test_the_sharded_store_holds_the_same_runs(e2e_workdir, sharded_workdir):
    a, b = stored_runs(e2e_workdir), stored_runs(sharded_workdir[0])
    assert sorted(a) == sorted(b) and len(a) > 30
    for run_id, run in a.items():
        assert sorted(run) == sorted(b[run_id]), run_id
        for key, value in run.items():
            np.testing.assert_array_equal(value, b[run_id][key], err_msg=f"{run_id} {key}")
