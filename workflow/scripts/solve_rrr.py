"""Reduced-rank regression solutions of every rank for one dataset."""

import numpy as np

from implicitreg.io import files, job
from implicitreg.linear import metrics
from implicitreg.linear.rrr import rrr_solutions

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
data = files.load_npz(sm.input.dataset)
W, loss = rrr_solutions(data["Sigma_x"], data["Sigma_xy"])
files.save_npz(sm.output[0], W=W, rank=np.arange(W.shape[0]), loss=loss, nuclear_norm=metrics.trace_norm(W))
