"""Throughput of the simulator against a plain per-run numpy loop and against a large matrix multiply.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_simulate.py

For ``d = p = width`` in {10, 50, 200} and batch sizes 1 and 256, two-layer GD with component monitoring
(the work the pipeline does), it prints problem-steps per second (runs x iterations per second) of

- ``plain``: one run at a time, one iteration at a time, the same arithmetic in numpy;
- ``simulate``: ``implicitreg.dynamics.simulate`` on the whole batch;

their ratio, and the simulator's GFLOP/s as a fraction of a 2000 x 2000 matrix multiply timed in the same
run. Flops are counted as ``8 d^3`` per problem-step (``W = W1 W2``, ``Sigma_x W``, ``G W2^T``, ``W1^T G``),
leaving out the component monitoring ``W V`` (``2 d^3`` while some component has not crossed): the
rate is a lower bound. BLAS runs on 1 thread (as in the workflow) unless ``--threads 2``. Timings are the best of
``--repeat`` runs; on a shared machine they are noisy. The simulator's final factors are checked against
the plain loop's (to rounding) so the two do the same work.
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

from implicitreg import dynamics, seeds, spectra  # noqa: E402


def problem(n: int, batch: int):
    """A random ``n x n`` problem with spread spectra and ``batch`` aligned two-layer initializations."""
    rng = seeds.rng(0, "bench", str(n))
    U, V = spectra.haar_orthogonal(n, rng), spectra.haar_orthogonal(n, rng)
    lam, sigma = np.linspace(1.0, 0.5, n), np.linspace(1.0, 0.1, n)
    Sigma_x, Sigma_xy = spectra.covariances(U, V, lam, sigma)
    deltas = np.linspace(4.0, 8.0, batch)
    inits = [dynamics.aligned_init(U, V, 2, n, delta) for delta in deltas]
    factors0 = [np.stack(fs) for fs in zip(*inits)]
    return Sigma_x, Sigma_xy, U, V, sigma / lam, factors0


def plain_loop(Sx, Sxy, U, V, targets, factors0, eta, steps):
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
            W1, W2 = W1 - eta * (G @ W2.T), W2 - eta * (W1.T @ G)
        out.append((W1, W2))
    return out


def best_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def matmul_gflops(repeat: int, n: int = 2000) -> float:
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    return 2 * n**3 / best_time(lambda: A @ B, repeat) / 1e9


MIN_STEPS = {10: 2000, 50: 200, 200: 20}  # equal logging density for both batch sizes


def steps_for(n: int, batch: int, budget_flops: float) -> int:
    """Iterations per run: about ``budget_flops`` of work, at least ``MIN_STEPS[n]``."""
    return max(MIN_STEPS[n], int(budget_flops / (10 * n**3 * batch)))


def measure(n: int, batch: int, eta: float, repeat: int, peak: float) -> str:
    """One table row: plain loop and simulator on the same problem, for the same number of iterations."""
    Sx, Sxy, U, V, targets, f0 = problem(n, batch)
    steps = steps_for(n, batch, 4e9)
    plain_runs = min(batch, max(1, int(2e9 / (10 * n**3 * steps))))  # its rate does not depend on the batch
    f0_plain = [f[:plain_runs] for f in f0]
    plain, sim = [], []
    t_plain = best_time(lambda: plain.append(plain_loop(Sx, Sxy, U, V, targets, f0_plain, eta, steps)), repeat)
    kw = dict(max_steps=steps, tol=0.0, n_log=10, U=U, V=V, targets=targets)
    t_sim = best_time(lambda: sim.append(dynamics.simulate(Sx, Sxy, f0, eta, **kw)), repeat)
    assert all(tr.n_steps == steps for tr in sim[-1]), "a run stopped early: the benchmark needs fixed-length runs"
    diff = max(
        np.max(np.abs(tr.factors[j] - ref[j])) / np.max(np.abs(ref[j]))
        for tr, ref in zip(sim[-1], plain[-1])
        for j in range(2)
    )
    rate_plain = plain_runs * steps / t_plain
    rate_sim = batch * steps / t_sim
    gflops = rate_sim * 8 * n**3 / 1e9
    return (
        f"{n:>4} {batch:>5} {steps:>6} {rate_plain:>10.3g} {rate_sim:>11.3g} {rate_sim / rate_plain:>7.1f}"
        f" {gflops:>8.2f} {gflops / peak:>9.0%} {diff:>12.1e}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (the workflow uses 1)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    eta = 0.05
    with threadpool_limits(limits=args.threads, user_api="blas"):
        blas = [(i["prefix"], i.get("architecture"), i["num_threads"]) for i in threadpool_info()]
        print(f"BLAS: {blas}")
        peak = matmul_gflops(args.repeat)
        print(f"2000 x 2000 matrix multiply: {peak:.1f} GFLOP/s on {args.threads} BLAS thread(s)")
        Sx, Sxy, U, V, targets, f0 = problem(4, 1)  # compile the kernel outside the timings
        dynamics.simulate(Sx, Sxy, f0, eta, max_steps=3, tol=0.0, n_log=2, U=U, V=V, targets=targets)
        header = f"{'d':>4} {'batch':>5} {'steps':>6} {'plain/s':>10} {'simulate/s':>11} {'ratio':>7}"
        print(header + f" {'GFLOP/s':>8} {'of matmul':>9} {'max rel diff':>12}")
        for n in (10, 50, 200):
            for batch in (1, 256):
                print(measure(n, batch, eta, args.repeat, peak), flush=True)


if __name__ == "__main__":
    main()
