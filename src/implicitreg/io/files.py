"""Atomic, durable, deterministic writers: every output goes to a temporary file, then ``os.replace``.

A killed job therefore never leaves a half-written output under its final name; the temporary file it
may leave behind (``.{name}.partial{suffix}``, one fixed name per output) is replaced when the output is
next written. The file is flushed to disk (``fsync``) before the rename and its directory after it, so a
power loss leaves either the old bytes or the new ones.

Every file written inside the working directory also gets a write-time record,
``logs/hashes/{path}.json`` (``sha256``, ``bytes``, ``mtime_ns``): what its producer wrote, at the moment
it wrote it. The manifest refuses to certify a file whose bytes differ from its record (tampered,
truncated, or edited by hand), and the workflow refuses to start jobs that would read one.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pandas loads only where a table is written: simulation jobs never import it
    import pandas as pd

HASHES = Path("logs/hashes")  # write-time records, relative to the working directory


class UnreadableFileError(ValueError):
    """An output that exists but cannot be read (truncated, corrupted): names it and how to rebuild it."""


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
        digest = fsync_and_hash(tmp)
        os.replace(tmp, path)
        fsync_directory(path.parent)
        record_written(path, digest)
    finally:
        tmp.unlink(missing_ok=True)


def fsync_and_hash(path: Path) -> str:
    """Flush ``path``'s bytes to the disk (``fsync``) and return their hex SHA-256, read back in one pass."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
        os.fsync(f.fileno())
    return h.hexdigest()


def fsync_directory(directory: Path) -> None:
    """Flush a directory's entries (a rename inside it) to the disk; a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def working_relative(path: str | os.PathLike) -> str | None:
    """``path`` relative to the working directory as POSIX text, or None when it lies outside it."""
    full = Path(os.path.abspath(path))
    try:
        return full.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return None


def record_path(rel: str, workdir: str | os.PathLike = ".") -> Path:
    """Where the write-time record of the file ``rel`` (relative to ``workdir``) lives."""
    return Path(workdir) / HASHES / f"{rel}.json"


def record_written(path: Path, digest: str) -> None:
    """Record ``digest``, size and mtime of ``path`` as just written (only for files inside the working directory).

    The record is itself written to a temporary name and renamed, so it is whole or absent.
    """
    rel = working_relative(path)
    if rel is None:
        return
    st = path.stat()
    record = record_path(rel)
    record.parent.mkdir(parents=True, exist_ok=True)
    tmp = record.with_name(f".{record.name}.partial")
    tmp.write_text(json.dumps({"sha256": digest, "bytes": st.st_size, "mtime_ns": st.st_mtime_ns}) + "\n")
    os.replace(tmp, record)


def written_record(rel: str, workdir: str | os.PathLike = ".") -> dict | None:
    """The write-time record (``sha256``, ``bytes``, ``mtime_ns``) of ``rel`` under ``workdir``, or None."""
    try:
        return json.loads(record_path(rel, workdir).read_text())
    except (OSError, ValueError):
        return None


def sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def changed_since_written(rel: str, workdir: str | os.PathLike = ".", *, full: bool = False) -> str | None:
    """The SHA-256 now on disk when the existing file ``rel`` (under ``workdir``) differs from its record, else None.

    Files without a record, and missing files, give None (nothing to compare). Unless ``full``, a file
    whose size and mtime equal the record's is taken as unchanged without re-hashing (as ``git status``
    does); ``full`` always re-hashes.
    """
    record, path = written_record(rel, workdir), Path(workdir) / rel
    if record is None or not path.is_file():
        return None
    st = path.stat()
    if not full and (st.st_size, st.st_mtime_ns) == (record["bytes"], record["mtime_ns"]):
        return None
    digest = sha256(path)
    return None if digest == record["sha256"] else digest


def regenerate_command(rel: str) -> str:
    """The command that rebuilds the output ``rel`` with its producer, and everything computed from it."""
    return f"snakemake --cores all --forcerun {rel}"


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


PARQUET_ROW_GROUP = 1024 * 1024  # rows per row group, as pyarrow's default: a table's bytes do not depend on chunking


def save_parquet(path, df: pd.DataFrame, row_group: int | None = None) -> None:
    """Parquet without the pandas index in row groups of ``row_group`` rows (``PARQUET_ROW_GROUP``), atomically.

    Each column is made one contiguous array first: Parquet's page and dictionary boundaries follow the chunks of
    the Arrow columns, so the bytes depend only on the rows, not on how the frame was assembled.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False).combine_chunks()
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, row_group_size=row_group or PARQUET_ROW_GROUP)


@contextlib.contextmanager
def parquet_stream(path, schema):
    """Yield ``write(table)`` that appends Arrow tables of ``schema`` to the Parquet file ``path``, atomically.

    Rows are buffered into row groups of exactly ``PARQUET_ROW_GROUP``, so the file has the same bytes as
    ``save_parquet`` of all rows at once, whatever the sizes of the pieces written; memory stays within one group.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    pending: list = []
    with atomic_path(path) as tmp, pq.ParquetWriter(tmp, schema) as writer:

        def flush(final: bool) -> None:
            buffered = pa.concat_tables(pending) if pending else schema.empty_table()
            while buffered.num_rows >= PARQUET_ROW_GROUP or (final and buffered.num_rows):
                group = buffered.slice(0, PARQUET_ROW_GROUP).combine_chunks()  # as save_parquet
                writer.write_table(group, row_group_size=PARQUET_ROW_GROUP)
                buffered = buffered.slice(PARQUET_ROW_GROUP)
            pending[:] = [buffered] if buffered.num_rows else []

        def write(table) -> None:
            pending.append(table.cast(schema))
            if sum(t.num_rows for t in pending) >= PARQUET_ROW_GROUP:
                flush(final=False)

        yield write
        flush(final=True)


def load_npz(path) -> dict[str, np.ndarray]:
    """All members of an npz file as a plain dict.

    A file that exists but cannot be read (truncated or corrupted: ``BadZipFile``, ``EOFError``,
    ``ValueError``, ``zlib.error``) raises ``UnreadableFileError`` naming it and the command that rebuilds it.
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except (zipfile.BadZipFile, EOFError, ValueError, zlib.error) as err:
        raise unreadable(path, err) from err


def unreadable(path, err: Exception) -> UnreadableFileError:
    """The error for an output that exists but cannot be read: names it, the cause and the command that rebuilds it."""
    rel = working_relative(path) or str(path)
    return UnreadableFileError(
        f"{rel} cannot be read ({type(err).__name__}: {err}); it was damaged after it was written: "
        f"rebuild it with `{regenerate_command(rel)}`"
    )
