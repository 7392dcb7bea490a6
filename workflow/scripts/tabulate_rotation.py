"""rotation_deviation.csv: deviation from the aligned prediction and normalized commutator, per run."""

from implicitreg.io import contract, job, store
from implicitreg.tables.rotation_deviation import tabulate_rotation

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
table = tabulate_rotation(store.load_runs(sm.input.runs, sm.params.order), sm.input.datasets, sm.params.datasets)
contract.write_table("rotation", table, sm.output.rotation)
