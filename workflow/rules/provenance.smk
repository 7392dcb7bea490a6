# results/MANIFEST.tsv: every output with its SHA-256 and provenance. It runs in the main Snakemake process,
# whose DAG knows every job (not in a cluster job's partial DAG). docs/CONTRACT.md is generated from the contract.
localrules:
    manifest,
    contract_doc,
    gallery,
    ro_crate,


# Before the first job, with the locks held: record who holds them (common.smk), then stop if an output differs
# from what its producer wrote.
onstart:
    record_lock_owner()
    refuse_changed_outputs()


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
        sources=lambda wc: closure.workflow_sources(workflow.basedir),
        root=workflow.basedir,
    script:
        "../scripts/write_manifest.py"


rule gallery:
    """docs/gallery.md: a thumbnail of every figure with the first sentence of its caption."""
    input:
        figures=[f.files()[1] for f in FIGURES],
        captions=[
            os.path.relpath(Path(workflow.basedir) / f"workflow/report/{f.fig}.rst")
            for f in FIGURES
        ],
        code=code_for("write_gallery.py"),
    output:
        contract.GALLERY_DOC,
    log:
        "logs/docs/gallery.log",
    benchmark:
        "logs/benchmarks/docs/gallery.tsv"
    conda:
        ENV
    script:
        "../scripts/write_gallery.py"


rule ro_crate:
    """ro-crate-metadata.json and ro-crate-config.json: the run as a Workflow Run RO-Crate (Provenance Run Crate)."""
    input:
        manifest=provenance.MANIFEST,
        code=code_for("write_ro_crate.py"),
    output:
        "ro-crate-metadata.json",
        "ro-crate-config.json",
    log:
        "logs/provenance/ro_crate.log",
    benchmark:
        "logs/benchmarks/provenance/ro_crate.tsv"
    conda:
        ENV
    threads: 1
    params:
        config=config,
        root=workflow.basedir,
        rule_files={
            r.name: os.path.relpath(r.snakefile, workflow.basedir)
            for r in workflow.rules
        },
    script:
        "../scripts/write_ro_crate.py"
