"""Exact binomial intervals of fractions measured over populations of seeds (THEORY.md section 10)."""

from __future__ import annotations


def clopper_pearson(k: int, n: int) -> tuple[float, float]:
    """The exact (Clopper-Pearson) 95% interval of the fraction ``k / n``:
    ``scipy.stats.binomtest(k, n).proportion_ci(0.95, method="exact")``; ``(nan, nan)`` for ``n = 0``."""
    if int(n) == 0:
        return float("nan"), float("nan")
    from scipy.stats import binomtest  # loads in half a second: not when the workflow only builds its DAG

    ci = binomtest(int(k), int(n)).proportion_ci(0.95, method="exact")
    return float(ci.low), float(ci.high)
