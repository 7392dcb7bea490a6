"""Reproducibility a reviewer can audit, on the tiny config through Snakemake.

- two cold runs in different directories, ``--cores 2`` against ``--cores 1``, are byte-identical;
- a run killed mid-way (SIGKILL of Snakemake and its jobs) and resumed with the same command is too;
- the manifest lists every output and ``python -m implicitreg verify`` agrees with the disk;
- touching a module, the environment file or a parameter reruns exactly what depends on it;
- the HTML report holds every figure and the claims table with their captions; its first page, in a 1280-pixel-wide
  browser, scrolls from its top and sets the compact claims table beside the rule graph, not under it;
- a deliberately unstable run ends as ``status = diverged`` with its step, with no NaN in any table.
"""

import html
import json
import os
import re
import shutil
import subprocess
import sys
import time

import pandas as pd
import pytest
from helpers import ROOT, TINY, run_snakemake, tree_hashes

from implicitreg.io import contract, provenance


def test_cold_runs_in_two_directories_on_1_and_2_cores_are_byte_identical(e2e_workdir, cold_1core_workdir):
    a, b = tree_hashes(e2e_workdir), tree_hashes(cold_1core_workdir)
    assert len(a) >= 30 and "results/MANIFEST.tsv" in a
    assert sorted(a) == sorted(b)
    assert [f for f in a if a[f] != b[f]] == []


def test_killed_run_resumes_to_identical_outputs(e2e_workdir, resumed_workdir):
    """The run was killed once the first shard of its run store was written (conftest.killed_then_resumed)."""
    workdir, finished_before_kill = resumed_workdir
    assert not finished_before_kill, "the run ended before it was killed"
    assert tree_hashes(workdir) == tree_hashes(e2e_workdir)


def test_manifest_lists_every_output_and_verifies(e2e_workdir):
    head, rows = provenance.read_manifest(e2e_workdir / provenance.MANIFEST)
    assert [r["path"] for r in rows] == provenance.output_files(e2e_workdir)
    assert re.fullmatch(r"[0-9a-f]{40}|unknown", head["code_commit"])
    assert head["code_dirty"] in ("true", "false", "unknown")
    assert re.fullmatch(r"[0-9a-f]{64}", head["config_sha256"])
    assert {"package numpy", "package snakemake", "package python", "source src/implicitreg/linear/simulate.py"} <= set(
        head
    )
    by_path = {r["path"]: r for r in rows}
    dataset = by_path["results/datasets/coloured.npz"]
    assert dataset["rule"] == "dataset" and '"seed":7' in dataset["params"]
    assert by_path["figures/F1_staircase.png"]["rule"] == "figure"
    assert by_path["results/tables/claims.csv"]["rule"] == "claims"
    cmd = [sys.executable, "-m", "implicitreg", "verify", "--workdir", str(e2e_workdir)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ | {"PYTHONPATH": str(ROOT / "src")})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(rows)} outputs" in proc.stderr


def test_verify_fails_loudly_on_a_changed_output(e2e_workdir, tmp_path):
    for d in ("results", "figures"):
        shutil.copytree(e2e_workdir / d, tmp_path / d)
    with open(tmp_path / "results/tables/runs.csv", "a") as f:
        f.write("tampered\n")
    cmd = [sys.executable, "-m", "implicitreg", "verify", "--workdir", str(tmp_path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ | {"PYTHONPATH": str(ROOT / "src")})
    assert proc.returncode == 1
    assert proc.stdout.startswith("changed  results/tables/runs.csv")


@pytest.fixture(scope="module")
def report(e2e_workdir, tmp_path_factory):
    """The tiny run's HTML report (``snakemake --report``)."""
    report = tmp_path_factory.mktemp("report") / "report.html"
    proc = run_snakemake(e2e_workdir, "--report", str(report))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return report


def test_report_holds_every_figure_and_the_claims_with_captions(e2e_workdir, report):
    text = report.read_text()
    for name in ("F1_staircase.png", "F2_sequential.png", "F10_dmf.png", "claims.html", "T1.html", "T4.html"):
        assert name in text
    for caption in ("F1.rst", "F2.rst", "F3.rst", "claims.rst", "T1.rst", "T3.rst"):
        first = (ROOT / "workflow/report" / caption).read_text().split(".**")[0].lstrip("*")
        assert first in text, caption
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?://", text), "report needs the network"
    shown = rendered_page(report)
    claims = pd.read_csv(e2e_workdir / "results/tables/claims.csv", dtype={"claim_id": str})
    page = shown[shown.index('class="document"') :]  # the report's first page, as the browser shows it
    cells = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in re.findall(r"<td>(.*?)</td>", page, re.S)
    ]
    for row in claims.itertuples():
        at = cells.index(row.claim_id)  # a row of the compact claims table: id, kind, verdict, measured, criterion,
        assert cells[at + 1 : at + 3] == [row.kind, "passed" if row.passed else "FAILED"]  # statement
        assert cells[at + 4] == row.criterion
        assert cells[at + 5] == row.statement
    assert "claims.html" in re.findall(r"<a [^>]*>([^<]*)</a>", page)  # the full rows, one click away


