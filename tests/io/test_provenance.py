"""Provenance: static import parsing, manifests that round-trip, and verification that finds every change."""

import hashlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import needs_unshare, python

from implicitreg.io import files as fileio
from implicitreg.io import provenance

ROOT = provenance.ROOT


def test_sha256_of_known_bytes(tmp_path):
    (tmp_path / "abc").write_bytes(b"abc")
    assert provenance.sha256(tmp_path / "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_imported_modules_are_dotted_names():
    src = (
        "import os\nimport implicitreg.linear.theory\nfrom implicitreg.io import files\n"
        "from implicitreg.data.spectra import Dataset\nfrom numpy import linalg\nfrom . import other\n"
    )
    assert provenance.imported_modules(src) == {
        "implicitreg.linear.theory", "implicitreg.io", "implicitreg.io.files", "implicitreg.data.spectra",
        "implicitreg.data.spectra.Dataset",
    }  # fmt: skip


def test_module_closure_follows_imports_transitively(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub/__init__.py").write_text("")
    (pkg / "a.py").write_text("from implicitreg.sub import b\n")
    (pkg / "sub/b.py").write_text("from implicitreg.c import f\n")
    (pkg / "c.py").write_text("import numpy\n")
    (pkg / "d.py").write_text("")
    (pkg / "unused.py").write_text("")
    script = tmp_path / "script.py"
    script.write_text("from implicitreg import a, CONSTANT\n")
    names = [p.relative_to(pkg).as_posix() for p in provenance.module_closure(script, pkg)]
    assert names == ["__init__.py", "a.py", "c.py", "sub/__init__.py", "sub/b.py"]
    loaded = provenance.module_closure(script, pkg, modules=["implicitreg.d"])  # loaded by name, not imported
    assert [p.relative_to(pkg).as_posix() for p in loaded] == [*names[:3], "d.py", *names[3:]]


def test_code_files_of_the_simulation_script():
    files = provenance.code_files(ROOT / "workflow/scripts/simulate_gd.py")
    names = {f.relative_to(ROOT).as_posix() for f in files}
    src = "src/implicitreg/"
    needed = ["config/grid.py", "linear/experiment.py", "linear/simulate.py", "data/seeds.py", "data/spectra.py",
              "io/files.py", "__init__.py", "linear/__init__.py"]  # fmt: skip
    assert {src + n for n in needed} | {"environment.yml"} <= names
    assert not {n for n in names if n.startswith((src + "figures", src + "claims", src + "tables"))}


def test_every_script_parses_and_names_existing_files():
    for script in sorted((ROOT / "workflow/scripts").glob("*.py")):
        assert all(f.is_file() for f in provenance.code_files(script)), script


def test_config_hash_ignores_key_order():
    a = {"seed": 1, "datasets": {"x": {"d": 2, "p": 3}}}
    b = {"datasets": {"x": {"p": 3, "d": 2}}, "seed": 1}
    assert provenance.config_hash(a) == provenance.config_hash(b)
    assert provenance.config_hash(a) != provenance.config_hash({**a, "seed": 2})
    assert provenance.config_hash(a) == hashlib.sha256(b'{"datasets":{"x":{"d":2,"p":3}},"seed":1}').hexdigest()


@pytest.fixture
def manifested(tmp_path):
    """A work directory with three outputs and their manifest."""
    (tmp_path / "results/tables").mkdir(parents=True)
    (tmp_path / "figures").mkdir()
    (tmp_path / "results/tables/a.csv").write_text("x\n1\n")
    (tmp_path / "results/b.npz").write_bytes(b"\x00\x01")
    (tmp_path / "figures/F1_x.png").write_bytes(b"png")
    records = {
        "results/tables/a.csv": {"rule": "table", "wildcards": {}, "params": {"seed": 7}},
        "results/b.npz": {"rule": "sim", "wildcards": {"run": "r1"}, "params": {"eta": 0.1}},
        "figures/F1_x.png": {"rule": "figure", "wildcards": {"fig": "F1"}, "params": {}},
    }
    head = [("code_commit", "abc"), ("code_dirty", "false"), ("config_sha256", "0" * 64)]
    provenance.write_manifest(tmp_path / provenance.MANIFEST, records, head, tmp_path)
    return tmp_path


def test_manifest_round_trips(manifested):
    head, rows = provenance.read_manifest(manifested / provenance.MANIFEST)
    assert head == {"code_commit": "abc", "code_dirty": "false", "config_sha256": "0" * 64}
    assert [r["path"] for r in rows] == sorted(["results/tables/a.csv", "results/b.npz", "figures/F1_x.png"])
    row = {r["path"]: r for r in rows}["results/tables/a.csv"]
    assert row["sha256"] == hashlib.sha256(b"x\n1\n").hexdigest() and row["bytes"] == "4"
    assert row["rule"] == "table" and row["params"] == '{"seed":7}'
    assert provenance.verify(provenance.MANIFEST, manifested, root=None) == []


def test_verify_reports_every_difference(manifested):
    (manifested / "results/tables/a.csv").write_text("x\n2\n")
    (manifested / "results/b.npz").unlink()
    (manifested / "figures/.F1_x.png.tmp.png").write_bytes(b"half")
    problems = provenance.verify(provenance.MANIFEST, manifested, root=None)
    assert [p.split(" (")[0] for p in problems] == [
        "missing  results/b.npz",
        "changed  results/tables/a.csv",
        "extra    figures/.F1_x.png.tmp.png",
    ]


def test_verify_checks_the_recorded_sources(manifested, tmp_path_factory):
    root = tmp_path_factory.mktemp("src")
    (root / "m.py").write_text("x = 1\n")
    head = [("source m.py", provenance.sha256(root / "m.py"))]
    provenance.write_manifest(manifested / provenance.MANIFEST, {}, head, manifested)
    (manifested / "results/tables/a.csv").unlink()
    (manifested / "results/b.npz").unlink()
    (manifested / "figures/F1_x.png").unlink()
    assert provenance.verify(provenance.MANIFEST, manifested, root=root) == []
    (root / "m.py").write_text("x = 2\n")
    assert provenance.verify(provenance.MANIFEST, manifested, root=root) == [
        "changed  source m.py since the outputs were made"
    ]


def test_verify_command_exit_status(manifested):
    def run():
        cmd = [sys.executable, "-m", "implicitreg", "verify", "--workdir", str(manifested)]
        return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT / "src")})

    ok = run()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "3 outputs" in ok.stderr and "all match" in ok.stderr
    (manifested / "figures/F1_x.png").write_bytes(b"other")
    bad = run()
    assert bad.returncode == 1
    assert "changed  figures/F1_x.png" in bad.stdout


