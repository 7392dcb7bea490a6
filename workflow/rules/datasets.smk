rule dataset:
    """Controlled-spectrum dataset (THEORY.md section 2)."""
    input:
        code=code_for("make_dataset.py"),
    output:
        npz="results/datasets/{dataset}.npz",
        json="results/datasets/{dataset}.json",
    log:
        "logs/dataset/{dataset}.log",
    benchmark:
        "logs/benchmarks/dataset/{dataset}.tsv"
    conda:
        ENV
    threads: 1
    params:
        spec=lambda wc: config["datasets"][wc.dataset],
        seed=config["seed"],
    script:
        "../scripts/make_dataset.py"
