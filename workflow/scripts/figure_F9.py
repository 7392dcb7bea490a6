"""F9: two-, three- and four-layer networks on the same data; transitions against THEORY.md section 4."""

import sys

import pandas as pd

from implicitreg import plotting
from implicitreg.depth_figures import figure_f9

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
plotting.setup_style()
runs = pd.read_csv(sm.input.runs)
runs = runs[runs["experiment"] == sm.params.spec["experiment"]]
components = pd.read_parquet(sm.input.components)
fig = figure_f9(runs, components[components["run_id"].isin(runs["run_id"])], pd.read_csv(sm.input.depth_transitions))
plotting.save_figure(fig, sm.output.pdf, sm.output.png)
