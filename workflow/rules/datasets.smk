rule dataset:
    """Controlled-spectrum dataset (THEORY.md section 2)."""
    input:
        code=code_for("make_dataset.py"),
    output:
        npz=contract.DATASET,
        json=contract.DATASET_JSON,
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
