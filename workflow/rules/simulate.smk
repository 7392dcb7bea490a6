# One job per shard of an experiment (io/shards.py: a run's shard is a pure function of its run id), GD and DMF
# alike. Each job gets its run specs as parameters and writes the shard's runs to one file of the run store.


rule simulate_gd:
    """The GD runs of one shard: batches of equal shape through the compiled kernel."""
    input:
        datasets=lambda wc: dataset_files(wc.experiment),
        code=code_for("simulate_gd.py"),
    output:
        contract.RUN,
    log:
        "logs/simulate/{experiment}/shard-{k}-of-{K}.log",
    benchmark:
        "logs/benchmarks/simulate/{experiment}/shard-{k}-of-{K}.tsv"
    wildcard_constraints:
        experiment=names_matching(lambda e: True),
        k=r"\d+",
        K=r"\d+",
    conda:
        ENV
    threads: 1
    params:
        runs=lambda wc: [grid.spec_values(run) for run in shard_runs(SHARDS, wc)],
        spec=lambda wc: config["experiments"][wc.experiment],
        seed=config["seed"],
        n_log=config["n_log"],
    script:
        "../scripts/simulate_gd.py"


rule simulate_dmf:
    """The DMF runs of one shard: trajectories in batches of the compiled kernel, stages, Hessian curvature."""
    input:
        code=code_for("simulate_dmf.py"),
    output:
        contract.DMF_RUN,
    log:
        "logs/dmf/{experiment}/shard-{k}-of-{K}.log",
    benchmark:
        "logs/benchmarks/dmf/{experiment}/shard-{k}-of-{K}.tsv"
    wildcard_constraints:
        experiment="|".join(DMF_SHARDS) or "(?!)",
        k=r"\d+",
        K=r"\d+",
    conda:
        ENV
    threads: 1
    params:
        runs=lambda wc: [grid.spec_values(run) for run in shard_runs(DMF_SHARDS, wc)],
        spec=lambda wc: grid.resolve(
            config["dmf_experiments"][wc.experiment],
            config["dmf_size"],
            config.get("dmf_large", {}),
        ),
        seed=config["seed"],
        n_log=config["n_log"],
        stage_rule=config.get("dmf_stage_rule"),
        resolution=config["claims"]["dmf_curvature_resolution"],
    script:
        "../scripts/simulate_dmf.py"
