"""claims.csv (every active claim) or one claim's row, each measured from the tables it reads; prints the rows."""

from implicitreg.claims import report
from implicitreg.claims.registry import CLAIMS, evaluate
from implicitreg.io import contract, job

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
config, ids = sm.params.config, set(sm.params.claims)
names = dict.fromkeys(t for c in CLAIMS if c.claim_id in ids for t in c.tables)
tables = {name: contract.read_parts(name, sm.input[name]) for name in names}  # a run table: one part per experiment
claims = evaluate(tables, config, ids)
contract.write_table("claims", claims, sm.output[0])
print("\n".join(report.lines(claims)))
