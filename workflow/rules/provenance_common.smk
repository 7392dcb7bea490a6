# Provenance helpers: rerun triggers from the code each job runs (code_for), the records of
# results/MANIFEST.tsv (rule manifest in provenance.smk), report captions, and resuming after a kill.
# Each rule gets rerun triggers and provenance from one input line, code=code_for("<its script>.py").
from snakemake.exceptions import WorkflowError

from implicitreg import provenance

# Resume after a kill: a run that finds Snakemake's directory locks held by no live snakemake process
# drops them, so rerunning the same command completes the interrupted run.
provenance.clear_stale_locks(Path(".snakemake"), os.getpid())


def code_for(script):
    """The script, the implicitreg modules it imports (found by parsing, transitively) and environment.yml.

    As an input of the rule that runs ``script``, a change to any of them reruns exactly that rule's jobs
    (and what depends on them). Paths are relative to the working directory.
    """
    root = Path(workflow.basedir)
    files = provenance.code_files(root / "workflow" / "scripts" / script, root)
    return [os.path.relpath(f) for f in files]


def workflow_sources():
    """Every script, the modules and environment it runs (code_for), and the workflow definition."""
    root = Path(workflow.basedir)
    scripts = sorted((root / "workflow/scripts").glob("*.py"))
    files = {f for s in scripts for f in provenance.code_files(s, root)}
    files |= {*(root / "workflow/rules").glob("*.smk"), root / "Snakefile"}
    files.add(root / "workflow/schemas/config.schema.yaml")
    return sorted(f.relative_to(root).as_posix() for f in files)


def final_targets():
    """Every table, figure and the claims table: the default target, the manifest excepted."""
    return [*TABLE_FILES.values(), *figure_files(), "results/tables/claims.csv"]


def output_records(wildcards):
    """{output path: rule, wildcards, resolved params} of every job of the DAG under results/ and figures/.

    temp() outputs are left out: Snakemake removes them once used.
    """
    records = {}
    for job in workflow.dag.jobs:
        if job.rule.name in ("all", "manifest"):
            continue
        params = {k: v for k, v in job.params.items()}
        for f in job.output:
            if f.startswith(provenance.OUTPUT_DIRS) and not f.is_temp:
                records[str(f)] = {
                    "rule": job.rule.name,
                    "wildcards": dict(job.wildcards.items()),
                    "params": params,
                }
    return dict(sorted(records.items()))


def figure_caption(fig):
    """The report caption of figure ``fig``: workflow/report/{fig}.rst (every figure needs one)."""
    path = Path(workflow.basedir) / "workflow" / "report" / f"{fig}.rst"
    if not path.is_file():
        raise WorkflowError(
            f"figure {fig} has no report caption: write workflow/report/{fig}.rst"
        )
    return path.read_text()
