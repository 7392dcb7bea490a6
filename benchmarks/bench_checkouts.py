"""The compiled DMF kernel of two checkouts, timed alternately on the same runs: the cost of a change to it.

    python benchmarks/bench_checkouts.py OLD NEW [--n 30] [--steps 5000] [--rounds 2]

``OLD`` and ``NEW`` are source trees of this project (``git worktree add /tmp/old <commit>``). For each round and
each tree, a subprocess on that tree's ``src`` (BLAS on one thread, numba's cache warmed by a first short call) runs
``dmf.model.simulate_batch`` on six completion-like runs per depth 2, 3 and 4 (``n x n`` rank-2 targets, 30% of
the entries observed, ``alpha = 1e-3``, no stopping rule: every run takes ``--steps`` iterations) and reports the
CPU time per iteration; the trees alternate so that both see the same load. Prints each tree's times per depth and
the ratio NEW / OLD of their medians over rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = """
import json, sys, time
import numpy as np
from implicitreg.dmf import model as dmf
n, steps = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(0)
runs = {}
for depth in (2, 3, 4):
    runs[depth] = []
    for _ in range(6):
        M = dmf.make_target(n, [1.0, 0.5], rng)
        mask = (rng.random((n, n)) < 0.3).astype(float)
        runs[depth].append((M, mask, dmf.init_factors(n, depth, 1e-3, rng), 0.5 * mask.sum() / n**2))
dmf.simulate_batch(runs[2][:1], max_steps=5, n_log=2, n_sv=2, tol=0.0)
out = {}
for depth, batch in runs.items():
    t = time.process_time()
    dmf.simulate_batch(batch, max_steps=steps, n_log=10, n_sv=2, tol=0.0)
    out[depth] = (time.process_time() - t) / (len(batch) * steps) * 1e6
print(json.dumps(out))
"""


def time_tree(tree: Path, n: int, steps: int) -> dict[int, float]:
    """Microseconds of CPU per iteration and run, per depth, of the kernel in ``tree``."""
    env = os.environ | {"PYTHONPATH": str(tree / "src"), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                        "MKL_NUM_THREADS": "1"}  # fmt: skip
    out = subprocess.run([sys.executable, "-c", CHILD, str(n), str(steps)], env=env, check=True, capture_output=True,
                         text=True).stdout  # fmt: skip
    return {int(k): v for k, v in json.loads(out).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    times = {"old": [], "new": []}
    for _ in range(args.rounds):
        for name in ("old", "new"):
            times[name].append(time_tree(getattr(args, name), args.n, args.steps))
    print(f"us of CPU per iteration and run, n = {args.n}, {args.steps} iterations, {args.rounds} rounds alternating")
    print("depth | old (each round) | new (each round) | new / old (medians)")
    for depth in (2, 3, 4):
        old, new = ([t[depth] for t in times[k]] for k in ("old", "new"))
        ratio = statistics.median(new) / statistics.median(old)
        print(f"{depth} | {', '.join(f'{v:.1f}' for v in old)} | {', '.join(f'{v:.1f}' for v in new)} | {ratio:.2f}")


if __name__ == "__main__":
    main()
