"""dmf_runs.csv, dmf_trajectories.parquet, dmf_stages.csv, dmf_curvature.csv and T4 from every DMF run file."""

import sys

import pandas as pd

from implicitreg import dmftables, fileio

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
runs, trajectories, stages, curvature = [], [], [], []
for path in sm.input.runs:
    arrays = fileio.load_npz(path)
    runs.append(dmftables.run_row(arrays))
    trajectories.append(dmftables.trajectory_frame(arrays))
    stages.append(dmftables.stage_frame(arrays))
    curvature.append(dmftables.curvature_frame(arrays, sm.params.resolution))
runs = pd.DataFrame(runs, columns=dmftables.RUN_COLUMNS)
fileio.save_csv(sm.output.runs, runs)
fileio.save_parquet(sm.output.trajectories, pd.concat(trajectories, ignore_index=True))
fileio.save_csv(sm.output.stages, pd.concat(stages, ignore_index=True))
fileio.save_csv(sm.output.curvature, pd.concat(curvature, ignore_index=True)[dmftables.CURVATURE_COLUMNS])
fileio.save_csv(sm.output.t4, dmftables.table_t4(runs))
