"""F8: test risk along the two-layer and linear GD paths, of RRR at every rank and of the ridge path."""

import sys

import pandas as pd

from implicitreg import plotting
from implicitreg.figures_beyond import figure_f8

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
plotting.setup_style()
fig = figure_f8(pd.read_csv(sm.input.test_risk), pd.read_csv(sm.input.T3))
plotting.save_figure(fig, sm.output.pdf, sm.output.png)
