"""Cost of the sweep's simulation against runs x iterations, at two sizes.

    python benchmarks/sweep_scaling.py [workflow/sweeps/sweep10k.yaml]

Expands the sweep's experiment (merged over ``config.yaml``) and simulates the first quarter of its runs
and then all of them with ``implicitreg.linear.experiment.simulate_runs``, as the ``simulate_<experiment>`` job
does (without writing files). Prints CPU seconds, iterations performed (the sum of every run's
``n_steps``) and CPU nanoseconds per problem-step for both sizes, and the ratios: linear cost means a CPU
time ratio equal to the iteration ratio. CPU time (not wall time) is reported because the machine is shared.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from implicitreg.config.check import validate
from implicitreg.config.grid import expand_runs
from implicitreg.data import seeds, spectra
from implicitreg.linear.experiment import simulate_runs

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    sweep_file = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "workflow/sweeps/sweep10k.yaml"
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    sweep = yaml.safe_load(sweep_file.read_text())
    config = validate(config | sweep)
    n_log = config["n_log"]
    datasets_spec = config["datasets"]
    for name, exp in sweep["experiments"].items():
        exp = config["experiments"][name]
        data = {
            ds: spectra.make_dataset(datasets_spec[ds], seeds.rng(config["seed"], "dataset", ds))
            for ds in exp["datasets"]
        }
        runs = expand_runs(name, exp, datasets_spec)
        simulate_runs(runs[:2], data, exp, config["seed"], n_log)  # compile outside the timing
        rows = []
        for size in (len(runs) // 4, len(runs)):
            t0 = time.process_time()
            out = simulate_runs(runs[:size], data, exp, config["seed"], n_log)
            cpu = time.process_time() - t0
            steps = sum(int(r["n_steps"]) for r in out.values())
            rows.append((size, steps, cpu))
            print(f"{name}: {size:>6} runs, {steps:>10} iterations, {cpu:7.2f} s CPU, {1e9 * cpu / steps:7.1f} ns/step")
        (n1, s1, c1), (n2, s2, c2) = rows
        print(f"ratios {n2 // n1 if n1 else 0}x runs: iterations {s2 / s1:.2f}, CPU time {c2 / c1:.2f}")


if __name__ == "__main__":
    main()
