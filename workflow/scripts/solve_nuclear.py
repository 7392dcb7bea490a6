"""Minimum nuclear-norm completion of every (target, mask) of one completion experiment."""

import pandas as pd

from implicitreg.config.grid import DMFRun
from implicitreg.dmf.nuclear import solve_problems
from implicitreg.io import contract, job

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
rows = solve_problems([DMFRun(*run) for run in sm.params.runs], sm.params.spec, sm.params.seed)
pd.DataFrame(rows, columns=contract.NUCLEAR_COLUMNS).to_csv(sm.output[0], index=False)