# Drawn into the page once the report's styles have laid it out (its scrolling box a flex container, the rule graph
# drawn): the boxes (left, top, right, bottom) of the claims table, the rule graph and the page, the scrolling box at
# its top.
BOXES = """<script>addEventListener("load", () => {
  const probe = setInterval(() => {
    const page = document.querySelector(".document"), graph = document.querySelector("#rulegraph canvas");
    const scroller = page && page.closest(".overflow-auto");
    if (!graph || !scroller || getComputedStyle(scroller).display !== "flex") return;
    clearInterval(probe);
    scroller.scrollTop = 0;
    const box = (e) => {
      const r = e.getBoundingClientRect();
      return [r.left, r.top, r.right, r.bottom];
    };
    const out = document.createElement("pre");
    out.id = "boxes";
    out.textContent = JSON.stringify({table: box(page.querySelector("table")), graph: box(graph), page: box(page)});
    document.body.append(out);
  }, 100);
});</script>"""


def test_report_first_page_reads_in_a_1280_pixel_wide_browser(report, tmp_path):
    """The claims table sits beside the rule graph, its box clear of the graph's, and the page's top is in reach."""
    probed = tmp_path / "report.html"
    text = report.read_text()
    probed.write_text(text[: text.rindex("</body>")] + BOXES + text[text.rindex("</body>") :])
    found = re.search(r'<pre id="boxes">(.*?)</pre>', rendered_page(probed))
    assert found, "the report's first page was not laid out (no flex layout, or no rule graph)"
    boxes = json.loads(found.group(1))
    (left, top, right, bottom), (g_left, g_top, g_right, g_bottom) = boxes["table"], boxes["graph"]
    assert right - left > 300 and g_right - g_left > 100, boxes  # both drawn
    assert top < g_bottom and g_top < bottom, boxes  # side by side
    assert right <= g_left, boxes  # the table ends before the graph begins
    assert boxes["page"][1] >= 0, boxes  # scrolled to the top, the page starts in the window