def test_git_version_outside_a_checkout(tmp_path):
    assert provenance.git_version(tmp_path) == ("unknown", "unknown")


def test_package_versions_name_the_interpreter():
    versions = provenance.package_versions(["python", "numpy", "no-such-distribution-xyz"])
    assert versions["python"] == ".".join(map(str, sys.version_info[:3]))
    assert versions["numpy"][0].isdigit()
    assert versions["no-such-distribution-xyz"] == "not installed"


# Locks. A "snakemake-like" owner: a process that records itself as holding a lock, then sleeps (or exits).
OWNER = (
    "import sys, time; from pathlib import Path; from implicitreg.io import provenance; "
    "provenance.record_lock_owner(Path(sys.argv[1]), [sys.argv[1] + '/locks/0.output.lock']); "
    "print('ready', flush=True); time.sleep(float(sys.argv[2]))"
)
CLEAR = (
    "import sys; from pathlib import Path; from implicitreg.io import provenance; "
    "removed, kept = provenance.clear_stale_locks(Path(sys.argv[1])); print(*removed, *kept, sep='\\n')"
)


@pytest.fixture
def state(tmp_path):
    """A ``.snakemake`` directory holding one Snakemake lock."""
    state = tmp_path / ".snakemake"
    (state / "locks").mkdir(parents=True)
    (state / "locks/0.output.lock").write_text("results/tables/claims.csv\n")
    return state


def hold(state, namespace=False):
    """Start a live owner of ``state``'s lock; returns the process once it has recorded itself."""
    proc = python(OWNER, str(state), "60", namespace=namespace)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_a_dead_owner_in_this_namespace_loses_its_lock(state):
    proc = python(OWNER, str(state), "0")
    assert proc.wait() == 0
    removed, kept = provenance.clear_stale_locks(state)
    print("\n".join(removed + kept))
    assert removed == [f"{state}/locks/0.output.lock"] and kept == []
    assert list((state / "locks").iterdir()) == []  # the owner record went with its lock


def test_a_live_owner_in_this_namespace_keeps_its_lock(state):
    proc = hold(state)
    try:
        removed, kept = provenance.clear_stale_locks(state)
    finally:
        proc.kill()
        proc.wait()
    print("\n".join(kept))
    assert removed == [] and (state / "locks/0.output.lock").exists()
    assert kept == [
        f"lock {state}/locks/0.output.lock kept: its owner, snakemake pid {proc.pid} on host {socket.gethostname()}, "
        "is running. If no snakemake runs in this directory, remove it with `snakemake --unlock`"
    ]


