"""Atomic, deterministic writers: every output goes to a temporary file, then ``os.replace``.

A killed job therefore never leaves a half-written output under its final name; the temporary file it
may leave behind (``.{name}.partial{suffix}``, one fixed name per output) is replaced when the output is
next written.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike):
    """Yield the temporary path ``.{name}.partial{suffix}`` beside ``path``; rename it onto ``path`` on success.

    The temporary name is fixed, so the one an earlier, killed write of ``path`` left behind is removed first
    without listing the directory (a job writing 10,000 files stays linear in their number).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial{path.suffix}")
    tmp.unlink(missing_ok=True)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def save_npz(path, **arrays) -> None:
    """A compressed ``.npz`` readable by ``numpy.load``, atomically and byte-reproducibly.

    ``numpy.savez`` stamps each member with the wall clock; here every member carries the
    fixed zip epoch (1980-01-01) and members are written in sorted order.
    """
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asarray(arrays[name]), allow_pickle=False)
            zf.writestr(info, buf.getvalue())


def save_json(path, obj) -> None:
    """Sorted, indented JSON, atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n")


def save_csv(path, df: pd.DataFrame, float_format: str = "%.10g") -> None:
    """CSV with a fixed float format, atomically."""
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False, float_format=float_format, lineterminator="\n")


def save_parquet(path, df: pd.DataFrame) -> None:
    """Parquet without the pandas index, atomically (pyarrow writes no timestamps)."""
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False, engine="pyarrow")


def load_npz(path) -> dict[str, np.ndarray]:
    """All members of an npz file as a plain dict."""
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}
