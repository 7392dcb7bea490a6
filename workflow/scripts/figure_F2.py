"""F2: sequential (two-layer) against simultaneous (linear) learning of the components."""

import sys

import pandas as pd

from implicitreg import plotting
from implicitreg.figures import figure_f2

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
plotting.setup_style()
runs = pd.read_csv(sm.input.runs)
runs = runs[runs["experiment"] == sm.params.spec["experiment"]]
fig = figure_f2(runs, pd.read_parquet(sm.input.components), pd.read_csv(sm.input.transitions))
plotting.save_figure(fig, sm.output.pdf, sm.output.png)
