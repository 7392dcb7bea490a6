"""test_risk.csv (GD paths, RRR ranks, ridge path, teacher) and T3 (best test risk of each method)."""

from implicitreg.io import contract, job, store
from implicitreg.tables.test_risk import tabulate_test_risk

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
runs = store.load_runs(sm.input.runs, sm.params.order)
tables = tabulate_test_risk(runs, sm.input.datasets, sm.input.rrr, sm.params.ridge_alpha)
for name, df in tables.items():
    contract.write_table(name, df, sm.output[name])
