"""Simulate every DMF run of one (experiment, depth): trajectory, stages and Hessian curvature per run file."""

import sys

from implicitreg import fileio
from implicitreg.dmfruns import expand_dmf_runs, simulate_dmf

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
p = sm.params
runs = [r for r in expand_dmf_runs(p.experiment, p.spec) if r.depth == p.depth]
for path, run in zip(sm.output, runs):
    arrays = simulate_dmf(run, p.spec, p.seed, p.n_log, p.stage_rule, p.resolution)
    fileio.save_npz(path, **arrays)
    print(run.run_id, arrays["status"], arrays["n_steps"], "stages", arrays["n_stages"], file=sys.stderr)
