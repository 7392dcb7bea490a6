"""runs.csv, components.parquet, transition_times.csv and permode_deviation.csv from every run file."""

import sys
from pathlib import Path

import pandas as pd

from implicitreg import fileio, tables
from implicitreg.spectra import Dataset

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
datasets = {Path(f).stem: Dataset.from_arrays(fileio.load_npz(f)) for f in sm.input.datasets}
# The per-mode check needs exactly commuting covariances: not sampled, not rotated by epsilon.
exact = {name for name, spec in sm.params.datasets.items() if spec["kind"] != "sampled" and not spec.get("epsilon")}
runs, comps, trans, permode = [], [], [], []
for path in sm.input.runs:
    arrays = fileio.load_npz(path)
    data = datasets[tables.scalar(arrays, "dataset")]
    runs.append(tables.run_row(arrays))
    comps.append(tables.component_frame(arrays, data))
    trans.append(tables.transition_frame(arrays, data))
    per_mode = "method" in arrays and tables.scalar(arrays, "method") == "per_mode"  # claim 1 needs full-matrix runs
    if tables.scalar(arrays, "init") == "aligned" and tables.scalar(arrays, "dataset") in exact and not per_mode:
        permode.append({"run_id": tables.run_id(arrays), "max_rel_deviation": tables.permode_deviation(arrays, data)})
fileio.save_csv(sm.output.runs, pd.DataFrame(runs, columns=tables.RUN_COLUMNS))
fileio.save_parquet(sm.output.components, pd.concat(comps, ignore_index=True))
fileio.save_csv(sm.output.transitions, pd.concat(trans, ignore_index=True)[tables.TRANSITION_COLUMNS])
fileio.save_csv(sm.output.permode, pd.DataFrame(permode, columns=["run_id", "max_rel_deviation"]))
