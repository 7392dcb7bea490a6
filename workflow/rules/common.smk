# Config check, run grids, the active tables and figures, and the input functions every stage uses.
import atexit
import gc
import os
import sys
import threading
from pathlib import Path

from snakemake.exceptions import WorkflowError

from implicitreg.claims.registry import experiments_read
from implicitreg.config import check
from implicitreg.io import shards
from implicitreg.config.grid import (
    DMFRun,
    RunSpec,
    describe_dmf,
    expand_dmf_runs,
    expand_runs,
    resolve,
    spec_values,
)
from implicitreg.io.shards import shard_path
from implicitreg.data.spectra import describe as describe_dataset
from implicitreg.io import contract, provenance
from implicitreg.io import files as fileio

# One BLAS thread per job: results do not depend on the core count.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
# Arrow's system allocator, not its default (mimalloc), which commits a job's first large buffers slowly (0.08 s per
# 32 MB, benchmarks/README.md); the allocator changes no byte written.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
# Snakemake's own process ends as each job's does (io/job.py): no final collection of what is still alive at exit.
atexit.register(gc.freeze)


def cancel_rate_limit_timers():
    """Snakemake starts a one-second timer after each round of scheduling (its job rate limit,
    --max-jobs-per-timespan) and its process waits for the last one before it exits, up to a second after the
    last job started. When the workflow has ended they have nothing left to schedule: cancel them.
    """
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


onsuccess:
    cancel_rate_limit_timers()


onerror:
    cancel_rate_limit_timers()


ENV = "../../environment.yml"  # every rule's software, for --software-deployment-method conda

# Every violation, each naming its key, before any job; fills in the schema's defaults.
check.validate(
    config,
    check.load_schema(Path(workflow.basedir) / "workflow/schemas/config.schema.yaml"),
)

# Resume after a kill: locks whose recorded owner is provably dead (this host, boot and PID namespace, no
# such process) are dropped; any other lock is kept and named, with `snakemake --unlock` (Snakemake then
# refuses to run beside it). Cluster jobs re-read this file and leave the locks to the main process.
if workflow.is_main_process:
    _removed, _kept = provenance.clear_stale_locks(Path(".snakemake"))
    for _lock in _removed:
        print(f"removed the stale lock {_lock} of a dead run", file=sys.stderr)
    for _message in _kept:
        print(_message, file=sys.stderr)

ANALYSES = config["analyses"]
DATASETS = sorted(config["datasets"])
RUNS = {
    name: expand_runs(name, exp, config["datasets"])
    for name, exp in config["experiments"].items()
}
DMF_RUNS = {
    name: expand_dmf_runs(
        name, resolve(exp, config["dmf_size"], config.get("dmf_large", {}))
    )
    for name, exp in config.get("dmf_experiments", {}).items()
}
SHARDS = {name: shards.split(runs, config["shard_size"]) for name, runs in RUNS.items()}
DMF_SHARDS = {
    name: shards.split(runs, config["dmf_shard_size"])
    for name, runs in DMF_RUNS.items()
}
TABLES = contract.active_tables(ANALYSES)  # names of the tables this config makes
FIGURES = contract.active_figures(ANALYSES)


def experiment_table(name, experiment):
    """The part of run table ``name`` holding one experiment's runs."""
    return contract.experiment_table(name, experiment)


def names_matching(keep):
    """A wildcard constraint matching exactly the GD experiments for which ``keep(name)`` holds."""
    names = [name for name in RUNS if keep(name)]
    return "|".join(names) if names else "(?!)"


def shard_table(name):
    """Run table ``name`` of one shard ``{k}`` of ``{K}`` of ``{experiment}`` (removed once merged)."""
    return contract.shard_table(name)


def table(name):
    """The file of results table ``name`` (io/contract.py)."""
    return contract.path(name)


def experiment_of(analysis, key="experiment"):
    return ANALYSES[analysis][key]


def run_files(experiment):
    """The run-store shards of an experiment, in shard order."""
    return [
        shard_path(contract.RUNS_ROOT, experiment, shard, count)
        for shard, count in SHARDS[experiment]
    ]


def run_ids(experiment):
    """The run ids of a GD experiment, in its order."""
    return [run.run_id for run in RUNS[experiment]]


def shard_runs(shards, wildcards):
    """The runs of shard ``{k}`` of ``{K}`` of ``{experiment}`` (a shard no run falls in has no job)."""
    return shards[wildcards.experiment][(int(wildcards.k), int(wildcards.K))]


def dmf_files(experiment):
    """The run-store shards of a DMF experiment, in shard order."""
    return [
        shard_path(contract.DMF_ROOT, experiment, shard, count)
        for shard, count in DMF_SHARDS[experiment]
    ]


def dataset_files(experiment):
    """The dataset files of a GD experiment."""
    return expand(
        contract.DATASET, dataset=config["experiments"][experiment]["datasets"]
    )


def rrr_files(datasets):
    return expand(contract.RRR, dataset=datasets)


def code_for(script, *modules):
    """The script, the implicitreg modules it imports (found by parsing, transitively), any ``modules`` it loads
    by name, and environment.yml.

    As an input of the rule that runs ``script``, a change to any of them reruns exactly that rule's jobs
    (and what depends on them). Paths are relative to the working directory.
    """
    root = Path(workflow.basedir)
    files = provenance.code_files(root / "workflow" / "scripts" / script, root, modules)
    return [os.path.relpath(f) for f in files]


