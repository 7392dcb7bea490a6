"""F7: (a) random small initialization against aligned; (b) deviation against the normalized commutator."""

import sys

import pandas as pd

from implicitreg import plotting
from implicitreg.figures_beyond import figure_f7

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
plotting.setup_style()
spec = sm.params.spec
runs = pd.read_csv(sm.input.runs)
runs = runs[runs["experiment"].isin([spec["experiment"], spec["aligned"]])]
components = pd.read_parquet(sm.input.components, filters=[("run_id", "in", list(runs["run_id"]))])
fig = figure_f7(
    runs,
    components,
    pd.read_csv(sm.input.transitions),
    pd.read_csv(sm.input.rotation),
    spec["aligned"],
    spec["experiment"],
)
plotting.save_figure(fig, sm.output.pdf, sm.output.png)
