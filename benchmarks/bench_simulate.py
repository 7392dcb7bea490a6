"""Throughput of the simulator against a plain per-run numpy loop and against a large matrix multiply.

    python benchmarks/bench_simulate.py [--repeat 3] [--threads 1]

For ``d = p = width`` in {10, 50, 200} and batch sizes 1 and 256, two-layer GD from a random initialization,
monitoring the ten leading components ``u_i^T W v_i`` (all of them at ``d = 10``), run for a fixed number
of iterations, it prints problem-steps per second (runs x iterations per second) of

- ``plain``: one run at a time, one iteration at a time, the same arithmetic in numpy;
- ``simulate``: ``implicitreg.dynamics.simulate`` on the whole batch (``path``: eight runs per SIMD
  instruction, or one run at a time on BLAS, as ``gdkernel.lanes_for`` picks by shape);

their ratio, and the simulator's GFLOP/s as a fraction of a 2000 x 2000 matrix multiply timed in the same
run. Flops are the multiply-adds the runs need, two flops each: per evaluation ``W = W1 W2`` and
``Sigma_x W`` (``2 d^3``), per update ``G W2^T`` and ``W1^T G`` (``2 d^3``), and ``W V_10`` (``10 d^2``) while
a run still has a component to detect (read off its ``k_cross``); the idle lanes of a batch smaller than
eight are not counted. For the BLAS path, ``BLAS alone`` is the rate of the same four ``d^3`` products per
step in a numpy loop with nothing else: the ceiling that BLAS itself sets for this product size. The simulator's final
factors are checked against the plain loop's (to rounding) so the two do the same work. BLAS runs on one
thread (as in the workflow) unless ``--threads``. Timings are the best of ``--repeat`` runs (one run when it
takes longer than 10 s). The whole benchmark takes under a minute here.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import scipy.linalg.cython_blas  # noqa: F401  (the BLAS the compiled kernel calls: loaded before limiting threads)
from threadpoolctl import threadpool_info, threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from implicitreg.data import seeds, spectra
from implicitreg.linear import init
from implicitreg.linear import kernel as gdkernel
from implicitreg.linear import simulate as dynamics

STEPS = {10: 4000, 50: 400, 200: 100}  # iterations per run, the same for both batch sizes
PLAIN_RUNS = 8  # the plain loop's rate does not depend on the batch: it is timed on this many runs
MONITORED = 10  # leading components monitored
ETA = 0.05


def problem(n: int, batch: int):
    """A random ``n x n`` problem with spread spectra, ``batch`` random two-layer initializations, and the
    leading ``MONITORED`` components: ``U_m``, ``V_m`` and their targets ``sigma_i / lam_i``."""
    rng = seeds.rng(0, "bench", str(n))
    U, V = spectra.haar_orthogonal(n, rng), spectra.haar_orthogonal(n, rng)
    lam, sigma = np.linspace(1.0, 0.5, n), np.linspace(1.0, 0.1, n)
    Sigma_x, Sigma_xy = spectra.covariances(U, V, lam, sigma)
    inits = [init.random_init(n, n, 2, n, delta, rng) for delta in np.linspace(4.0, 8.0, batch)]
    factors0 = [np.stack(fs) for fs in zip(*inits)]
    m = min(n, MONITORED)
    return Sigma_x, Sigma_xy, U[:, :m], V[:, :m], (sigma / lam)[:m], factors0


def plain_loop(Sx, Sxy, U, V, targets, factors0, steps):
    """The textbook loop: per run, per iteration, GD on ``(W1, W2)`` with loss, gradient norm and components."""
    W_star = np.linalg.solve(Sx, Sxy)
    out = []
    for b in range(factors0[0].shape[0]):
        W1, W2 = factors0[0][b].copy(), factors0[1][b].copy()
        crossed = np.zeros(targets.size, bool)
        for _ in range(steps):
            W = W1 @ W2
            G = Sx @ W - Sxy
            loss = 0.5 * np.sum((W - W_star) * G)
            gnorm = np.linalg.norm(G)
            if not crossed.all():  # as the simulator: monitor components until all have crossed
                crossed |= np.sum(U * (W @ V), axis=0) >= 0.5 * targets
            if not np.isfinite(loss) or gnorm == 0.0:
                break
            W1, W2 = W1 - ETA * (G @ W2.T), W2 - ETA * (W1.T @ G)
        out.append((W1, W2))
    return out


def blas_alone(n: int, steps: int) -> float:
    """Seconds per step of the four ``n x n`` products of one step, numpy matmul into preallocated outputs."""
    rng = np.random.default_rng(0)
    W1, W2, Sx, W, G, g1, g2 = (rng.standard_normal((n, n)) for _ in range(7))

    def loop():
        for _ in range(steps):
            np.matmul(W1, W2, out=W)
            np.matmul(Sx, W, out=G)
            np.matmul(G, W2.T, out=g1)
            np.matmul(W1.T, G, out=g2)

    return best_time(loop, 3)[0] / steps


def best_time(fn, repeat: int, long: float = 10.0):
    """Least wall time of ``repeat`` calls (one call if it takes over ``long`` seconds) and the last result."""
    times = []
    while len(times) < repeat and not (times and times[0] > long):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def matmul_gflops(repeat: int, n: int = 2000) -> float:
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    return 2 * n**3 / best_time(lambda: A @ B, repeat)[0] / 1e9


def run_flops(tr: dynamics.Trajectory, n: int) -> float:
    """Flops a two-layer run of ``n x n`` factors needs (see the module docstring)."""
    monitored = tr.n_steps + 1 if (tr.k_cross < 0).any() else min(tr.n_steps, tr.k_cross.max()) + 1
    return 2.0 * n**3 * (2 * (tr.n_steps + 1) + 2 * tr.n_steps) + 2.0 * n**2 * tr.k_cross.size * monitored


def measure(n: int, batch: int, repeat: int, peak: float) -> dict:
    """One table row: plain loop and simulator on the same problem, for the same number of iterations."""
    Sx, Sxy, U, V, targets, f0 = problem(n, batch)
    steps = STEPS[n]
    plain_runs = min(batch, PLAIN_RUNS)
    f0_plain = [f[:plain_runs] for f in f0]
    t_plain, plain = best_time(lambda: plain_loop(Sx, Sxy, U, V, targets, f0_plain, steps), repeat)
    kw = dict(max_steps=steps, tol=0.0, n_log=10, U=U, V=V, targets=targets)
    t_sim, runs = best_time(lambda: dynamics.simulate(Sx, Sxy, f0, ETA, **kw), repeat)
    assert all(tr.n_steps == steps for tr in runs), "a run stopped early: the benchmark needs fixed-length runs"
    diff = max(
        np.max(np.abs(tr.factors[j] - ref[j])) / np.max(np.abs(ref[j]))
        for tr, ref in zip(runs, plain)
        for j in range(2)
    )
    rate_plain, rate_sim = plain_runs * steps / t_plain, batch * steps / t_sim
    gflops = sum(run_flops(tr, n) for tr in runs) / t_sim / 1e9
    lanes = gdkernel.lanes_for(n, n, n)
    alone = 8 * n**3 / blas_alone(n, max(1, steps // 4)) / 1e9 / peak if lanes == 1 else None
    path = "lanes" if lanes > 1 else "BLAS"
    return dict(
        d=n, batch=batch, steps=steps, path=path, plain=rate_plain, sim=rate_sim, ratio=rate_sim / rate_plain,
        gflops=gflops, of_peak=gflops / peak, alone=alone, diff=diff,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (the workflow uses 1)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with threadpool_limits(limits=args.threads, user_api="blas"):
        blas = sorted({(i["prefix"], i.get("architecture"), i["num_threads"]) for i in threadpool_info()})
        print(f"BLAS: {blas}")
        peak = matmul_gflops(args.repeat)
        print(f"2000 x 2000 matrix multiply: {peak:.1f} GFLOP/s on {args.threads} BLAS thread(s)")
        for n in STEPS:  # load the compiled kernel outside the timings
            Sx, Sxy, U, V, targets, f0 = problem(n, 1)
            dynamics.simulate(Sx, Sxy, f0, ETA, max_steps=2, tol=0.0, n_log=2, U=U, V=V, targets=targets)
        print(
            f"{'d':>4} {'batch':>5} {'steps':>5} {'path':>5} {'plain/s':>9} {'simulate/s':>10} {'ratio':>6}"
            f" {'GFLOP/s':>7} {'of matmul':>9} {'BLAS alone':>10} {'max rel diff':>12}"
        )
        rows = []
        for n in STEPS:
            for batch in (1, 256):
                r = measure(n, batch, args.repeat, peak)
                rows.append(r)
                alone = f"{r['alone']:.0%}" if r["alone"] is not None else "-"
                print(
                    f"{r['d']:>4} {r['batch']:>5} {r['steps']:>5} {r['path']:>5} {r['plain']:>9.3g} {r['sim']:>10.3g}"
                    f" {r['ratio']:>6.1f} {r['gflops']:>7.1f} {r['of_peak']:>9.0%} {alone:>10} {r['diff']:>12.1e}",
                    flush=True,
                )
        ratio = next(r["ratio"] for r in rows if r["d"] == 10 and r["batch"] == 256)
        shares = [r["of_peak"] for r in rows if r["d"] == 200]
        print(f"target d = 10, batch 256, >= 30x the plain loop: {ratio:.1f}x, {'met' if ratio >= 30 else 'NOT met'}")
        verdict = "met" if min(shares) >= 0.8 else "NOT met"
        print(f"target d = 200, >= 80% of the matmul rate: {', '.join(f'{s:.0%}' for s in shares)}, {verdict}")


if __name__ == "__main__":
    main()
