# The claims and tables T1-T5 as report items (HTML), and the claims table of the report's first page
# (workflow/report/workflow.rst includes results/report/claims.rst). Figures are report items of rule figure.
REPORT_TABLES = [t for t in contract.REPORT_TABLES if t in TABLES]


rule report_pages:
    """HTML pages of the claims and of tables T1-T5, and the claims as RST, for snakemake --report."""
    input:
        claims=table("claims"),
        tables=[table(t) for t in REPORT_TABLES],
        code=code_for("write_report_pages.py"),
    output:
        rst=contract.CLAIMS_RST,
        claims=report(
            contract.CLAIMS_PAGE,
            caption="../report/claims.rst",
            category="Claims",
        ),
        tables=[
            report(
                contract.TABLE_PAGE.format(table=t),
                caption=f"../report/{t}.rst",
                category="Tables",
            )
            for t in REPORT_TABLES
        ],
    log:
        "logs/report/pages.log",
    benchmark:
        "logs/benchmarks/report/pages.tsv"
    conda:
        ENV
    threads: 1
    params:
        tables=REPORT_TABLES,
        captions={t: report_caption(t) for t in REPORT_TABLES},
        figures={f.fig: Path(f.files()[1]).name for f in FIGURES},
    script:
        "../scripts/write_report_pages.py"
