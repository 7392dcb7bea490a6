"""Claim 13: transition iterations of depth >= 3 follow the polynomial law."""

import sys

import pandas as pd

from implicitreg import claims, depth, fileio

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
row = depth.claim_polynomial_law(pd.read_csv(sm.input[0]), sm.params.tol)
fileio.save_csv(sm.output[0], pd.DataFrame([row], columns=claims.COLUMNS))
