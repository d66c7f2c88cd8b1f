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

_NUMPY = {pa.int64(): np.int64, pa.float64(): np.float64, pa.int32(): np.int32, pa.int8(): np.int8,
          pa.int16(): np.int16}


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
    if pa.types.is_dictionary(kind):   # decoded through the dictionary: one Python string per distinct value
        if not len(column):
            return np.empty(0, dtype=object)
        return np.concatenate([np.array(c.dictionary.to_pylist(), dtype=object)[to_numpy(c.indices)]
                               for c in chunks if len(c)])
    if kind == pa.string():
        return np.array(column.to_pylist(), dtype=object) if len(column) else np.empty(0, dtype=object)
    return column.to_numpy()


def codes(column: pa.ChunkedArray | pa.Array, keep: np.ndarray | None = None) -> tuple[list, np.ndarray]:
    """A string column (plain or dictionary-encoded), of the rows `keep` selects (all if None), as (its
    distinct values in the order they first occur, each row's position among them): what pyarrow's
    `dictionary_encode` gives for those rows."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if pa.types.is_dictionary(column.type):
        names = column.dictionary.to_pylist()
        rows = to_numpy(column.indices).astype(np.int64)
    else:
        seen: dict = {}
        rows = np.array([seen.setdefault(v, len(seen)) for v in column.to_pylist()], dtype=np.int64)
        names = list(seen)
    if keep is not None:
        rows = rows[keep]
    if not len(rows):
        return [], rows
    # Renumber by first occurrence (a dictionary read from Parquet may hold values in another order,
    # or values the rows no longer use).
    present, first = np.unique(rows, return_index=True)
    order = present[np.argsort(first, kind="stable")]
    renumber = np.empty(len(names), dtype=np.int64)
    renumber[order] = np.arange(len(order))
    return [names[i] for i in order], renumber[rows]


def dictionary_encode(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """A string column dictionary-encoded (values in order of first occurrence), without pyarrow.compute."""
    names, rows = codes(column)
    return pa.DictionaryArray.from_arrays(array(rows.astype(np.int32), pa.int32()), array(names, pa.string()))
