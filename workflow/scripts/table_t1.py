"""T1: relative error of the predicted transition iterations, median and max per setting."""

import sys

import pandas as pd

from implicitreg import fileio

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
runs = pd.read_csv(sm.input.runs)
t = pd.read_csv(sm.input.transitions).merge(runs, on="run_id")
t = t[t["experiment"] == sm.params.experiment]
t1 = (
    t.groupby(["model", "dataset", "eta", "delta"])["rel_error"]
    .agg(median="median", max="max", n="count")
    .reset_index()
    .rename(columns={"median": "rel_error_median", "max": "rel_error_max", "n": "n_transitions"})
)
fileio.save_csv(sm.output[0], t1)
