"""Run tables (runs, components, transitions, permode) of one run-store shard, column by column."""

from implicitreg.io import contract, job
from implicitreg.tables.run_tables import tabulate_runs

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
(shard,) = sm.input.runs if isinstance(sm.input.runs, list) else [sm.input.runs]
for name, df in tabulate_runs(shard, sm.input.datasets, sm.params.datasets).items():
    contract.write_table(name, df, sm.output[name], sm.params.get("row_group"))
