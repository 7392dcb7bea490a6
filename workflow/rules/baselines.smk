rule rrr:
    """Reduced-rank regression solutions of every rank (THEORY.md section 6)."""
    input:
        "results/datasets/{dataset}.npz",
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
