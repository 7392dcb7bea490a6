"""results/MANIFEST.tsv: every output with its SHA-256 and provenance, under the code and config header.

An output whose bytes differ from what its producer wrote is refused, with the command that rebuilds it.
"""

import sys

from implicitreg.io import job, provenance

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
head = provenance.header(dict(sm.params.config), sm.params.sources, sm.params.root)
provenance.write_manifest(sm.output[0], sm.params.records, head, check_written=True)
print(f"{len(sm.params.records)} outputs, {len(sm.params.sources)} sources", file=sys.stderr)
