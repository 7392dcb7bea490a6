# Depth (F9, claim 13): the same data learned by two-, three- and four-layer networks; transition
# iterations against THEORY.md section 4 (logarithmic law for depth 2, polynomial beyond).
if "F9" in config["figures"]:

    TABLE_FILES |= {"depth_transitions": "results/tables/depth_transitions.csv"}
    register_figure("F9", "depth", ["runs", "components", "depth_transitions"])
    CLAIM_PARTS.append("results/claims/depth.csv")

    rule depth_transitions:
        """Measured transitions of the F9 experiment against the section 4 laws and the exact flow half-crossing."""
        input:
            runs="results/tables/runs.csv",
            components="results/tables/components.parquet",
            transitions="results/tables/transition_times.csv",
            code=code_for("depth_transitions.py"),
        output:
            "results/tables/depth_transitions.csv",
        log:
            "logs/tables/depth_transitions.log",
        benchmark:
            "logs/benchmarks/tables/depth_transitions.tsv"
        conda:
            ENV
        threads: 1
        params:
            experiment=config["figures"]["F9"]["experiment"],
        script:
            "../scripts/depth_transitions.py"

    rule claims_depth:
        """Claim 13: the polynomial law for depth >= 3."""
        input:
            "results/tables/depth_transitions.csv",
            code=code_for("claims_depth.py"),
        output:
            "results/claims/depth.csv",
        log:
            "logs/claims/depth.log",
        benchmark:
            "logs/benchmarks/claims_depth.tsv"
        conda:
            ENV
        threads: 1
        params:
            tol=config["claims"]["depth_slope_rel_error"],
        script:
            "../scripts/claims_depth.py"
