# The vanishing-initialization limit (F4, claim 5) and the path against reduced-rank regression (F5, T2,
# claims 7 and 8); each part exists when its figure is configured.
PATH_CLAIM_INPUTS = {}
F5_EXPERIMENT = config["figures"].get("F5", {}).get("experiment")

if "F4" in config["figures"]:
    TABLE_FILES |= {"staircase_limit": "results/tables/staircase_limit.csv"}
    PATH_CLAIM_INPUTS["staircase"] = "results/tables/staircase_limit.csv"
    register_figure("F4", "vanishing", ["runs", "components", "staircase_limit"])

if "F5" in config["figures"]:
    TABLE_FILES |= {
        "rrr_path": "results/tables/rrr_path.parquet",
        "T2": "results/tables/T2_rrr_path.csv",
    }
    PATH_CLAIM_INPUTS["t2"] = "results/tables/T2_rrr_path.csv"
    register_figure("F5", "rrr_path", ["rrr_path", "T2", "transitions"])

if PATH_CLAIM_INPUTS:
    CLAIM_PARTS.append("results/claims/g19_path.csv")


rule staircase_limit:
    """Distance of each rescaled two-layer trajectory of F4 to the staircase limit."""
    input:
        runs="results/tables/runs.csv",
        components="results/tables/components.parquet",
        datasets=lambda wc: experiment_datasets(config["figures"]["F4"]["experiment"]),
        code=code_for("staircase_limit.py"),
    output:
        "results/tables/staircase_limit.csv",
    log:
        "logs/tables/staircase_limit.log",
    benchmark:
        "logs/benchmarks/tables/staircase_limit.tsv"
    conda:
        ENV
    threads: 1
    params:
        spec=lambda wc: config["figures"]["F4"],
    script:
        "../scripts/staircase_limit.py"


rule rrr_path:
    """Distances of the F5 paths to every RRR solution and top-k-by-sigma map; table T2."""
    input:
        runs=lambda wc: run_files(F5_EXPERIMENT),
        datasets=lambda wc: experiment_datasets(F5_EXPERIMENT),
        rrr=lambda wc: expand(
            "results/baselines/rrr_{dataset}.npz",
            dataset=config["experiments"][F5_EXPERIMENT]["datasets"],
        ),
        code=code_for("rrr_path.py"),
    output:
        path="results/tables/rrr_path.parquet",
        t2="results/tables/T2_rrr_path.csv",
    log:
        "logs/tables/rrr_path.log",
    benchmark:
        "logs/benchmarks/tables/rrr_path.tsv"
    conda:
        ENV
    threads: 1
    script:
        "../scripts/rrr_path.py"


rule claims_path:
    """Claims 5, 7 and 8, measured from the staircase-distance table and T2."""
    input:
        unpack(lambda wc: PATH_CLAIM_INPUTS),
        code=code_for("claims_path.py"),
    output:
        "results/claims/g19_path.csv",
    log:
        "logs/claims/g19_path.log",
    benchmark:
        "logs/benchmarks/claims_path.tsv"
    conda:
        ENV
    threads: 1
    params:
        tolerances=config["claims"],
        datasets=config["datasets"],
    script:
        "../scripts/claims_path.py"
