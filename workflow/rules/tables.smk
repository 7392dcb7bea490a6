# Tables from the run store, one rule per table family; a table of an analysis is a target when the analysis is
# configured (io/contract.py says which analysis owns which table), and its rule reads that analysis's config.
# Each rule's outputs are named by their table names in io/contract.py; a table of one analysis reads the run tables
# of its experiment only, so that it (and its claims) never waits for other experiments' simulations.


rule tabulate_runs:
    """Runs, component trajectories, transitions and per-mode check of an experiment stored in one shard."""
    input:
        runs=lambda wc: run_files(wc.experiment),
        datasets=lambda wc: dataset_files(wc.experiment),
        code=code_for("tabulate_runs.py"),
    output:
        **{t: experiment_table(t, "{experiment}") for t in contract.RUN_TABLES},
    log:
        "logs/tables/runs_{experiment}.log",
    benchmark:
        "logs/benchmarks/tables/runs_{experiment}.tsv"
    wildcard_constraints:
        experiment=names_matching(lambda e: len(SHARDS[e]) == 1),
    conda:
        ENV
    threads: 1
    params:
        datasets=config["datasets"],
    script:
        "../scripts/tabulate_runs.py"


rule tabulate_shard:
    """The same tables of one shard of an experiment stored in several (merged by merge_shards, then removed)."""
    input:
        runs=contract.RUN,
        datasets=lambda wc: dataset_files(wc.experiment),
        code=code_for("tabulate_runs.py"),
    output:
        **{t: temp(shard_table(t)) for t in contract.RUN_TABLES},
    log:
        "logs/tables/runs_{experiment}/shard-{k}-of-{K}.log",
    benchmark:
        "logs/benchmarks/tables/runs_{experiment}/shard-{k}-of-{K}.tsv"
    wildcard_constraints:
        experiment=names_matching(lambda e: len(SHARDS[e]) > 1),
        k=r"\d+",
        K=r"\d+",
    conda:
        ENV
    threads: 1
    params:
        datasets=config["datasets"],
        row_group=contract.SHARD_ROW_GROUP,
    script:
        "../scripts/tabulate_runs.py"


rule merge_shards:
    """An experiment's run tables from its shards' tables, in the experiment's run order (streaming)."""
    input:
        **{
            t: lambda wc, t=t: [
                shard_table(t).format(experiment=wc.experiment, k=k, K=K)
                for k, K in SHARDS[wc.experiment]
            ]
            for t in contract.RUN_TABLES
        },
        code=code_for("merge_run_tables.py"),
    output:
        **{t: experiment_table(t, "{experiment}") for t in contract.RUN_TABLES},
    log:
        "logs/tables/merge_{experiment}.log",
    benchmark:
        "logs/benchmarks/tables/merge_{experiment}.tsv"
    wildcard_constraints:
        experiment=names_matching(lambda e: len(SHARDS[e]) > 1),
    conda:
        ENV
    threads: 1
    params:
        experiment=lambda wc: wc.experiment,
        spec=lambda wc: config["experiments"][wc.experiment],
        datasets=config["datasets"],
    script:
        "../scripts/merge_run_tables.py"


rule merge_run_tables:
    """runs.csv, components.parquet, transition_times.csv and permode_deviation.csv: every experiment's, in order."""
    input:
        **{
            t: [experiment_table(t, experiment) for experiment in RUNS]
            for t in contract.RUN_TABLES
        },
        code=code_for("merge_run_tables.py"),
    output:
        **{t: table(t) for t in contract.RUN_TABLES},
    log:
        "logs/tables/runs.log",
    benchmark:
        "logs/benchmarks/tables/runs.tsv"
    conda:
        ENV
    threads: 1
    script:
        "../scripts/merge_run_tables.py"