@needs_unshare
def test_a_live_owner_in_another_pid_namespace_keeps_its_lock(state):
    proc = hold(state, namespace=True)  # pid 1 of its namespace; in ours, another number
    try:
        owner = json.loads(next((state / "locks").glob("owner-*.json")).read_text())
        assert owner["pid"] == 1 and owner["pid_ns"] != os.readlink("/proc/self/ns/pid")
        removed, kept = provenance.clear_stale_locks(state)
    finally:
        proc.kill()
        proc.wait()
    print("\n".join(kept))
    assert removed == [] and (state / "locks/0.output.lock").exists()
    assert len(kept) == 1 and "runs in another PID namespace" in kept[0] and "snakemake --unlock" in kept[0]
    # once it is gone, nothing here can prove it: the lock stays until `snakemake --unlock`
    assert provenance.clear_stale_locks(state)[0] == []


@needs_unshare
def test_a_run_in_another_pid_namespace_cannot_clear_a_live_lock(state):
    """The reported theft: ``snakemake -n`` from a container removed a live run's locks."""
    proc = hold(state)
    try:
        other = python(CLEAR, str(state), namespace=True)
        out = other.communicate(timeout=60)[0]
    finally:
        proc.kill()
        proc.wait()
    print(out)
    assert other.returncode == 0 and (state / "locks/0.output.lock").exists()
    assert "0.output.lock kept" in out and "runs in another PID namespace" in out and "snakemake --unlock" in out


def test_a_reused_pid_is_not_its_owner(state):
    """The recorded PID now belongs to another process (this one): the start time tells them apart."""
    me = provenance.process_identity()
    record = me | {"start": me["start"] - 1, "locks": ["0.output.lock"]}
    provenance.lock_owner_file(state, me["pid"]).write_text(json.dumps(record))
    assert provenance.clear_stale_locks(state) == ([f"{state}/locks/0.output.lock"], [])


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"host": "elsewhere"}, "runs on another host"),
        ({"boot_id": "another-boot"}, "under another boot id"),
        ({"locks": []}, "has no owner record"),
    ],
)
def test_locks_of_owners_that_cannot_be_checked_are_kept(state, change, why):
    dead = provenance.process_identity() | {"pid": 999999999, "locks": ["0.output.lock"]}
    provenance.lock_owner_file(state, 999999999).write_text(json.dumps(dead | change))
    removed, kept = provenance.clear_stale_locks(state)
    assert removed == [] and len(kept) == 1 and why in kept[0] and "snakemake --unlock" in kept[0]


def test_manifest_expands_directories_and_refuses_missing_outputs(tmp_path):
    (tmp_path / "results/sweep/b").mkdir(parents=True)
    (tmp_path / "results/sweep/a.csv").write_text("1\n")
    (tmp_path / "results/sweep/b/c.csv").write_text("2\n")
    records = {"results/sweep": {"rule": "sweep", "wildcards": {}, "params": {}}}
    missing = records | {"results/gone.npz": {"rule": "later", "wildcards": {}, "params": {}}}
    with pytest.raises(FileNotFoundError, match="results/gone.npz"):
        provenance.write_manifest(tmp_path / provenance.MANIFEST, missing, [], tmp_path)
    assert not (tmp_path / provenance.MANIFEST).exists()
    provenance.write_manifest(tmp_path / provenance.MANIFEST, records, [], tmp_path)
    _, rows = provenance.read_manifest(tmp_path / provenance.MANIFEST)
    assert [(r["path"], r["rule"]) for r in rows] == [
        ("results/sweep/a.csv", "sweep"),
        ("results/sweep/b/c.csv", "sweep"),
    ]


@pytest.fixture
def written(tmp_path, monkeypatch):
    """A working directory with two outputs written through ``fileio`` (so with write-time records)."""
    monkeypatch.chdir(tmp_path)
    fileio.save_csv("results/tables/a.csv", pd.DataFrame({"x": [1, 2]}))
    fileio.save_npz("results/runs/r.npz", W=np.eye(2))
    return {
        "results/tables/a.csv": {"rule": "table", "wildcards": {}, "params": {}},
        "results/runs/r.npz": {"rule": "simulate_x", "wildcards": {}, "params": {}},
    }


def test_manifest_certifies_only_what_the_producers_wrote(written):
    provenance.write_manifest(provenance.MANIFEST, written, [], check_written=True)
    assert provenance.verify(root=None) == []
    Path("results/tables/a.csv").write_text("x\n1\n3\n")  # one digit
    Path("results/runs/r.npz").write_bytes(Path("results/runs/r.npz").read_bytes()[:50])  # truncated
    before = Path(provenance.MANIFEST).read_bytes()
    with pytest.raises(provenance.NotAsWrittenError) as err:
        provenance.write_manifest(provenance.MANIFEST, written, [], check_written=True)
    message = str(err.value)
    assert (
        f"results/runs/r.npz: sha256 {provenance.sha256('results/runs/r.npz')[:12]} on disk, rule simulate_x wrote"
        in message
    )
    assert "results/tables/a.csv: sha256" in message and "rule table wrote" in message
    assert message.endswith("snakemake --cores all --forcerun results/runs/r.npz results/tables/a.csv")
    assert Path(provenance.MANIFEST).read_bytes() == before  # the old manifest stands, and verify names both
    assert [p.split(" (")[0] for p in provenance.verify(root=None)] == [
        "changed  results/runs/r.npz",
        "changed  results/tables/a.csv",
    ]


