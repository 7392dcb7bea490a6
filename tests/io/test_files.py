"""Outputs are byte-reproducible and written atomically."""

import hashlib

import numpy as np
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
