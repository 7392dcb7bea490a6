"""rrr_path.parquet and T2: distances from each two-layer path to every RRR solution and top-k-by-sigma map."""

from implicitreg.io import contract, job, store
from implicitreg.tables.rrr_distances import tabulate_rrr_distances

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
runs = store.load_runs(sm.input.runs, sm.params.order)
for name, df in tabulate_rrr_distances(runs, sm.input.datasets, sm.input.rrr).items():
    contract.write_table(name, df, sm.output[name])
