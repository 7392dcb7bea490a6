"""Minimum nuclear-norm completion of every (target, mask) of one completion experiment."""

import pandas as pd

from implicitreg.config.grid import expand_dmf_runs
from implicitreg.dmf.nuclear import solve_problems
from implicitreg.io import contract, files, job

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
runs = expand_dmf_runs(sm.wildcards.experiment, sm.params.spec)
rows = solve_problems(runs, sm.params.spec, sm.params.seed)
files.save_csv(sm.output[0], pd.DataFrame(rows, columns=contract.NUCLEAR_COLUMNS))
