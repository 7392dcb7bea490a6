"""rrr.csv: loss and nuclear norm of every RRR solution of every dataset, and the distance of the F5 gradient
paths to each (path_run_id, path_min_distance, path_argmin_step; empty where no path was measured)."""

import sys
from pathlib import Path

import pandas as pd

from implicitreg import fileio, rrr_path

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
frames = []
for path in sm.input.rrr:
    b = fileio.load_npz(path)
    name = Path(path).stem.removeprefix("rrr_")
    frames.append(
        pd.DataFrame({"dataset": name, "rank": b["rank"], "loss": b["loss"], "nuclear_norm": b["nuclear_norm"]})
    )
table = pd.concat(frames, ignore_index=True)
if sm.input.paths:
    minima = pd.concat([rrr_path.path_minima(pd.read_parquet(p)) for p in sm.input.paths], ignore_index=True)
else:
    minima = pd.DataFrame({"dataset": pd.Series(dtype=str), "rank": pd.Series(dtype=int)})
table = table.merge(minima, on=["dataset", "rank"], how="left")
for col in ("path_run_id", "path_min_distance", "path_argmin_step"):
    table[col] = table[col] if col in table else pd.NA
table["path_argmin_step"] = table["path_argmin_step"].astype("Int64")
fileio.save_csv(sm.output[0], table)
