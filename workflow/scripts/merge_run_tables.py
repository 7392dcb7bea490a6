"""Run tables merged from parts, streaming: an experiment's from its shards (in its run order), or every
experiment's, in order."""

from implicitreg.config.grid import expand_runs
from implicitreg.io import contract, job
from implicitreg.tables.merge import merge

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
positions = None
if "experiment" in sm.params.keys():
    runs = expand_runs(sm.params.experiment, sm.params.spec, sm.params.datasets)
    positions = {run.run_id: i for i, run in enumerate(runs)}
for name in contract.RUN_TABLES:
    merge(name, list(sm.input[name]), sm.output[name], positions)
