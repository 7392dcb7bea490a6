"""Run tables merged from parts (the shards of an experiment, or every experiment), streaming.

Rows come out in run order: ``positions`` maps each run id to its place in the experiment's grid (``None``: the
parts are already consecutive, as experiments are). Each part lists its runs in that order, so the merge takes the
rows of a window of positions from every part, sorts them stably by position and writes them. Memory holds one
window and, per part, one decoded Parquet row group (shard tables have ``contract.SHARD_ROW_GROUP`` rows per
group) or ``BATCH_BYTES`` of CSV lines, never the whole sweep. CSV rows are moved as text, never parsed. The output
has the bytes that writing all rows at once gives (``files.save_csv``, ``files.save_parquet``), so a table does not
depend on how the runs were sharded.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from implicitreg.io import arrow, contract, files

WINDOW = 16384  # runs per merged window
BATCH = 262144  # rows read at a time, over all parts together (each part reads BATCH / parts, at least MIN_BATCH)
MIN_BATCH = 1024
BATCH_BYTES = 1 << 20  # bytes of CSV lines read from a part at a time


def _batch(n_parts: int) -> int:
    return max(min(MIN_BATCH, BATCH), BATCH // max(n_parts, 1))


def _positions(table: pa.Table, positions: dict[str, int]) -> np.ndarray:
    """The run position of every row of ``table``, from its ``run_id`` column."""
    encoded = pc.dictionary_encode(table.column("run_id")).combine_chunks()
    lookup = np.array([positions[r] for r in encoded.dictionary.to_pylist()], np.int64)
    return lookup[arrow.to_numpy(encoded.indices)] if len(lookup) else np.zeros(0, np.int64)


class _Part:
    """One part read batch by batch, with the run position of each buffered row."""

    def __init__(self, path, positions: dict[str, int], batch: int):
        self.batches = pq.ParquetFile(path).iter_batches(batch_size=batch)
        self.positions = positions
        self.table, self.pos, self.done = None, np.zeros(0, np.int64), False

    def take_below(self, end: int) -> tuple[pa.Table | None, np.ndarray]:
        """Rows with position ``< end`` (a prefix: a part is in run order), removed from the buffer."""
        while not self.done and (not self.pos.size or self.pos[-1] < end):
            batch = next(self.batches, None)
            if batch is None:
                self.done = True
                break
            t = pa.Table.from_batches([batch])
            self.table = t if self.table is None else pa.concat_tables([self.table, t])
            self.pos = np.concatenate([self.pos, _positions(t, self.positions)])
        cut = int(np.searchsorted(self.pos, end))
        if self.table is None or cut == 0:
            return None, self.pos[:0]
        head, head_pos = self.table.slice(0, cut), self.pos[:cut]
        self.table, self.pos = self.table.slice(cut), self.pos[cut:]
        return head, head_pos


def merge_parquet(paths, out, positions: dict[str, int] | None = None) -> None:
    """Merge Parquet parts into ``out`` in run order (``positions``), or in the parts' order (``None``)."""
    schema = pq.read_schema(paths[0])
    with files.parquet_stream(out, schema) as write:
        if positions is None:
            for path in paths:
                for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH):
                    write(pa.Table.from_batches([batch]))
            return
        parts = [_Part(p, positions, _batch(len(paths))) for p in paths]
        for end in range(WINDOW, len(positions) + WINDOW, WINDOW):
            pieces = [part.take_below(end) for part in parts]
            pieces = [(t, pos) for t, pos in pieces if t is not None]
            if pieces:
                table = pa.concat_tables([t for t, _ in pieces])
                order = np.argsort(np.concatenate([pos for _, pos in pieces]), kind="stable")
                write(table.take(arrow.from_numpy(order, pa.int64())))


class _CsvPart:
    """One CSV part read as text lines, with the run position of each buffered line (its first field)."""

    def __init__(self, path, columns: list[str], positions: dict[str, int] | None):
        self.file = open(path, newline="")
        header = self.file.readline()
        if header != ",".join(columns) + "\n":
            raise ValueError(f"{path}: header {header.strip()!r} is not the table's columns {columns}")
        self.path, self.positions = path, positions
        self.lines: list[str] = []
        self.pos, self.done = np.zeros(0, np.int64), False

    def read(self) -> list[str]:
        """The next lines (about ``BATCH_BYTES``); unquoted rows only, so that a line is a row."""
        lines = self.file.readlines(BATCH_BYTES)
        if any('"' in line for line in lines):
            raise ValueError(f"{self.path}: a quoted field; run tables hold no commas, quotes or newlines in values")
        return lines

    def take_below(self, end: int) -> tuple[list[str], np.ndarray]:
        """Lines with position ``< end`` (a prefix: a part is in run order), removed from the buffer."""
        while not self.done and (not self.pos.size or self.pos[-1] < end):
            lines = self.read()
            if not lines:
                self.done = True
                break
            pos = np.fromiter((self.positions[line[: line.index(",")]] for line in lines), np.int64, len(lines))
            self.lines += lines
            self.pos = np.concatenate([self.pos, pos])
        cut = int(np.searchsorted(self.pos, end))
        head, head_pos = self.lines[:cut], self.pos[:cut]
        self.lines, self.pos = self.lines[cut:], self.pos[cut:]
        return head, head_pos


def merge_csv(table: str, paths, out, positions: dict[str, int] | None = None) -> None:
    """Merge CSV parts of results table ``table`` into ``out`` in run order (``positions``) or the parts' order.

    Rows are moved as text, never parsed: every part was written by ``files.save_csv``, which formats each value on
    its own, so the merged file has the bytes of writing all rows at once.
    """
    columns = list(contract.TABLES[table].columns)
    with files.atomic_path(out) as tmp, open(tmp, "w", newline="") as f:
        f.write(",".join(columns) + "\n")
        parts = [_CsvPart(p, columns, positions) for p in paths]
        try:
            if positions is None:
                for part in parts:
                    while lines := part.read():
                        f.writelines(lines)
                return
            for end in range(WINDOW, len(positions) + WINDOW, WINDOW):
                pieces = [part.take_below(end) for part in parts]
                lines = [line for head, _ in pieces for line in head]
                order = np.argsort(np.concatenate([pos for _, pos in pieces]), kind="stable")
                f.writelines(lines[i] for i in order)
        finally:
            for part in parts:
                part.file.close()


def merge(table: str, paths, out, positions: dict[str, int] | None = None) -> None:
    """Merge the parts of run table ``table`` (CSV or Parquet by its file name)."""
    if str(out).endswith(".parquet"):
        merge_parquet(paths, out, positions)
    else:
        merge_csv(table, paths, out, positions)
