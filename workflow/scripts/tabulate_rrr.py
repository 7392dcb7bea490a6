"""rrr.csv: every RRR solution of every dataset, and the distance of the measured GD paths to each."""

from implicitreg.io import contract, job
from implicitreg.tables.rrr_distances import tabulate_rrr

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
paths = [contract.read_table("rrr_path", p) for p in sm.input.paths]
contract.write_table("rrr", tabulate_rrr(sm.input.rrr, paths), sm.output.rrr)
