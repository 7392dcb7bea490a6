"""Draw one figure from the tables it reads (its module: implicitreg.figures.{fig}_{stem}) as PDF and PNG."""

import importlib
from pathlib import Path

from implicitreg.figures import style
from implicitreg.io import contract, files, job

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
style.setup_style()
tables = {name: contract.read_parts(name, sm.input[name]) for name in sm.params.tables}
datasets = {Path(f).stem: files.load_npz(f) for f in sm.input.datasets}
fig = importlib.import_module(sm.params.module).draw(tables, datasets, sm.params.config)
style.save_figure(fig, sm.output.pdf, sm.output.png)