rule tabulate_rrr:
    """Loss and nuclear norm of every RRR solution, and the distance of the F5 paths to each."""
    input:
        rrr=rrr_files(DATASETS),
        paths=[table("rrr_path")] if "rrr_path" in TABLES else [],
        code=code_for("tabulate_rrr.py"),
    output:
        rrr=table("rrr"),
    log:
        "logs/tables/rrr.log",
    benchmark:
        "logs/benchmarks/tables/rrr.tsv"
    conda:
        ENV
    threads: 1
    script:
        "../scripts/tabulate_rrr.py"


rule tabulate_t1:
    """T1: transition-iteration relative error (median, max) per setting."""
    input:
        unpack(analysis_run_tables("transitions", "runs", "transitions")),
        code=code_for("tabulate_t1.py"),
    output:
        T1=table("T1"),
    log:
        "logs/tables/T1.log",
    benchmark:
        "logs/benchmarks/tables/T1.tsv"
    conda:
        ENV
    threads: 1
    params:
        experiment=lambda wc: experiment_of("transitions"),
    script:
        "../scripts/tabulate_t1.py"


rule tabulate_staircase_distance:
    """F4: distance of each rescaled two-layer trajectory to the staircase limit."""
    input:
        unpack(analysis_run_tables("vanishing", "runs", "components")),
        datasets=lambda wc: dataset_files(experiment_of("vanishing")),
        code=code_for("tabulate_staircase_distance.py"),
    output:
        staircase_limit=table("staircase_limit"),
    log:
        "logs/tables/staircase_limit.log",
    benchmark:
        "logs/benchmarks/tables/staircase_limit.tsv"
    conda:
        ENV
    threads: 1
    params:
        spec=lambda wc: analysis("vanishing"),
    script:
        "../scripts/tabulate_staircase_distance.py"


rule tabulate_rrr_distances:
    """F5: distances of the two-layer paths to every RRR solution and top-k-by-sigma map; T2."""
    input:
        runs=lambda wc: run_files(experiment_of("rrr_path")),
        datasets=lambda wc: dataset_files(experiment_of("rrr_path")),
        rrr=lambda wc: rrr_files(
            config["experiments"][experiment_of("rrr_path")]["datasets"]
        ),
        code=code_for("tabulate_rrr_distances.py"),
    output:
        rrr_path=table("rrr_path"),
        T2=table("T2"),
    log:
        "logs/tables/rrr_path.log",
    benchmark:
        "logs/benchmarks/tables/rrr_path.tsv"
    conda:
        ENV
    threads: 1
    params:
        order=lambda wc: run_ids(experiment_of("rrr_path")),
    script:
        "../scripts/tabulate_rrr_distances.py"


rule tabulate_phase:
    """F6: each run's regime classified from its trajectory, against THEORY.md section 5."""
    input:
        unpack(analysis_run_tables("phase", "runs", "components", "permode")),
        code=code_for("tabulate_phase.py"),
    output:
        phase=table("phase"),
    log:
        "logs/tables/phase.log",
    benchmark:
        "logs/benchmarks/tables/phase.tsv"
    conda:
        ENV
    threads: 1
    params:
        experiment=lambda wc: experiment_of("phase"),
        datasets=config["datasets"],
        rtol=config["claims"]["phase_monotone_rtol"],
    script:
        "../scripts/tabulate_phase.py"


rule tabulate_rotation:
    """F7b: deviation from the aligned prediction against the normalized commutator, per run."""
    input:
        runs=lambda wc: run_files(experiment_of("rotation")),
        datasets=lambda wc: dataset_files(experiment_of("rotation")),
        code=code_for("tabulate_rotation.py"),
    output:
        rotation=table("rotation"),
    log:
        "logs/tables/rotation.log",
    benchmark:
        "logs/benchmarks/tables/rotation.tsv"
    conda:
        ENV
    threads: 1
    params:
        order=lambda wc: run_ids(experiment_of("rotation")),
        datasets=config["datasets"],
    script:
        "../scripts/tabulate_rotation.py"