def rendered_page(html_file):
    """The report's first page as a real browser 1280 pixels wide renders it (headless Chromium's DOM after its
    scripts ran).

    CI installs Chromium; elsewhere a missing browser skips, unless REQUIRE_CHROMIUM=1 makes it a failure."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("REQUIRE_CHROMIUM") == "1":
            pytest.fail("chromium is required (REQUIRE_CHROMIUM=1) but not installed")
        pytest.skip("chromium not installed (apt-get install chromium)")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=8000", "--window-size=1280,900"]
    flags.append("--dump-dom")
    proc = subprocess.run([browser, *flags, f"file://{html_file}"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_deliberate_divergence_is_a_recorded_outcome(e2e_workdir):
    runs = pd.read_csv(e2e_workdir / "results/tables/runs.csv")
    diverged = runs[runs["experiment"] == "diverge"]
    assert list(diverged["status"]) == ["diverged"]
    assert 0 < diverged["n_steps"].iloc[0] < 500
    # No empty cells where the contract documents none (io/contract.py): the best test risk of every teacher.
    assert not pd.read_csv(e2e_workdir / contract.path("best_risk")).isna().any().any()
    comps = pd.read_parquet(e2e_workdir / "results/tables/components.parquet")
    assert comps["value"].notna().all() and comps["value"].abs().lt(float("inf")).all()


# Rerun triggers, in a copy of the project so that touching its files disturbs nothing else.
def dry_run_jobs(copy, *args):
    """Job name -> count that ``snakemake -n`` would run in ``copy``."""
    cmd = [sys.executable, "-m", "snakemake", "--configfile", "tiny.yaml", "-n", "--quiet", "rules", *args]
    proc = subprocess.run(cmd, cwd=copy, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = re.findall(r"^(\w+)\s+(\d+)$", proc.stdout + proc.stderr, flags=re.M)
    return {job: int(n) for job, n in rows if job != "total"}


def settle(copy):
    """Mark every output up to date again after a trigger was checked."""
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", "--configfile", "tiny.yaml", "--touch", "--cores", "1"],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.fixture(scope="module")
def project_copy(e2e_workdir, tmp_path_factory):
    """A copy of the project (its code, the tiny config and no other) holding the shared run's outputs, records and
    Snakemake metadata; ``--touch`` marks them up to date for the copy's own code paths."""
    copy = tmp_path_factory.mktemp("copy")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for d in ("src", "workflow", "profiles"):
        shutil.copytree(ROOT / d, copy / d, ignore=ignore)
    for f in ("Snakefile", "environment.yml", "pyproject.toml"):
        shutil.copy2(ROOT / f, copy / f)
    shutil.copy2(TINY, copy / "tiny.yaml")
    for d in ("results", "figures", "docs", "logs", ".snakemake"):
        shutil.copytree(e2e_workdir / d, copy / d)
    for f in e2e_workdir.glob("ro-crate-*.json"):
        shutil.copy2(f, copy / f.name)
    settle(copy)
    return copy


def test_rerun_triggers(project_copy):
    copy = project_copy
    everything = dry_run_jobs(copy, "--forceall")
    assert {"dataset", "rrr", "simulate_gd", "simulate_dmf", "figure", "claims", "manifest"} <= set(everything)
    assert dry_run_jobs(copy) == {}

    # a parameter: n_log changes the simulations and what is computed from them, not datasets or baselines
    jobs = dry_run_jobs(copy, "--config", "n_log=21")
    assert {"simulate_gd", "simulate_dmf", "tabulate_runs", "claims", "figure"} <= set(jobs)
    assert not {"dataset", "rrr"} & set(jobs)  # tabulate_rrr reads the F5 path table, which reads runs

    # a module only the baselines import (Snakemake compares checksums: a mere touch is no change)
    (copy / "src/implicitreg/linear/rrr.py").touch()
    assert dry_run_jobs(copy) == {}
    edit(copy / "src/implicitreg/linear/rrr.py")
    jobs = set(dry_run_jobs(copy))
    # the rule whose script imports implicitreg.linear.rrr, and what reads its outputs
    assert {"rrr", "tabulate_rrr", "tabulate_rrr_distances", "tabulate_test_risk", "claims", "manifest"} <= jobs
    assert not {"dataset", "tabulate_runs", "tabulate_t1", "tabulate_phase"} & jobs
    assert not any(job.startswith("simulate_") for job in jobs)
    settle(copy)

    # the figure style: every figure redraws, nothing is recomputed
    edit(copy / "src/implicitreg/figures/style.py")
    jobs = dry_run_jobs(copy)
    assert set(jobs) == {"figure", "gallery", "manifest", "ro_crate", "all"} and jobs["figure"] == everything["figure"]
    settle(copy)

    # the environment file: everything
    edit(copy / "environment.yml")
    assert dry_run_jobs(copy) == everything


def edit(path):
    """Change a file's content (a trailing comment) and make it newer than every output."""
    with open(path, "a") as f:
        f.write("\n# changed\n")
    later = time.time() + 2
    os.utime(path, (later, later))
