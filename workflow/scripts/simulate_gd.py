"""Simulate the GD runs given as parameters (one shard of an experiment) and write them to the shard's store file."""

import sys

from implicitreg.config.grid import RunSpec
from implicitreg.data.spectra import load_members
from implicitreg.io import job, store
from implicitreg.io.shards import check_shard
from implicitreg.linear.experiment import simulate_runs

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
spec = sm.params.spec
runs = [RunSpec(*run) for run in sm.params.runs]
check_shard(sm.output[0], runs)
datasets = load_members(sm.input.datasets)
results = simulate_runs(runs, datasets, spec, sm.params.seed, sm.params.n_log)
store.write_shard(sm.output[0], [results[run.run_id] for run in runs], log=spec["log"])
for run in runs:
    print(run.run_id, results[run.run_id]["status"], results[run.run_id]["n_steps"], file=sys.stderr)
