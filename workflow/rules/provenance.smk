# results/MANIFEST.tsv: every output with its SHA-256 and provenance (helpers in provenance_common.smk).
# It runs in the main Snakemake process, whose DAG knows every job (not in a cluster job's partial DAG).
localrules:
    manifest,


rule manifest:
    """results/MANIFEST.tsv: SHA-256, rule, wildcards and params of every output; code, packages, config."""
    input:
        targets=lambda wc: final_targets(),
        code=code_for("manifest.py"),
    output:
        provenance.MANIFEST,
    log:
        "logs/provenance/manifest.log",
    benchmark:
        "logs/benchmarks/provenance/manifest.tsv"
    conda:
        ENV
    threads: 1
    params:
        records=output_records,
        config=config,
        sources=workflow_sources(),
    script:
        "../scripts/manifest.py"
