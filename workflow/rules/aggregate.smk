TABLE_FILES |= {
    "runs": "results/tables/runs.csv",
    "components": "results/tables/components.parquet",
    "transitions": "results/tables/transition_times.csv",
    "permode": "results/tables/permode_deviation.csv",
    "rrr": "results/tables/rrr.csv",
    "T1": "results/tables/T1_transition_errors.csv",
}


rule aggregate_runs:
    """Runs, component trajectories, transitions and the per-mode check as tables."""
    input:
        runs=all_run_files,
        datasets=expand("results/datasets/{dataset}.npz", dataset=DATASETS),
        code=code_for("aggregate_runs.py"),
    output:
        runs="results/tables/runs.csv",
        components="results/tables/components.parquet",
        transitions="results/tables/transition_times.csv",
        permode="results/tables/permode_deviation.csv",
    log:
        "logs/aggregate/runs.log",
    benchmark:
        "logs/benchmarks/aggregate/runs.tsv"
    conda:
        ENV
    threads: 1
    params:
        datasets=config["datasets"],
    script:
        "../scripts/aggregate_runs.py"


rule aggregate_rrr:
    """Loss and nuclear norm of every RRR solution, and the distance of the F5 paths to each."""
    input:
        rrr=expand("results/baselines/rrr_{dataset}.npz", dataset=DATASETS),
        paths=lambda wc: [f for t, f in TABLE_FILES.items() if t == "rrr_path"],  # F5 (path.smk)
        code=code_for("aggregate_rrr.py"),
    output:
        "results/tables/rrr.csv",
    log:
        "logs/aggregate/rrr.log",
    benchmark:
        "logs/benchmarks/aggregate/rrr.tsv"
    conda:
        ENV
    threads: 1
    script:
        "../scripts/aggregate_rrr.py"


rule table_t1:
    """T1: transition-iteration relative error (median, max) per setting."""
    input:
        runs="results/tables/runs.csv",
        transitions="results/tables/transition_times.csv",
        code=code_for("table_t1.py"),
    output:
        "results/tables/T1_transition_errors.csv",
    log:
        "logs/tables/T1.log",
    benchmark:
        "logs/benchmarks/tables/T1.tsv"
    conda:
        ENV
    threads: 1
    params:
        experiment=config["figures"]["F3"]["experiment"],
    script:
        "../scripts/table_t1.py"
