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
