"""docs/gallery.md: a thumbnail of every figure with the title of its report caption."""

import sys
from pathlib import Path

from implicitreg.figures import gallery

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
gallery.write(sm.output[0], Path(sm.input.figures[0]).parent, Path(sm.input.captions[0]).parent)
