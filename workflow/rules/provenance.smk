# results/MANIFEST.tsv: every output with its SHA-256 and provenance. It runs in the main Snakemake process,
# whose DAG knows every job (not in a cluster job's partial DAG). docs/CONTRACT.md is generated from the contract.
localrules:
    manifest,
    contract_doc,


rule contract_doc:
    """docs/CONTRACT.md: the results contract as tables, from io/contract.py."""
    input:
        code=code_for("write_contract_doc.py"),
    output:
        contract.CONTRACT_DOC,
    log:
        "logs/docs/contract.log",
    benchmark:
        "logs/benchmarks/docs/contract.tsv"
    conda:
        ENV
    script:
        "../scripts/write_contract_doc.py"


rule manifest:
    """results/MANIFEST.tsv: SHA-256, rule, wildcards and params of every output; code, packages, config."""
    input:
        targets=lambda wc: final_targets(),
        code=code_for("write_manifest.py"),
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
        "../scripts/write_manifest.py"
