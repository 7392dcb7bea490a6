rule claims:
    """Every claim checked against a number measured from the tables."""
    input:
        runs="results/tables/runs.csv",
        components="results/tables/components.parquet",
        transitions="results/tables/transition_times.csv",
        permode="results/tables/permode_deviation.csv",
    output:
        "results/tables/claims.csv",
    log:
        "logs/claims/claims.log",
    conda:
        ENV
    threads: 1
    params:
        tolerances=config["claims"],
        figures=config["figures"],
        datasets=config["datasets"],
    script:
        "../scripts/claims.py"
