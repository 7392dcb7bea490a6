"""staircase_limit.csv: distance of each rescaled two-layer trajectory to the staircase limit (F4, claim 5)."""

from implicitreg.io import contract, job
from implicitreg.tables.staircase_distance import tabulate_staircase_distance

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
spec = sm.params.spec
runs, components = contract.read_table("runs", sm.input.runs), contract.read_table("components", sm.input.components)
table = tabulate_staircase_distance(
    runs, components, sm.input.datasets, spec["experiment"], spec["t_max"], spec["n_grid"]
)
contract.write_table("staircase_limit", table, sm.output.staircase_limit)
