"""Reduced-rank regression solutions of every rank for one dataset."""

import sys

import numpy as np

from implicitreg import fileio, metrics
from implicitreg.rrr import rrr_path

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
data = fileio.load_npz(sm.input.dataset)
W, loss = rrr_path(data["Sigma_x"], data["Sigma_xy"])
fileio.save_npz(sm.output[0], W=W, rank=np.arange(W.shape[0]), loss=loss, nuclear_norm=metrics.trace_norm(W))
