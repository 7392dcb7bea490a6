# Beyond the paper's assumptions: step-size phase diagram (F6, claim 9), random initialization and
# rotated covariances (F7, claims 10 and 11), generalization on a noisy low-rank teacher (F8, T3, claim 12).
TABLE_FILES |= {
    "phase": "results/tables/phase_diagram.csv",
    "rotation": "results/tables/rotation_deviation.csv",
    "test_risk": "results/tables/test_risk.csv",
    "T3": "results/tables/T3_generalization.csv",
}
register_figure("F6", "phase", ["phase", "runs", "components"])
register_figure("F7", "beyond", ["runs", "components", "transitions", "rotation"])
register_figure("F8", "generalization", ["test_risk", "T3"])
CLAIM_PARTS.append("results/claims/beyond.csv")

SPECTRA = {
    name: (spec["lam"], spec["sigma"]) for name, spec in config["datasets"].items()
}


rule table_phase:
    """F6 cells: each run's regime classified from its trajectory, against THEORY.md section 5."""
    input:
        runs="results/tables/runs.csv",
        components="results/tables/components.parquet",
        permode="results/tables/permode_deviation.csv",
        code=code_for("table_phase.py"),
    output:
        "results/tables/phase_diagram.csv",
    log:
        "logs/tables/phase.log",
    benchmark:
        "logs/benchmarks/tables/phase.tsv"
    conda:
        ENV
    threads: 1
    params:
        experiment=config["figures"]["F6"]["experiment"],
        spectra=SPECTRA,
        rtol=config["claims"]["phase_monotone_rtol"],
    script:
        "../scripts/table_phase.py"


rule table_rotation:
    """Deviation from the aligned prediction against the normalized commutator, per epsilon."""
    input:
        runs=run_files(config["figures"]["F7"]["rotation"]),
        datasets=experiment_datasets(config["figures"]["F7"]["rotation"]),
        code=code_for("table_rotation.py"),
    output:
        "results/tables/rotation_deviation.csv",
    log:
        "logs/tables/rotation.log",
    benchmark:
        "logs/benchmarks/tables/rotation.tsv"
    conda:
        ENV
    threads: 1
    params:
        datasets=config["datasets"],
    script:
        "../scripts/table_rotation.py"


rule table_generalization:
    """Test risk along the GD paths, of RRR at every rank and of the ridge path; T3."""
    input:
        runs=run_files(config["figures"]["F8"]["experiment"]),
        datasets=experiment_datasets(config["figures"]["F8"]["experiment"]),
        rrr=expand(
            "results/baselines/rrr_{dataset}.npz",
            dataset=config["experiments"][config["figures"]["F8"]["experiment"]][
                "datasets"
            ],
        ),
        code=code_for("table_generalization.py"),
    output:
        test_risk="results/tables/test_risk.csv",
        t3="results/tables/T3_generalization.csv",
    log:
        "logs/tables/generalization.log",
    benchmark:
        "logs/benchmarks/tables/generalization.tsv"
    conda:
        ENV
    threads: 1
    params:
        ridge_alpha=config["figures"]["F8"]["ridge_alpha"],
    script:
        "../scripts/table_generalization.py"


rule claims_beyond:
    """Claims 9-12, each measured from the tables."""
    input:
        runs="results/tables/runs.csv",
        transitions="results/tables/transition_times.csv",
        phase="results/tables/phase_diagram.csv",
        rotation="results/tables/rotation_deviation.csv",
        t3="results/tables/T3_generalization.csv",
        code=code_for("claims_beyond.py"),
    output:
        "results/claims/beyond.csv",
    log:
        "logs/claims/beyond.log",
    benchmark:
        "logs/benchmarks/claims_beyond.tsv"
    conda:
        ENV
    threads: 1
    params:
        tolerances=config["claims"],
        figures=config["figures"],
        datasets=config["datasets"],
    script:
        "../scripts/claims_beyond.py"
