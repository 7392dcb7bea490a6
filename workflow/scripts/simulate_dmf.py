"""Simulate the DMF runs given as parameters (one shard of a DMF experiment): trajectories in batches of the
compiled kernel, stages and Hessian curvature, written to the shard's store file."""

from implicitreg.config.grid import DMFRun
from implicitreg.dmf.experiment import simulate_dmf_runs
from implicitreg.io import job, store
from implicitreg.io.shards import check_shard

job.start(snakemake.log[0], line_buffered=True)  # noqa: F821  (progress is visible as it happens)
sm = snakemake  # noqa: F821
p = sm.params
runs = [DMFRun(*run) for run in p.runs]
check_shard(sm.output[0], runs)
store.write_shard(sm.output[0], simulate_dmf_runs(runs, p.spec, p.seed, p.n_log, p.stage_rule, p.resolution))
