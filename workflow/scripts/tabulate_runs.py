"""runs.csv, components.parquet, transition_times.csv and permode_deviation.csv from every GD run file."""

import sys

from implicitreg.io import contract
from implicitreg.tables.run_tables import tabulate_runs

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
for name, df in tabulate_runs(sm.input.runs, sm.input.datasets, sm.params.datasets).items():
    contract.write_table(name, df, sm.output[name])
