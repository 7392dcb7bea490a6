"""Write one controlled-spectrum dataset and its resolved parameters and seed."""

from implicitreg.data import seeds
from implicitreg.data.spectra import make_dataset
from implicitreg.io import files, job

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
name, spec, seed = sm.wildcards.dataset, sm.params.spec, sm.params.seed
data = make_dataset(spec, seeds.rng(seed, "dataset", name), rotation_rng=seeds.rng(seed, "rotation"))
files.save_npz(sm.output.npz, **data.arrays())
stream = {"entropy": seed, "spawn_key": list(seeds.seed_sequence(seed, "dataset", name).spawn_key)}
files.save_json(sm.output.json, {"dataset": name, "spec": dict(spec), "seed": stream})
