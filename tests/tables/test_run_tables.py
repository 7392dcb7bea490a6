"""Run tables from a shard, column by column: logging only the components gives the same tables as logging W."""

import numpy as np
import yaml
from helpers import TINY

from implicitreg.config.check import validate
from implicitreg.config.grid import expand_runs
from implicitreg.data import seeds, spectra
from implicitreg.io import files, store
from implicitreg.linear.experiment import simulate_runs
from implicitreg.tables.run_tables import exactly_commuting, tabulate_shard


def test_components_only_shard_gives_the_same_tables_as_a_full_one(tmp_path):
    config = validate(yaml.safe_load(TINY.read_text()))
    exp = config["experiments"]["transitions"]
    datasets = {ds: spectra.make_dataset(config["datasets"][ds], seeds.rng(config["seed"], "dataset", ds))
                for ds in exp["datasets"]}  # fmt: skip
    runs = expand_runs("transitions", exp, config["datasets"])
    exact = exactly_commuting(config["datasets"])
    tables = {}
    for log in ("W", "components"):
        out = simulate_runs(runs, datasets, exp | {"log": log}, config["seed"], config["n_log"])
        store.write_shard(tmp_path / f"{log}.parquet", [out[r.run_id] for r in runs], log=log)
        assert ("W" in out[runs[0].run_id]) == (log == "W")
        tables[log] = tabulate_shard(tmp_path / f"{log}.parquet", datasets, exact)
    for name in ("runs", "components", "transitions"):
        files.save_csv(tmp_path / f"{name}_W.csv", tables["W"][name])
        files.save_csv(tmp_path / f"{name}_c.csv", tables["components"][name])
        assert (tmp_path / f"{name}_W.csv").read_bytes() == (tmp_path / f"{name}_c.csv").read_bytes(), name
    assert len(tables["W"]["permode"]) == len(runs) and len(tables["components"]["permode"]) == 0
    assert np.all(tables["W"]["permode"]["max_rel_deviation"] < 1e-8)  # aligned runs follow the recursion (claim 1)
    assert len(tables["W"]["components"]) > 0
