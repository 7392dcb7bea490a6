"""Claims 5, 7 and 8: the staircase limit and the path against reduced-rank regression, from the tables."""

import sys

import pandas as pd

from implicitreg import claims, claims_path, fileio, rrr_path

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
tol, specs = sm.params.tolerances, sm.params.datasets
rows = []
if "staircase" in sm.input.keys():
    distances = pd.read_csv(sm.input.staircase)
    rows.append(claims_path.claim_vanishing(distances, tol["staircase_distance_max_ratio"]))
if "t2" in sm.input.keys():
    t2 = pd.read_csv(sm.input.t2)
    names = sorted(t2["dataset"].unique())
    agree = [ds for ds in names if rrr_path.orders_agree(specs[ds]["lam"], specs[ds]["sigma"])]
    mismatch = [ds for ds in names if ds not in agree]
    rows.append(claims_path.claim_rrr_agree(t2, agree, tol["rrr_path_distance"]))
    rows.append(claims_path.claim_rrr_mismatch(t2, mismatch, tol["rrr_path_distance"]))
fileio.save_csv(sm.output[0], pd.DataFrame(rows, columns=claims.COLUMNS))
