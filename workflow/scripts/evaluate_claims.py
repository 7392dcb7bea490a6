"""claims.csv: every active claim of the registry, measured from the tables it reads."""

import sys

from implicitreg.claims.registry import evaluate, tables_read
from implicitreg.io import contract

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
config = sm.params.config
tables = {name: contract.read_table(name, sm.input[name]) for name in tables_read(config)}
contract.write_table("claims", evaluate(tables, config), sm.output[0])
