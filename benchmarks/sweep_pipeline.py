"""A sweep end to end against its kernel, in one run: wall clock, memory, output size and linearity.

    python benchmarks/sweep_pipeline.py                 # sweep2500 and sweep10k (about a minute)
    python benchmarks/sweep_pipeline.py --million       # and sweep1m (about 8 minutes on 2 cores)

For each sweep (``workflow/sweeps/*.yaml``, merged over ``config.yaml``):

1. **kernel CPU**: the sweep's runs simulated in this process shard by shard, as the ``simulate_gd`` jobs do
   (``simulate_runs``, compiled code warmed up first), timing the CPU seconds spent inside the compiled kernel
   (``kernel.run_batch``) and in the whole simulator (``simulate_runs``: the kernel, initializations, batching);
2. **end to end**: a cold ``snakemake --cores N`` in an empty directory building only the sweep's own tables
   (its dataset, shards, shard tables and their merge), wall seconds; the largest peak resident memory of any job
   (``logs/benchmarks``, with its kind of job) and of any one process, Snakemake's own included; the bytes
   written under ``results/``; ``stages_s``, the wall time of the longest job of each stage (dataset, simulation,
   shard tables, merge) summed, which is the critical path when no stage has more jobs than cores, and
   ``snakemake_s``, the rest: Snakemake's start (imports, config, DAG), its scheduling between stages and its end.

Prints one row per sweep and the ratios: end-to-end wall over kernel CPU, and between sweeps the ratios of
problem-steps (runs x iterations), kernel CPU and end-to-end wall (linear cost: equal ratios), and the line through
both sizes, end to end = fixed + marginal x kernel CPU (what a run costs the pipeline beyond the kernel, and what the
pipeline costs whatever its size). The machine is shared, so only ratios from one run are compared.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml
from snakemake.utils import update_config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from implicitreg.config.check import validate  # noqa: E402
from implicitreg.config.grid import expand_runs  # noqa: E402
from implicitreg.data import seeds, spectra  # noqa: E402
from implicitreg.io import contract, shards  # noqa: E402
from implicitreg.linear import kernel  # noqa: E402
from implicitreg.linear.experiment import simulate_runs  # noqa: E402

EXPERIMENT = "sweep"
TARGETS = [contract.experiment_table(t, EXPERIMENT) for t in contract.RUN_TABLES]


def sweep_config(sweep: Path) -> dict:
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    update_config(config, yaml.safe_load(sweep.read_text()))
    return validate(config)


def kernel_cpu(config: dict) -> tuple[float, float, int]:
    """CPU seconds in ``kernel.run_batch`` and in ``simulate_runs`` over every shard, and the problem-steps."""
    exp = config["experiments"][EXPERIMENT]
    runs = expand_runs(EXPERIMENT, exp, config["datasets"])
    data = {ds: spectra.make_dataset(config["datasets"][ds], seeds.rng(config["seed"], "dataset", ds))
            for ds in exp["datasets"]}  # fmt: skip
    simulate_runs(runs[:8], data, exp, config["seed"], config["n_log"])  # load the compiled kernel
    inner, run_batch = [0.0], kernel.run_batch

    def timed(**kw):
        t = time.process_time()
        run_batch(**kw)
        inner[0] += time.process_time() - t

    kernel.run_batch = timed
    total, steps = 0.0, 0
    try:
        for shard_runs in shards.split(runs, config["shard_size"]).values():
            t = time.process_time()
            out = simulate_runs(shard_runs, data, exp, config["seed"], config["n_log"])
            total += time.process_time() - t
            steps += sum(int(a["n_steps"]) for a in out.values())
            del out
    finally:
        kernel.run_batch = run_batch
    return inner[0], total, steps


def end_to_end(sweep: Path, cores: int) -> dict:
    """Cold ``snakemake`` of the sweep's tables in a fresh directory: wall, memory, output size, problem-steps."""
    with tempfile.TemporaryDirectory() as wd:
        configs = [str(ROOT / "config.yaml"), str(sweep)]
        cmd = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", wd, "--configfile", *configs,
               "--cores", str(cores), "--quiet", "all", "--", *TARGETS]  # fmt: skip
        start = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.monotonic() - start
        if proc.returncode:
            raise SystemExit(proc.stderr[-3000:])
        process_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        logs = Path(wd, "logs/benchmarks")
        jobs = {
            p.relative_to(logs).with_suffix("").as_posix(): pd.read_csv(p, sep="\t").iloc[-1]
            for p in logs.rglob("*.tsv")
        }
        job_mb, peak_job = max((float(j["max_rss"]), name) for name, j in jobs.items())
        stages: dict[str, float] = {}  # the longest job of each stage: dataset, simulation, shard tables, merge
        for name, j in jobs.items():
            stage = name.split("/shard-")[0]
            stages[stage] = max(stages.get(stage, 0.0), float(j["s"]))
        out = sum(p.stat().st_size for p in Path(wd, "results").rglob("*") if p.is_file())
        runs = pd.read_csv(Path(wd, TARGETS[0]), usecols=["n_steps"])
    return {"wall_s": wall, "stages_s": sum(stages.values()), "job_peak_mb": job_mb, "peak_job": peak_job,
            "process_peak_mb": process_mb,
            "output_mb": out / 2**20,
            "e2e_steps": int(runs["n_steps"].sum()), "jobs": len(jobs)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million", action="store_true", help="also the 1,000,000-run sweep")
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    names = ["sweep2500", "sweep10k"] + (["sweep1m"] if args.million else [])
    rows = []
    for name in names:
        sweep = ROOT / "workflow/sweeps" / f"{name}.yaml"
        config = sweep_config(sweep)
        kcpu, scpu, steps = kernel_cpu(config)
        row = {"sweep": name, "runs": len(expand_runs(EXPERIMENT, config["experiments"][EXPERIMENT],
                                                     config["datasets"])), "problem_steps": steps,
               "kernel_cpu_s": kcpu, "simulator_cpu_s": scpu} | end_to_end(sweep, args.cores)  # fmt: skip
        assert row["e2e_steps"] == steps, "the pipeline ran other iterations than the in-process simulation"
        row["snakemake_s"] = row["wall_s"] - row["stages_s"]
        row["wall_over_kernel"] = row["wall_s"] / kcpu
        row["wall_over_simulator"] = row["wall_s"] / scpu
        rows.append(row)
        print(pd.DataFrame([row]).drop(columns="e2e_steps").to_string(index=False, float_format=lambda x: f"{x:.3g}"),
              flush=True)  # fmt: skip
    table = pd.DataFrame(rows).drop(columns="e2e_steps").set_index("sweep")
    print("\n" + table.to_string(float_format=lambda x: f"{x:.3g}"))
    for a, b in zip(names, names[1:]):
        ra, rb = table.loc[a], table.loc[b]
        print(f"{b} / {a}: problem-steps x{rb.problem_steps / ra.problem_steps:.3g}, kernel CPU "
              f"x{rb.kernel_cpu_s / ra.kernel_cpu_s:.3g}, end-to-end wall x{rb.wall_s / ra.wall_s:.3g}, "
              f"output x{rb.output_mb / ra.output_mb:.3g}")  # fmt: skip
        marginal = (rb.wall_s - ra.wall_s) / (rb.kernel_cpu_s - ra.kernel_cpu_s)
        print(f"  end to end = fixed + marginal x kernel CPU through both: marginal {marginal:.3g} wall s per kernel "
              f"CPU s, fixed {ra.wall_s - marginal * ra.kernel_cpu_s:.3g} s")  # fmt: skip


if __name__ == "__main__":
    main()
