"""Provenance: static import parsing, manifests that round-trip, and verification that finds every change."""

import hashlib
import subprocess
import sys

import pytest

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


def test_stale_locks_are_cleared_but_live_ones_kept(tmp_path):
    state = tmp_path / ".snakemake"
    (state / "locks").mkdir(parents=True)
    (state / "locks/0.output.lock").write_text("x")
    (state / "owner.pid").write_text("999999999\n")  # no such process
    assert provenance.clear_stale_locks(state, 123)
    assert not list((state / "locks").iterdir())
    assert (state / "owner.pid").read_text() == "123\n"
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", "snakemake"])
    try:
        (state / "locks/0.output.lock").write_text("x")
        (state / "owner.pid").write_text(f"{live.pid}\n")
        assert not provenance.clear_stale_locks(state, 456)
        assert (state / "locks/0.output.lock").exists()
        assert (state / "owner.pid").read_text() == f"{live.pid}\n"
    finally:
        live.kill()
        live.wait()


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
