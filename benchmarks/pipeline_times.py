"""Where the pipeline's time goes: the ``logs/benchmarks/`` files of one run, summed per rule.

    python benchmarks/pipeline_times.py [WORKDIR]

Each compute rule writes ``logs/benchmarks/<stage>/<job>.tsv`` (Snakemake's ``benchmark:``: wall seconds
``s``, peak resident memory ``max_rss`` in MB, CPU seconds ``cpu_time``). The rule is the stage folder, or
``simulate_<experiment>`` for the shards of an experiment. Prints one line per rule (jobs, summed wall and CPU
seconds, largest peak memory) and the totals; the summed wall time exceeds the pipeline's wall clock when
jobs ran in parallel.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


def rule_of(path: Path, root: Path) -> str:
    """``simulate_<experiment>`` for the simulation jobs of an experiment's shards (GD or DMF), the stage folder
    otherwise."""
    parts = path.relative_to(root).parts
    return f"simulate_{parts[1]}" if parts[0] in ("simulate", "dmf") and len(parts) > 2 else parts[0]


def collect(workdir: Path) -> pd.DataFrame:
    root = workdir / "logs/benchmarks"
    rows = []
    for path in sorted(root.rglob("*.tsv")):
        df = pd.read_csv(path, sep="\t")
        rows.append(
            {
                "rule": rule_of(path, root),
                "s": float(df["s"].iloc[-1]),
                "cpu_time": float(pd.to_numeric(df["cpu_time"], errors="coerce").fillna(0).iloc[-1]),
                "max_rss": float(pd.to_numeric(df["max_rss"], errors="coerce").fillna(0).iloc[-1]),
            }
        )
    if not rows:
        raise SystemExit(f"no benchmark files under {root}: run the pipeline first")
    return pd.DataFrame(rows)


def summarize(df: pd.DataFrame) -> pd.DataFrame:
    """Per rule: number of jobs, summed wall and CPU seconds, largest peak resident memory (MB)."""
    out = df.groupby("rule").agg(
        jobs=("s", "size"), wall_s=("s", "sum"), cpu_s=("cpu_time", "sum"), rss_mb=("max_rss", "max")
    )
    return out.sort_values("wall_s", ascending=False)


def main() -> None:
    workdir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
    table = summarize(collect(workdir))
    print(table.to_string(float_format=lambda x: f"{x:.2f}"))
    print(f"total: {table['jobs'].sum()} jobs, {table['wall_s'].sum():.1f} s wall summed, "
          f"{table['cpu_s'].sum():.1f} s CPU, peak {table['rss_mb'].max():.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
