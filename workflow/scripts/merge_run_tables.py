"""Run tables merged from parts, streaming: an experiment's from its shards (in its run order), or every
experiment's, in order."""

import sys

from implicitreg.config.grid import expand_runs
from implicitreg.io import contract
from implicitreg.tables.merge import merge

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
positions = None
if "experiment" in sm.params.keys():
    runs = expand_runs(sm.params.experiment, sm.params.spec, sm.params.datasets)
    positions = {run.run_id: i for i, run in enumerate(runs)}
for name in contract.RUN_TABLES:
    merge(name, list(sm.input[name]), sm.output[name], positions)
