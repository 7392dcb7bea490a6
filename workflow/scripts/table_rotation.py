"""rotation_deviation.csv: deviation from the aligned prediction and normalized commutator, per run."""

import sys
from pathlib import Path

import pandas as pd

from implicitreg import fileio
from implicitreg.perturb import rotation_row
from implicitreg.spectra import Dataset

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
datasets = {Path(f).stem: Dataset.from_arrays(fileio.load_npz(f)) for f in sm.input.datasets}
rows = []
for path in sm.input.runs:
    arrays = fileio.load_npz(path)
    name = str(arrays["dataset"].item())
    rows.append(rotation_row(arrays, datasets[name], sm.params.datasets[name].get("epsilon", 0.0)))
table = pd.DataFrame(rows).sort_values(["model", "epsilon"], kind="stable")
fileio.save_csv(sm.output[0], table)
