"""The claims (RST for the report's first page, HTML) and tables T1-T5 (HTML) as report pages."""

from pathlib import Path

from implicitreg.claims import report
from implicitreg.io import contract, files, job
from implicitreg.io.pages import table_page

job.start(snakemake.log[0])  # noqa: F821
sm = snakemake  # noqa: F821
claims = contract.read_table("claims", sm.input.claims)
with files.atomic_path(sm.output.rst) as tmp:
    tmp.write_text(report.rst_table(claims, Path(sm.output.claims).name))
with files.atomic_path(sm.output.claims) as tmp:
    tmp.write_text(report.html_table(claims, {fig: f"../../figures/{name}" for fig, name in sm.params.figures.items()}))
for name, source, page in zip(sm.params.tables, sm.input.tables, sm.output.tables):
    with files.atomic_path(page) as tmp:
        tmp.write_text(table_page(contract.read_table(name, source), name, sm.params.captions[name]))
