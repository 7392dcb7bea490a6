"""Outputs are byte-reproducible, written atomically and durably, and recorded as written."""

import hashlib
import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from implicitreg.io import files as fileio


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_npz_is_byte_identical_and_loadable(tmp_path):
    arrays = {"b": np.arange(5.0), "a": np.eye(3), "s": np.asarray("converged")}
    fileio.save_npz(tmp_path / "x.npz", **arrays)
    fileio.save_npz(tmp_path / "y.npz", **dict(reversed(arrays.items())))
    assert digest(tmp_path / "x.npz") == digest(tmp_path / "y.npz")
    back = fileio.load_npz(tmp_path / "x.npz")
    np.testing.assert_array_equal(back["a"], np.eye(3))
    assert back["s"].item() == "converged"


def test_failed_write_leaves_nothing_behind(tmp_path):
    with pytest.raises(RuntimeError), fileio.atomic_path(tmp_path / "out.csv") as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []


def test_temporary_file_of_a_killed_write_is_removed_by_the_next_write(tmp_path):
    stale = tmp_path / ".out.csv.partial.csv"
    stale.write_text("half")
    other = tmp_path / ".other.csv.partial.csv"
    other.write_text("not ours")
    with fileio.atomic_path(tmp_path / "out.csv") as tmp:
        assert tmp == stale and not tmp.exists()
        tmp.write_text("whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.csv.partial.csv", "out.csv"]
    assert (tmp_path / "out.csv").read_text() == "whole"


def test_rename_is_fsynced_on_both_sides(tmp_path, monkeypatch):
    """The file's bytes reach the disk before the rename, and the directory entry after it."""
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        st = os.fstat(fd)
        events.append(("fsync dir" if stat.S_ISDIR(st.st_mode) else "fsync file", st.st_ino))
        real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", os.stat(src).st_ino))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    fileio.save_json(tmp_path / "out.json", {"a": 1})
    file_ino, dir_ino = (tmp_path / "out.json").stat().st_ino, tmp_path.stat().st_ino
    assert events == [("fsync file", file_ino), ("replace", file_ino), ("fsync dir", dir_ino)]


def test_write_time_record_detects_changed_bytes_not_a_touch(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fileio.save_csv("results/tables/t.csv", pd.DataFrame({"x": [1.5, 2.0]}))
    record = fileio.written_record("results/tables/t.csv")
    assert (tmp_path / "logs/hashes/results/tables/t.csv.json").is_file()
    assert record["sha256"] == digest(tmp_path / "results/tables/t.csv") and record["bytes"] == 8
    assert fileio.changed_since_written("results/tables/t.csv") is None
    os.utime("results/tables/t.csv", ns=(1, 1))  # same bytes, another mtime: re-hashed, unchanged
    assert fileio.changed_since_written("results/tables/t.csv") is None
    Path("results/tables/t.csv").write_text("x\n1.6\n2\n")  # one digit changed, same size
    assert fileio.changed_since_written("results/tables/t.csv") == hashlib.sha256(b"x\n1.6\n2\n").hexdigest()
    fileio.save_csv("results/tables/t.csv", pd.DataFrame({"x": [1.6, 2.0]}))  # rewritten by its producer
    assert fileio.changed_since_written("results/tables/t.csv", full=True) is None


def test_files_outside_the_working_directory_get_no_record(tmp_path, monkeypatch):
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    fileio.save_json(tmp_path / "elsewhere.json", {})
    assert not (tmp_path / "work/logs").exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:100],  # truncated: BadZipFile
        lambda b: b[:-30],  # end of the central directory cut: BadZipFile
        lambda b: b[:60] + bytes(x ^ 0xFF for x in b[60:90]) + b[90:],  # compressed bytes flipped: CRC or zlib
    ],
    ids=["truncated", "tail-cut", "bytes-flipped"],
)
def test_unreadable_npz_names_the_file_and_the_command(tmp_path, monkeypatch, damage):
    monkeypatch.chdir(tmp_path)
    fileio.save_npz("results/runs/r1.npz", W=np.arange(200.0).reshape(10, 20), status=np.asarray("converged"))
    path = Path("results/runs/r1.npz")
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(fileio.UnreadableFileError) as err:
        fileio.load_npz(path)
    assert "results/runs/r1.npz cannot be read" in str(err.value)
    assert "snakemake --cores all --forcerun results/runs/r1.npz" in str(err.value)