def report_caption(name):
    """The report caption workflow/report/{name}.rst (every figure needs one)."""
    path = Path(workflow.basedir) / "workflow" / "report" / f"{name}.rst"
    if not path.is_file():
        raise WorkflowError(
            f"{name} has no report caption: write workflow/report/{name}.rst"
        )
    return path.read_text()


def data_sentence(fig):
    """The data of figure ``fig`` in numbers, generated from the config for its caption."""
    parts = []
    for analysis in FIGURE_SPECS[fig].analyses:
        for key in ("experiment", "aligned"):
            name = ANALYSES[analysis].get(key)
            if name in config["experiments"]:
                for ds in config["experiments"][name]["datasets"]:
                    parts.append(describe_dataset(ds, config["datasets"][ds]))
            elif name in config.get("dmf_experiments", {}):
                parts.append(describe_dmf(name, config["dmf_experiments"][name]))
    return "\n\n**Data** (from the config): " + "; ".join(dict.fromkeys(parts)) + "."


FIGURE_SPECS = {f.fig: f for f in FIGURES}


def figure_inputs(wildcards):
    """The tables a figure reads, and the datasets of its analyses' GD experiments."""
    spec = FIGURE_SPECS[wildcards.fig]
    experiments = [ANALYSES[a]["experiment"] for a in spec.analyses]
    datasets = [f for e in experiments if e in RUNS for f in dataset_files(e)]
    return {t: table(t) for t in spec.tables} | {"datasets": datasets}


def figure_paper(fig):
    """The report subcategory of figure ``fig``: F1-F9 (G19, sorted by name) before F10 (C22)."""
    dmf = any(a in check.DMF_ANALYSES for a in FIGURE_SPECS[fig].analyses)
    return "2. Deep matrix factorization (C22)" if dmf else "1. Linear networks (G19)"


def figure_module(fig):
    return f"implicitreg.figures.{fig.lower()}_{FIGURE_SPECS[fig].stem}"


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
    pages = [contract.CLAIMS_RST, contract.CLAIMS_PAGE]
    pages += [
        contract.TABLE_PAGE.format(table=t)
        for t in contract.REPORT_TABLES
        if t in TABLES
    ]
    return [
        *map(table, TABLES),
        *figures,
        *pages,
        contract.CLAIMS_DOC,
        contract.CONTRACT_DOC,
        contract.GALLERY_DOC,
    ]


def output_records(wildcards):
    """{output path: rule, wildcards, resolved params} of every job of the DAG under results/ and figures/.

    A simulation job records its shard with the run ids it holds; inputs are recorded as provenance.recorded_inputs gives them (code files relative to the project
    root). temp() outputs are left out: Snakemake removes them once used.
    """
    records = {}
    for job in workflow.dag.jobs:
        if job.rule.name in ("all", "manifest", "ro_crate"):
            continue
        params = dict(job.params.items())
        if "runs" in params:  # a shard: its run ids (each run's spec is in the shard)
            spec = DMFRun if job.rule.name in ("simulate_dmf", "nuclear") else RunSpec
            params["runs"] = [spec(*run).run_id for run in params["runs"]]
        for f in job.output:
            if f.startswith(provenance.OUTPUT_DIRS) and not f.is_temp:
                records[str(f)] = {
                    "rule": job.rule.name,
                    "wildcards": dict(job.wildcards.items()),
                    "params": params,
                    "inputs": provenance.recorded_inputs(job.input, workflow.basedir),
                }
    return dict(sorted(records.items()))


CLAIMS_CONFIG = {
    k: config[k]
    for k in ("datasets", "dmf_experiments", "analyses", "claims")
    if k in config
}


def claim_inputs(claim):
    """The tables one claim reads; run tables as the parts of the experiments it reads (all of them for none)."""
    experiments = experiments_read(claim, config)
    inputs = {}
    for name in claim.tables:
        if name in contract.RUN_TABLES and experiments is not None:
            inputs[name] = [experiment_table(name, e) for e in experiments]
        else:
            inputs[name] = table(name)
    return inputs


def record_lock_owner():
    """Record who holds this run's Snakemake locks (called once they are held, before the first job)."""
    provenance.record_lock_owner(
        Path(".snakemake"), getattr(workflow.persistence, "_lockfile", {}).values()
    )


def refuse_changed_outputs():
    """Stop before any job when an output of the DAG differs from its write-time record and is not rebuilt.

    Such a file was tampered with, truncated or edited by hand after its producer wrote it; Snakemake
    would feed it to every consumer (its mtime is newer). Files that this invocation regenerates anyway
    (--forcerun, --forceall, incomplete jobs) pass. The error names each file and the command rebuilding it.
    """
    rebuilt = {str(f) for job in workflow.dag.needrun_jobs() for f in job.output}
    changed = {}
    for job in workflow.dag.jobs:
        for f in map(str, job.output):
            if f not in rebuilt and (now := fileio.changed_since_written(f)):
                now, was = now[:12], fileio.written_record(f)["sha256"][:12]
                changed[f] = f"sha256 {now} on disk, rule {job.rule.name} wrote {was}"
    if changed:
        raise WorkflowError(
            "outputs changed after their producer wrote them (tampered, truncated or edited by hand); "
            "no job will read them and the manifest will not certify them:\n"
            + "".join(f"  {f}: {why}\n" for f, why in changed.items())
            + "rebuild them (and everything computed from them) with:\n  "
            + fileio.regenerate_command(" ".join(changed))
        )


def deleted_outputs():
    """Outputs of the last manifest (same config) deleted since: inputs of rule all, so they are rebuilt.

    Without this, a deleted dataset or run file whose consumers' outputs exist is never rebuilt.
    """
    return provenance.deleted_outputs(config)
