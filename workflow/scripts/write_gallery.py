"""docs/gallery.md: a thumbnail of every figure with the title of its report caption."""

from pathlib import Path

from implicitreg.figures import gallery
from implicitreg.io import job

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
gallery.write(sm.output[0], Path(sm.input.figures[0]).parent, Path(sm.input.captions[0]).parent)
