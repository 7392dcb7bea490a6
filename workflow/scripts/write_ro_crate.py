"""ro-crate-metadata.json: the run as a Provenance Run Crate, built from results/MANIFEST.tsv and the config."""

import sys

from implicitreg.io import crate, job

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
path = crate.write(".", dict(sm.params.config), sm.params.root)
print(f"wrote {path}", file=sys.stderr)
