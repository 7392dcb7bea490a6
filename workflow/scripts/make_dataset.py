"""Write one controlled-spectrum dataset (every draw of it, with ``draws``), its resolved parameters and seeds."""

from implicitreg.data import seeds, spectra
from implicitreg.io import files, job

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
name, spec, seed = sm.wildcards.dataset, sm.params.spec, sm.params.seed
files.save_npz(sm.output.npz, **spectra.dataset_file(name, spec, seed))
streams = {m: {"entropy": seed, "spawn_key": list(seeds.seed_sequence(seed, "dataset", m).spawn_key)}
           for m in spectra.members(name, spec)}  # fmt: skip
files.save_json(sm.output.json, {"dataset": name, "spec": dict(spec), "seed": streams})