rule tabulate_test_risk:
    """F8: test risk along the GD paths, of RRR at every rank and of the ridge path, per teacher; T3."""
    input:
        runs=lambda wc: run_files(experiment_of("generalization")),
        datasets=lambda wc: dataset_files(experiment_of("generalization")),
        rrr=lambda wc: rrr_files(
            config["experiments"][experiment_of("generalization")]["datasets"]
        ),
        code=code_for("tabulate_test_risk.py"),
    output:
        test_risk=table("test_risk"),
        best_risk=table("best_risk"),
        T3=table("T3"),
    log:
        "logs/tables/generalization.log",
    benchmark:
        "logs/benchmarks/tables/generalization.tsv"
    conda:
        ENV
    threads: 1
    params:
        order=lambda wc: run_ids(experiment_of("generalization")),
        ridge_alpha=lambda wc: analysis("generalization")["ridge_alpha"],
    script:
        "../scripts/tabulate_test_risk.py"


rule tabulate_depth:
    """F9: measured transitions against the section 4 laws and the exact flow half-crossing."""
    input:
        unpack(analysis_run_tables("depth", "runs", "components", "transitions")),
        code=code_for("tabulate_depth.py"),
    output:
        depth_transitions=table("depth_transitions"),
    log:
        "logs/tables/depth_transitions.log",
    benchmark:
        "logs/benchmarks/tables/depth_transitions.tsv"
    conda:
        ENV
    threads: 1
    params:
        experiment=lambda wc: experiment_of("depth"),
    script:
        "../scripts/tabulate_depth.py"


rule tabulate_dmf:
    """F10, T4: DMF runs, trajectories, stages and curvature from the run files of the dmf analysis's experiment."""
    input:
        runs=lambda wc: dmf_files(experiment_of("dmf")),
        code=code_for("tabulate_dmf.py"),
    output:
        dmf_runs=table("dmf_runs"),
        dmf_trajectories=table("dmf_trajectories"),
        dmf_stages=table("dmf_stages"),
        dmf_curvature=table("dmf_curvature"),
        T4=table("T4"),
    log:
        "logs/tables/dmf.log",
    benchmark:
        "logs/benchmarks/tables/dmf.tsv"
    conda:
        ENV
    threads: 1
    params:
        order=lambda wc: [run.run_id for run in DMF_RUNS[experiment_of("dmf")]],
        resolution=config["claims"]["dmf_curvature_resolution"],
    script:
        "../scripts/tabulate_dmf.py"


rule tabulate_sequential_order:
    """F11: per (eta, delta) cell the random initializations learned in sigma order, with the exact interval."""
    input:
        unpack(analysis_run_tables("population", "runs", "transitions")),
        code=code_for("tabulate_sequential_order.py"),
    output:
        sequential_order=table("sequential_order"),
    log:
        "logs/tables/sequential_order.log",
    benchmark:
        "logs/benchmarks/tables/sequential_order.tsv"
    conda:
        ENV
    threads: 1
    params:
        datasets=config["datasets"],
    script:
        "../scripts/tabulate_sequential_order.py"


rule tabulate_completion:
    """F12, T5: completion runs against the minimum nuclear-norm completion of the same (target, mask)."""
    input:
        runs=lambda wc: dmf_files(experiment_of("completion")),
        nuclear=lambda wc: contract.NUCLEAR.format(
            experiment=experiment_of("completion")
        ),
        code=code_for("tabulate_completion.py"),
    output:
        completion_runs=table("completion_runs"),
        completion_trajectories=table("completion_trajectories"),
        completion_stages=table("completion_stages"),
        T5=table("T5"),
    log:
        "logs/tables/completion.log",
    benchmark:
        "logs/benchmarks/tables/completion.tsv"
    conda:
        ENV
    threads: 1
    params:
        order=lambda wc: [run.run_id for run in DMF_RUNS[experiment_of("completion")]],
    script:
        "../scripts/tabulate_completion.py"
