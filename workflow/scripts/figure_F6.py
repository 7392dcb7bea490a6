"""F6: step-size phase diagram over eta sigma_1 and delta, with the derived boundaries 1/2 and 1."""

import sys

import pandas as pd

from implicitreg import plotting
from implicitreg.figures_beyond import figure_f6

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
plotting.setup_style()
phase = pd.read_csv(sm.input.phase)
components = pd.read_parquet(sm.input.components, filters=[("run_id", "in", list(phase["run_id"]))])
deltas = sorted(phase["delta"].unique())
fig = figure_f6(phase, components, sm.params.spec["examples"], deltas[len(deltas) // 2])
plotting.save_figure(fig, sm.output.pdf, sm.output.png)
