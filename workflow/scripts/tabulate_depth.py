"""depth_transitions.csv: the depth analysis's transitions against the section 4 laws and the flow half-crossing."""

from implicitreg.io import contract, job
from implicitreg.tables.depth_transitions import tabulate_depth

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
tables = {name: contract.read_table(name, sm.input[name]) for name in ("runs", "transitions", "components")}
table = tabulate_depth(tables["runs"], tables["transitions"], tables["components"], sm.params.experiment)
contract.write_table("depth_transitions", table, sm.output.depth_transitions)
