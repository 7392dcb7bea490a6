# One job per GD experiment (every run of its grid, in batches of equal shape) and one per (DMF experiment,
# depth). Each job gets its run specs as parameters and writes one file per run, named by its run id.
for _experiment, _runs in RUNS.items():

    rule:
        name:
            f"simulate_{_experiment}"
        input:
            datasets=dataset_files(_experiment),
            code=code_for("simulate_gd.py"),
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
            runs=[asdict(run) for run in _runs],
            spec=config["experiments"][_experiment],
            seed=config["seed"],
            n_log=config["n_log"],
        script:
            "../scripts/simulate_gd.py"


_DMF_JOBS = {}  # (experiment, depth) -> runs of one simulation job
for _runs in DMF_RUNS.values():
    for _run in _runs:
        _DMF_JOBS.setdefault((_run.experiment, _run.depth), []).append(_run)

for (_experiment, _depth), _runs in _DMF_JOBS.items():

    rule:
        name:
            f"simulate_{_experiment}_N{_depth}"
        input:
            code=code_for("simulate_dmf.py"),
        output:
            dmf_files(_runs),
        log:
            f"logs/dmf/{_experiment}_N{_depth}.log",
        benchmark:
            f"logs/benchmarks/dmf/{_experiment}_N{_depth}.tsv"
        conda:
            ENV
        threads: 1
        params:
            runs=[asdict(run) for run in _runs],
            spec=resolve(
                config["dmf_experiments"][_experiment],
                config["dmf_size"],
                config.get("dmf_large", {}),
            ),
            seed=config["seed"],
            n_log=config["n_log"],
            stage_rule=config.get("dmf_stage_rule"),
            resolution=config["claims"]["dmf_curvature_resolution"],
        script:
            "../scripts/simulate_dmf.py"
