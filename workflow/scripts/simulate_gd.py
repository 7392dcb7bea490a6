"""Simulate the GD runs given as parameters (one experiment) and write one file per run, named by its run id."""

import sys

from implicitreg.config.grid import RunSpec, check_run_files
from implicitreg.data.spectra import Dataset
from implicitreg.io import files
from implicitreg.linear.experiment import simulate_runs

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
spec = sm.params.spec
runs = [RunSpec(**run) for run in sm.params.runs]
check_run_files(sm.output, runs)
datasets = {ds: Dataset.from_arrays(files.load_npz(f)) for ds, f in zip(spec["datasets"], sm.input.datasets)}
results = simulate_runs(runs, datasets, spec, sm.params.seed, sm.params.n_log)
for path, run in zip(sm.output, runs):
    files.save_npz(path, **results[run.run_id])
    print(run.run_id, results[run.run_id]["status"], results[run.run_id]["n_steps"], file=sys.stderr)
