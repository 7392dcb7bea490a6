"""F4: two-layer components in rescaled time for growing delta, and their distance to the staircase limit."""

import sys

import pandas as pd

from implicitreg import fileio, plotting
from implicitreg.figures_path import figure_f4

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
plotting.setup_style()
spec = sm.params.spec
runs = pd.read_csv(sm.input.runs)
runs = runs[runs["experiment"] == spec["experiment"]]
data = fileio.load_npz(sm.input.datasets[0])
m = data["sigma"].size
fig = figure_f4(
    runs,
    pd.read_parquet(sm.input.components),
    pd.read_csv(sm.input.staircase_limit),
    data["sigma"],
    data["lam"][:m],
    spec["t_max"],
)
plotting.save_figure(fig, sm.output.pdf, sm.output.png)
