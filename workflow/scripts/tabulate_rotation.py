"""rotation_deviation.csv: deviation from the aligned prediction and normalized commutator, per run."""

import sys

from implicitreg.io import contract, store
from implicitreg.tables.rotation_deviation import tabulate_rotation

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
table = tabulate_rotation(store.load_runs(sm.input.runs, sm.params.order), sm.input.datasets, sm.params.datasets)
contract.write_table("rotation", table, sm.output.rotation)
