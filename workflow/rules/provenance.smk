# results/MANIFEST.tsv: every output with its SHA-256 and provenance. It runs in the main Snakemake process,
# whose DAG knows every job (not in a cluster job's partial DAG). docs/CONTRACT.md is generated from the contract.
localrules:
    manifest,
    contract_doc,


def workflow_sources():
    """Every script, the modules and environment it runs (code_for), and the workflow definition."""
    root = Path(workflow.basedir)
    scripts = sorted((root / "workflow/scripts").glob("*.py"))
    files = {f for s in scripts for f in provenance.code_files(s, root)}
    files |= {*(root / "src/implicitreg").rglob("*.py")}
    files |= {*(root / "workflow/rules").glob("*.smk"), root / "Snakefile"}
    files.add(root / "workflow/schemas/config.schema.yaml")
    return sorted(f.relative_to(root).as_posix() for f in files)


def final_targets():
    """Every table, figure and document: the default target, the manifest excepted."""
    figures = [f for spec in FIGURES for f in spec.files()]
    return [*map(table, TABLES), *figures, contract.CLAIMS_DOC, contract.CONTRACT_DOC]


def output_records(wildcards):
    """{output path: rule, wildcards, resolved params} of every job of the DAG under results/ and figures/.

    A job that writes one file per run (``params.runs``, aligned with its outputs) records each file with its own
    run spec. temp() outputs are left out: Snakemake removes them once used.
    """
    records = {}
    for job in workflow.dag.jobs:
        if job.rule.name in ("all", "manifest"):
            continue
        params = dict(job.params.items())
        runs = params.pop("runs", None)
        for i, f in enumerate(job.output):
            if f.startswith(provenance.OUTPUT_DIRS) and not f.is_temp:
                own = params | ({"run": runs[i]} if runs is not None else {})
                records[str(f)] = {
                    "rule": job.rule.name,
                    "wildcards": dict(job.wildcards.items()),
                    "params": own,
                }
    return dict(sorted(records.items()))


rule contract_doc:
    """docs/CONTRACT.md: the results contract as tables, from io/contract.py."""
    input:
        code=code_for("write_contract_doc.py"),
    output:
        contract.CONTRACT_DOC,
    log:
        "logs/docs/contract.log",
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
