"""Arrow columns made from Python rows, and read back as numpy arrays, without pandas.

pyarrow imports pandas (a third of a second) the first time it builds an array
from Python or numpy objects (`pa.array`), converts one to numpy (`to_numpy`),
reads a file with `pq.read_table`, or makes an empty table — to check whether the
input is a pandas object. A single run needs none of that: it builds its record
columns from their buffers here, reads Parquet with `ParquetFile`, and reads
columns back through their buffers. The columns are the same Arrow arrays, so
the Parquet files are the same, byte for byte.

Only columns without nulls of the types the records use (int64, float64, bool,
string) take the short way; anything else goes through pyarrow's own functions.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pyarrow as pa

_NUMPY = {pa.int64(): np.int64, pa.float64(): np.float64, pa.int32(): np.int32}


def array(values: Sequence, type: pa.DataType) -> pa.Array:
    """An Arrow array of `type` from a sequence of Python values (or a numpy array)."""
    n = len(values)
    if type == pa.string():
        encoded = [v.encode("utf-8") for v in values] if all(isinstance(v, str) for v in values) else None
        if encoded is not None:
            offsets = np.zeros(n + 1, dtype=np.int32)
            np.cumsum([len(b) for b in encoded], out=offsets[1:])
            return pa.Array.from_buffers(type, n, [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))])
    elif type in _NUMPY:
        data = np.asarray(values)
        if data.dtype.kind in "if" and data.ndim == 1:
            data = np.ascontiguousarray(data, dtype=_NUMPY[type])
            return pa.Array.from_buffers(type, n, [None, pa.py_buffer(data)])
    return pa.array(values, type=type)


def mask(keep: np.ndarray) -> pa.Array:
    """A boolean Arrow array from a numpy bool array (for `Table.filter`)."""
    bits = np.packbits(np.asarray(keep, dtype=bool), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(keep), [None, pa.py_buffer(bits)])


def empty_table(schema: pa.Schema) -> pa.Table:
    return pa.Table.from_arrays([array([], f.type) for f in schema], schema=schema)


def to_numpy(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A column as a numpy array: numbers through their buffers, strings (also dictionary-encoded)
    as an object array of str."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    kind = column.type
    if kind in _NUMPY and not column.null_count:
        dtype = np.dtype(_NUMPY[kind])
        parts = [np.frombuffer(c.buffers()[1], dtype=dtype, count=len(c), offset=c.offset * dtype.itemsize)
                 for c in chunks if len(c)]
        if not parts:
            return np.empty(0, dtype=dtype)
        return np.concatenate(parts) if len(parts) > 1 else parts[0].copy()
    if kind == pa.string() or pa.types.is_dictionary(kind):
        return np.array(column.to_pylist(), dtype=object) if len(column) else np.empty(0, dtype=object)
    return column.to_numpy()
