"""docs/CLAIMS.md: the claims table for readers of the repository, generated from claims.csv."""

from implicitreg.claims.report import markdown
from implicitreg.io import contract, files, job

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
with files.atomic_path(sm.output[0]) as tmp:
    tmp.write_text(markdown(contract.read_table("claims", sm.input.claims)))
