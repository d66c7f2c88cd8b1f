"""corridor-sim: discrete-event simulation of freight on the Middle Corridor."""

import os

# pyarrow (the record logs' Parquet) on the C library's allocator, unless the user chose one: its
# default, mimalloc, keeps the pages it frees, and a process running replication after replication
# grew by 0.2-0.4 MB each (benchmarks, workload 5); with the system's it stays flat, 30 MB lower, as
# fast. Read when pyarrow first allocates, so set before it is imported (recording.py switches an
# already-imported pyarrow over), and inherited by the worker processes of an experiment.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")


def __getattr__(name: str):
    """`__version__`, looked up on first use: importing the package stays instant (the command
    installs its Ctrl-C handling before anything slow is imported; importlib.metadata takes 25 ms)."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("corridor-sim")
        except PackageNotFoundError:  # running from a source tree without install
            found = "0.0.0+unknown"
        globals()["__version__"] = found
        return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
