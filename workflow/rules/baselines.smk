rule rrr:
    """Reduced-rank regression solutions of every rank (THEORY.md section 6)."""
    input:
        dataset=contract.DATASET,
        code=code_for("solve_rrr.py"),
    output:
        contract.RRR,
    log:
        "logs/rrr/{dataset}.log",
    benchmark:
        "logs/benchmarks/rrr/{dataset}.tsv"
    conda:
        ENV
    threads: 1
    script:
        "../scripts/solve_rrr.py"


rule nuclear:
    """Minimum nuclear-norm completion of every (target, mask) of a completion experiment (THEORY.md section 9)."""
    input:
        code=code_for("solve_nuclear.py"),
    output:
        contract.NUCLEAR,
    log:
        "logs/nuclear/{experiment}.log",
    benchmark:
        "logs/benchmarks/nuclear/{experiment}.tsv"
    wildcard_constraints:
        experiment="|".join(DMF_RUNS) or "(?!)",
    conda:
        ENV
    threads: 1
    params:
        spec=lambda wc: grid.resolve(
            config["dmf_experiments"][wc.experiment],
            config["dmf_size"],
            config.get("dmf_large", {}),
        ),
        seed=config["seed"],
    script:
        "../scripts/solve_nuclear.py"
