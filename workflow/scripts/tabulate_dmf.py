"""dmf_runs.csv, dmf_trajectories.parquet, dmf_stages.csv, dmf_curvature.csv and T4 from every DMF run."""

from implicitreg.io import contract, job, store
from implicitreg.tables.dmf_tables import tabulate_dmf

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
for name, df in tabulate_dmf(store.load_runs(sm.input.runs, sm.params.order), sm.params.resolution).items():
    contract.write_table(name, df, sm.output[name])
