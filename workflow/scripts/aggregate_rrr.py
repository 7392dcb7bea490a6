"""rrr.csv: loss and nuclear norm of every RRR solution of every dataset."""

import sys
from pathlib import Path

import pandas as pd

from implicitreg import fileio

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
frames = []
for path in sm.input.baselines:
    b = fileio.load_npz(path)
    name = Path(path).stem.removeprefix("rrr_")
    frames.append(
        pd.DataFrame({"dataset": name, "rank": b["rank"], "loss": b["loss"], "nuclear_norm": b["nuclear_norm"]})
    )
fileio.save_csv(sm.output[0], pd.concat(frames, ignore_index=True))
