"""Simulate the DMF runs given as parameters (one experiment and depth): trajectory, stages and Hessian curvature,
one file per run, named by its run id."""

import sys

from implicitreg.config.grid import DMFRun, check_run_files
from implicitreg.dmf.experiment import simulate_dmf
from implicitreg.io import files

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
p = sm.params
runs = [DMFRun(**run) for run in p.runs]
check_run_files(sm.output, runs)
for path, run in zip(sm.output, runs):
    arrays = simulate_dmf(run, p.spec, p.seed, p.n_log, p.stage_rule, p.resolution)
    files.save_npz(path, **arrays)
    print(run.run_id, arrays["status"], arrays["n_steps"], "stages", arrays["n_stages"], file=sys.stderr)
