"""Simulate the DMF runs given as parameters (one shard of a DMF experiment): trajectory, stages and Hessian
curvature, written to the shard's store file."""

from implicitreg.config.grid import DMFRun
from implicitreg.dmf.experiment import ProgressLog, simulate_dmf
from implicitreg.io import job, store
from implicitreg.io.shards import check_shard

job.start(snakemake.log[0], line_buffered=True)  # noqa: F821  (progress is visible as it happens)
sm = snakemake  # noqa: F821
p = sm.params
runs = [DMFRun(*run) for run in p.runs]
check_shard(sm.output[0], runs)
results = []
for run in runs:
    progress = ProgressLog(run.run_id, run.max_steps)
    arrays = simulate_dmf(run, p.spec, p.seed, p.n_log, p.stage_rule, p.resolution, progress)
    results.append(arrays)
    progress.done(f"{arrays['status']} after {arrays['n_steps']} iterations, {arrays['n_stages']} stages")
store.write_shard(sm.output[0], results)
