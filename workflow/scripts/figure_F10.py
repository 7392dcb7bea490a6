"""F10 (C22): deep matrix factorization, loss and singular values against iteration, Hessian curvature."""

import sys

import pandas as pd

from implicitreg import plotting
from implicitreg.depth_figures import figure_f10

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
plotting.setup_style()
runs = pd.read_csv(sm.input.dmf_runs)
runs = runs[runs["experiment"] == sm.params.spec["experiment"]]
fig = figure_f10(runs, pd.read_parquet(sm.input.dmf_trajectories), pd.read_csv(sm.input.dmf_stages),
                 pd.read_csv(sm.input.dmf_curvature))  # fmt: skip
plotting.save_figure(fig, sm.output.pdf, sm.output.png)
