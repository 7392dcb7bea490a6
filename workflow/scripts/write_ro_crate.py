"""ro-crate-metadata.json: the run as a Provenance Run Crate, from results/MANIFEST.tsv, the config and the job
times Snakemake recorded."""

import sys

from implicitreg.io import crate, job

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
path = crate.write(".", dict(sm.params.config), sm.params.root, dict(sm.params.rule_files))
print(f"wrote {path}", file=sys.stderr)