def test_manifest_refuses_files_without_a_write_time_record(written):
    Path("results/tables/b.csv").write_text("y\n")
    records = written | {"results/tables/b.csv": {"rule": "by_hand", "wildcards": {}, "params": {}}}
    with pytest.raises(
        provenance.NotAsWrittenError, match="results/tables/b.csv: no write-time record from rule by_hand"
    ):
        provenance.write_manifest(provenance.MANIFEST, records, [], check_written=True)


def test_deleted_outputs_of_the_last_manifest_of_the_same_config(written):
    config = {"seed": 7}
    head = [("config_sha256", provenance.config_hash(config))]
    provenance.write_manifest(provenance.MANIFEST, written, head)
    assert provenance.deleted_outputs(config) == []
    Path("results/runs/r.npz").unlink()
    assert provenance.deleted_outputs(config) == ["results/runs/r.npz"]
    assert provenance.deleted_outputs({"seed": 8}) == []  # another config: its DAG may not make that file


def test_reference_comparison_file_by_file(written, tmp_path_factory):
    head = [("config_sha256", "c" * 64), ("code_commit", "abc")]
    provenance.write_manifest(provenance.MANIFEST, written, head)
    reference = tmp_path_factory.mktemp("ref") / "MANIFEST.reference.tsv"
    assert provenance.write_reference(provenance.MANIFEST, reference) == 2
    assert reference.read_text().splitlines() == [
        f"# config_sha256\t{'c' * 64}",
        "# code_commit\tabc",
        "path\tsha256",
        f"results/runs/r.npz\t{provenance.sha256('results/runs/r.npz')}",
        f"results/tables/a.csv\t{provenance.sha256('results/tables/a.csv')}",
    ]
    assert provenance.compare_reference(provenance.MANIFEST, reference) == (
        [],
        "reference (code abc): 2 outputs, all match",
    )
    fileio.save_csv("results/tables/a.csv", pd.DataFrame({"x": [1, 3]}))  # "another platform": other bytes
    Path("results/runs/r.npz").unlink()
    fileio.save_csv("results/tables/new.csv", pd.DataFrame({"y": [0]}))
    rows = {**written, "results/tables/new.csv": {"rule": "t", "wildcards": {}, "params": {}}}
    del rows["results/runs/r.npz"]
    provenance.write_manifest(provenance.MANIFEST, rows, head)
    problems, verdict = provenance.compare_reference(provenance.MANIFEST, reference)
    assert [p.split(" (")[0] for p in problems] == [
        "missing  results/runs/r.npz",
        "differs  results/tables/a.csv",
        "new      results/tables/new.csv",
    ]
    assert verdict == "reference (code abc): 2 outputs, 3 difference(s)"
    provenance.write_manifest(provenance.MANIFEST, rows, [("config_sha256", "d" * 64)])
    problems, verdict = provenance.compare_reference(provenance.MANIFEST, reference)
    assert problems == [] and verdict.startswith("reference not compared: this run's config (dddddddddddd)")


def test_verify_command_compares_with_the_reference_and_writes_it(written, tmp_path):
    provenance.write_manifest(provenance.MANIFEST, written, [("config_sha256", "c" * 64)])

    def run(*args):
        cmd = [sys.executable, "-m", "implicitreg", "verify", "--workdir", str(tmp_path), *args]
        return subprocess.run(cmd, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "src")})

    reference = str(tmp_path / "ref.tsv")
    made = run("--reference", reference, "--write-reference")
    assert made.returncode == 0, made.stderr
    assert "wrote ref.tsv" in made.stderr.replace(str(tmp_path) + "/", "") and "2 outputs" in made.stderr
    ok = run("--reference", reference)
    assert ok.returncode == 0 and "reference (code unknown): 2 outputs, all match" in ok.stderr
    fileio.save_csv("results/tables/a.csv", pd.DataFrame({"x": [1, 3]}))
    provenance.write_manifest(provenance.MANIFEST, written, [("config_sha256", "c" * 64)])
    bad = run("--reference", reference)
    assert bad.returncode == 1
    assert bad.stdout.startswith("differs  results/tables/a.csv (sha256 ")
