# claims.csv: every claim of the registry (src/implicitreg/claims/registry.py) whose analysis is configured,
# measured from the tables it names; docs/CLAIMS.md shows the same rows for readers of the repository.
from implicitreg.claims.registry import tables_read


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
        config={
            k: config[k]
            for k in ("datasets", "dmf_experiments", "analyses", "claims")
            if k in config
        },
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
