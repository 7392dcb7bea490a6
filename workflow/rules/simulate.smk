# One job per experiment: every run of its grid is simulated in batches of equal shape.
for _experiment in RUNS:

    rule:
        name:
            f"simulate_{_experiment}"
        input:
            datasets=experiment_datasets(_experiment),
            code=code_for("simulate.py"),
        output:
            run_files(_experiment),
        log:
            f"logs/simulate/{_experiment}.log",
        benchmark:
            f"logs/benchmarks/simulate/{_experiment}.tsv"
        conda:
            ENV
        threads: 1
        params:
            experiment=_experiment,
            spec=config["experiments"][_experiment],
            seed=config["seed"],
            n_log=config["n_log"],
        script:
            "../scripts/simulate.py"
