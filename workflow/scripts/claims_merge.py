"""claims.csv: the claim parts of every stage, concatenated in claim order."""

import sys

import pandas as pd

from implicitreg import claims, fileio

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
parts = [pd.read_csv(path) for path in sm.input.parts]
merged = pd.concat(parts, ignore_index=True).sort_values("claim_id", kind="stable")
fileio.save_csv(sm.output[0], merged[claims.COLUMNS])
