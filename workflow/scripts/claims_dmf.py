"""Claims 14 and 15 (C22), measured from the DMF tables."""

import sys

import pandas as pd

from implicitreg import claims, dmftables, fileio

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
p = sm.params
runs = pd.read_csv(sm.input.runs)
curvature = pd.read_csv(sm.input.curvature)
rows = [
    dmftables.claim_stages(runs, p.experiment),
    dmftables.claim_curvature(curvature, runs, p.experiment, p.end_tol, p.resolution),
]
fileio.save_csv(sm.output[0], pd.DataFrame(rows, columns=claims.COLUMNS))
