"""sequential_order.csv (F11): per (eta, delta) cell, the random initializations learned in sigma order."""

from implicitreg.io import contract, job
from implicitreg.tables.sequential_order import sequential_order

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
runs, transitions = contract.read_table("runs", sm.input.runs), contract.read_table("transitions", sm.input.transitions)
table = sequential_order(runs, transitions, sm.params.datasets)
contract.write_table("sequential_order", table, sm.output.sequential_order)
