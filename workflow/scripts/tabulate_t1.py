"""T1: relative error of the predicted transition iterations, median and max per setting."""

from implicitreg.io import contract, job
from implicitreg.tables.run_tables import t1_table

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
runs, transitions = contract.read_table("runs", sm.input.runs), contract.read_table("transitions", sm.input.transitions)
contract.write_table("T1", t1_table(runs, transitions, sm.params.experiment), sm.output.T1)
