# Deep matrix factorization (THEORY.md section 8; F10, T4, claims 14-15): one simulation job per
# (experiment, depth) writes results/dmf/{run_id}.npz with trajectory, stages and Hessian curvature.
from implicitreg.dmfruns import expand_dmf_runs, resolve

DMF_RUNS = {
    name: expand_dmf_runs(
        name,
        resolve(exp, config.get("dmf_size", "default"), config.get("dmf_large", {})),
    )
    for name, exp in config.get("dmf_experiments", {}).items()
}
DMF_FILES = {}  # (experiment, depth) -> the run files of one simulation job
for _runs in DMF_RUNS.values():
    for _run in _runs:
        DMF_FILES.setdefault((_run.experiment, _run.depth), []).append(
            f"results/dmf/{_run.run_id}.npz"
        )


for (_experiment, _depth), _files in DMF_FILES.items():

    rule:
        name:
            f"simulate_{_experiment}_N{_depth}"
        input:
            code=code_for("dmf_simulate.py"),
        output:
            _files,
        log:
            f"logs/dmf/{_experiment}_N{_depth}.log",
        benchmark:
            f"logs/benchmarks/dmf/{_experiment}_N{_depth}.tsv"
        conda:
            ENV
        threads: 1
        params:
            experiment=_experiment,
            depth=_depth,
            spec=resolve(
                config["dmf_experiments"][_experiment],
                config.get("dmf_size", "default"),
                config.get("dmf_large", {}),
            ),
            seed=config["seed"],
            n_log=config["n_log"],
            stage_rule=config.get("dmf_stage_rule"),
            resolution=config["claims"].get("dmf_curvature_resolution"),
        script:
            "../scripts/dmf_simulate.py"


if DMF_RUNS:

    TABLE_FILES |= {
        "dmf_runs": "results/tables/dmf_runs.csv",
        "dmf_trajectories": "results/tables/dmf_trajectories.parquet",
        "dmf_stages": "results/tables/dmf_stages.csv",
        "dmf_curvature": "results/tables/dmf_curvature.csv",
        "T4": "results/tables/T4_dmf_stages.csv",
    }
    register_figure(
        "F10", "dmf", ["dmf_runs", "dmf_trajectories", "dmf_stages", "dmf_curvature"]
    )
    CLAIM_PARTS.append("results/claims/dmf.csv")

    rule dmf_tables:
        """DMF runs, trajectories, stages, curvature and T4 from every DMF run file."""
        input:
            runs=[f for files in DMF_FILES.values() for f in files],
            code=code_for("dmf_tables.py"),
        output:
            runs="results/tables/dmf_runs.csv",
            trajectories="results/tables/dmf_trajectories.parquet",
            stages="results/tables/dmf_stages.csv",
            curvature="results/tables/dmf_curvature.csv",
            t4="results/tables/T4_dmf_stages.csv",
        log:
            "logs/tables/dmf.log",
        benchmark:
            "logs/benchmarks/tables/dmf.tsv"
        conda:
            ENV
        threads: 1
        params:
            resolution=config["claims"]["dmf_curvature_resolution"],
        script:
            "../scripts/dmf_tables.py"

    rule claims_dmf:
        """Claims 14 (R stages) and 15 (saddles, then a second-order critical point)."""
        input:
            runs="results/tables/dmf_runs.csv",
            curvature="results/tables/dmf_curvature.csv",
            code=code_for("claims_dmf.py"),
        output:
            "results/claims/dmf.csv",
        log:
            "logs/claims/dmf.log",
        benchmark:
            "logs/benchmarks/claims_dmf.tsv"
        conda:
            ENV
        threads: 1
        params:
            experiment=config["figures"]["F10"]["experiment"],
            end_tol=config["claims"]["dmf_end_curvature"],
            resolution=config["claims"]["dmf_curvature_resolution"],
        script:
            "../scripts/claims_dmf.py"
