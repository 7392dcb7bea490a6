"""completion_runs.csv, completion_trajectories.parquet, completion_stages.csv and T5 from the completion runs and
their nuclear-norm baseline."""

import pandas as pd

from implicitreg.io import contract, job, store
from implicitreg.tables.completion import tabulate_completion

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
runs = store.load_runs(sm.input.runs, sm.params.order)
tables = tabulate_completion(runs, pd.read_csv(sm.input.nuclear))
for name, df in tables.items():
    contract.write_table(name, df, sm.output[name])
