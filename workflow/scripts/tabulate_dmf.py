"""dmf_runs.csv, dmf_trajectories.parquet, dmf_stages.csv, dmf_curvature.csv and T4 from every DMF run file."""

import sys

from implicitreg.io import contract
from implicitreg.tables.dmf_tables import tabulate_dmf

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
for name, df in tabulate_dmf(sm.input.runs, sm.params.resolution).items():
    contract.write_table(name, df, sm.output[name])
