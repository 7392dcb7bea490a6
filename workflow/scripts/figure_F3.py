"""F3: measured against predicted transition iterations over the eta x delta x spectra grid."""

import sys

import pandas as pd

from implicitreg import plotting
from implicitreg.figures import figure_f3

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
plotting.setup_style()
runs = pd.read_csv(sm.input.runs)
runs = runs[runs["experiment"] == sm.params.spec["experiment"]]
tol = sm.params.claims
fig = figure_f3(
    runs, pd.read_csv(sm.input.transitions), tol["transition_eta_sigma_max"], tol["transition_median_rel_error"]
)
plotting.save_figure(fig, sm.output.pdf, sm.output.png)
