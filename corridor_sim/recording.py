"""Recording a run's rows with bounded memory: append-only logs that spill to Parquet.

A long run records millions of rows (a 20-year baseline: 1.2 million visits).
Kept as Python tuples until the end they cost ~330 bytes each, and turning them
into a DataFrame at the end doubles that. A `RecordLog` keeps at most
`chunk_rows` rows in memory: each full chunk is appended to a Parquet *spill
file* as one row group (pyarrow's ParquetWriter) and dropped. When the run
ends the rest is flushed and the file closed: it is then the complete
`visits.parquet` (or `deliveries.parquet`, …), which `save` hands over to the
run directory (a hard link, or a copy across file systems) instead of writing
the rows a second time. Analyses read the rows back chunk by chunk
(`batches`), never all at once; `frame()` reads them into one DataFrame for a
notebook.

A run that never fills a chunk writes no spill file at all. Spill files live
in the temporary directory (`CORRIDOR_SIM_SPILL_DIR`, else the system's) as
`corridor-sim-spill-<pid>-*.parquet` and are removed when their log is garbage
collected, when the process exits, and, for a process that was killed before
it could, by the next run that starts (their process no longer exists).

`CORRIDOR_SIM_CHUNK_ROWS` sets the chunk size (default 20,000 rows: about 7 MB of
visits); results do not depend on it.

Daily resource samples are few per row but many (one per resource per day):
`SampleSeries` keeps them as three packed doubles instead of a tuple each.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import secrets
import tempfile
import weakref
from array import array
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .columns import array as arrow_array
from .columns import dictionary_encode, empty_table

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_CHUNK_ROWS = 20_000
PREFIX = "corridor-sim-spill-"
_ARROW = {"int": pa.int64(), "float": pa.float64(), "str": pa.string()}
_NAME = re.compile(rf"^{re.escape(PREFIX)}(\d+)-.*\.parquet$")

# The allocator corridor_sim/__init__.py chose, also when pyarrow was imported before corridor-sim.
if os.environ.get("ARROW_DEFAULT_MEMORY_POOL") == "system" and pa.default_memory_pool().backend_name != "system":
    pa.set_memory_pool(pa.system_memory_pool())

_live: set[str] = set()          # spill files of this process not yet removed
_swept = False


def chunk_rows_default() -> int:
    """Rows a log keeps in memory before it spills: CORRIDOR_SIM_CHUNK_ROWS, else 20,000."""
    text = os.environ.get("CORRIDOR_SIM_CHUNK_ROWS", "").strip()
    if text:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"CORRIDOR_SIM_CHUNK_ROWS={text!r}: expected a whole number >= 1") from None
        if value < 1:
            raise ValueError(f"CORRIDOR_SIM_CHUNK_ROWS={text!r}: expected a whole number >= 1")
        return value
    return DEFAULT_CHUNK_ROWS


def spill_dir() -> Path:
    return Path(os.environ.get("CORRIDOR_SIM_SPILL_DIR") or tempfile.gettempdir())


def schema_of(row_type: type) -> pa.Schema:
    """The Arrow schema of a NamedTuple row type (fields annotated int, float or str)."""
    return pa.schema([(name, _ARROW[_annotation(row_type, name)]) for name in row_type._fields])


def _annotation(row_type: type, name: str) -> str:
    ann = row_type.__annotations__[name]
    if isinstance(ann, str):
        return ann
    return getattr(ann, "__forward_arg__", None) or ann.__name__


def dictionary_columns(schema: pa.Schema) -> list[str]:
    """The columns worth dictionary-encoding in Parquet: the strings (flow and node names, a few
    dozen values). Trying it on the times as well (pyarrow's default) costs more than the rest of
    the write together and, on times that are all different, gives nothing back."""
    return [f.name for f in schema if f.type == pa.string()]


def rows_table(rows: list, schema: pa.Schema) -> pa.Table:
    """Rows (tuples in schema order) as an Arrow table, column by column."""
    if not rows:
        return empty_table(schema)
    return pa.Table.from_arrays([arrow_array(col, f.type) for col, f in zip(zip(*rows), schema)], schema=schema)


def remove_spills() -> None:
    """Remove every spill file of this process (at exit, or when a worker is told to stop).

    Safe in a signal handler: no lock (set operations are atomic under the GIL), and each
    path leaves the set only once its file is gone."""
    for p in list(_live):
        try:
            os.unlink(p)
        except OSError:
            pass
        _live.discard(p)


def forget_inherited_spills() -> None:
    """In a worker forked from a process with spill files: they are the parent's, to keep.

    A log's own finalizer (`_Spill.remove`) still removes its file if a copy of the log is
    collected here, but only a log that was garbage in the parent too: nobody can read it."""
    _live.clear()


def remove_spills_of(pids) -> None:
    """Remove the spill files of processes that have ended (a pool's workers, once joined):
    whatever way they ended, their files are of no use to anyone."""
    where = spill_dir()
    for pid in pids:
        for path in where.glob(f"{PREFIX}{int(pid)}-*.parquet"):
            try:
                path.unlink()
            except OSError:
                pass


atexit.register(remove_spills)


def _sweep_orphans(where: Path) -> None:
    """Spill files left by processes that were killed (SIGKILL, out of memory) before removing them."""
    global _swept
    if _swept:
        return
    _swept = True
    try:
        names = os.listdir(where)
    except OSError:
        return
    for name in names:
        m = _NAME.match(name)
        if m is None or int(m.group(1)) == os.getpid() or _alive(int(m.group(1))):
            continue
        try:
            os.unlink(where / name)
        except OSError:
            pass


def discard_logs(logs) -> None:
    """Remove the spill files of a run's record logs now (a worker process that has sent them on)."""
    for log in logs:
        log.discard()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive, not ours to judge
        return True
    return True


class _Spill:
    """The spill file of one log: its writer and its removal (also by weakref.finalize)."""

    def __init__(self, name: str, schema: pa.Schema):
        where = spill_dir()
        where.mkdir(parents=True, exist_ok=True)
        _sweep_orphans(where)
        while True:
            path = str(where / f"{PREFIX}{os.getpid()}-{secrets.token_hex(6)}.{name}.parquet")
            # Known before it exists: a signal arriving at any point leaves nothing that exit will not remove.
            _live.add(path)
            try:
                # readable as a file of the run directory it may become (umask applies), and new
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
                break
            except FileExistsError:
                _live.discard(path)
        self.path = path
        self.writer: pq.ParquetWriter | None = pq.ParquetWriter(path, schema, use_dictionary=dictionary_columns(schema))

    def remove(self) -> None:
        writer, self.writer = self.writer, None
        if writer is not None:
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - removing anyway
                pass
        try:
            os.unlink(self.path)
        except OSError:
            pass
        _live.discard(self.path)   # after the unlink: a signal in between still finds it to remove


class RecordLog:
    """An append-only log of NamedTuple rows of one type, at most `chunk_rows` of them in memory.

    Used by the model exactly as a list is (`append`); afterwards it is iterable,
    has a length, reads back as a DataFrame (`frame`) or chunk by chunk (`batches`),
    and is saved into a run directory (`save`).
    """

    def __init__(self, row_type: type, name: str, chunk_rows: int | None = None):
        self.row_type = row_type
        self.name = name
        self.schema = schema_of(row_type)
        self.chunk_rows = chunk_rows if chunk_rows is not None else chunk_rows_default()
        if self.chunk_rows < 1:
            raise ValueError("chunk_rows must be >= 1")
        self._buf: list = []
        self._spilled = 0          # rows in the spill file
        self._spill: _Spill | None = None
        self._finalizer = None
        self.closed = False

    # -- recording

    def append(self, row: tuple) -> None:
        """One row: a `row_type` or a plain tuple of its fields in order (what the model's hot
        paths append; rows read back as `row_type`)."""
        buf = self._buf
        buf.append(row)
        if len(buf) >= self.chunk_rows:
            self._write_chunk()

    def _write_chunk(self) -> None:
        if self._spill is None:
            self._spill = _Spill(self.name, self.schema)
            self._finalizer = weakref.finalize(self, self._spill.remove)
        self._spill.writer.write_table(rows_table(self._buf, self.schema), row_group_size=len(self._buf))
        self._spilled += len(self._buf)
        self._buf = []

    def close(self) -> None:
        """The run is over: flush what is left into the spill file (if there is one) and finish it."""
        if self.closed:
            return
        self.closed = True
        if self._spill is not None:
            if self._buf:
                self._write_chunk()
            writer, self._spill.writer = self._spill.writer, None
            writer.close()

    def discard(self) -> None:
        """Drop the rows and remove the spill file now."""
        if self._finalizer is not None:
            self._finalizer()
        self._spill = self._finalizer = None
        self._buf = []
        self._spilled = 0
        self.closed = True

    @property
    def spill_path(self) -> str | None:
        return self._spill.path if self._spill is not None else None

    # -- reading back

    def __len__(self) -> int:
        return self._spilled + len(self._buf)

    def __bool__(self) -> bool:
        return len(self) > 0

    def batches(self, columns: list[str] | None = None, dictionary: tuple[str, ...] = ()) -> Iterator[pa.Table]:
        """The rows in the order they were appended, one chunk (an Arrow table) at a time; the
        `dictionary` columns read dictionary-encoded from disk (rows still in memory stay plain)."""
        path = self._finished_spill()
        if path is not None:
            reader = pq.ParquetFile(path, read_dictionary=list(dictionary) or None)
            for i in range(reader.num_row_groups):
                yield reader.read_row_group(i, columns=columns)
            return
        table = rows_table(self._buf, self.schema)
        yield table.select(columns) if columns is not None else table

    def _finished_spill(self) -> str | None:
        """The spill file to read the rows from (None: they are all in memory)."""
        if self._spill is None:
            return None
        if not self.closed:
            raise RuntimeError(f"the {self.name} log is still being written")
        return self._spill.path

    def __iter__(self) -> Iterator:
        make = self.row_type._make
        for table in self.batches():
            yield from map(make, zip(*(col.to_pylist() for col in table.columns)))

    def table(self, columns: list[str] | None = None, dictionary: tuple[str, ...] = ()) -> pa.Table:
        """All rows as one Arrow table; the `dictionary` columns dictionary-encoded (a column of
        a few distinct strings then costs 4 bytes a row, and reads into pandas as categorical)."""
        path = self._finished_spill()
        if path is not None:
            return pq.ParquetFile(path, read_dictionary=list(dictionary) or None).read(columns=columns)
        table = rows_table(self._buf, self.schema)
        if columns is not None:
            table = table.select(columns)
        for name in dictionary:
            i = table.schema.get_field_index(name)
            table = table.set_column(i, name, dictionary_encode(table.column(name)))
        return table

    def frame(self) -> pd.DataFrame:
        """All rows as one DataFrame (read back from disk if they were spilled)."""
        return self.table().to_pandas()

    def save(self, dest: Path) -> None:
        """Write the rows as the Parquet file `dest`: the spill file itself if there is one."""
        dest = Path(dest)
        if self._spill is not None:
            self.close()
            try:
                os.link(self._spill.path, dest)
            except OSError:  # another file system, or no hard links: copy
                shutil.copyfile(self._spill.path, dest)
            return
        pq.write_table(rows_table(self._buf, self.schema), dest, use_dictionary=dictionary_columns(self.schema))


class SampleSeries:
    """A resource's daily samples (time, queue, busy) packed as doubles.

    Behaves as the list of (time, queue, busy) tuples it replaces: `append`, `len`,
    iteration; `arrays()` gives the three columns as numpy arrays."""

    __slots__ = ("_data",)

    def __init__(self):
        self._data = array("d")

    def append(self, sample) -> None:
        self._data.extend(sample)

    def __len__(self) -> int:
        return len(self._data) // 3

    def __iter__(self):
        d = self._data
        return (tuple(d[i:i + 3]) for i in range(0, len(d), 3))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        a = np.frombuffer(self._data, dtype=np.float64).reshape(-1, 3) if self._data else np.empty((0, 3))
        return a[:, 0], a[:, 1], a[:, 2]


SAMPLES_SCHEMA = pa.schema([("resource", pa.string()), ("kind", pa.string()), ("time", pa.float64()),
                            ("queue", pa.float64()), ("busy", pa.float64())])


def _resource_samples(m) -> pa.Table:
    t, q, b = m.samples.arrays()
    n = len(t)
    return pa.Table.from_arrays([arrow_array([m.name] * n, pa.string()), arrow_array([m.kind] * n, pa.string()),
                                 *(arrow_array(x, pa.float64()) for x in (t, q, b))], schema=SAMPLES_SCHEMA)


def samples_table(resources) -> pa.Table:
    """Every resource's samples (`records.ResourceSnapshot`s), resource by resource, as the table of
    samples.parquet."""
    tables = [_resource_samples(m) for m in resources]
    return pa.concat_tables(tables) if tables else empty_table(SAMPLES_SCHEMA)


def write_samples(resources, dest: Path) -> None:
    """samples.parquet, one resource at a time (one row group each): memory for one resource's days."""
    with pq.ParquetWriter(dest, SAMPLES_SCHEMA) as writer:
        wrote = False
        for m in resources:
            if len(m.samples):
                writer.write_table(_resource_samples(m))
                wrote = True
        if not wrote:
            writer.write_table(empty_table(SAMPLES_SCHEMA))
