# claims.csv: every claim of the registry (src/implicitreg/claims/registry.py) whose analysis is configured,
# measured from the tables it names; docs/CLAIMS.md shows the same rows for readers of the repository.
from implicitreg.claims.registry import active, tables_read


localrules:
    claims_doc,


rule claims:
    """claims.csv: each claim measured from its tables, with the tolerance fixed in the config."""
    input:
        **{name: table(name) for name in tables_read(config)},
        code=code_for("evaluate_claims.py"),
    output:
        report(
            table("claims"),
            caption="../report/claims.rst",
            category="Claims",
        ),
    log:
        "logs/claims/claims.log",
    benchmark:
        "logs/benchmarks/claims/claims.tsv"
    conda:
        ENV
    threads: 1
    params:
        config=CLAIMS_CONFIG,
        claims=[c.claim_id for c in active(config)],
    script:
        "../scripts/evaluate_claims.py"


# One claim alone, with only what it reads: `snakemake claim_7` builds its datasets, runs and tables and prints its
# row. A claim of an analysis reads the run tables of that analysis's experiments only.
for _claim in active(config):

    rule:
        name:
            f"claim_{_claim.claim_id}"
        input:
            **claim_inputs(_claim),
            code=code_for("evaluate_claims.py"),
        output:
            contract.CLAIM_ROW.format(claim_id=_claim.claim_id),
        log:
            f"logs/claims/claim_{_claim.claim_id}.log",
        benchmark:
            f"logs/benchmarks/claims/claim_{_claim.claim_id}.tsv"
        conda:
            ENV
        threads: 1
        params:
            config=CLAIMS_CONFIG,
            claims=[_claim.claim_id],
        script:
            "../scripts/evaluate_claims.py"


rule claims_doc:
    """docs/CLAIMS.md: the claims table for readers of the repository, generated from claims.csv."""
    input:
        claims=table("claims"),
        code=code_for("write_claims_doc.py"),
    output:
        contract.CLAIMS_DOC,
    log:
        "logs/docs/claims.log",
    benchmark:
        "logs/benchmarks/docs/claims.tsv"
    conda:
        ENV
    threads: 1
    script:
        "../scripts/write_claims_doc.py"
