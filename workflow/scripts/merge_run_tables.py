"""runs.csv, components.parquet, transition_times.csv and permode_deviation.csv: every experiment's tables, in order."""

import sys

from implicitreg.io import contract
from implicitreg.tables.run_tables import merge_run_tables

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
names = contract.RUN_TABLES
parts = [{name: contract.read_table(name, paths[i]) for name, paths in zip(names, (sm.input[n] for n in names))}
         for i in range(len(sm.input[names[0]]))]  # fmt: skip
for name, df in merge_run_tables(parts).items():
    contract.write_table(name, df, sm.output[name])
