"""Simulate the DMF runs given as parameters (one experiment and depth): trajectory, stages and Hessian curvature,
one file per run, named by its run id."""

import sys

from implicitreg.config.grid import DMFRun, check_run_files
from implicitreg.dmf.experiment import ProgressLog, simulate_dmf
from implicitreg.io import files

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821  (line-buffered: progress is visible)
sm = snakemake  # noqa: F821
p = sm.params
runs = [DMFRun(**run) for run in p.runs]
check_run_files(sm.output, runs)
for path, run in zip(sm.output, runs):
    progress = ProgressLog(run.run_id, run.max_steps)
    arrays = simulate_dmf(run, p.spec, p.seed, p.n_log, p.stage_rule, p.resolution, progress)
    files.save_npz(path, **arrays)
    progress.done(f"{arrays['status']} after {arrays['n_steps']} iterations, {arrays['n_stages']} stages")
