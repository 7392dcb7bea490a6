"""F1 (G19 Figure 1): trace norm against rescaled time, linear and two-layer autoencoder."""

import sys

import pandas as pd

from implicitreg import fileio, plotting
from implicitreg.figures import figure_f1

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
plotting.setup_style()
spec = sm.params.spec
runs = pd.read_csv(sm.input.runs)
runs = runs[runs["experiment"] == spec["experiment"]]
sigma = fileio.load_npz(sm.input.datasets[0])["sigma"]
fig = figure_f1(runs, pd.read_parquet(sm.input.components), sigma, spec["t_max"])
plotting.save_figure(fig, sm.output.pdf, sm.output.png)
