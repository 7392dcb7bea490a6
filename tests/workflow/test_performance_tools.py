"""The sweep configs, the per-rule time summary, and the benchmark directive on every compute rule."""

import re
import sys

import pytest
import yaml
from helpers import ROOT

from implicitreg.config.check import validate
from implicitreg.config.grid import expand_runs

sys.path.insert(0, str(ROOT / "benchmarks"))

import pipeline_times  # noqa: E402


def merged(sweep: str) -> dict:
    """``config.yaml`` with a sweep file merged over it, key by key (as ``--configfile A B`` does)."""
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    for key, value in yaml.safe_load((ROOT / "workflow/sweeps" / sweep).read_text()).items():
        config[key] = config[key] | value if isinstance(value, dict) else value
    return config


@pytest.mark.parametrize("sweep,n_runs", [("sweep10k.yaml", 10_000), ("sweep2500.yaml", 2_500)])
def test_sweep_configs_are_valid_and_have_their_size(sweep, n_runs):
    config = validate(merged(sweep))
    runs = expand_runs("sweep", config["experiments"]["sweep"], config["datasets"])
    assert len(runs) == n_runs
    assert len({r.run_id for r in runs}) == n_runs


def test_pipeline_times_sums_per_rule(tmp_path):
    header = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
    files = {
        "simulate/staircase/shard-0-of-1.tsv": "2.5\t0:00:02\t200\t1\t1\t1\t0\t0\t50\t1.5\n",
        "simulate/sweep/shard-0-of-2.tsv": "6.0\t0:00:06\t300\t1\t1\t1\t0\t0\t90\t5.0\n",
        "dmf/sweep/shard-1-of-2.tsv": "4.0\t0:00:04\t250\t1\t1\t1\t0\t0\t90\t4.0\n",
        "figures/F1_a.tsv": "1.0\t0:00:01\t100\t1\t1\t1\t0\t0\t50\t0.5\n",
        "figures/F2_b.tsv": "3.0\t0:00:03\t150\t1\t1\t1\t0\t0\t50\t2.0\n",
    }
    for name, row in files.items():
        path = tmp_path / "logs/benchmarks" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + row)
    table = pipeline_times.summarize(pipeline_times.collect(tmp_path))
    assert list(table.index) == ["simulate_sweep", "figures", "simulate_staircase"]
    assert table.loc["figures"].tolist() == pytest.approx([2, 4.0, 2.5, 150.0])
    assert table.loc["simulate_sweep", "cpu_s"] == pytest.approx(9.0)


def test_every_compute_rule_has_a_benchmark():
    """Every rule that runs a script writes ``logs/benchmarks/...`` (Snakemake's ``benchmark:``)."""
    checked = 0
    for smk in sorted((ROOT / "workflow/rules").glob("*.smk")):
        for block in re.split(r"\n(?=\s*rule\b)", smk.read_text()):
            if "script:" in block:
                checked += 1
                assert re.search(r'benchmark:\s*\n\s*f?"logs/benchmarks/', block), f"{smk.name}: {block[:80]}"
    assert checked >= 8
