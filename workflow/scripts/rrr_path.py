"""Distances from each F5 two-layer path to every RRR solution and top-k-by-sigma map, and table T2."""

import sys
from pathlib import Path

import pandas as pd

from implicitreg import fileio, rrr_path, tables

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
datasets = {Path(f).stem: fileio.load_npz(f) for f in sm.input.datasets}
baselines = {Path(f).stem.removeprefix("rrr_"): fileio.load_npz(f)["W"] for f in sm.input.rrr}
paths, t2 = [], []
for path in sm.input.runs:
    run = fileio.load_npz(path)
    ds, rid = tables.scalar(run, "dataset"), tables.run_id(run)
    data = datasets[ds]
    top = rrr_path.top_sigma_maps(data["U"], data["V"], data["lam"], data["sigma"])
    paths.append(rrr_path.path_frame(ds, rid, run["steps"], run["W"], baselines[ds], top))
    t2.append(rrr_path.t2_rows(ds, rid, run["steps"], run["W"], run["k_cross"], baselines[ds], top))
    print(rid, "plateaus at", t2[-1]["plateau_step"].tolist(), file=sys.stderr)
fileio.save_parquet(sm.output.path, pd.concat(paths, ignore_index=True))
fileio.save_csv(sm.output.t2, pd.concat(t2, ignore_index=True))
