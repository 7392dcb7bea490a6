"""F5: relative distance of the two-layer GD path to every RRR solution and top-k-by-sigma map."""

import sys
from pathlib import Path

import pandas as pd

from implicitreg import fileio, plotting, rrr_path
from implicitreg.figures_path import figure_f5

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
plotting.setup_style()
data = {Path(f).stem: fileio.load_npz(f) for f in sm.input.datasets}
agree = [ds for ds, d in data.items() if rrr_path.orders_agree(d["lam"], d["sigma"])]
fig = figure_f5(
    pd.read_parquet(sm.input.rrr_path),
    pd.read_csv(sm.input.T2),
    pd.read_csv(sm.input.transitions),
    agree,
    sm.params.claims["rrr_path_distance"],
)
plotting.save_figure(fig, sm.output.pdf, sm.output.png)
