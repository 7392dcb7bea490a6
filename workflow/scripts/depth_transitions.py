"""depth_transitions.csv: F9's transitions against the section 4 laws and the exact flow half-crossing."""

import sys

import pandas as pd

from implicitreg import depth, fileio

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
runs = pd.read_csv(sm.input.runs)
runs = runs[runs["experiment"] == sm.params.experiment]
components = pd.read_parquet(sm.input.components)
components = components[components["run_id"].isin(runs["run_id"])]
table = depth.transition_table(runs, pd.read_csv(sm.input.transitions), components)
fileio.save_csv(sm.output[0], table)
