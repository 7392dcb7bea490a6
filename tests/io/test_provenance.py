"""Provenance: static import parsing, manifests that round-trip, and verification that finds every change."""

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

from implicitreg.io import provenance


def test_sha256_of_known_bytes(tmp_path):
    (tmp_path / "abc").write_bytes(b"abc")
    assert provenance.sha256(tmp_path / "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


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


def test_output_records_keep_the_outputs_under_results_and_figures(tmp_path):
    code = str(tmp_path / "src/m.py")  # a project file: recorded relative to the root
    jobs = [
        ("table", {}, {"seed": 7}, ["results/tables/a.csv", "logs/a.log"], ["results/runs/r.npz", code]),
        ("figure", {"fig": "F1"}, {}, ["figures/F1_x.png"], ["results/tables/a.csv"]),
    ]
    records = provenance.output_records(jobs, tmp_path)
    assert list(records) == ["figures/F1_x.png", "results/tables/a.csv"]
    assert records["results/tables/a.csv"] == {
        "rule": "table", "wildcards": {}, "params": {"seed": 7}, "inputs": ["results/runs/r.npz", "src/m.py"]
    }  # fmt: skip
