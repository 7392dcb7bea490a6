CLAIM_PARTS.append("results/claims/core.csv")


rule claims_core:
    """Claims 1-4 and 6, each measured from the tables."""
    input:
        runs="results/tables/runs.csv",
        components="results/tables/components.parquet",
        transitions="results/tables/transition_times.csv",
        permode="results/tables/permode_deviation.csv",
        code=code_for("claims_core.py"),
    output:
        "results/claims/core.csv",
    log:
        "logs/claims/core.log",
    benchmark:
        "logs/benchmarks/claims/core.tsv"
    conda:
        ENV
    threads: 1
    params:
        tolerances=config["claims"],
        figures=config["figures"],
        datasets=config["datasets"],
    script:
        "../scripts/claims_core.py"


rule claims:
    """claims.csv: every claim part, in claim order."""
    input:
        parts=lambda wc: CLAIM_PARTS,
        code=code_for("claims_merge.py"),
    output:
        report(
            "results/tables/claims.csv",
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
    script:
        "../scripts/claims_merge.py"
