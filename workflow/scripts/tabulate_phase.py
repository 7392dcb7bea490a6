"""phase_diagram.csv: every two-layer run of the phase analysis classified against THEORY.md section 5."""

import sys

from implicitreg.io import contract
from implicitreg.tables.phase_cells import tabulate_phase

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
sm = snakemake  # noqa: F821
p = sm.params
tables = {name: contract.read_table(name, sm.input[name]) for name in ("runs", "components", "permode")}
phase = tabulate_phase(tables["runs"], tables["components"], tables["permode"], p.experiment, p.datasets, p.rtol)
contract.write_table("phase", phase, sm.output.phase)
