"""One experiment's run tables (runs, components, transitions, permode) from its run files."""

import sys

from implicitreg.io import contract
from implicitreg.tables.run_tables import tabulate_runs

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
for name, df in tabulate_runs(sm.input.runs, sm.input.datasets, sm.params.datasets).items():
    contract.write_table(name, df, sm.output[name])
