rule rrr:
    """Reduced-rank regression solutions of every rank (THEORY.md section 6)."""
    input:
        dataset="results/datasets/{dataset}.npz",
        code=code_for("rrr.py"),
    output:
        "results/baselines/rrr_{dataset}.npz",
    log:
        "logs/rrr/{dataset}.log",
    benchmark:
        "logs/benchmarks/rrr/{dataset}.tsv"
    conda:
        ENV
    threads: 1
    script:
        "../scripts/rrr.py"
