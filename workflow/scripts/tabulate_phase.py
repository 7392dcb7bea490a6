"""phase_diagram.csv: every two-layer run of the phase analysis classified against THEORY.md section 5."""

from implicitreg.io import contract, job
from implicitreg.tables.phase_cells import tabulate_phase

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
p = sm.params
tables = {name: contract.read_table(name, sm.input[name]) for name in ("runs", "components", "permode")}
phase = tabulate_phase(tables["runs"], tables["components"], tables["permode"], p.experiment, p.datasets, p.rtol)
contract.write_table("phase", phase, sm.output.phase)
