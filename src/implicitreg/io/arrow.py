"""NumPy arrays to and from Arrow, on their buffers.

``pa.array(ndarray)`` and ``Array.to_numpy()`` first import pandas to check their input for pandas types: a fifth of
a second in a job that never uses pandas (a simulation, a merge of shard tables). These two build the same arrays
from the buffers instead.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

NUMPY_TYPES = {pa.int32(): np.int32, pa.int64(): np.int64, pa.float64(): np.float64}


def from_numpy(values, typ: pa.DataType) -> pa.Array:
    """An Arrow array of ``typ`` (no nulls) holding ``values``: a NumPy array, or for strings a sequence."""
    n = len(values)
    if typ == pa.string():
        data = [v if isinstance(v, bytes) else str(v).encode() for v in values]
        offsets = np.zeros(n + 1, np.int32)
        np.cumsum([len(b) for b in data], out=offsets[1:])
        return pa.Array.from_buffers(typ, n, [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))])
    if typ == pa.bool_():
        bits = np.packbits(np.asarray(values, bool), bitorder="little")
        return pa.Array.from_buffers(typ, n, [None, pa.py_buffer(bits)])
    return pa.Array.from_buffers(typ, n, [None, pa.py_buffer(np.ascontiguousarray(values, NUMPY_TYPES[typ]))])


def to_numpy(array: pa.Array) -> np.ndarray:
    """The values of a numeric Arrow array without nulls, as a read-only NumPy view."""
    if array.null_count:
        raise ValueError(f"{array.null_count} nulls in an array read as plain numbers")
    dtype = np.dtype(NUMPY_TYPES[array.type])
    return np.frombuffer(array.buffers()[1], dtype, count=len(array), offset=array.offset * dtype.itemsize)
