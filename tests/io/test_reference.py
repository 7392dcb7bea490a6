"""The reference manifest: written from a run, compared file by file, and by the verify command."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
from helpers import ROOT

from implicitreg.io import files as fileio
from implicitreg.io import provenance, reference


def test_reference_comparison_file_by_file(written, tmp_path_factory):
    head = [("config_sha256", "c" * 64), ("code_commit", "abc")]
    provenance.write_manifest(provenance.MANIFEST, written, head)
    ref_file = tmp_path_factory.mktemp("ref") / "MANIFEST.reference.tsv"
    assert reference.write_reference(provenance.MANIFEST, ref_file) == 2
    assert ref_file.read_text().splitlines() == [
        f"# config_sha256\t{'c' * 64}",
        "# code_commit\tabc",
        "path\tsha256",
        f"results/runs/r.npz\t{provenance.sha256('results/runs/r.npz')}",
        f"results/tables/a.csv\t{provenance.sha256('results/tables/a.csv')}",
    ]
    assert reference.compare_reference(provenance.MANIFEST, ref_file) == (
        [],
        "reference (code abc): 2 outputs, all match",
    )
    fileio.save_csv("results/tables/a.csv", pd.DataFrame({"x": [1, 3]}))  # "another platform": other bytes
    Path("results/runs/r.npz").unlink()
    fileio.save_csv("results/tables/new.csv", pd.DataFrame({"y": [0]}))
    rows = {**written, "results/tables/new.csv": {"rule": "t", "wildcards": {}, "params": {}}}
    del rows["results/runs/r.npz"]
    provenance.write_manifest(provenance.MANIFEST, rows, head)
    problems, verdict = reference.compare_reference(provenance.MANIFEST, ref_file)
    assert [p.split(" (")[0] for p in problems] == [
        "missing  results/runs/r.npz",
        "differs  results/tables/a.csv",
        "new      results/tables/new.csv",
    ]
    assert verdict == "reference (code abc): 2 outputs, 3 difference(s)"
    provenance.write_manifest(provenance.MANIFEST, rows, [("config_sha256", "d" * 64)])
    problems, verdict = reference.compare_reference(provenance.MANIFEST, ref_file)
    assert problems == [] and verdict.startswith("reference not compared: this run's config (dddddddddddd)")


def test_verify_command_compares_with_the_reference_and_writes_it(written, tmp_path):
    provenance.write_manifest(provenance.MANIFEST, written, [("config_sha256", "c" * 64)])

    def run(*args):
        cmd = [sys.executable, "-m", "implicitreg", "verify", "--workdir", str(tmp_path), *args]
        return subprocess.run(cmd, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "src")})

    ref_file = str(tmp_path / "ref.tsv")
    made = run("--reference", ref_file, "--write-reference")
    assert made.returncode == 0, made.stderr
    assert "wrote ref.tsv" in made.stderr.replace(str(tmp_path) + "/", "") and "2 outputs" in made.stderr
    ok = run("--reference", ref_file)
    assert ok.returncode == 0 and "reference (code unknown): 2 outputs, all match" in ok.stderr
    fileio.save_csv("results/tables/a.csv", pd.DataFrame({"x": [1, 3]}))
    provenance.write_manifest(provenance.MANIFEST, written, [("config_sha256", "c" * 64)])
    bad = run("--reference", ref_file)
    assert bad.returncode == 1
    assert bad.stdout.startswith("differs  results/tables/a.csv (sha256 ")
