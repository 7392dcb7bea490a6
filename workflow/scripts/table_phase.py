"""phase_diagram.csv: every F6 run classified from its trajectory against the boundaries 1/2 and 1."""

import sys

import pandas as pd

from implicitreg import fileio
from implicitreg.phase import phase_table

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
runs = pd.read_csv(sm.input.runs)
runs = runs[(runs["experiment"] == sm.params.experiment) & (runs["model"] == "two_layer")]
permode = pd.read_csv(sm.input.permode)
components = pd.read_parquet(sm.input.components, filters=[("run_id", "in", list(runs["run_id"]))])
fileio.save_csv(sm.output[0], phase_table(runs, components, permode, sm.params.spectra, sm.params.rtol))
