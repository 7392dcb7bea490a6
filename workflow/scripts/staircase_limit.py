"""Distance of each rescaled two-layer trajectory to the staircase limit (F4, claim 5)."""

import sys
from pathlib import Path

import pandas as pd

from implicitreg import fileio, vanishing

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
spec = sm.params.spec
runs = pd.read_csv(sm.input.runs)
runs = runs[runs["experiment"] == spec["experiment"]]
sigma = {Path(f).stem: fileio.load_npz(f)["sigma"] for f in sm.input.datasets}
table = vanishing.distance_table(runs, pd.read_parquet(sm.input.components), sigma, spec["t_max"], spec["n_grid"])
fileio.save_csv(sm.output[0], table)
