# The config check, run grids, the active tables and figures, and the input functions every stage uses. The logic
# they call lives in the package (io.session, io.locks, io.closure, io.provenance, config.grid), with its tests.
import os
from pathlib import Path

from snakemake.exceptions import WorkflowError

from implicitreg.claims.registry import experiments_read
from implicitreg.config import check, grid
from implicitreg.figures import inputs as figure_io
from implicitreg.io import closure, contract, locks, pages, provenance, session, shards

session.configure_jobs()


onsuccess:
    session.cancel_rate_limit_timers()


onerror:
    session.cancel_rate_limit_timers()


ENV = "../../environment.yml"  # every rule's software, for --software-deployment-method conda

# Every violation, each naming its key, before any job; fills in the schema's defaults.
check.validate(config)

# Resume after a kill: locks whose recorded owner is provably dead are dropped, any other is kept and named
# (io/locks.py). Cluster jobs re-read this file and leave the locks to the main process.
if workflow.is_main_process:
    locks.clear_stale_locks_and_say(Path(".snakemake"))

ANALYSES = config["analyses"]
DATASETS = sorted(config["datasets"])
RUNS = grid.experiment_runs(config)
DMF_RUNS = grid.dmf_experiment_runs(config)
SHARDS = {name: shards.split(runs, config["shard_size"]) for name, runs in RUNS.items()}
DMF_SHARDS = {
    name: shards.split(runs, config["dmf_shard_size"])
    for name, runs in DMF_RUNS.items()
}
# The rules whose jobs are shards, and their shards.
SHARDS_OF_RULE = {"simulate_gd": SHARDS, "simulate_dmf": DMF_SHARDS}
TABLES = contract.active_tables(ANALYSES)  # names of the tables this config makes
FIGURES = contract.active_figures(ANALYSES)
CLAIMS_CONFIG = {
    k: config[k]
    for k in (
        "datasets",
        "dmf_experiments",
        "dmf_size",
        "dmf_large",
        "analyses",
        "claims",
    )
    if k in config
}


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


def analysis(name):
    """The config of analysis ``name``; an error naming it when the config has none (its tables are not targets)."""
    if name not in ANALYSES:
        raise WorkflowError(
            f"analyses.{name} is not in the config: its tables cannot be made"
        )
    return ANALYSES[name]


def experiment_of(name, key="experiment"):
    """The experiment analysis ``name`` reads (its ``key``)."""
    return analysis(name)[key]


def analysis_run_tables(name, *tables):
    """An input function: run tables ``tables`` of the experiment analysis ``name`` reads, by table name."""
    return lambda wc: {t: experiment_table(t, experiment_of(name)) for t in tables}


def run_files(experiment):
    """The run-store shards of an experiment, in shard order."""
    return [
        shards.shard_path(contract.RUNS_ROOT, experiment, shard, count)
        for shard, count in SHARDS[experiment]
    ]


def run_ids(experiment):
    """The run ids of a GD experiment, in its order."""
    return [run.run_id for run in RUNS[experiment]]


def shard_runs(shards_of, wildcards):
    """The runs of shard ``{k}`` of ``{K}`` of ``{experiment}`` (a shard no run falls in has no job)."""
    return shards_of[wildcards.experiment][(int(wildcards.k), int(wildcards.K))]


def dmf_files(experiment):
    """The run-store shards of a DMF experiment, in shard order."""
    return [
        shards.shard_path(contract.DMF_ROOT, experiment, shard, count)
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
    """The files a job of ``script`` runs (io.closure.code_files), relative to the working directory: as inputs
    of its rule, a change to any of them reruns exactly that rule's jobs (and what depends on them).
    """
    files = closure.code_files(
        Path(workflow.basedir) / "workflow" / "scripts" / script,
        workflow.basedir,
        modules,
    )
    return [os.path.relpath(f) for f in files]


def report_caption(name):
    """The report caption workflow/report/{name}.rst (io/pages.py)."""
    return pages.caption(Path(workflow.basedir) / "workflow" / "report", name)


FIGURE_SPECS = {f.fig: f for f in FIGURES}


def figure_inputs(wildcards):
    """The tables figure {fig} reads (run tables: its experiments' parts) and its datasets (figures/inputs.py)."""
    return figure_io.inputs(FIGURE_SPECS[wildcards.fig], config)


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
    """The manifest's record of every output of the DAG (provenance.output_records); a shard's runs by run id."""
    jobs = [
        job
        for job in workflow.dag.jobs
        if job.rule.name not in ("all", "manifest", "ro_crate")
    ]
    return provenance.output_records(
        [
            (
                job.rule.name,
                dict(job.wildcards.items()),
                dict(job.params.items()) | shard_run_ids(job),
                [str(f) for f in job.output if not f.is_temp],
                job.input,
            )
            for job in jobs
        ],
        workflow.basedir,
    )


def shard_run_ids(job):
    """``{"runs": run ids}`` of a simulation job (its shard), else nothing."""
    if job.rule.name not in SHARDS_OF_RULE:
        return {}
    runs = shard_runs(SHARDS_OF_RULE[job.rule.name], job.wildcards)
    return {"runs": [run.run_id for run in runs]}


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
    """onstart: record who holds this run's Snakemake locks (io/locks.py), before the first job."""
    locks.record_lock_owner(
        Path(".snakemake"), getattr(workflow.persistence, "_lockfile", {}).values()
    )


def refuse_changed_outputs():
    """onstart: stop before any job when an output this invocation does not rebuild (--forcerun, --forceall and
    incomplete jobs do) differs from what its rule wrote (provenance.refuse_not_as_written, one message).
    """
    rebuilt = {str(f) for job in workflow.dag.needrun_jobs() for f in job.output}
    made_by = {
        str(f): job.rule.name
        for job in workflow.dag.jobs
        for f in job.output
        if str(f) not in rebuilt
    }
    try:
        provenance.refuse_not_as_written(made_by, full=False, unrecorded=True)
    except provenance.NotAsWrittenError as err:
        raise WorkflowError(str(err)) from None


def deleted_outputs():
    """Outputs of the last manifest (same config) deleted since: inputs of rule all, so they are rebuilt.

    Without this, a deleted dataset or run file whose consumers' outputs exist is never rebuilt.
    """
    return provenance.deleted_outputs(config)
