"""Simulate every run of one experiment and write one file per run."""

import sys

from implicitreg import fileio
from implicitreg.experiments import expand_runs, simulate_runs
from implicitreg.spectra import Dataset

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
spec = sm.params.spec
datasets = {ds: Dataset.from_arrays(fileio.load_npz(f)) for ds, f in zip(spec["datasets"], sm.input.datasets)}
dataset_specs = {ds: {"d": d.U.shape[0], "p": d.V.shape[0], "sigma": d.sigma} for ds, d in datasets.items()}
runs = expand_runs(sm.params.experiment, spec, dataset_specs)
results = simulate_runs(runs, datasets, spec, sm.params.seed, sm.params.n_log)
for path, run in zip(sm.output, runs):
    fileio.save_npz(path, **results[run.run_id])
    print(run.run_id, results[run.run_id]["status"], results[run.run_id]["n_steps"], file=sys.stderr)
