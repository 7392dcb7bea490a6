# One job per shard of an experiment (io/shards.py: a run's shard is a pure function of its run id), GD and DMF
# alike. Each job gets its run specs as parameters and writes the shard's runs to one file of the run store.
# The compiled kernels come from numba's cache beside the code; compile_kernel fills it once before the jobs start
# (on a fresh checkout each job would otherwise compile it at the same time, 8-12 s of CPU each).
KERNELS = {"gd": "implicitreg.linear.simulate", "dmf": "implicitreg.dmf.model"}


rule compile_kernel:
    """Compile one kernel into numba's cache: a few iterations of a tiny problem (its module's compile_kernel)."""
    input:
        code=lambda wc: code_for("compile_kernel.py", KERNELS[wc.kernel]),
    output:
        temp("results/kernels/{kernel}.compiled"),
    log:
        "logs/kernels/{kernel}.log",
    benchmark:
        "logs/benchmarks/kernels/{kernel}.tsv"
    wildcard_constraints:
        kernel="|".join(KERNELS),
    conda:
        ENV
    threads: 1
    params:
        module=lambda wc: KERNELS[wc.kernel],
    script:
        "../scripts/compile_kernel.py"


rule simulate_gd:
    """The GD runs of one shard: batches of equal shape through the compiled kernel."""
    input:
        datasets=lambda wc: dataset_files(wc.experiment),
        kernel="results/kernels/gd.compiled",
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
        kernel="results/kernels/dmf.compiled",
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
