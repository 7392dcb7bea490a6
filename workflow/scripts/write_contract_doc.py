"""docs/CONTRACT.md: the results contract (every output path and its columns), from io/contract.py."""

from implicitreg.io import contract, files, job

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
with files.atomic_path(sm.output[0]) as tmp:
    tmp.write_text(contract.markdown())
