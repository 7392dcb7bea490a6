"""Reduced-rank regression solutions of every rank for one dataset (for each draw of it, with ``draws``)."""

from implicitreg.data.spectra import map_members
from implicitreg.io import files, job
from implicitreg.linear.rrr import rrr_arrays

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
files.save_npz(sm.output[0], **map_members(rrr_arrays, files.load_npz(sm.input.dataset)))
