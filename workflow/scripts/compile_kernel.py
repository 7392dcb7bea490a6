"""Compile one numba kernel (gd or dmf) into its cache before the simulation jobs that run it."""

import importlib
from pathlib import Path

from implicitreg.io import job

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
importlib.import_module(sm.params.module).compile_kernel()
Path(sm.output[0]).touch()
